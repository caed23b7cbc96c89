package dev.oceanj.core.port;

import dev.oceanj.core.config.PortSettings;
import java.net.URI;
import java.time.Duration;
import java.util.Objects;

/**
 * How a {@link HttpPortClient} reaches Port: where, with which credentials, how patiently, how fast. Built from the
 * validated {@code ocean.port} settings ({@link PortSettings}), aimed at the configured Port or at the embedded
 * emulator; nothing here reads configuration.
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
    PortSettings.Retry retry,
    PortSettings.RateLimit rateLimit) {

  /** Timeout of opening one connection (not a setting: Ocean's httpx default). */
  public static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(10);

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

  /** The shipped {@code ocean.port} defaults ({@link PortSettings#defaults()}) aimed at {@code baseUrl} (tests). */
  public static PortClientSettings of(URI baseUrl, String clientId, String clientSecret) {
    return from(PortSettings.defaults(), baseUrl, clientId, clientSecret);
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
    return new PortClientSettings(baseUrl, clientId, clientSecret, port.tokenRefreshSkew(), port.requestTimeout(),
        CONNECT_TIMEOUT, port.maxConnections(), port.retry(), port.rateLimit());
  }

  private static void requirePositive(String key, Duration d, boolean zeroAllowed) {
    Objects.requireNonNull(d, key);
    if (d.isNegative() || (!zeroAllowed && d.isZero())) {
      throw new IllegalArgumentException("ocean.port." + key + " must be positive, was " + d);
    }
  }

  /** A copy with other retry settings. */
  public PortClientSettings withRetry(PortSettings.Retry r) {
    return new PortClientSettings(baseUrl, clientId, clientSecret, tokenRefreshSkew, requestTimeout, connectTimeout,
        maxConnections, r, rateLimit);
  }

  /** A copy with other rate-limit settings. */
  public PortClientSettings withRateLimit(PortSettings.RateLimit r) {
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
}
