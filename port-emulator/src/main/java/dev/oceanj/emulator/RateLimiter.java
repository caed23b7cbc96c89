package dev.oceanj.emulator;

import dev.oceanj.emulator.RateLimits.Budget;
import dev.oceanj.emulator.RateLimits.RouteFamily;
import java.time.Clock;
import java.util.EnumMap;
import java.util.Map;

/**
 * Enforces {@link RateLimits}: one token bucket per route family for the whole organisation (as Port limits per
 * organisation). Buckets start full.
 */
final class RateLimiter {

  /** The verdict for one request, with what goes into the {@code x-ratelimit-*} headers. */
  record Decision(boolean allowed, Budget budget, long remaining, long resetEpochSeconds, long retryAfterSeconds) {}

  private final Clock clock;
  private volatile RateLimits limits;
  private volatile Map<RouteFamily, Bucket> buckets;

  RateLimiter(Clock clock, RateLimits limits) {
    this.clock = clock;
    set(limits);
  }

  RateLimits limits() {
    return limits;
  }

  void set(RateLimits newLimits) {
    Map<RouteFamily, Bucket> b = new EnumMap<>(RouteFamily.class);
    long now = clock.millis();
    newLimits.budgets().forEach((f, budget) -> b.put(f, new Bucket(budget, now)));
    this.buckets = b;
    this.limits = newLimits;
  }

  /** Null when limits are off. */
  Decision take(RouteFamily family) {
    if (!limits.enabled()) {
      return null;
    }
    return buckets.get(family).take(clock.millis());
  }

  private static final class Bucket {
    private final Budget budget;
    private final double perMs;
    private double tokens;
    private long last;

    Bucket(Budget budget, long now) {
      this.budget = budget;
      this.perMs = budget.perSecond() / 1000.0;
      this.tokens = budget.burst();
      this.last = now;
    }

    synchronized Decision take(long now) {
      if (now > last) {
        tokens = Math.min(budget.burst(), tokens + (now - last) * perMs);
        last = now;
      }
      boolean allowed = tokens >= 1.0;
      if (allowed) {
        tokens -= 1.0;
      }
      long msToFull = (long) Math.ceil((budget.burst() - tokens) / perMs);
      long reset = (now + msToFull + 999) / 1000;
      long retryAfter = allowed ? 0 : Math.max(1, (long) Math.ceil((1.0 - tokens) / perMs / 1000.0));
      return new Decision(allowed, budget, (long) Math.floor(tokens), reset, retryAfter);
    }
  }
}
