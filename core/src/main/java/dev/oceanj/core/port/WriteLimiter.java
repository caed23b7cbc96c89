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
import java.util.function.Consumer;
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
 * <p>Several writers may share one limiter (integration instances of one Port organisation in one JVM): each draws
 * through its own {@link Lane}, and waiters of one priority are served by weighted fair queuing between lanes
 * (start-time fair queuing: each lane's next waiter carries a virtual start tag, advanced by {@code 1 / weight} per
 * token; the smallest tag goes next). So a million-entity resync queued in one lane cannot starve a small resync in
 * another: while both wait, they take turns. Live events still go before resyncs, whoever's they are. A lone lane
 * pays nothing for this: a write that finds no waiter of its priority takes its token at once.
 *
 * <p>In cluster mode the org's budget is split between nodes: {@link #share(double)} sets the fraction of the
 * budget (rate and burst) this process may use; {@link #demand()} tells how much it wants; a pause after a 429 is reported to {@link #onPause} so that the other nodes pause as well, and a pause
 * they report is followed with {@link #followPause}.
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

  /**
   * How much this process wants to write: the most writes that waited at once since the previous reading, per
   * priority. A writer held back by its share has a queue; one that its share serves does not.
   *
   * @param resyncWaiting most resync writes waiting at once
   * @param liveWaiting   most live-event writes waiting at once
   */
  public record Demand(int resyncWaiting, int liveWaiting) {
    /** Both priorities together. */
    public int total() {
      return resyncWaiting + liveWaiting;
    }
  }

  /**
   * One writer's place in the limiter (an integration instance): its waiters of each priority are served in their
   * order, and in turn with the other lanes' by weight. Closing a lane fails its waiters and removes it.
   */
  public final class Lane implements AutoCloseable {
    private final String name;
    private final double weight;
    @SuppressWarnings("unchecked")
    private final ArrayDeque<Waiter>[] queues = new ArrayDeque[] {new ArrayDeque<Waiter>(), new ArrayDeque<Waiter>()};
    /** Per priority: the virtual start tag of this lane's next waiter. */
    private final double[] tags = new double[2];
    /** Guarded by the limiter. */
    private boolean closed;

    private Lane(String name, double weight) {
      this.name = name;
      this.weight = weight;
    }

    /** Completes when this lane may send one write of the given priority. */
    public CompletionStage<Void> acquire(Priority priority) {
      return WriteLimiter.this.acquire(this, priority);
    }

    /** The limiter this lane draws from (Port's headers and 429s are reported to it). */
    public WriteLimiter limiter() {
      return WriteLimiter.this;
    }

    /** Who writes through this lane (an integration identifier). */
    public String name() {
      return name;
    }

    /** Writers of this lane waiting now. */
    public int waiting() {
      synchronized (WriteLimiter.this) {
        return queues[0].size() + queues[1].size();
      }
    }

    /** Fails this lane's waiters and stops serving it; later acquisitions fail. */
    @Override
    public void close() {
      closeLane(this);
    }

    @Override
    public String toString() {
      return "Lane[" + name + ", weight " + weight + "]";
    }
  }

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
  /** The whole org budget's bucket capacity, before {@link #share}. */
  private final double fullCapacity;
  /** The live events' reserve of the whole budget, before {@link #share}. */
  private final double fullReserve;

  // All state below is guarded by `this`; completions happen outside the lock.
  /** The org's rate as configured or as Port reports it, before {@link #share}. */
  private double orgPerNano;
  /** The rate this process refills at: the org's times its share. */
  private double perNano;
  private double share = 1.0;
  private double globalCapacity;
  /** Tokens a resync write must leave in the bucket: the live events' reserve. */
  private double reserveTokens;
  private double globalTokens;
  private long lastRefill;
  private long pausedUntil;
  private final List<Lane> lanes = new ArrayList<>();
  private final Lane defaultLane;
  /** Per priority: waiters in every lane together. */
  private final int[] waiting = new int[2];
  /** Per priority: the most waiters at once since {@link #demand()} was last read. */
  private final int[] peakWaiting = new int[2];
  /** Per priority: the virtual time, the start tag of the waiter served last. */
  private final double[] virtualTime = new double[2];
  private volatile Consumer<Duration> pauseListener = d -> { };
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
    this.orgPerNano = configuredPerNano;
    this.perNano = configuredPerNano;
    this.fullCapacity = Math.max(1.0, s.burst() - Math.floor(s.perSecond() * IN_FLIGHT_ALLOWANCE_SECONDS));
    this.fullReserve = fullCapacity * s.liveEventsReservedShare();
    this.globalCapacity = fullCapacity;
    // At least one token must be left to resyncs, or a bucket of one would never serve them.
    this.reserveTokens = Math.min(fullReserve, globalCapacity - 1.0);
    this.globalTokens = globalCapacity;
    this.lastRefill = nanoClock.getAsLong();
    this.pausedUntil = lastRefill;
    this.defaultLane = new Lane("default", 1.0);
    lanes.add(defaultLane);
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

  /** Completes when the caller may send one write of the given priority (through the limiter's default lane). */
  public CompletionStage<Void> acquire(Priority priority) {
    return acquire(defaultLane, priority);
  }

  /**
   * A lane of its own for one writer (an integration instance), served in turn with the other lanes.
   *
   * @param name   who writes through it (for logs)
   * @param weight its share relative to the other lanes' while they all wait (1 for equal turns)
   */
  public Lane lane(String name, double weight) {
    if (!(weight > 0) || Double.isInfinite(weight)) {
      throw new IllegalArgumentException("a write-limiter lane's weight must be positive, was " + weight);
    }
    synchronized (this) {
      if (closed) {
        throw new IllegalStateException("write limiter closed");
      }
      Lane lane = new Lane(name, weight);
      lanes.add(lane);
      return lane;
    }
  }

  /** The lanes open now, the default one included. */
  public synchronized int lanes() {
    return lanes.size();
  }

  private CompletionStage<Void> acquire(Lane lane, Priority priority) {
    List<CompletableFuture<Void>> ready;
    CompletableFuture<Void> mine;
    int p = priority.ordinal();
    synchronized (this) {
      if (closed || lane.closed) {
        return CompletableFuture.failedFuture(new IllegalStateException("write limiter closed"));
      }
      long now = nanoClock.getAsLong();
      refill(now);
      if (waiting[p] == 0 && now >= pausedUntil && canTake(priority)) {
        take();
        count(priority, 0);
        return CompletableFuture.completedFuture(null);
      }
      mine = new CompletableFuture<>();
      ArrayDeque<Waiter> queue = lane.queues[p];
      if (queue.isEmpty()) {
        // A lane that starts waiting joins at the current virtual time: it gets no credit for having been idle.
        lane.tags[p] = Math.max(lane.tags[p], virtualTime[p]);
      }
      queue.addLast(new Waiter(mine, now));
      waiting[p]++;
      peakWaiting[p] = Math.max(peakWaiting[p], waiting[p]);
      ready = serve(now);
    }
    complete(ready);
    return mine;
  }

  private void closeLane(Lane lane) {
    List<Waiter> dropped = new ArrayList<>();
    synchronized (this) {
      if (lane == defaultLane || lane.closed) {
        return;
      }
      lane.closed = true;
      lanes.remove(lane);
      for (int p = 0; p < 2; p++) {
        waiting[p] -= lane.queues[p].size();
        dropped.addAll(lane.queues[p]);
        lane.queues[p].clear();
      }
    }
    dropped.forEach(w -> w.future().completeExceptionally(new IllegalStateException("write-limiter lane closed")));
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
          orgPerNano = Math.min(configuredPerNano, portPerNano);
          perNano = orgPerNano * share;
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
   * does not. The {@link #onPause} listener hears of it.
   */
  public void pauseFor(Duration d) {
    followPause(d);
    pauseListener.accept(d);
  }

  /**
   * Stops every writer for {@code d} from now because another process sharing the org's budget was told to pause
   * (its 429); unlike {@link #pauseFor}, the {@link #onPause} listener does not hear of it.
   */
  public void followPause(Duration d) {
    List<CompletableFuture<Void>> ready;
    synchronized (this) {
      long now = nanoClock.getAsLong();
      refill(now);
      pauseUntilNanos(now + d.toNanos());
      ready = serve(now);
    }
    complete(ready);
  }

  /** Who hears of every pause Port asked for ({@link #pauseFor}); called on the thread that reported the 429. */
  public void onPause(Consumer<Duration> listener) {
    this.pauseListener = listener == null ? d -> { } : listener;
  }

  /**
   * Uses {@code fraction} of the org's budget from now: the rate (as configured or as Port reports it) and the
   * burst are scaled by it. 1 is the whole budget (a process alone); cluster mode sets each node's share.
   *
   * @param fraction within (0, 1]
   */
  public void share(double fraction) {
    if (!(fraction > 0) || fraction > 1) {
      throw new IllegalArgumentException("a write-budget share must be within (0, 1], was " + fraction);
    }
    List<CompletableFuture<Void>> ready;
    synchronized (this) {
      long now = nanoClock.getAsLong();
      refill(now);
      share = fraction;
      perNano = orgPerNano * fraction;
      globalCapacity = Math.max(1.0, fullCapacity * fraction);
      reserveTokens = Math.max(0.0, Math.min(fullReserve * fraction, globalCapacity - 1.0));
      globalTokens = Math.min(globalTokens, globalCapacity);
      ready = serve(now);
    }
    complete(ready);
  }

  /** The fraction of the org's budget this limiter uses (1 unless {@link #share(double)} said otherwise). */
  public synchronized double share() {
    return share;
  }

  /** The rate this limiter refills at now, in writes per second: the org's rate times the share. */
  public synchronized double ratePerSecond() {
    return perNano * NANOS_PER_SECOND;
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
    return waiting[0] + waiting[1];
  }

  /**
   * The most writers that waited at once since the previous call, per priority (cluster mode publishes it as this
   * node's demand); starts the next period from the writers waiting now.
   */
  public synchronized Demand demand() {
    Demand d = new Demand(peakWaiting[Priority.RESYNC.ordinal()], peakWaiting[Priority.LIVE_EVENT.ordinal()]);
    peakWaiting[0] = waiting[0];
    peakWaiting[1] = waiting[1];
    return d;
  }

  /** Writers of one priority waiting now, in every lane. */
  public synchronized int waiting(Priority p) {
    return waiting[p.ordinal()];
  }

  /** Fails every waiter and stops the scheduler if the limiter owns it. */
  @Override
  public void close() {
    List<Waiter> dropped = new ArrayList<>();
    synchronized (this) {
      closed = true;
      for (Lane lane : lanes) {
        for (ArrayDeque<Waiter> q : lane.queues) {
          dropped.addAll(q);
          q.clear();
        }
      }
      waiting[0] = 0;
      waiting[1] = 0;
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
    if (waiting[0] > 0 || waiting[1] > 0) {
      scheduleDrain(now, nextReadyAt(now));
    }
    return ready;
  }

  private void serveQueue(Priority p, long now, List<CompletableFuture<Void>> ready) {
    int i = p.ordinal();
    while (waiting[i] > 0 && canTake(p)) {
      Lane lane = nextLane(i);
      Waiter w = lane.queues[i].pollFirst();
      waiting[i]--;
      virtualTime[i] = lane.tags[i];
      lane.tags[i] += 1.0 / lane.weight;
      take();
      count(p, now - w.since());
      ready.add(w.future());
    }
  }

  /** The waiting lane with the smallest start tag (the first of equals): weighted fair queuing. */
  private Lane nextLane(int priority) {
    Lane best = null;
    for (Lane lane : lanes) {
      if (!lane.queues[priority].isEmpty() && (best == null || lane.tags[priority] < best.tags[priority])) {
        best = lane;
      }
    }
    return best;
  }

  private long nextReadyAt(long now) {
    long at = Math.max(now, pausedUntil);
    double missing;
    if (waiting[Priority.LIVE_EVENT.ordinal()] > 0) {
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
