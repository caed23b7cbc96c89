package dev.oceanj.actors.trigger.polling;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.oceanj.actors.resync.ResyncProtocol;
import dev.oceanj.actors.resync.ResyncProtocol.Outcome;
import dev.oceanj.actors.resync.ResyncProtocol.StartResync;
import dev.oceanj.actors.resync.ResyncProtocol.WhenRunning;
import dev.oceanj.actors.trigger.Resyncs;
import dev.oceanj.core.config.EventListenerSettings.Polling;
import dev.oceanj.core.port.PortClient.ResyncRequest;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

class PollingTriggerTest {

  static final ActorTestKit testKit = ActorTestKit.create();
  static final Duration INTERVAL = Duration.ofMillis(60);
  static final Duration WAIT = Duration.ofSeconds(5);

  @AfterAll
  static void shutdown() {
    testKit.shutdownTestKit();
  }

  /** Port's resync request as a mutable cell, counting reads; a null request fails the read. */
  static final class FakeResyncRequests implements Supplier<CompletionStage<Optional<ResyncRequest>>> {
    final AtomicReference<Optional<ResyncRequest>> current = new AtomicReference<>(Optional.empty());
    final AtomicInteger reads = new AtomicInteger();
    final AtomicInteger failuresLeft = new AtomicInteger();

    @Override
    public CompletionStage<Optional<ResyncRequest>> get() {
      reads.incrementAndGet();
      if (failuresLeft.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
        return CompletableFuture.failedFuture(new RuntimeException("Port answered 503"));
      }
      return CompletableFuture.completedFuture(current.get());
    }

    void raise(String id, Instant at) {
      current.set(Optional.of(new ResyncRequest(id, at)));
    }

    void awaitReads(int atLeast) {
      Resyncs.await(WAIT, atLeast + " polls", () -> reads.get() >= atLeast);
    }
  }

  private static StartResync expectStart(TestProbe<ResyncProtocol.Command> supervisor) {
    StartResync start = supervisor.expectMessageClass(StartResync.class, WAIT);
    assertEquals("polling", start.trigger());
    assertEquals(WhenRunning.QUEUE, start.whenRunning());
    return start;
  }

  private static void finish(StartResync start, String id) {
    start.acceptedTo().tell(Resyncs.started(id));
    start.finishedTo().tell(Resyncs.finished(id, "polling", Outcome.COMPLETED));
  }

  @Test
  void resyncsOnStartEvenWithoutARequestThenOnlyForNewerRequests() {
    var supervisor = testKit.<ResyncProtocol.Command>createTestProbe();
    var port = new FakeResyncRequests();
    testKit.spawn(PollingTrigger.create(supervisor.ref(), port, new Polling(INTERVAL, true), Optional.empty()));

    finish(expectStart(supervisor), "r1");
    int afterFirst = port.reads.get();
    port.awaitReads(afterFirst + 3);
    supervisor.expectNoMessage(Duration.ofMillis(50));

    port.raise("req-2", Instant.parse("2026-11-26T10:00:00Z"));
    finish(expectStart(supervisor), "r2");
  }

  @Test
  void aRequestIsPickedUpExactlyOnce() {
    var supervisor = testKit.<ResyncProtocol.Command>createTestProbe();
    var port = new FakeResyncRequests();
    port.raise("req-1", Instant.parse("2026-11-26T10:00:00Z"));
    testKit.spawn(PollingTrigger.create(supervisor.ref(), port, new Polling(INTERVAL, false), Optional.empty()));

    finish(expectStart(supervisor), "r1");
    int afterResync = port.reads.get();
    port.awaitReads(afterResync + 4);
    supervisor.expectNoMessage(Duration.ofMillis(50));

    // The same request seen again, and an older one, start nothing; a newer one does.
    port.raise("req-0", Instant.parse("2026-11-26T09:00:00Z"));
    port.awaitReads(port.reads.get() + 3);
    supervisor.expectNoMessage(Duration.ofMillis(50));
    port.raise("req-3", Instant.parse("2026-11-26T11:00:00Z"));
    finish(expectStart(supervisor), "r3");
  }

  @Test
  void aRequestNotNewerThanTheInitialWatermarkIsIgnored() {
    var supervisor = testKit.<ResyncProtocol.Command>createTestProbe();
    var port = new FakeResyncRequests();
    port.raise("req-1", Instant.parse("2026-11-26T10:00:00Z"));
    testKit.spawn(PollingTrigger.create(supervisor.ref(), port, new Polling(INTERVAL, false),
        Optional.of(Instant.parse("2026-11-26T10:00:00Z"))));
    port.awaitReads(4);
    supervisor.expectNoMessage(Duration.ofMillis(50));
  }

  @Test
  void neverPollsWhileItsResyncRuns() {
    var supervisor = testKit.<ResyncProtocol.Command>createTestProbe();
    var port = new FakeResyncRequests();
    testKit.spawn(PollingTrigger.create(supervisor.ref(), port, new Polling(INTERVAL, true), Optional.empty()));

    StartResync start = expectStart(supervisor);
    start.acceptedTo().tell(Resyncs.started("r1"));
    int readsWhileRunning = port.reads.get();
    // A second trigger with the same interval and no resync of its own is the clock: once it polled five times,
    // the first one had the time to poll as well, had a timer been armed during its resync.
    var reference = new FakeResyncRequests();
    var referenceSupervisor = testKit.<ResyncProtocol.Command>createTestProbe();
    var clock = testKit.spawn(PollingTrigger.create(referenceSupervisor.ref(), reference,
        new Polling(INTERVAL, false), Optional.empty()));
    reference.awaitReads(5);
    testKit.stop(clock);
    supervisor.expectNoMessage(Duration.ZERO);
    assertEquals(readsWhileRunning, port.reads.get());

    start.finishedTo().tell(Resyncs.finished("r1", "polling", Outcome.FAILED));
    port.awaitReads(readsWhileRunning + 2);
  }

  @Test
  void aFailedPollIsRetriedAtTheNextTick() {
    var supervisor = testKit.<ResyncProtocol.Command>createTestProbe();
    var port = new FakeResyncRequests();
    port.failuresLeft.set(2);
    port.raise("req-1", Instant.parse("2026-11-26T10:00:00Z"));
    testKit.spawn(PollingTrigger.create(supervisor.ref(), port, new Polling(INTERVAL, false), Optional.empty()));

    finish(expectStart(supervisor), "r1");
    assertTrue(port.reads.get() >= 3, "two failed polls, then the one that found the request");
  }

  @Test
  void resyncOnStartHappensEvenWhenTheFirstPollFails() {
    var supervisor = testKit.<ResyncProtocol.Command>createTestProbe();
    var port = new FakeResyncRequests();
    port.failuresLeft.set(1);
    testKit.spawn(PollingTrigger.create(supervisor.ref(), port, new Polling(INTERVAL, true), Optional.empty()));
    finish(expectStart(supervisor), "r1");
  }

  @Test
  void refusesANonPositiveInterval() {
    var supervisor = testKit.<ResyncProtocol.Command>createTestProbe();
    var error = assertThrows(IllegalArgumentException.class, () -> PollingTrigger.create(
        supervisor.ref(), new FakeResyncRequests(), new Polling(Duration.ZERO, true), Optional.empty()));
    assertTrue(error.getMessage().contains("ocean.event-listener.polling.interval"), error.getMessage());
  }
}
