package dev.oceanj.core.port;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.oceanj.core.config.PortSettings;
import dev.oceanj.core.port.WriteLimiter.Priority;
import dev.oceanj.testsupport.Await;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/** Lanes of one limiter (integration instances of one org) and the share of the org's budget (cluster mode). */
class WriteLimiterLanesTest {

  /** 20 per second, a bucket of one token: on the moved clock each 60 ms frees exactly one waiter. */
  private static final PortSettings.RateLimit ONE_AT_A_TIME = new PortSettings.RateLimit(true, 6_000, 1, 0.0);

  private static List<CompletableFuture<Void>> acquire(Supplier<java.util.concurrent.CompletionStage<Void>> a, int n) {
    List<CompletableFuture<Void>> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      out.add(a.get().toCompletableFuture());
    }
    return out;
  }

  private static long done(List<CompletableFuture<Void>> fs) {
    return fs.stream().filter(f -> f.isDone() && !f.isCompletedExceptionally()).count();
  }

  private static void onMovedClock(PortSettings.RateLimit settings, WriteLimiterTest.MovedClockTest test)
      throws Exception {
    WriteLimiterTest.onMovedClock(settings, test);
  }

  /** Moves the clock one token's refill at a time until {@code tokens} more were handed out. */
  private static void handOut(WriteLimiter l, AtomicLong clock, int tokens) {
    long before = l.stats().acquired();
    for (int i = 1; i <= tokens; i++) {
      long expected = before + i;
      clock.addAndGet(Duration.ofMillis(60).toNanos());
      Await.until("token " + expected, Duration.ofSeconds(10), () -> l.stats().acquired() == expected);
    }
  }

  @Test
  void waitingLanesTakeTurnsWhateverTheirQueues() throws Exception {
    onMovedClock(ONE_AT_A_TIME, (l, clock) -> {
      WriteLimiter.Lane big = l.lane("big", 1.0);
      WriteLimiter.Lane small = l.lane("small", 1.0);
      var bigWrites = acquire(() -> big.acquire(Priority.RESYNC), 40);
      var smallWrites = acquire(() -> small.acquire(Priority.RESYNC), 4);
      assertEquals(1, done(bigWrites), "the bucket's one token went to the first writer");
      handOut(l, clock, 8);
      assertEquals(4, done(smallWrites), "the small lane got every other token, though it queued behind 39");
      assertEquals(5, done(bigWrites));
      handOut(l, clock, 3);
      assertEquals(8, done(bigWrites), "alone again, the big lane gets every token");
    });
  }

  @Test
  void aHeavierLaneGetsMoreTurns() throws Exception {
    onMovedClock(ONE_AT_A_TIME, (l, clock) -> {
      l.acquire(Priority.RESYNC); // empties the bucket
      WriteLimiter.Lane two = l.lane("two", 2.0);
      WriteLimiter.Lane one = l.lane("one", 1.0);
      var twos = acquire(() -> two.acquire(Priority.RESYNC), 30);
      var ones = acquire(() -> one.acquire(Priority.RESYNC), 30);
      handOut(l, clock, 15);
      assertEquals(10, done(twos));
      assertEquals(5, done(ones));
    });
  }

  @Test
  void aLaneThatWasIdleGetsNoCredit() throws Exception {
    onMovedClock(ONE_AT_A_TIME, (l, clock) -> {
      l.acquire(Priority.RESYNC);
      WriteLimiter.Lane busy = l.lane("busy", 1.0);
      WriteLimiter.Lane late = l.lane("late", 1.0);
      var busyWrites = acquire(() -> busy.acquire(Priority.RESYNC), 30);
      handOut(l, clock, 10);
      var lateWrites = acquire(() -> late.acquire(Priority.RESYNC), 10);
      handOut(l, clock, 10);
      assertEquals(5, done(lateWrites), "turns from now on, not the ten the busy lane had alone");
      assertEquals(15, done(busyWrites));
    });
  }

  @Test
  void liveEventsOfAnyLaneGoBeforeResyncs() throws Exception {
    onMovedClock(ONE_AT_A_TIME, (l, clock) -> {
      WriteLimiter.Lane resyncing = l.lane("resyncing", 1.0);
      WriteLimiter.Lane webhooks = l.lane("webhooks", 1.0);
      var resync = acquire(() -> resyncing.acquire(Priority.RESYNC), 10);
      var live = acquire(() -> webhooks.acquire(Priority.LIVE_EVENT), 3);
      handOut(l, clock, 3);
      assertEquals(3, done(live));
      assertEquals(1, done(resync), "only the token the bucket held before the live events came");
      assertEquals(0, l.waiting(Priority.LIVE_EVENT));
      assertEquals(9, l.waiting(Priority.RESYNC));
    });
  }

  @Test
  void closingALaneFailsOnlyItsWaiters() throws Exception {
    onMovedClock(ONE_AT_A_TIME, (l, clock) -> {
      l.acquire(Priority.RESYNC);
      WriteLimiter.Lane gone = l.lane("gone", 1.0);
      WriteLimiter.Lane stays = l.lane("stays", 1.0);
      var goneWrites = acquire(() -> gone.acquire(Priority.RESYNC), 5);
      var staying = acquire(() -> stays.acquire(Priority.RESYNC), 5);
      gone.close();
      assertTrue(goneWrites.stream().allMatch(CompletableFuture::isCompletedExceptionally));
      assertTrue(gone.acquire(Priority.RESYNC).toCompletableFuture().isCompletedExceptionally());
      assertEquals(5, l.waiting());
      handOut(l, clock, 5);
      assertEquals(5, done(staying));
      assertEquals(2, l.lanes(), "the default lane and the one that stays");
    });
  }

  @Test
  void aShareScalesTheRateAndTheBurst() throws Exception {
    // 20 per second, burst 10 (5 usable: the rest covers what is in flight).
    onMovedClock(new PortSettings.RateLimit(true, 6_000, 10, 0.0), (l, clock) -> {
      l.share(0.5);
      assertEquals(9.8, l.ratePerSecond(), 1e-9);
      var writes = acquire(() -> l.acquire(Priority.RESYNC), 20);
      assertEquals(2, done(writes), "half the bucket");
      clock.addAndGet(Duration.ofMillis(1000).toNanos());
      Await.until("a second of refill at half the rate", Duration.ofSeconds(10), () -> done(writes) == 4);
      l.share(1.0);
      clock.addAndGet(Duration.ofMillis(1000).toNanos());
      Await.until("a second of refill at the whole rate", Duration.ofSeconds(10), () -> done(writes) >= 9);
      assertThrows(IllegalArgumentException.class, () -> l.share(0.0));
      assertThrows(IllegalArgumentException.class, () -> l.share(1.5));
    });
  }

  @Test
  void demandIsTheLongestQueueSinceTheLastReading() throws Exception {
    onMovedClock(ONE_AT_A_TIME, (l, clock) -> {
      assertEquals(new WriteLimiter.Demand(0, 0), l.demand());
      acquire(() -> l.acquire(Priority.RESYNC), 6);
      acquire(() -> l.acquire(Priority.LIVE_EVENT), 2);
      handOut(l, clock, 4);
      assertEquals(new WriteLimiter.Demand(5, 2), l.demand(), "the peak, not the 3 left");
      assertEquals(new WriteLimiter.Demand(3, 0), l.demand(), "the next period starts from those waiting now");
      handOut(l, clock, 3);
      l.demand();
      assertEquals(0, l.demand().total());
    });
  }

  @Test
  void onlyPortsOwnPausesAreReported() {
    try (WriteLimiter l = WriteLimiter.create(new PortSettings.RateLimit(true, 300_000, 100, 0.0))) {
      AtomicReference<Duration> heard = new AtomicReference<>();
      l.onPause(heard::set);
      l.followPause(Duration.ofMillis(50));
      assertEquals(null, heard.get(), "a pause another node reported is not reported back");
      assertEquals(1, l.stats().pauses());
      l.pauseFor(Duration.ofMillis(80));
      assertEquals(Duration.ofMillis(80), heard.get());
      assertEquals(2, l.stats().pauses());
    }
  }
}
