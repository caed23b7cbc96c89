package dev.oceanj.emulator;

import java.time.Duration;

/**
 * Faults injected into {@code /v1} answers (never into {@code /_emulator} control calls), for reliability tests.
 * Rates are fractions of requests in [0, 1]; 1.0 makes a fault deterministic.
 *
 * @param serverErrorRate     fraction of requests answered with {@code serverErrorStatus} <em>before</em> being
 *                            processed (nothing is written)
 * @param serverErrorStatus   the 5xx status injected (default 503, which clients retry)
 * @param tooManyRequestsBurst the next this-many requests are answered 429 with {@code Retry-After: 1}, then the
 *                            burst is used up
 * @param latency             delay added before every answer
 * @param dropConnectionRate  fraction of requests that are processed (writes happen) and then get their connection
 *                            cut mid-answer, as when a proxy dies: the client sees an I/O error and must retry
 *                            idempotently
 * @param dripChunkBytes      when {@code dripInterval} is positive, answers are sent in chunks of this many bytes
 * @param dripInterval        pause between drip chunks; zero sends answers at once
 */
public record Faults(
    double serverErrorRate,
    int serverErrorStatus,
    int tooManyRequestsBurst,
    Duration latency,
    double dropConnectionRate,
    int dripChunkBytes,
    Duration dripInterval) {

  public Faults {
    checkRate("serverErrorRate", serverErrorRate);
    checkRate("dropConnectionRate", dropConnectionRate);
    if (serverErrorStatus < 500 || serverErrorStatus > 599) {
      throw new IllegalArgumentException("serverErrorStatus must be 5xx, was " + serverErrorStatus);
    }
    if (tooManyRequestsBurst < 0 || dripChunkBytes < 1) {
      throw new IllegalArgumentException("tooManyRequestsBurst must be >= 0 and dripChunkBytes >= 1");
    }
    if (latency.isNegative() || dripInterval.isNegative()) {
      throw new IllegalArgumentException("latency and dripInterval must not be negative");
    }
  }

  private static void checkRate(String name, double rate) {
    if (!(rate >= 0.0 && rate <= 1.0)) {
      throw new IllegalArgumentException(name + " must be within [0, 1], was " + rate);
    }
  }

  /** No faults. */
  public static Faults none() {
    return new Faults(0.0, 503, 0, Duration.ZERO, 0.0, 64, Duration.ZERO);
  }

  public Faults withServerErrorRate(double v) {
    return new Faults(v, serverErrorStatus, tooManyRequestsBurst, latency, dropConnectionRate, dripChunkBytes, dripInterval);
  }

  public Faults withServerErrorStatus(int v) {
    return new Faults(serverErrorRate, v, tooManyRequestsBurst, latency, dropConnectionRate, dripChunkBytes, dripInterval);
  }

  public Faults withTooManyRequestsBurst(int v) {
    return new Faults(serverErrorRate, serverErrorStatus, v, latency, dropConnectionRate, dripChunkBytes, dripInterval);
  }

  public Faults withLatency(Duration v) {
    return new Faults(serverErrorRate, serverErrorStatus, tooManyRequestsBurst, v, dropConnectionRate, dripChunkBytes, dripInterval);
  }

  public Faults withDropConnectionRate(double v) {
    return new Faults(serverErrorRate, serverErrorStatus, tooManyRequestsBurst, latency, v, dripChunkBytes, dripInterval);
  }

  public Faults withDrip(int chunkBytes, Duration interval) {
    return new Faults(serverErrorRate, serverErrorStatus, tooManyRequestsBurst, latency, dropConnectionRate, chunkBytes, interval);
  }
}
