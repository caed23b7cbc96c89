package dev.oceanj.core.port;

import dev.oceanj.core.config.PortSettings;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;

/**
 * How long to wait before a retry: what Port asks for ({@code Retry-After}, {@code x-ratelimit-reset}), else
 * exponential backoff with jitter; always capped.
 */
final class RetryTiming {

  /** Ocean's rule: an all-digit value above this is a UNIX epoch, not a number of seconds. */
  static final long EPOCH_THRESHOLD = 10_000;

  private final PortSettings.Retry settings;

  RetryTiming(PortSettings.Retry settings) {
    this.settings = settings;
  }

  /**
   * Parses a {@code Retry-After} / {@code x-ratelimit-reset} value into a wait from {@code now}: seconds
   * (fractions allowed), an epoch in seconds (values above 10,000), an HTTP date (RFC 1123) or an ISO-8601 instant.
   * Empty when the value is none of these. Negative waits (a date in the past) become zero.
   */
  static Optional<Duration> parseWait(String value, Instant now) {
    if (value == null) {
      return Optional.empty();
    }
    String v = value.trim();
    if (v.isEmpty()) {
      return Optional.empty();
    }
    if (v.chars().allMatch(c -> (c >= '0' && c <= '9') || c == '.') && v.chars().filter(c -> c == '.').count() <= 1
        && !v.equals(".")) {
      double d;
      try {
        d = Double.parseDouble(v);
      } catch (NumberFormatException e) {
        return Optional.empty();
      }
      if (d > EPOCH_THRESHOLD) {
        long millis = (long) (d * 1000) - now.toEpochMilli();
        return Optional.of(Duration.ofMillis(Math.max(0, millis)));
      }
      return Optional.of(Duration.ofMillis((long) Math.ceil(d * 1000)));
    }
    Instant at = null;
    try {
      at = ZonedDateTime.parse(v, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
    } catch (DateTimeParseException e) {
      try {
        at = OffsetDateTime.parse(v).toInstant();
      } catch (DateTimeParseException e2) {
        try {
          at = Instant.parse(v);
        } catch (DateTimeParseException e3) {
          return Optional.empty();
        }
      }
    }
    Duration d = Duration.between(now, at);
    return Optional.of(d.isNegative() ? Duration.ZERO : d);
  }

  /**
   * The wait before retry number {@code retry} (1 for the first retry): Port's hint when it gave one, else
   * {@code base × 2^(retry-1)} spread by ± jitter; capped at {@code max-delay} either way.
   */
  Duration delay(int retry, Optional<Duration> portHint) {
    Duration cap = settings.maxDelay();
    if (portHint.isPresent()) {
      Duration h = portHint.get();
      return h.compareTo(cap) > 0 ? cap : h;
    }
    double base = settings.baseDelay().toNanos() * Math.pow(2, Math.min(retry - 1, 40));
    double jitter = settings.jitter();
    if (jitter > 0) {
      base *= 1.0 + ThreadLocalRandom.current().nextDouble(-jitter, jitter);
    }
    long nanos = (long) Math.min(base, cap.toNanos());
    return Duration.ofNanos(Math.max(0, nanos));
  }
}
