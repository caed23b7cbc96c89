package dev.oceanj.core.port;

import dev.oceanj.core.config.PortSettings;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * The organisation-wide budget of writes to Port: one instance per process, shared by every client, kind and
 * live-event path (constructor-injected), so concurrency adapts to Port's limit instead of storming 429s.
 *
 * <p>One token bucket holds the whole budget ({@code requests-per-5-min}, capacity {@code burst}). A live-event
 * write may take any token; a resync write only while more than the live-events reserve is left (that share of the
 * bucket's capacity). Waiters are served in order within a priority; live events go first. So a webhook arriving
 * during a big resync finds the reserve's burst at once and the next refills before the resync, and a resync that
 * no live event competes with runs at Port's whole rate: the reserve is kept, not wasted. (A second bucket for
 * resyncs, refilled at the rest of the rate, would hold every long resync to four fifths of Port's rate even when no
 * webhook ever came.)
 *
 * <p>The bucket starts from the configured limits and then follows Port: every response to a write reports
 * {@code x-ratelimit-remaining} (the bucket never holds more than that), {@code x-ratelimit-limit} with
 * {@code x-ratelimit-period} (the rate never exceeds it), and a 429 pauses every writer until Port's reset.
 *
 * <p>{@link #acquire} never blocks a thread: it completes a stage when a token is free, from the limiter's own
 * scheduler thread.
 */
public final class WriteLimiter implements AutoCloseable {

  /** Who is writing: live events may use the share resyncs leave free. */
  public enum Priority {
    /** Resync writes: bulk upserts and reconciliation deletes. */
    RESYNC,
    /** Live-event writes: they may use the whole budget. */
    LIVE_EVENT
  }

  /**
   * Waiting figures since start, per priority and overall, for {@code rate_limit_wait_seconds}.
   *
   * @param acquired       tokens handed out
   * @param delayed        of which had to wait
   * @param totalWait      time spent waiting, summed over every acquisition
   * @param maxWait        longest single wait
   * @param pauses         times Port told the limiter to stop (429, or nothing remaining)
   */
  public record Stats(long acquired, long delayed, Duration totalWait, Duration maxWait, long pauses) {}

  private static final long NANOS_PER_SECOND = 1_000_000_000L;
  /**
   * The bucket refills this much slower than the budget. Port's clock and ours tick differently (whole
   * milliseconds there), so a client refilling at exactly Port's rate meets an empty bucket now and then; 2 % is
   * enough to stay behind Port's refill and keeps 98 % of the budget.
   */
  static final double RATE_MARGIN = 0.98;
  /**
   * The bucket holds the burst minus what refills in this long. Our token is taken when a request leaves, Port's
   * when it arrives; if Port's bucket is full meanwhile, its refill of that gap is lost while ours is not, and after
   * a full burst we would be that many tokens ahead. A quarter second covers a slow round trip.
   */
  static final double IN_FLIGHT_ALLOWANCE_SECONDS = 0.25;

  private final boolean enabled;
  private final LongSupplier nanoClock;
  private final ScheduledExecutorService scheduler;
  private final boolean ownsScheduler;
  private final double configuredPerNano;
  private final double globalCapacity;
  /** Tokens a resync write must leave in the bucket: the live events' reserve. */
  private final double reserveTokens;

  // All state below is guarded by `this`; completions happen outside the lock.
  private double perNano;
  private double globalTokens;
  private long lastRefill;
  private long pausedUntil;
  private final ArrayDeque<Waiter> liveWaiters = new ArrayDeque<>();
  private final ArrayDeque<Waiter> resyncWaiters = new ArrayDeque<>();
  private ScheduledFuture<?> drain;
  private long drainAt;
  private final long[] acquired = new long[2];
  private final long[] delayed = new long[2];
  private final long[] waitNanos = new long[2];
  private final long[] maxWaitNanos = new long[2];
  private long pauses;
  private boolean closed;

  private record Waiter(CompletableFuture<Void> future, long since) {}

  private WriteLimiter(PortSettings.RateLimit s, LongSupplier nanoClock, ScheduledExecutorService scheduler,
      boolean ownsScheduler) {
    this.enabled = s.enabled();
    this.nanoClock = nanoClock;
    this.scheduler = scheduler;
    this.ownsScheduler = ownsScheduler;
    this.configuredPerNano = s.perSecond() * RATE_MARGIN / NANOS_PER_SECOND;
    this.perNano = configuredPerNano;
    this.globalCapacity = Math.max(1.0, s.burst() - Math.floor(s.perSecond() * IN_FLIGHT_ALLOWANCE_SECONDS));
    // At least one token must be left to resyncs, or a bucket of one would never serve them.
    this.reserveTokens = Math.min(globalCapacity * s.liveEventsReservedShare(), globalCapacity - 1.0);
    this.globalTokens = globalCapacity;
    this.lastRefill = nanoClock.getAsLong();
    this.pausedUntil = lastRefill;
  }

  /** A limiter with its own daemon scheduler thread; close it at shutdown. */
  public static WriteLimiter create(PortSettings.RateLimit settings) {
    ScheduledExecutorService s = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "oceanj-port-write-limiter");
      t.setDaemon(true);
      return t;
    });
    return new WriteLimiter(settings, System::nanoTime, s, true);
  }

  /** A limiter on a given clock and scheduler, for tests. The scheduler is not shut down by {@link #close}. */
  static WriteLimiter create(PortSettings.RateLimit settings, LongSupplier nanoClock, ScheduledExecutorService scheduler) {
    return new WriteLimiter(settings, nanoClock, scheduler, false);
  }

  /** A limiter that never delays (rate limiting disabled); 429s still pause it. */
  public static WriteLimiter unlimited() {
    return create(new PortSettings.RateLimit(false, 35_000, 3_500, 0.0));
  }

  /** Whether the limiter shapes writes at all. */
  public boolean enabled() {
    return enabled;
  }

  /** Completes when the caller may send one write of the given priority. */
  public CompletionStage<Void> acquire(Priority priority) {
    List<CompletableFuture<Void>> ready;
    CompletableFuture<Void> mine;
    synchronized (this) {
      if (closed) {
        return CompletableFuture.failedFuture(new IllegalStateException("write limiter closed"));
      }
      long now = nanoClock.getAsLong();
      refill(now);
      ArrayDeque<Waiter> queue = queue(priority);
      if (queue.isEmpty() && now >= pausedUntil && canTake(priority)) {
        take();
        count(priority, 0);
        return CompletableFuture.completedFuture(null);
      }
      mine = new CompletableFuture<>();
      queue.addLast(new Waiter(mine, now));
      ready = serve(now);
    }
    complete(ready);
    return mine;
  }

  /**
   * Follows Port's view of the budget, from the {@code x-ratelimit-*} headers of a write's response.
   *
   * @param limit      requests allowed per period, if sent
   * @param remaining  requests left, if sent
   * @param resetEpochSeconds when the budget is whole again (epoch seconds), if sent
   * @param periodSeconds the period {@code limit} applies to in seconds, if sent (Port: 300)
   */
  public void observe(OptionalLong limit, OptionalLong remaining, OptionalLong resetEpochSeconds,
      OptionalLong periodSeconds) {
    if (!enabled && remaining.isEmpty()) {
      return;
    }
    synchronized (this) {
      long now = nanoClock.getAsLong();
      refill(now);
      // Without its period a limit says nothing about a rate, so it only counts when both are sent.
      if (limit.isPresent() && limit.getAsLong() > 0 && periodSeconds.isPresent()) {
        long period = periodSeconds.getAsLong();
        if (period > 0) {
          double portPerNano = (double) limit.getAsLong() / period * RATE_MARGIN / NANOS_PER_SECOND;
          // Never faster than configured, never faster than Port says: a lower Port limit wins.
          perNano = Math.min(configuredPerNano, portPerNano);
        }
      }
      if (remaining.isPresent() && enabled) {
        long r = remaining.getAsLong();
        globalTokens = Math.min(globalTokens, r);
      }
    }
    // Nothing remaining is not a pause: the bucket is now empty and refills no faster than Port's rate, and a 429
    // (fixed-window budgets) pauses it until Port's reset.
  }

  /**
   * Stops every writer for {@code d} from now (a 429 with Retry-After); a later pause extends, an earlier one
   * does not.
   */
  public void pauseFor(Duration d) {
    List<CompletableFuture<Void>> ready;
    synchronized (this) {
      long now = nanoClock.getAsLong();
      pauseUntilNanos(now + d.toNanos());
      ready = serve(now);
    }
    complete(ready);
  }

  private void pauseUntilNanos(long until) {
    if (until > pausedUntil) {
      pausedUntil = until;
      pauses++;
      // What was in the bucket is not what Port has left: start again from empty after the pause.
      globalTokens = Math.min(globalTokens, 0.0);
    }
  }

  /** Waiting figures of one priority. */
  public synchronized Stats stats(Priority p) {
    int i = p.ordinal();
    return new Stats(acquired[i], delayed[i], Duration.ofNanos(waitNanos[i]), Duration.ofNanos(maxWaitNanos[i]), pauses);
  }

  /** Waiting figures of every priority together. */
  public synchronized Stats stats() {
    return new Stats(acquired[0] + acquired[1], delayed[0] + delayed[1], Duration.ofNanos(waitNanos[0] + waitNanos[1]),
        Duration.ofNanos(Math.max(maxWaitNanos[0], maxWaitNanos[1])), pauses);
  }

  /** Writers waiting now. */
  public synchronized int waiting() {
    return liveWaiters.size() + resyncWaiters.size();
  }

  /** Fails every waiter and stops the scheduler if the limiter owns it. */
  @Override
  public void close() {
    List<Waiter> dropped = new ArrayList<>();
    synchronized (this) {
      closed = true;
      dropped.addAll(liveWaiters);
      dropped.addAll(resyncWaiters);
      liveWaiters.clear();
      resyncWaiters.clear();
      if (drain != null) {
        drain.cancel(false);
      }
    }
    dropped.forEach(w -> w.future().completeExceptionally(new IllegalStateException("write limiter closed")));
    if (ownsScheduler) {
      scheduler.shutdownNow();
    }
  }

  // ---- internals (callers hold the lock) ----------------------------------------------------------------

  private ArrayDeque<Waiter> queue(Priority p) {
    return p == Priority.LIVE_EVENT ? liveWaiters : resyncWaiters;
  }

  private void refill(long now) {
    long elapsed = now - lastRefill;
    if (elapsed > 0) {
      lastRefill = now;
      if (now > pausedUntil) {
        long refillFrom = Math.max(now - elapsed, pausedUntil);
        double added = (now - refillFrom) * perNano;
        globalTokens = Math.min(globalCapacity, globalTokens + added);
      }
    }
  }

  private boolean canTake(Priority p) {
    if (!enabled) {
      return true;
    }
    return globalTokens >= (p == Priority.LIVE_EVENT ? 1.0 : 1.0 + reserveTokens);
  }

  private void take() {
    if (enabled) {
      globalTokens -= 1.0;
    }
  }

  private void count(Priority p, long waited) {
    int i = p.ordinal();
    acquired[i]++;
    if (waited > 0) {
      delayed[i]++;
      waitNanos[i] += waited;
      maxWaitNanos[i] = Math.max(maxWaitNanos[i], waited);
    }
  }

  /** Hands out what the buckets allow now and schedules the next hand-out; returns the futures to complete. */
  private List<CompletableFuture<Void>> serve(long now) {
    List<CompletableFuture<Void>> ready = new ArrayList<>();
    if (closed) {
      return ready;
    }
    if (now >= pausedUntil) {
      serveQueue(Priority.LIVE_EVENT, now, ready);
      serveQueue(Priority.RESYNC, now, ready);
    }
    if (!liveWaiters.isEmpty() || !resyncWaiters.isEmpty()) {
      scheduleDrain(now, nextReadyAt(now));
    }
    return ready;
  }

  private void serveQueue(Priority p, long now, List<CompletableFuture<Void>> ready) {
    ArrayDeque<Waiter> q = queue(p);
    while (!q.isEmpty() && canTake(p)) {
      Waiter w = q.pollFirst();
      take();
      count(p, now - w.since());
      ready.add(w.future());
    }
  }

  private long nextReadyAt(long now) {
    long at = Math.max(now, pausedUntil);
    double missing;
    if (!liveWaiters.isEmpty()) {
      missing = 1.0 - globalTokens;
    } else {
      missing = 1.0 + reserveTokens - globalTokens;
    }
    long refillNanos = missing <= 0 ? 0 : (long) Math.ceil(missing / perNano);
    // Tokens do not refill during a pause, so the refill time counts from its end.
    return max3(at, pausedUntil + refillNanos, now + refillNanos) + 1;
  }

  private static long max3(long a, long b, long c) {
    return Math.max(a, Math.max(b, c));
  }

  private void scheduleDrain(long now, long at) {
    if (drain != null && !drain.isDone() && drainAt <= at) {
      return;
    }
    if (drain != null) {
      drain.cancel(false);
    }
    drainAt = at;
    drain = scheduler.schedule(this::drain, Math.max(0, at - now), TimeUnit.NANOSECONDS);
  }

  private void drain() {
    List<CompletableFuture<Void>> ready;
    synchronized (this) {
      long now = nanoClock.getAsLong();
      refill(now);
      drain = null;
      ready = serve(now);
    }
    complete(ready);
  }

  private static void complete(List<CompletableFuture<Void>> ready) {
    for (CompletableFuture<Void> f : ready) {
      f.complete(null);
    }
  }
}
