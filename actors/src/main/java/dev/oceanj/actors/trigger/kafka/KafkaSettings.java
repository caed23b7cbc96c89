package dev.oceanj.actors.trigger.kafka;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The KAFKA listener's settings, read from {@code ocean.event-listener.kafka.*} or, for Ocean compatibility,
 * the same keys directly under {@code ocean.event-listener} ({@code OCEAN__EVENT_LISTENER__BROKERS} etc.).
 *
 * @param brokers bootstrap servers; Ocean's default is Port's public brokers
 * @param securityEnabled SASL on ({@code kafka-security-enabled}, default true)
 * @param securityProtocol default {@code SASL_SSL}
 * @param saslMechanism default {@code SCRAM-SHA-512} ({@code authentication-mechanism})
 * @param username SASL user; empty: asked from Port's {@code GET /v1/kafka-credentials}
 * @param password SASL password; never printed
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
        "latest", Duration.ofSeconds(30), Duration.ofSeconds(5), Map.of());
  }

  /** The bootstrap servers as Kafka wants them. */
  public String bootstrapServers() {
    return String.join(",", brokers);
  }

  /**
   * Reads the settings; absent keys take Ocean's defaults.
   *
   * @throws IllegalArgumentException naming the key when a value is malformed
   */
  public static KafkaSettings fromConfig(Config config) {
    KafkaSettings d = defaults();
    try {
      List<String> brokers = find(config, "brokers").map(path -> parseBrokers(config, path)).orElse(d.brokers());
      boolean security = find(config, "kafka-security-enabled", "security-enabled")
          .map(config::getBoolean).orElse(d.securityEnabled());
      String protocol = find(config, "security-protocol").map(config::getString).orElse(d.securityProtocol());
      String mechanism = find(config, "authentication-mechanism", "sasl-mechanism")
          .map(config::getString).orElse(d.saslMechanism());
      Optional<String> username = find(config, "username").map(config::getString).filter(s -> !s.isBlank());
      Optional<String> password = find(config, "password").map(config::getString).filter(s -> !s.isBlank());
      String reset = find(config, "auto-offset-reset").map(config::getString).orElse(d.autoOffsetReset());
      Duration accept = find(config, "accept-timeout").map(config::getDuration).orElse(d.acceptTimeout());
      Duration backoff = find(config, "restart-backoff").map(config::getDuration).orElse(d.restartBackoff());
      Map<String, String> client = new LinkedHashMap<>();
      if (config.hasPath(PATH + ".kafka.client")) {
        config.getConfig(PATH + ".kafka.client").entrySet()
            .forEach(e -> client.put(e.getKey().replace("\"", ""), String.valueOf(e.getValue().unwrapped())));
      }
      return new KafkaSettings(brokers, security, protocol, mechanism, username, password, reset, accept, backoff, client);
    } catch (ConfigException e) {
      throw new IllegalArgumentException(e.getMessage(), e);
    }
  }

  /** The first present of {@code kafka.<name>} and the flat Ocean key {@code <name>}, for each name. */
  private static Optional<String> find(Config config, String... names) {
    for (String name : names) {
      for (String path : List.of(PATH + ".kafka." + name, PATH + "." + name)) {
        if (config.hasPath(path)) {
          return Optional.of(path);
        }
      }
    }
    return Optional.empty();
  }

  /** A list, a comma-separated string, or (Ocean) a JSON array in a string. */
  private static List<String> parseBrokers(Config config, String path) {
    Object value = config.getValue(path).unwrapped();
    List<String> result = new ArrayList<>();
    if (value instanceof List<?> list) {
      list.forEach(item -> result.add(String.valueOf(item).trim()));
    } else {
      String text = String.valueOf(value).trim();
      if (text.startsWith("[")) {
        try {
          JsonNode array = new ObjectMapper().readTree(text);
          array.forEach(node -> result.add(node.asText().trim()));
        } catch (java.io.IOException e) {
          throw new IllegalArgumentException(path + ": not a JSON array of brokers: " + e.getMessage(), e);
        }
      } else {
        Arrays.stream(text.split(",")).map(String::trim).forEach(result::add);
      }
    }
    result.removeIf(String::isEmpty);
    return result;
  }

  @Override
  public String toString() {
    return "KafkaSettings[brokers=" + brokers + ", securityEnabled=" + securityEnabled + ", securityProtocol="
        + securityProtocol + ", saslMechanism=" + saslMechanism + ", username=" + username.orElse("(from Port)")
        + ", password=" + (password.isPresent() ? "****" : "(from Port)") + ", autoOffsetReset=" + autoOffsetReset
        + ", acceptTimeout=" + acceptTimeout + ", restartBackoff=" + restartBackoff + ", clientProperties="
        + clientProperties.keySet() + "]";
  }
}
