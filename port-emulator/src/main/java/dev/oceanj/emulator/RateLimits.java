package dev.oceanj.emulator;

import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;

/**
 * Port's rate limits per route family (docs.port.io api-reference/rate-limits, 2026): a budget of requests per
 * period, of which {@code burst} may come at once. The emulator enforces each budget as a token bucket of capacity
 * {@code burst}, refilled at {@code limit / period}, and answers 429 with {@code Retry-After} when it is empty.
 *
 * @param enabled whether limits are enforced (and {@code x-ratelimit-*} headers sent)
 * @param budgets the budget of each route family
 */
public record RateLimits(boolean enabled, Map<RouteFamily, Budget> budgets) {

  public RateLimits {
    budgets = Map.copyOf(budgets);
    for (RouteFamily f : RouteFamily.values()) {
      if (!budgets.containsKey(f)) {
        throw new IllegalArgumentException("rate limits lack a budget for " + f);
      }
    }
  }

  /** Which budget a request draws from. */
  public enum RouteFamily {
    /** {@code POST /v1/auth/access_token}. */
    UNAUTHENTICATED,
    /** Entity reads and deletes, the datasource listing. */
    ENTITIES,
    /** Blueprint routes (and scorecards under a blueprint). */
    BLUEPRINTS,
    /** {@code POST /v1/entities/search}. */
    SEARCH,
    /** {@code POST /v1/blueprints/{bp}/entities}. */
    SINGLE_UPSERT,
    /** {@code POST /v1/blueprints/{bp}/entities/bulk}. */
    BULK_UPSERT,
    /** Everything else. */
    OTHER
  }

  /**
   * One budget.
   *
   * @param limit  requests allowed per period
   * @param period the period (Port: 5 minutes)
   * @param burst  requests allowed at once (the bucket's capacity)
   */
  public record Budget(long limit, Duration period, long burst) {
    public Budget {
      if (limit <= 0 || burst <= 0 || period.isZero() || period.isNegative()) {
        throw new IllegalArgumentException("a rate-limit budget needs a positive limit, burst and period: " + limit + "/" + period + " burst " + burst);
      }
    }

    /** Steady refill rate in requests per second. */
    public double perSecond() {
      return limit / (period.toMillis() / 1000.0);
    }
  }

  /** Port's published budgets, enforced. */
  public static RateLimits port() {
    Duration five = Duration.ofMinutes(5);
    Map<RouteFamily, Budget> b = new EnumMap<>(RouteFamily.class);
    b.put(RouteFamily.UNAUTHENTICATED, new Budget(100, five, 10));
    b.put(RouteFamily.ENTITIES, new Budget(35_000, five, 3_500));
    b.put(RouteFamily.BLUEPRINTS, new Budget(15_000, five, 1_500));
    b.put(RouteFamily.SEARCH, new Budget(35_000, five, 3_500));
    b.put(RouteFamily.SINGLE_UPSERT, new Budget(10_000, five, 200));
    b.put(RouteFamily.BULK_UPSERT, new Budget(35_000, five, 3_500));
    b.put(RouteFamily.OTHER, new Budget(15_000, five, 1_500));
    return new RateLimits(true, b);
  }

  /** Port's budgets, not enforced (the default). */
  public static RateLimits off() {
    return new RateLimits(false, port().budgets);
  }

  /** A copy with one family's budget replaced (and limits enabled). */
  public RateLimits with(RouteFamily family, Budget budget) {
    Map<RouteFamily, Budget> b = new EnumMap<>(budgets);
    b.put(family, budget);
    return new RateLimits(true, b);
  }
}
