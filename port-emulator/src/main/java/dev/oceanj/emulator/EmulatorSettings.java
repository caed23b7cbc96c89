package dev.oceanj.emulator;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * How an emulator starts. Build from {@link #defaults()} with the {@code with…} methods.
 *
 * @param host             address to bind; the control endpoints answer loopback callers only
 * @param port             port to bind, 0 for a free one
 * @param clientId         the one accepted client id
 * @param clientSecret     its secret (never printed by {@link #toString()})
 * @param tokenTtl         lifetime of issued tokens (Port: 3 h)
 * @param dataDir          empty for in-memory storage, else the H2 database directory
 * @param rateLimits       Port's per-route budgets; {@link RateLimits#off()} by default
 * @param faults           faults injected from the start; {@link Faults#none()} by default
 * @param organizationId   the id {@code GET /v1/organization} answers
 * @param featureFlags     the organization's feature flags
 * @param kafkaCredentials credentials {@code GET /v1/kafka-credentials} answers; empty answers 404
 * @param clock            the server clock for {@code createdAt}/{@code updatedAt} and token expiry
 */
public record EmulatorSettings(
    String host,
    int port,
    String clientId,
    String clientSecret,
    Duration tokenTtl,
    Optional<Path> dataDir,
    RateLimits rateLimits,
    Faults faults,
    String organizationId,
    List<String> featureFlags,
    Optional<KafkaCredentials> kafkaCredentials,
    Clock clock) {

  /** Default client id of a standalone emulator. */
  public static final String DEFAULT_CLIENT_ID = "emulator-client-id";
  /** Default client secret of a standalone emulator. */
  public static final String DEFAULT_CLIENT_SECRET = "emulator-client-secret";

  public EmulatorSettings {
    Objects.requireNonNull(host, "host");
    Objects.requireNonNull(clientId, "clientId");
    Objects.requireNonNull(clientSecret, "clientSecret");
    Objects.requireNonNull(tokenTtl, "tokenTtl");
    Objects.requireNonNull(dataDir, "dataDir");
    Objects.requireNonNull(rateLimits, "rateLimits");
    Objects.requireNonNull(faults, "faults");
    Objects.requireNonNull(organizationId, "organizationId");
    Objects.requireNonNull(kafkaCredentials, "kafkaCredentials");
    Objects.requireNonNull(clock, "clock");
    featureFlags = List.copyOf(featureFlags);
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException("port must be 0..65535, was " + port);
    }
    if (tokenTtl.isNegative() || tokenTtl.isZero()) {
      throw new IllegalArgumentException("tokenTtl must be positive, was " + tokenTtl);
    }
  }

  /** 127.0.0.1 on a free port, the default credentials, 3 h tokens, in memory, no rate limits, no faults. */
  public static EmulatorSettings defaults() {
    return new EmulatorSettings("127.0.0.1", 0, DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET, Duration.ofHours(3),
        Optional.empty(), RateLimits.off(), Faults.none(), "org_emulator", List.of(), Optional.empty(),
        Clock.systemUTC());
  }

  public EmulatorSettings withHost(String v) {
    return new EmulatorSettings(v, port, clientId, clientSecret, tokenTtl, dataDir, rateLimits, faults, organizationId, featureFlags, kafkaCredentials, clock);
  }

  public EmulatorSettings withPort(int v) {
    return new EmulatorSettings(host, v, clientId, clientSecret, tokenTtl, dataDir, rateLimits, faults, organizationId, featureFlags, kafkaCredentials, clock);
  }

  public EmulatorSettings withClientId(String v) {
    return new EmulatorSettings(host, port, v, clientSecret, tokenTtl, dataDir, rateLimits, faults, organizationId, featureFlags, kafkaCredentials, clock);
  }

  public EmulatorSettings withClientSecret(String v) {
    return new EmulatorSettings(host, port, clientId, v, tokenTtl, dataDir, rateLimits, faults, organizationId, featureFlags, kafkaCredentials, clock);
  }

  public EmulatorSettings withTokenTtl(Duration v) {
    return new EmulatorSettings(host, port, clientId, clientSecret, v, dataDir, rateLimits, faults, organizationId, featureFlags, kafkaCredentials, clock);
  }

  public EmulatorSettings withDataDir(Optional<Path> v) {
    return new EmulatorSettings(host, port, clientId, clientSecret, tokenTtl, v, rateLimits, faults, organizationId, featureFlags, kafkaCredentials, clock);
  }

  public EmulatorSettings withDataDir(Path v) {
    return withDataDir(Optional.of(v));
  }

  public EmulatorSettings withRateLimits(RateLimits v) {
    return new EmulatorSettings(host, port, clientId, clientSecret, tokenTtl, dataDir, v, faults, organizationId, featureFlags, kafkaCredentials, clock);
  }

  public EmulatorSettings withOrganizationId(String v) {
    return new EmulatorSettings(host, port, clientId, clientSecret, tokenTtl, dataDir, rateLimits, faults, v, featureFlags, kafkaCredentials, clock);
  }

  public EmulatorSettings withFeatureFlags(List<String> v) {
    return new EmulatorSettings(host, port, clientId, clientSecret, tokenTtl, dataDir, rateLimits, faults, organizationId, v, kafkaCredentials, clock);
  }

  public EmulatorSettings withKafkaCredentials(Optional<KafkaCredentials> v) {
    return new EmulatorSettings(host, port, clientId, clientSecret, tokenTtl, dataDir, rateLimits, faults, organizationId, featureFlags, v, clock);
  }

  public EmulatorSettings withClock(Clock v) {
    return new EmulatorSettings(host, port, clientId, clientSecret, tokenTtl, dataDir, rateLimits, faults, organizationId, featureFlags, kafkaCredentials, v);
  }

  @Override
  public String toString() {
    return "EmulatorSettings[host=" + host + ", port=" + port + ", clientId=" + clientId + ", clientSecret=***"
        + ", tokenTtl=" + tokenTtl + ", dataDir=" + dataDir + ", rateLimits=" + rateLimits + ", faults=" + faults
        + ", organizationId=" + organizationId + ", featureFlags=" + featureFlags
        + ", kafkaCredentials=" + kafkaCredentials.map(k -> "***").orElse("none") + "]";
  }

  /**
   * What {@code GET /v1/kafka-credentials} answers.
   *
   * @param username SASL user name
   * @param password SASL password (never printed)
   */
  public record KafkaCredentials(String username, String password) {
    @Override
    public String toString() {
      return "KafkaCredentials[username=" + username + ", password=***]";
    }
  }
}
