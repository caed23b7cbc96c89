package dev.oceanj.actors.trigger.kafka;

import dev.oceanj.core.config.EventListenerSettings;
import dev.oceanj.core.config.Secret;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The KAFKA trigger's settings: {@code ocean.event-listener.kafka} as read and validated by the configuration reader
 * ({@link EventListenerSettings.Kafka}), with the password revealed for the consumer.
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

  /** The bootstrap servers as Kafka wants them. */
  public String bootstrapServers() {
    return String.join(",", brokers);
  }

  /** The trigger's settings of the validated {@code ocean.event-listener.kafka} record. */
  public static KafkaSettings from(EventListenerSettings.Kafka kafka) {
    return new KafkaSettings(kafka.brokers(), kafka.kafkaSecurityEnabled(), kafka.securityProtocol(),
        kafka.saslMechanism(), kafka.username(), kafka.password().map(Secret::reveal), kafka.groupId(),
        kafka.autoOffsetReset(), kafka.acceptTimeout(), kafka.restartBackoff(), kafka.client());
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
