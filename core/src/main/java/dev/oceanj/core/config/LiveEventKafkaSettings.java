package dev.oceanj.core.config;

import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The shared Kafka log of live events ({@code ocean.live-events.kafka}), used when
 * {@code ocean.live-events.intake = kafka}: every node appends the webhooks it acknowledges to {@code topic}, and
 * the nodes of one integration consume it as one consumer group.
 *
 * @param brokers bootstrap servers; required with the Kafka intake
 * @param topic the topic of live events, shared by every integration instance (the record key starts with the
 *     instance's identifier)
 * @param groupId consumer group; empty = {@code oceanj-live-<identifier>}, so the nodes running one instance share
 *     its events and each instance reads the topic on its own
 * @param partitions partitions of the topic when oceanj creates it (it is created at start if missing); events with
 *     one partition key always land in one partition, so this bounds how many nodes process at once
 * @param ackTimeout how long a webhook waits for Kafka to acknowledge its event (all in-sync replicas) before it is
 *     answered 503 ({@code delivery.timeout.ms}, {@code max.block.ms})
 * @param securityEnabled SASL on ({@code kafka-security-enabled}); false = plain connection (local brokers)
 * @param securityProtocol Kafka {@code security.protocol} when SASL is on
 * @param saslMechanism Kafka {@code sasl.mechanism} (SCRAM-SHA-512, SCRAM-SHA-256 or PLAIN)
 * @param username SASL user
 * @param password SASL password; never printed
 * @param client extra Kafka producer and consumer properties ({@code client { "linger.ms" = 5 }})
 */
public record LiveEventKafkaSettings(
    List<String> brokers,
    String topic,
    Optional<String> groupId,
    int partitions,
    Duration ackTimeout,
    boolean securityEnabled,
    String securityProtocol,
    String saslMechanism,
    Optional<String> username,
    Optional<Secret> password,
    Map<String, String> client) {

  /** The shipped default topic. */
  public static final String DEFAULT_TOPIC = "oceanj.live-events";

  /** Copies the list and the map. */
  public LiveEventKafkaSettings {
    brokers = List.copyOf(brokers);
    client = Map.copyOf(client);
  }

  /** Settings for a plain local broker, the rest at their defaults (tests). */
  public static LiveEventKafkaSettings plain(String bootstrapServers) {
    return new LiveEventKafkaSettings(List.of(bootstrapServers.split(",")), DEFAULT_TOPIC, Optional.empty(), 12,
        Duration.ofSeconds(10), false, "SASL_SSL", "SCRAM-SHA-512", Optional.empty(), Optional.empty(), Map.of());
  }

  /** The bootstrap servers as Kafka wants them. */
  public String bootstrapServers() {
    return String.join(",", brokers);
  }

  /** The consumer group of the instance {@code identifier}. */
  public String groupFor(String identifier) {
    return groupId.orElse("oceanj-live-" + identifier);
  }

  static LiveEventKafkaSettings read(ConfigReader r, boolean required) {
    String k = "ocean.live-events.kafka.";
    List<String> brokers = r.isSet(k + "brokers") ? r.stringList(k + "brokers") : List.of();
    Optional<String> username = r.optionalString(k + "username");
    Optional<Secret> password = r.secret(k + "password");
    boolean security = r.bool(k + "kafka-security-enabled", false);
    String topic = r.string(k + "topic", DEFAULT_TOPIC);
    if (topic.isBlank()) {
      r.problem(k + "topic", "must not be empty");
    }
    LiveEventKafkaSettings s = new LiveEventKafkaSettings(brokers, topic,
        r.optionalString(k + "group-id"),
        r.integer(k + "partitions", 1, 10_000, 12),
        r.duration(k + "ack-timeout", ChronoUnit.SECONDS, Duration.ofSeconds(10)),
        security,
        r.string(k + "security-protocol", "SASL_SSL"),
        r.string(k + "sasl-mechanism", "SCRAM-SHA-512"),
        username, password,
        EventListenerSettings.clientProperties(r, k + "client"));
    if (required) {
      if (brokers.isEmpty()) {
        r.problem(k + "brokers", "missing; ocean.live-events.intake = kafka needs at least one broker host:port");
      }
      if (security && (username.isEmpty() || password.isEmpty())) {
        r.problem(k + (username.isEmpty() ? "username" : "password"),
            "missing; with kafka-security-enabled = true set both ocean.live-events.kafka.username and .password");
      }
    }
    return s;
  }

  @Override
  public String toString() {
    return "LiveEventKafkaSettings[brokers=" + brokers + ", topic=" + topic + ", groupId=" + groupId
        + ", partitions=" + partitions + ", ackTimeout=" + ackTimeout + ", securityEnabled=" + securityEnabled
        + ", securityProtocol=" + securityProtocol + ", saslMechanism=" + saslMechanism + ", username="
        + username.orElse("") + ", password=" + (password.isPresent() ? "****" : "") + ", client=" + client.keySet()
        + "]";
  }
}
