package dev.oceanj.actors.trigger.kafka;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import dev.oceanj.core.config.EventListenerSettings;
import dev.oceanj.core.config.Secret;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The KAFKA trigger's settings: {@code ocean.event-listener.kafka} as validated by the config, plus a few knobs
 * only oceanj has (see {@link #from}).
 *
 * @param brokers bootstrap servers; Ocean's default is Port's public brokers
 * @param securityEnabled SASL on ({@code kafka-security-enabled}, default true)
 * @param securityProtocol default {@code SASL_SSL}
 * @param saslMechanism default {@code SCRAM-SHA-512} ({@code authentication-mechanism})
 * @param username SASL user; empty: asked from Port's {@code GET /v1/kafka-credentials}
 * @param password SASL password; never printed
 * @param groupId consumer group; empty: {@code {orgId}.{type}.{identifier}}
 * @param autoOffsetReset where a new consumer group starts: {@code latest} (Ocean's) or {@code earliest}
 * @param acceptTimeout how long to wait for the supervisor to accept a resync before the message is left
 *     uncommitted and the consumer restarts
 * @param restartBackoff delay before re-resolving and restarting a consumer that stopped or failed to start
 * @param clientProperties extra Kafka consumer properties ({@code ocean.event-listener.kafka.client {…}})
 */
public record KafkaSettings(
    List<String> brokers,
    boolean securityEnabled,
    String securityProtocol,
    String saslMechanism,
    Optional<String> username,
    Optional<String> password,
    Optional<String> groupId,
    String autoOffsetReset,
    Duration acceptTimeout,
    Duration restartBackoff,
    Map<String, String> clientProperties) {

  public static final String PATH = "ocean.event-listener";

  /** Port's public brokers, Ocean's default. */
  public static final List<String> PORT_BROKERS = List.of(
      "b-1-public.publicclusterprod.t9rw6w.c1.kafka.eu-west-1.amazonaws.com:9196",
      "b-2-public.publicclusterprod.t9rw6w.c1.kafka.eu-west-1.amazonaws.com:9196",
      "b-3-public.publicclusterprod.t9rw6w.c1.kafka.eu-west-1.amazonaws.com:9196");

  public KafkaSettings {
    brokers = List.copyOf(brokers);
    clientProperties = Map.copyOf(clientProperties);
    if (brokers.isEmpty()) {
      throw new IllegalArgumentException(PATH + ".kafka.brokers: at least one broker is required");
    }
    if (!autoOffsetReset.equals("latest") && !autoOffsetReset.equals("earliest")) {
      throw new IllegalArgumentException(
          PATH + ".kafka.auto-offset-reset: expected latest or earliest, was '" + autoOffsetReset + "'");
    }
  }

  /** Ocean's defaults: Port's brokers over SASL_SSL/SCRAM-SHA-512, credentials from Port. */
  public static KafkaSettings defaults() {
    return new KafkaSettings(PORT_BROKERS, true, "SASL_SSL", "SCRAM-SHA-512", Optional.empty(), Optional.empty(),
        Optional.empty(), "latest", Duration.ofSeconds(30), Duration.ofSeconds(5), Map.of());
  }

  /** The bootstrap servers as Kafka wants them. */
  public String bootstrapServers() {
    return String.join(",", brokers);
  }

  /**
   * Builds the trigger's settings from the validated {@code ocean.event-listener.kafka} record, plus the keys only
   * oceanj has, read from {@code config} with defaults when absent: {@code auto-offset-reset},
   * {@code accept-timeout}, {@code restart-backoff} and the {@code client {…}} block of raw consumer properties.
   *
   * @throws IllegalArgumentException naming the key when one of those is malformed
   */
  public static KafkaSettings from(EventListenerSettings.Kafka kafka, Config config) {
    KafkaSettings d = defaults();
    String k = PATH + ".kafka.";
    try {
      String reset = config.hasPath(k + "auto-offset-reset") ? config.getString(k + "auto-offset-reset") : d.autoOffsetReset();
      Duration accept = config.hasPath(k + "accept-timeout") ? config.getDuration(k + "accept-timeout") : d.acceptTimeout();
      Duration backoff = config.hasPath(k + "restart-backoff") ? config.getDuration(k + "restart-backoff") : d.restartBackoff();
      Map<String, String> client = new LinkedHashMap<>();
      if (config.hasPath(k + "client")) {
        config.getConfig(k + "client").entrySet()
            .forEach(e -> client.put(e.getKey().replace("\"", ""), String.valueOf(e.getValue().unwrapped())));
      }
      return new KafkaSettings(kafka.brokers().isEmpty() ? d.brokers() : kafka.brokers(), kafka.kafkaSecurityEnabled(),
          kafka.securityProtocol(), kafka.saslMechanism(), kafka.username(), kafka.password().map(Secret::reveal),
          kafka.groupId(), reset, accept, backoff, client);
    } catch (ConfigException e) {
      throw new IllegalArgumentException(e.getMessage(), e);
    }
  }

  @Override
  public String toString() {
    return "KafkaSettings[brokers=" + brokers + ", securityEnabled=" + securityEnabled + ", securityProtocol="
        + securityProtocol + ", saslMechanism=" + saslMechanism + ", username=" + username.orElse("(from Port)")
        + ", password=" + (password.isPresent() ? "****" : "(from Port)") + ", groupId=" + groupId
        + ", autoOffsetReset=" + autoOffsetReset
        + ", acceptTimeout=" + acceptTimeout + ", restartBackoff=" + restartBackoff + ", clientProperties="
        + clientProperties.keySet() + "]";
  }
}
