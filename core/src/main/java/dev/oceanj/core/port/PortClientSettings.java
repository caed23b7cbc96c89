package dev.oceanj.core.port;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import dev.oceanj.core.config.PortSettings;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.Objects;

/**
 * How a {@link HttpPortClient} reaches Port: where, with which credentials, how patiently, how fast.
 *
 * <p>{@link #toString()} masks the client secret, so the record can be logged whole.
 *
 * @param baseUrl           Port's API root without {@code /v1} (e.g. {@code https://api.getport.io})
 * @param clientId          machine credentials: client id
 * @param clientSecret      machine credentials: client secret (never printed)
 * @param tokenRefreshSkew  a token is refreshed this long before it expires (at most half its lifetime)
 * @param requestTimeout    timeout of one HTTP exchange, all phases
 * @param connectTimeout    timeout of opening one connection
 * @param maxConnections    requests in flight at once (the connection pool's size)
 * @param retry             what is retried, how often and how patiently
 * @param rateLimit         the org-wide write budget the {@link WriteLimiter} starts from
 */
public record PortClientSettings(
    URI baseUrl,
    String clientId,
    String clientSecret,
    Duration tokenRefreshSkew,
    Duration requestTimeout,
    Duration connectTimeout,
    int maxConnections,
    RetrySettings retry,
    RateLimitSettings rateLimit) {

  /** Port's limit on every request body (port-api-limits.md §4.2). */
  public static final int MAX_BODY_BYTES = 1024 * 1024;
  /** Port's limit on entities per bulk upsert. */
  public static final int MAX_BULK_UPSERT = 20;
  /** Port's limit on identifiers per bulk delete. */
  public static final int MAX_BULK_DELETE = 100;

  public PortClientSettings {
    Objects.requireNonNull(baseUrl, "baseUrl");
    Objects.requireNonNull(clientId, "clientId");
    Objects.requireNonNull(clientSecret, "clientSecret");
    Objects.requireNonNull(retry, "retry");
    Objects.requireNonNull(rateLimit, "rateLimit");
    requirePositive("token-refresh-skew", tokenRefreshSkew, true);
    requirePositive("request-timeout", requestTimeout, false);
    requirePositive("connect-timeout", connectTimeout, false);
    if (maxConnections < 1) {
      throw new IllegalArgumentException("ocean.port.max-connections must be at least 1, was " + maxConnections);
    }
    if (baseUrl.getScheme() == null || baseUrl.getHost() == null) {
      throw new IllegalArgumentException("ocean.port.base-url must be an absolute http(s) URL, was " + baseUrl);
    }
    String s = baseUrl.toString();
    if (s.endsWith("/")) {
      baseUrl = URI.create(s.substring(0, s.length() - 1));
    }
  }

  /** Settings with Ocean's defaults for everything but the address and credentials. */
  public static PortClientSettings of(URI baseUrl, String clientId, String clientSecret) {
    return new PortClientSettings(baseUrl, clientId, clientSecret, Duration.ofSeconds(60), Duration.ofSeconds(60),
        Duration.ofSeconds(10), 100, RetrySettings.defaults(), RateLimitSettings.defaults());
  }

  /**
   * Reads {@code ocean.port.*} from {@code c} (the whole application config). Fails naming the key when one is
   * missing or malformed, or when the credentials are not set.
   */
  public static PortClientSettings fromConfig(Config c) {
    String root = "ocean.port";
    try {
      Config p = c.getConfig(root);
      String clientId = requiredString(p, root, "client-id");
      String clientSecret = requiredString(p, root, "client-secret");
      URI baseUrl;
      try {
        baseUrl = new URI(p.getString("base-url"));
      } catch (URISyntaxException e) {
        throw new IllegalArgumentException(root + ".base-url is not a URL: " + e.getMessage(), e);
      }
      Duration connect = p.hasPath("connect-timeout") ? p.getDuration("connect-timeout") : Duration.ofSeconds(10);
      Config r = p.getConfig("retry");
      RetrySettings retry = new RetrySettings(r.getInt("max-attempts"), r.getDuration("base-delay"),
          r.getDuration("max-delay"), r.getDouble("jitter"));
      Config l = p.getConfig("rate-limit");
      RateLimitSettings rate = new RateLimitSettings(l.getBoolean("enabled"), l.getInt("requests-per-5-min"),
          l.getInt("burst"), l.getDouble("live-events-reserved-share"));
      return new PortClientSettings(baseUrl, clientId, clientSecret, p.getDuration("token-refresh-skew"),
          p.getDuration("request-timeout"), connect, p.getInt("max-connections"), retry, rate);
    } catch (ConfigException e) {
      throw new IllegalArgumentException("invalid Port client configuration: " + e.getMessage(), e);
    }
  }

  /**
   * The client settings of the runtime's validated {@code ocean.port} settings.
   *
   * @throws IllegalArgumentException when they hold no credentials (the runtime then talks to its embedded emulator:
   *     use {@link #from(PortSettings, URI, String, String)})
   */
  public static PortClientSettings from(PortSettings port) {
    PortSettings.Credentials c = port.credentials().orElseThrow(() -> new IllegalArgumentException(
        "ocean.port.client-id and ocean.port.client-secret are not set"));
    return from(port, port.baseUrl(), c.clientId(), c.clientSecret().reveal());
  }

  /** The client settings of {@code ocean.port}, aimed at {@code baseUrl} with these credentials (the emulator's). */
  public static PortClientSettings from(PortSettings port, URI baseUrl, String clientId, String clientSecret) {
    PortSettings.Retry r = port.retry();
    PortSettings.RateLimit l = port.rateLimit();
    return new PortClientSettings(baseUrl, clientId, clientSecret, port.tokenRefreshSkew(), port.requestTimeout(),
        Duration.ofSeconds(10), port.maxConnections(),
        new RetrySettings(r.maxAttempts(), r.baseDelay(), r.maxDelay(), r.jitter()),
        new RateLimitSettings(l.enabled(), l.requestsPer5Min(), l.burst(), l.liveEventsReservedShare()));
  }

  private static String requiredString(Config p, String root, String key) {
    if (!p.hasPath(key) || p.getString(key).isBlank()) {
      throw new IllegalArgumentException(root + "." + key + " is not set");
    }
    return p.getString(key);
  }

  private static void requirePositive(String key, Duration d, boolean zeroAllowed) {
    Objects.requireNonNull(d, key);
    if (d.isNegative() || (!zeroAllowed && d.isZero())) {
      throw new IllegalArgumentException("ocean.port." + key + " must be positive, was " + d);
    }
  }

  /** A copy with other retry settings. */
  public PortClientSettings withRetry(RetrySettings r) {
    return new PortClientSettings(baseUrl, clientId, clientSecret, tokenRefreshSkew, requestTimeout, connectTimeout,
        maxConnections, r, rateLimit);
  }

  /** A copy with other rate-limit settings. */
  public PortClientSettings withRateLimit(RateLimitSettings r) {
    return new PortClientSettings(baseUrl, clientId, clientSecret, tokenRefreshSkew, requestTimeout, connectTimeout,
        maxConnections, retry, r);
  }

  /** A copy with another token refresh skew. */
  public PortClientSettings withTokenRefreshSkew(Duration d) {
    return new PortClientSettings(baseUrl, clientId, clientSecret, d, requestTimeout, connectTimeout,
        maxConnections, retry, rateLimit);
  }

  /** A copy with another request timeout. */
  public PortClientSettings withRequestTimeout(Duration d) {
    return new PortClientSettings(baseUrl, clientId, clientSecret, tokenRefreshSkew, d, connectTimeout,
        maxConnections, retry, rateLimit);
  }

  /** A copy with another pool size. */
  public PortClientSettings withMaxConnections(int n) {
    return new PortClientSettings(baseUrl, clientId, clientSecret, tokenRefreshSkew, requestTimeout, connectTimeout,
        n, retry, rateLimit);
  }

  @Override
  public String toString() {
    return "PortClientSettings[baseUrl=" + baseUrl + ", clientId=" + clientId + ", clientSecret=****"
        + ", tokenRefreshSkew=" + tokenRefreshSkew + ", requestTimeout=" + requestTimeout
        + ", connectTimeout=" + connectTimeout + ", maxConnections=" + maxConnections + ", retry=" + retry
        + ", rateLimit=" + rateLimit + "]";
  }

  /**
   * Retry policy of the transport.
   *
   * @param maxAttempts retries after the first send (10 means up to 11 sends), as Ocean counts them
   * @param baseDelay   first backoff; doubles per retry unless Port says how long to wait
   * @param maxDelay    cap of any single wait, including one Port asks for
   * @param jitter      random spread of each backoff as a fraction (0.1 = ±10 %)
   */
  public record RetrySettings(int maxAttempts, Duration baseDelay, Duration maxDelay, double jitter) {
    public RetrySettings {
      if (maxAttempts < 0) {
        throw new IllegalArgumentException("ocean.port.retry.max-attempts must be >= 0, was " + maxAttempts);
      }
      requirePositive("retry.base-delay", baseDelay, true);
      requirePositive("retry.max-delay", maxDelay, true);
      if (!(jitter >= 0.0 && jitter <= 1.0)) {
        throw new IllegalArgumentException("ocean.port.retry.jitter must be within [0, 1], was " + jitter);
      }
    }

    /** Ocean's Port client: 10 retries, 0.3 s doubling, capped at 300 s, ±10 %. */
    public static RetrySettings defaults() {
      return new RetrySettings(10, Duration.ofMillis(300), Duration.ofSeconds(300), 0.1);
    }
  }

  /**
   * The org-wide write budget.
   *
   * @param enabled                  whether writes are shaped at all (off: only 429s slow the client down)
   * @param requestsPer5Min          steady budget (Port's entities API: 35,000 per 5 min)
   * @param burst                    requests allowed at once above the steady rate (Port: 3,500)
   * @param liveEventsReservedShare  fraction of the burst that resync writes must leave for live events (which also
   *                                 go first)
   */
  public record RateLimitSettings(boolean enabled, int requestsPer5Min, int burst, double liveEventsReservedShare) {
    public RateLimitSettings {
      if (requestsPer5Min < 1 || burst < 1) {
        throw new IllegalArgumentException("ocean.port.rate-limit.requests-per-5-min and burst must be >= 1, were "
            + requestsPer5Min + " and " + burst);
      }
      if (!(liveEventsReservedShare >= 0.0 && liveEventsReservedShare < 1.0)) {
        throw new IllegalArgumentException(
            "ocean.port.rate-limit.live-events-reserved-share must be within [0, 1), was " + liveEventsReservedShare);
      }
    }

    /** Port's entities API budget, a fifth of its burst reserved for live events. */
    public static RateLimitSettings defaults() {
      return new RateLimitSettings(true, 35_000, 3_500, 0.2);
    }

    /** A copy with another live-events share. */
    public RateLimitSettings withShare(double share) {
      return new RateLimitSettings(enabled, requestsPer5Min, burst, share);
    }

    /** Steady rate in requests per second. */
    public double perSecond() {
      return requestsPer5Min / 300.0;
    }
  }
}
