package dev.oceanj.core.port;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.oceanj.core.config.PortSettings;
import dev.oceanj.core.port.WriteLimiter.Priority;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;

class WriteLimiterTest {

  /** A budget so slow that nothing refills during a test: only the burst counts. */
  private static PortSettings.RateLimit frozen(int burst, double reserve) {
    return new PortSettings.RateLimit(true, 1, burst, reserve);
  }

  private static List<CompletableFuture<Void>> acquire(WriteLimiter l, Priority p, int n) {
    List<CompletableFuture<Void>> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      out.add(l.acquire(p).toCompletableFuture());
    }
    return out;
  }

  private static long done(List<CompletableFuture<Void>> fs) {
    return fs.stream().filter(CompletableFuture::isDone).count();
  }

  private static void await(BooleanSupplier condition, Duration within) {
    dev.oceanj.testsupport.Await.until("the condition", within, condition);
  }

  /** A limiter on a clock the test moves (nothing refills until it does), with a scheduler of its own. */
  static void onMovedClock(PortSettings.RateLimit settings, MovedClockTest test) throws Exception {
    AtomicLong clock = new AtomicLong(1_000_000_000L);
    ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();
    try (WriteLimiter l = WriteLimiter.create(settings, clock::get, scheduler)) {
      test.run(l, clock);
    } finally {
      scheduler.shutdownNow();
    }
  }

  interface MovedClockTest {
    void run(WriteLimiter limiter, AtomicLong clock) throws Exception;
  }

  @Test
  void resyncWritesCannotTakeTheLiveEventsReserve() {
    try (WriteLimiter l = WriteLimiter.create(frozen(10, 0.5))) {
      var resync = acquire(l, Priority.RESYNC, 8);
      assertEquals(5, done(resync), "half the burst is reserved");
      var live = acquire(l, Priority.LIVE_EVENT, 6);
      assertEquals(5, done(live), "live events get what resync left");
      assertEquals(4, l.waiting());
    }
  }

  @Test
  void aResyncThatNoLiveEventCompetesWithRunsAtTheWholeRate() throws Exception {
    // 20 per second, burst 11 (6 in the bucket, 5 kept for what is in flight), half of it reserved for live events.
    onMovedClock(new PortSettings.RateLimit(true, 6_000, 11, 0.5), (l, clock) -> {
      var resync = acquire(l, Priority.RESYNC, 13);
      assertEquals(3, done(resync), "the burst but the reserve");
      // One token refills every 51 ms (98 % of 20/s): every 52 ms one more resync write goes, as at the whole rate
      // (at the half left by the reserve it would be one every 102 ms).
      for (int served = 3; served < 13; served++) {
        long expected = served + 1;
        clock.addAndGet(Duration.ofMillis(52).toNanos());
        await(() -> done(resync) == expected, Duration.ofSeconds(10));
      }
      // The reserve is still there for a webhook, at once.
      var live = acquire(l, Priority.LIVE_EVENT, 3);
      assertEquals(3, done(live));
      assertEquals(0, l.waiting());
    });
  }

  @Test
  void liveEventsGoFirstWhenBothWait() throws Exception {
    onMovedClock(new PortSettings.RateLimit(true, 6_000, 1, 0.5), (l, clock) -> {
      assertEquals(1, done(acquire(l, Priority.RESYNC, 1)), "a bucket of one still serves resyncs");
      var resync = acquire(l, Priority.RESYNC, 2);
      var live = acquire(l, Priority.LIVE_EVENT, 1);
      clock.addAndGet(Duration.ofMillis(60).toNanos());
      await(() -> done(live) == 1, Duration.ofSeconds(10));
      assertEquals(0, done(resync), "the refilled token went to the live event, which came later");
      clock.addAndGet(Duration.ofMillis(60).toNanos());
      await(() -> done(resync) == 1, Duration.ofSeconds(10));
    });
  }

  @Test
  void liveEventsMayUseTheWholeBudget() {
    try (WriteLimiter l = WriteLimiter.create(frozen(10, 0.5))) {
      assertEquals(10, done(acquire(l, Priority.LIVE_EVENT, 12)));
      assertEquals(0, done(acquire(l, Priority.RESYNC, 1)));
    }
  }

  @Test
  void portsRemainingShrinksTheBucket() {
    try (WriteLimiter l = WriteLimiter.create(frozen(100, 0.0))) {
      l.observe(OptionalLong.of(35_000), OptionalLong.of(3), OptionalLong.empty(), OptionalLong.empty());
      assertEquals(3, done(acquire(l, Priority.RESYNC, 10)));
    }
  }

  @Test
  void waitersAreServedAsTokensRefill() throws Exception {
    // 20 per second, burst 1, on a clock the test moves: nothing refills until it does, however slow the machine.
    onMovedClock(new PortSettings.RateLimit(true, 6_000, 1, 0.0), (l, clock) -> {
      var fs = acquire(l, Priority.RESYNC, 11);
      assertEquals(1, done(fs));
      // The bucket holds one token (capacity 1), refilled at 98% of 20/s: each 60 ms of the clock frees exactly one waiter.
      for (int served = 1; served < 11; served++) {
        long expected = served + 1;
        clock.addAndGet(Duration.ofMillis(60).toNanos());
        await(() -> done(fs) == expected, Duration.ofSeconds(10));
      }
      WriteLimiter.Stats s = l.stats(Priority.RESYNC);
      assertEquals(11, s.acquired());
      assertEquals(10, s.delayed());
      assertTrue(s.totalWait().toMillis() > 0);
    });
  }

  @Test
  void aPauseHoldsEveryWriterUntilItEnds() throws Exception {
    try (WriteLimiter l = WriteLimiter.create(new PortSettings.RateLimit(true, 300_000, 100, 0.2))) {
      l.pauseFor(Duration.ofMillis(300));
      var live = acquire(l, Priority.LIVE_EVENT, 1);
      var resync = acquire(l, Priority.RESYNC, 1);
      assertFalse(live.get(0).isDone());
      assertFalse(resync.get(0).isDone());
      await(() -> done(live) == 1 && done(resync) == 1, Duration.ofSeconds(10));
      assertEquals(1, l.stats().pauses());
      assertTrue(l.stats().maxWait().toMillis() >= 250, "waited " + l.stats().maxWait());
    }
  }

  @Test
  void aDisabledLimiterOnlyObeysPauses() throws Exception {
    try (WriteLimiter l = WriteLimiter.unlimited()) {
      assertEquals(10_000, done(acquire(l, Priority.RESYNC, 10_000)));
      l.pauseFor(Duration.ofMillis(100));
      var f = acquire(l, Priority.RESYNC, 1);
      assertFalse(f.get(0).isDone());
      await(() -> f.get(0).isDone(), Duration.ofSeconds(10));
    }
  }

  @Test
  void portsLowerLimitSlowsTheRate() throws Exception {
    // Configured 100/s; Port says 2 per 1 s period: the second waiter needs about half a second.
    try (WriteLimiter l = WriteLimiter.create(new PortSettings.RateLimit(true, 30_000, 1, 0.0))) {
      l.observe(OptionalLong.of(2), OptionalLong.of(1), OptionalLong.empty(), OptionalLong.of(1));
      var fs = acquire(l, Priority.RESYNC, 3);
      assertEquals(1, done(fs));
      await(() -> done(fs) == 3, Duration.ofSeconds(10));
      assertTrue(l.stats().maxWait().toMillis() >= 800, "2 waits at 2/s, was " + l.stats().maxWait());
    }
  }

  @Test
  void closingFailsTheWaiters() {
    WriteLimiter l = WriteLimiter.create(frozen(1, 0.0));
    var fs = acquire(l, Priority.RESYNC, 2);
    l.close();
    assertTrue(fs.get(1).isCompletedExceptionally());
    assertTrue(l.acquire(Priority.RESYNC).toCompletableFuture().isCompletedExceptionally());
  }
}
