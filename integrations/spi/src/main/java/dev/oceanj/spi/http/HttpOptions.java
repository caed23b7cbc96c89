package dev.oceanj.spi.http;

import java.time.Duration;
import java.util.Objects;

/**
 * How a {@link ThirdPartyHttp} behaves. Start from {@link #defaults()} and change what differs.
 *
 * @param maxConcurrency the most requests in flight at once (a request holds its slot from sending until its
 *     body was read, not while it waits to be retried); at least 1
 * @param timeout each attempt's bound, from sending until the response headers arrive; the body reader has its
 *     own pace
 * @param maxRetries retries after the first attempt (so {@code maxRetries + 1} sends at most); 0 disables
 * @param initialBackoff the first wait when the server gave no hint; doubled per retry, ±10 % jitter
 * @param maxBackoff the longest wait, also for server hints ({@code Retry-After}, rate-limit reset headers)
 * @param retryNonIdempotent whether POST and PATCH are retried too (off, as in Ocean: they may not be safe twice)
 * @param verifyTls whether servers' certificates and host names are verified (on); off sends every request of the
 *     helper through the host's client without verification (Ocean's {@code verify_ssl: false}), which a host may
 *     not offer ({@link dev.oceanj.spi.IntegrationDefinition#http} then throws)
 * @since 0.2
 */
public record HttpOptions(int maxConcurrency, Duration timeout, int maxRetries, Duration initialBackoff,
    Duration maxBackoff, boolean retryNonIdempotent, boolean verifyTls) {

  public HttpOptions {
    if (maxConcurrency < 1) {
      throw new IllegalArgumentException("maxConcurrency must be at least 1, was " + maxConcurrency);
    }
    if (maxRetries < 0) {
      throw new IllegalArgumentException("maxRetries must not be negative, was " + maxRetries);
    }
    Objects.requireNonNull(timeout, "timeout");
    Objects.requireNonNull(initialBackoff, "initialBackoff");
    Objects.requireNonNull(maxBackoff, "maxBackoff");
    if (timeout.isNegative() || timeout.isZero()) {
      throw new IllegalArgumentException("timeout must be positive, was " + timeout);
    }
  }

  /** As the canonical constructor, verifying TLS (the 0.2 form, before {@link #verifyTls()}). */
  public HttpOptions(int maxConcurrency, Duration timeout, int maxRetries, Duration initialBackoff,
      Duration maxBackoff, boolean retryNonIdempotent) {
    this(maxConcurrency, timeout, maxRetries, initialBackoff, maxBackoff, retryNonIdempotent, true);
  }

  /**
   * 10 concurrent requests, 60 s timeout, 10 retries from 100 ms up to 60 s, POST and PATCH not retried, TLS
   * verified.
   */
  public static HttpOptions defaults() {
    return new HttpOptions(10, Duration.ofSeconds(60), 10, Duration.ofMillis(100), Duration.ofSeconds(60), false,
        true);
  }

  /** A copy with another {@link #maxConcurrency()}. */
  public HttpOptions withMaxConcurrency(int n) {
    return new HttpOptions(n, timeout, maxRetries, initialBackoff, maxBackoff, retryNonIdempotent, verifyTls);
  }

  /** A copy with another {@link #timeout()}. */
  public HttpOptions withTimeout(Duration d) {
    return new HttpOptions(maxConcurrency, d, maxRetries, initialBackoff, maxBackoff, retryNonIdempotent, verifyTls);
  }

  /** A copy with other retry bounds. */
  public HttpOptions withRetries(int retries, Duration initial, Duration max) {
    return new HttpOptions(maxConcurrency, timeout, retries, initial, max, retryNonIdempotent, verifyTls);
  }

  /** A copy that verifies no certificate and no host name: any server is trusted, so use only where asked. */
  public HttpOptions withoutTlsVerification() {
    return new HttpOptions(maxConcurrency, timeout, maxRetries, initialBackoff, maxBackoff, retryNonIdempotent, false);
  }
}
