package dev.oceanj.core.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueType;
import dev.oceanj.core.port.PortLimits;
import java.net.URI;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * What triggers resyncs and which capabilities run ({@code ocean.event-listener}).
 *
 * @param type the listener type
 * @param shouldResync whether resyncs run at all (explicit setting, else what {@code type} implies)
 * @param shouldProcessWebhooks whether live events are processed
 * @param shouldRunActions whether self-service actions run
 * @param polling POLLING's settings
 * @param webhook WEBHOOK's settings
 * @param kafka KAFKA's settings
 */
public record EventListenerSettings(
    EventListenerType type,
    boolean shouldResync,
    boolean shouldProcessWebhooks,
    boolean shouldRunActions,
    Polling polling,
    Webhook webhook,
    Kafka kafka) {

  /** Checks for nulls. */
  public EventListenerSettings {
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(polling, "polling");
    Objects.requireNonNull(webhook, "webhook");
    Objects.requireNonNull(kafka, "kafka");
  }

  /**
   * POLLING's settings.
   *
   * @param interval time between two resync-request checks
   * @param resyncOnStart whether to resync once at start without waiting for a request
   */
  public record Polling(Duration interval, boolean resyncOnStart) {}

  /**
   * WEBHOOK's settings.
   *
   * @param appHost the public URL Port calls ({@code app-host}, else {@code ocean.base-url}); required for WEBHOOK
   * @param token an optional shared secret Port's calls must carry
   */
  public record Webhook(Optional<URI> appHost, Optional<Secret> token) {}

  /**
   * KAFKA's settings.
   *
   * @param brokers bootstrap servers
   * @param securityProtocol Kafka {@code security.protocol}
   * @param saslMechanism Kafka {@code sasl.mechanism}
   * @param username SASL user; empty = fetched from Port
   * @param password SASL password; empty = fetched from Port
   * @param groupId consumer group; empty = {@code <orgId>.<type>.<identifier>}
   * @param consumerPollTimeout longest wait of one poll
   * @param kafkaSecurityEnabled false = plain connection without SASL/TLS
   * @param autoOffsetReset where a new consumer group starts: {@code latest} (Ocean's) or {@code earliest}
   * @param acceptTimeout how long a message waits for the supervisor to accept its resync before it is left
   *     uncommitted and the consumer restarts
   * @param restartBackoff wait before a consumer that stopped or could not start is started again
   * @param client extra Kafka consumer properties ({@code client { "max.poll.records" = 10 }})
   */
  public record Kafka(
      List<String> brokers, String securityProtocol, String saslMechanism, Optional<String> username,
      Optional<Secret> password, Optional<String> groupId, Duration consumerPollTimeout,
      boolean kafkaSecurityEnabled, String autoOffsetReset, Duration acceptTimeout, Duration restartBackoff,
      Map<String, String> client) {
    /** Copies the list and the map. */
    public Kafka {
      brokers = List.copyOf(brokers);
      client = Map.copyOf(client);
    }
  }

  /** Reads {@code ocean.event-listener} from a root config (defaults already merged in). */
  public static EventListenerSettings fromConfig(Config config) {
    ConfigReader r = new ConfigReader(OceanKeys.normalize(config, null));
    EventListenerSettings s = read(r);
    r.throwIfProblems();
    return s;
  }

  static EventListenerSettings read(ConfigReader r) {
    String p = "ocean.event-listener.";
    EventListenerType type = r.choice(p + "type", EventListenerType::parse,
        ConfigReader.names(EventListenerType.class), EventListenerType.POLLING);
    Polling polling = new Polling(
        r.duration(p + "polling.interval", ChronoUnit.SECONDS, Duration.ofSeconds(60)),
        r.bool(p + "polling.resync-on-start", true));
    Optional<URI> appHost = r.optionalHttpUrl(p + "webhook.app-host");
    if (appHost.isEmpty() && !r.isSet(p + "webhook.app-host")) {
      appHost = r.optionalHttpUrl("ocean.base-url");
    }
    if (type == EventListenerType.WEBHOOK && appHost.isEmpty() && !r.isSet(p + "webhook.app-host")
        && !r.isSet("ocean.base-url")) {
      r.problem(p + "webhook.app-host", "missing; the WEBHOOK listener needs the public URL Port calls: set "
          + "OCEAN__EVENT_LISTENER__APP_HOST, ocean.event-listener.webhook.app-host or ocean.base-url");
    }
    Webhook webhook = new Webhook(appHost, r.secret(p + "webhook.token"));
    String k = p + "kafka.";
    // Unset (null): Port's public brokers, Ocean's default; they are kept in one place, PortLimits.
    List<String> brokers = r.isSet(k + "brokers") ? r.stringList(k + "brokers") : PortLimits.KAFKA_BROKERS;
    Optional<String> username = r.optionalString(k + "username");
    Optional<Secret> password = r.secret(k + "password");
    Kafka kafka = new Kafka(brokers,
        r.string(k + "security-protocol", "SASL_SSL"),
        r.string(k + "sasl-mechanism", "SCRAM-SHA-512"),
        username, password,
        r.optionalString(k + "group-id"),
        r.duration(k + "consumer-poll-timeout", ChronoUnit.SECONDS, Duration.ofSeconds(1)),
        r.bool(k + "kafka-security-enabled", true),
        r.choice(k + "auto-offset-reset", v -> List.of("LATEST", "EARLIEST").contains(v) ? v.toLowerCase(Locale.ROOT)
            : null, List.of("latest", "earliest"), "latest"),
        r.duration(k + "accept-timeout", ChronoUnit.SECONDS, Duration.ofSeconds(30)),
        r.duration(k + "restart-backoff", ChronoUnit.SECONDS, Duration.ofSeconds(5)),
        clientProperties(r, k + "client"));
    if (type == EventListenerType.KAFKA) {
      if (brokers.isEmpty()) {
        r.problem(k + "brokers", "missing; the KAFKA listener needs at least one broker host:port");
      }
      if (username.isPresent() != password.isPresent()) {
        r.problem(k + (username.isPresent() ? "password" : "username"),
            "missing; set both ocean.event-listener.kafka.username and .password, or neither to fetch them from Port");
      }
    }
    return new EventListenerSettings(type,
        r.optionalBool(p + "should-resync").orElse(type.resyncsByDefault()),
        r.optionalBool(p + "should-process-webhooks").orElse(type.processesWebhooksByDefault()),
        r.optionalBool(p + "should-run-actions").orElse(type.runsActionsByDefault()),
        polling, webhook, kafka);
  }

  /** Extra Kafka client properties at {@code path} (an object of strings); none when unset. */
  static Map<String, String> clientProperties(ConfigReader r, String path) {
    ConfigValue v = r.valueOrNull(path);
    if (v == null) {
      return Map.of();
    }
    if (v.valueType() != ConfigValueType.OBJECT) {
      r.problem(path, "expected an object of Kafka consumer properties, got " + ConfigReader.describe(v));
      return Map.of();
    }
    Map<String, String> out = new LinkedHashMap<>();
    r.config().getConfig(path).entrySet()
        .forEach(e -> out.put(e.getKey().replace("\"", ""), String.valueOf(e.getValue().unwrapped())));
    return out;
  }
}
