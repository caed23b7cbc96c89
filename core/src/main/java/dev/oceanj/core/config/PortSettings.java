package dev.oceanj.core.config;

import com.typesafe.config.Config;
import java.net.URI;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.Objects;
import java.util.Optional;

/**
 * How oceanj talks to Port ({@code ocean.port}).
 *
 * @param credentials machine credentials; empty means the embedded Port emulator is used
 * @param baseUrl Port API root without {@code /v1} and without a trailing slash
 * @param portAppConfigCacheTtl how long a fetched mapping is reused
 * @param blueprintCacheTtl how long a fetched blueprint is reused
 * @param featureFlagsCacheTtl how long the organisation's feature flags are reused
 * @param tokenRefreshSkew how long before expiry an access token is refreshed
 * @param requestTimeout timeout of one request
 * @param maxConnections concurrent connections to Port
 * @param retry retry policy of failed requests
 * @param rateLimit the org-wide write limiter
 */
public record PortSettings(
    Optional<Credentials> credentials,
    URI baseUrl,
    Duration portAppConfigCacheTtl,
    Duration blueprintCacheTtl,
    Duration featureFlagsCacheTtl,
    Duration tokenRefreshSkew,
    Duration requestTimeout,
    int maxConnections,
    Retry retry,
    RateLimit rateLimit) {

  /** Port's public API, used when {@code base-url} is not set. */
  public static final URI DEFAULT_BASE_URL = URI.create("https://api.getport.io");

  /** Checks for nulls. */
  public PortSettings {
    Objects.requireNonNull(credentials, "credentials");
    Objects.requireNonNull(baseUrl, "baseUrl");
    Objects.requireNonNull(retry, "retry");
    Objects.requireNonNull(rateLimit, "rateLimit");
  }

  /**
   * Port machine credentials.
   *
   * @param clientId the client id
   * @param clientSecret the client secret (masked when printed)
   */
  public record Credentials(String clientId, Secret clientSecret) {
    /** Checks for nulls. */
    public Credentials {
      Objects.requireNonNull(clientId, "clientId");
      Objects.requireNonNull(clientSecret, "clientSecret");
    }
  }

  /**
   * Retry policy ({@code ocean.port.retry}), Ocean's by default.
   *
   * @param maxAttempts retries after the first send
   * @param baseDelay first backoff, doubled per attempt
   * @param maxDelay cap of one wait
   * @param jitter random spread of a wait, as a fraction in [0, 1]
   */
  public record Retry(int maxAttempts, Duration baseDelay, Duration maxDelay, double jitter) {
    /** Checks the bounds the reader checks, for records built in code. */
    public Retry {
      if (maxAttempts < 0 || baseDelay.isNegative() || maxDelay.isNegative() || !(jitter >= 0.0 && jitter <= 1.0)) {
        throw new IllegalArgumentException("ocean.port.retry: expected max-attempts >= 0, delays >= 0 and jitter in"
            + " [0, 1], got " + maxAttempts + ", " + baseDelay + ", " + maxDelay + ", " + jitter);
      }
    }
  }

  /**
   * The org-wide write limiter ({@code ocean.port.rate-limit}).
   *
   * @param enabled whether writes are shaped at all
   * @param requestsPer5Min steady budget per 5 minutes
   * @param burst requests allowed above the steady rate at once
   * @param liveEventsReservedShare fraction of the burst a resync must leave for live events, in [0, 1)
   */
  public record RateLimit(boolean enabled, int requestsPer5Min, int burst, double liveEventsReservedShare) {
    /** Checks the bounds the reader checks, for records built in code. */
    public RateLimit {
      if (requestsPer5Min < 1 || burst < 1) {
        throw new IllegalArgumentException("ocean.port.rate-limit.requests-per-5-min and burst must be >= 1, were "
            + requestsPer5Min + " and " + burst);
      }
      if (!(liveEventsReservedShare >= 0.0 && liveEventsReservedShare < 1.0)) {
        throw new IllegalArgumentException(
            "ocean.port.rate-limit.live-events-reserved-share must be within [0, 1), was " + liveEventsReservedShare);
      }
    }

    /** A copy with another live-events share. */
    public RateLimit withShare(double share) {
      return new RateLimit(enabled, requestsPer5Min, burst, share);
    }

    /** Steady rate in requests per second. */
    public double perSecond() {
      return requestsPer5Min / 300.0;
    }
  }

  /** The shipped defaults of {@code ocean.port} ({@code config/application.conf}): no credentials. */
  public static PortSettings defaults() {
    return OceanSettings.fromConfig(OceanSettings.defaults()).port();
  }

  /** True when no credentials are set, so the runtime starts and uses the embedded Port emulator. */
  public boolean usesEmbeddedEmulator() {
    return credentials.isEmpty();
  }

  /** A copy pointing at {@code url} (the runtime uses it to aim at the embedded emulator it started). */
  public PortSettings withBaseUrl(URI url) {
    return new PortSettings(credentials, url, portAppConfigCacheTtl, blueprintCacheTtl, featureFlagsCacheTtl,
        tokenRefreshSkew, requestTimeout, maxConnections, retry, rateLimit);
  }

  /** Reads {@code ocean.port} from a root config (defaults already merged in). */
  public static PortSettings fromConfig(Config config) {
    ConfigReader r = new ConfigReader(config);
    PortSettings s = read(r);
    r.throwIfProblems();
    return s;
  }

  static PortSettings read(ConfigReader r) {
    String p = "ocean.port.";
    Optional<String> id = r.optionalString(p + "client-id");
    Optional<Secret> secret = r.secret(p + "client-secret");
    if (id.isPresent() && secret.isEmpty()) {
      r.problem(p + "client-secret", "missing; expected the Port client secret because ocean.port.client-id is set ("
          + r.source(p + "client-id") + "); set OCEAN__PORT__CLIENT_SECRET or ocean.port.client-secret");
    } else if (id.isEmpty() && secret.isPresent()) {
      r.problem(p + "client-id", "missing; expected the Port client id because ocean.port.client-secret is set ("
          + r.source(p + "client-secret") + "); set OCEAN__PORT__CLIENT_ID or ocean.port.client-id");
    }
    URI baseUrl = r.optionalHttpUrl(p + "base-url").orElse(DEFAULT_BASE_URL);
    if (id.isEmpty() && secret.isEmpty() && r.isSet(p + "base-url") && !r.isDefault(p + "base-url")) {
      r.problem(p + "base-url", "set without credentials; expected ocean.port.client-id and ocean.port.client-secret "
          + "as well (without all three, oceanj uses its embedded Port emulator)");
    }
    Optional<Credentials> credentials = id.isPresent() && secret.isPresent()
        ? Optional.of(new Credentials(id.get(), secret.get())) : Optional.empty();
    Duration one = Duration.ofSeconds(1);
    Retry retry = new Retry(
        r.integer(p + "retry.max-attempts", 0, 1000, 10),
        r.duration(p + "retry.base-delay", ChronoUnit.SECONDS, one),
        r.duration(p + "retry.max-delay", ChronoUnit.SECONDS, one),
        r.decimal(p + "retry.jitter", 0, 1, 0.1));
    if (retry.baseDelay().compareTo(retry.maxDelay()) > 0) {
      r.problem(p + "retry.base-delay", "expected at most ocean.port.retry.max-delay (" + retry.maxDelay() + ")");
    }
    RateLimit rateLimit = new RateLimit(
        r.bool(p + "rate-limit.enabled", true),
        r.integer(p + "rate-limit.requests-per-5-min", 1, Integer.MAX_VALUE, 1),
        r.integer(p + "rate-limit.burst", 1, Integer.MAX_VALUE, 1),
        r.decimal(p + "rate-limit.live-events-reserved-share", 0, 0.99, 0));
    return new PortSettings(credentials, baseUrl,
        r.duration(p + "port-app-config-cache-ttl", ChronoUnit.SECONDS, one),
        r.duration(p + "blueprint-cache-ttl", ChronoUnit.SECONDS, one),
        r.duration(p + "feature-flags-cache-ttl", ChronoUnit.SECONDS, one),
        r.duration(p + "token-refresh-skew", ChronoUnit.SECONDS, one),
        r.duration(p + "request-timeout", ChronoUnit.SECONDS, one),
        r.integer(p + "max-connections", 1, 10_000, 1),
        retry, rateLimit);
  }
}
