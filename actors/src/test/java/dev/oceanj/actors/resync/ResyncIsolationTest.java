package dev.oceanj.actors.resync;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.oceanj.actors.resync.ResyncProtocol.Outcome;
import dev.oceanj.actors.resync.ResyncProtocol.ResyncFinished;
import dev.oceanj.actors.resync.ResyncProtocol.StartResync;
import dev.oceanj.actors.resync.ResyncProtocol.Status;
import dev.oceanj.actors.resync.ResyncProtocol.WhenRunning;
import dev.oceanj.core.config.ResyncSettings;
import dev.oceanj.core.jq.JqEngine;
import dev.oceanj.core.port.HttpPortClient;
import dev.oceanj.core.sync.JqMappingCompiler;
import dev.oceanj.spi.Integration;
import dev.oceanj.spi.IntegrationDefinition;
import dev.oceanj.spi.Page;
import dev.oceanj.spi.ResyncSource;
import dev.oceanj.spi.host.DefinedIntegration;
import dev.oceanj.spi.host.SpiCalls;
import dev.oceanj.testsupport.Await;
import java.net.http.HttpClient;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.typed.ActorRef;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Isolation between the integrations of one process, against the Port emulator over HTTP: the resync gate shared by
 * several supervisors ({@code ocean.host.max-concurrent-resyncs}), a 3rd party that never answers a page, and a
 * resync start hook that hangs.
 */
class ResyncIsolationTest {

  static final ActorTestKit testKit = ActorTestKit.create();
  static final Duration WAIT = Duration.ofSeconds(60);
  static EmulatedPort port;
  static ExecutorService cpu;
  static SpiCalls calls;
  static final AtomicInteger ids = new AtomicInteger();

  final List<HttpPortClient> clients = new ArrayList<>();
  final List<DefinedIntegration> defined = new ArrayList<>();

  @BeforeAll
  static void start() {
    port = new EmulatedPort();
    cpu = Executors.newFixedThreadPool(2);
    calls = SpiCalls.create(4);
  }

  @AfterAll
  static void stop() {
    testKit.shutdownTestKit();
    calls.close();
    cpu.shutdownNow();
    port.close();
  }

  @AfterEach
  void tearDown() {
    defined.forEach(DefinedIntegration::stop);
    clients.forEach(HttpPortClient::close);
    port.emulator.reset();
  }

  /** A supervisor of a new integration reading {@code sources}, isolated by {@code isolation}. */
  ActorRef<ResyncProtocol.Command> supervisor(Function<String, Optional<ResyncSource<?>>> sources,
      ResyncIsolation isolation) {
    HttpPortClient client = port.client("iso-" + ids.incrementAndGet());
    if (clients.isEmpty()) {
      // Blueprints are the organisation's: the integrations of one test share them.
      port.blueprint(client, TestCatalog.BLUEPRINT_DEPT);
      port.blueprint(client, TestCatalog.BLUEPRINT_PERSON);
    }
    clients.add(client);
    port.integration(client, EmulatedPort.yaml(TestCatalog.mapping(0.9, true)));
    var settings = ResyncSettings.defaults()
        .withKindRestart(new ResyncSettings.KindRestart(Duration.ofMillis(20), Duration.ofMillis(100), 0.1, 3));
    var deps = new ResyncDependencies(client, sources, new JqMappingCompiler(JqEngine.create(false)), settings,
        Optional.empty(), cpu, item -> EmulatedPort.JSON.valueToTree(item), Clock.systemUTC(), Duration.ofSeconds(3))
        .withIsolation(isolation);
    return testKit.spawn(IntegrationSupervisor.create(deps));
  }

  static ResyncIsolation isolation(ResyncGate gate, Duration hooks, Duration pages) {
    return new ResyncIsolation(calls, ResyncIsolation.hookTimeout(hooks), ResyncIsolation.pageTimeout(pages), gate);
  }

  /**
   * Records, per integration, when its resync read its first item and when it served its last page: with one place
   * at the gate these spans never overlap.
   */
  static final class Spans {
    final List<String> events = new CopyOnWriteArrayList<>();
    final AtomicInteger active = new AtomicInteger();
    final AtomicInteger maxActive = new AtomicInteger();

    Function<String, Optional<ResyncSource<?>>> around(String name, TestCatalog catalog) {
      return kind -> catalog.source(kind).map(source -> {
        if (kind.equals("dept") && source instanceof ResyncSource.Single<?> single) {
          return ResyncSource.single(() -> {
            events.add(name + " start");
            maxActive.accumulateAndGet(active.incrementAndGet(), Math::max);
            return single.fetch().get();
          });
        }
        if (kind.equals("person") && source instanceof ResyncSource.Paged<?> paged) {
          return ResyncSource.paged(cursor -> {
            // A little time per page, so that two resyncs running at once would overlap.
            var delayed = CompletableFuture.supplyAsync(() -> null,
                CompletableFuture.delayedExecutor(15, TimeUnit.MILLISECONDS));
            return delayed.thenCompose(v -> paged.fetchPage().apply(cursor)).thenApply(page -> {
              if (page.next().isEmpty()) {
                active.decrementAndGet();
                events.add(name + " end");
              }
              return (Page<Object>) (Page<?>) page;
            });
          });
        }
        return source;
      });
    }
  }

  @Test
  void threeSupervisorsSharingAGateOfOneNeverRunTwoAtOnceAndAllComplete() {
    var gate = ResyncGate.of(1);
    var spans = new Spans();
    List<ActorRef<ResyncProtocol.Command>> supervisors = new ArrayList<>();
    for (String name : List.of("a", "b", "c")) {
      supervisors.add(supervisor(spans.around(name, new TestCatalog()), isolation(gate, WAIT, WAIT)));
    }
    var finished = testKit.<ResyncFinished>createTestProbe();
    // Twice each, all asked at once: six resyncs through one place.
    for (int round = 0; round < 2; round++) {
      for (var s : supervisors) {
        s.tell(new StartResync("schedule", WhenRunning.QUEUE, null, finished.getRef()));
      }
    }
    List<ResyncFinished> results = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      results.add(finished.receiveMessage(WAIT));
    }
    results.forEach(f -> assertEquals(Outcome.COMPLETED, f.outcome(), f.errors().toString()));
    // The first admitted runs twice (its second request queues behind its running resync); a pending resync takes
    // its integration's second request in (it reads everything after it anyway): four resyncs, one at a time.
    assertEquals(4, results.stream().map(ResyncFinished::resyncId).distinct().count());
    assertEquals(1, spans.maxActive.get(), "two resyncs ran at once: " + spans.events);
    assertEquals(8, spans.events.size(), spans.events.toString());
    for (int i = 0; i < spans.events.size(); i += 2) {
      String name = spans.events.get(i).split(" ")[0];
      assertEquals(List.of(name + " start", name + " end"), spans.events.subList(i, i + 2), spans.events.toString());
    }
    assertEquals(0, gate.running());
    assertEquals(0, gate.waiting());
  }

  @Test
  void resyncsBeyondTheBoundWaitInLineAsPendingAndAnAbortedOneLeavesTheLine() {
    var gate = ResyncGate.of(1);
    var spans = new Spans();
    var held = new TestCatalog();
    held.gate = new CompletableFuture<>();
    var a = supervisor(spans.around("a", held), isolation(gate, WAIT, WAIT));
    var b = supervisor(spans.around("b", new TestCatalog()), isolation(gate, WAIT, WAIT));
    var c = supervisor(spans.around("c", new TestCatalog()), isolation(gate, WAIT, WAIT));
    var done = testKit.<ResyncFinished>createTestProbe();
    a.tell(new StartResync("schedule", WhenRunning.QUEUE, null, done.getRef()));
    Await.until("a's resync to reach its second page", Duration.ofSeconds(30), () -> held.pagesServed.get() >= 1);
    var cDone = testKit.<ResyncFinished>createTestProbe();
    b.tell(new StartResync("schedule", WhenRunning.QUEUE, null, done.getRef()));
    Status bStatus = status(b, s -> s.pending().isPresent());
    c.tell(new StartResync("schedule", WhenRunning.QUEUE, null, cDone.getRef()));

    assertEquals(1, bStatus.pending().get().position());
    assertEquals(1, bStatus.pending().get().limit());
    assertTrue(bStatus.running().isEmpty());
    assertEquals(2, status(c, s -> s.pending().isPresent()).pending().get().position());
    assertTrue(status(a, s -> s.running().isPresent()).pending().isEmpty());

    var aborted = testKit.<ResyncProtocol.Done>createTestProbe();
    c.tell(new ResyncProtocol.AbortResync("shutdown", aborted.getRef()));
    aborted.receiveMessage(WAIT);
    ResyncFinished cEnd = cDone.receiveMessage(WAIT);
    assertEquals(Outcome.ABORTED, cEnd.outcome());
    assertFalse(cEnd.reconciliation().ran());
    assertEquals(1, gate.waiting(), "c left the line");

    held.gate.complete(null);
    assertEquals(Outcome.COMPLETED, done.receiveMessage(WAIT).outcome());
    assertEquals(Outcome.COMPLETED, done.receiveMessage(WAIT).outcome());
    assertEquals(List.of("a start", "a end", "b start", "b end"), spans.events);
    assertTrue(status(c, s -> true).pending().isEmpty());
    assertEquals(0, gate.running());
  }

  @Test
  void aResyncThatReceivesNothingForGateReleaseAfterGivesItsPlaceToTheNextInLine() {
    var gate = ResyncGate.of(1);
    var spans = new Spans();
    var held = new TestCatalog();
    held.gate = new CompletableFuture<>();
    var release = new ResyncIsolation(calls, ResyncIsolation.hookTimeout(WAIT), ResyncIsolation.pageTimeout(WAIT),
        gate, Duration.ofMillis(300));
    var a = supervisor(spans.around("a", held), release);
    var b = supervisor(spans.around("b", new TestCatalog()), release);
    var aDone = testKit.<ResyncFinished>createTestProbe();
    var bDone = testKit.<ResyncFinished>createTestProbe();
    a.tell(new StartResync("schedule", WhenRunning.QUEUE, null, aDone.getRef()));
    Await.until("a's resync to reach its second page", Duration.ofSeconds(30), () -> held.pagesServed.get() >= 1);
    b.tell(new StartResync("schedule", WhenRunning.QUEUE, null, bDone.getRef()));

    // a's 3rd party does not answer (well within its page timeout): b is let in and completes meanwhile.
    assertEquals(Outcome.COMPLETED, bDone.receiveMessage(Duration.ofSeconds(30)).outcome());
    assertTrue(status(a, s -> true).running().isPresent(), "a still runs");
    held.gate.complete(null);
    assertEquals(Outcome.COMPLETED, aDone.receiveMessage(WAIT).outcome());
    assertEquals(List.of("a start", "b start", "b end", "a end"), spans.events);
    assertEquals(0, gate.running());
    assertEquals(0, gate.waiting());
  }

  @Test
  void aThirdPartyThatNeverAnswersAPageFailsTheKindWithinThePageTimeoutNamingIntegrationAndKind() {
    var catalog = new TestCatalog();
    var supervisor = supervisor(catalog::source, isolation(ResyncGate.unbounded(), WAIT, Duration.ofMillis(500)));
    assertEquals(Outcome.COMPLETED, resync(supervisor).outcome());
    String identifier = clients.get(0).identity().identifier();
    catalog.dropped.add(7); // would be deleted by a resync that completes
    catalog.gate = new CompletableFuture<>(); // the second page of persons never comes
    int attempts = catalog.personAttempts.get();
    long t0 = System.nanoTime();
    ResyncFinished f = resync(supervisor);
    long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);

    assertEquals(Outcome.FAILED, f.outcome());
    String error = IntegrationSupervisorTest.kind(f, "person").error().orElseThrow();
    assertTrue(error.contains("integration '" + identifier + "', kind 'person': page 2 did not finish within 500 ms"
        + " (ocean.host.page-timeout)"), error);
    assertEquals(1, catalog.personAttempts.get() - attempts, "a timed-out page is not asked again: " + error);
    assertTrue(ms < 10_000, "took " + ms + " ms");
    assertFalse(f.reconciliation().ran());
    assertTrue(port.emulator.entity("person", "p7").isPresent(), "nothing deleted");
  }

  /** Its resync start hook waits on a 3rd party that never answers (until the test ends). */
  static final class HangingHook implements Integration {
    final CountDownLatch never = new CountDownLatch(1);
    final CountDownLatch interrupted = new CountDownLatch(1);

    @Override
    public String type() {
      return "hanging";
    }

    @Override
    public void define(IntegrationDefinition ocean) {
      ocean.kind("dept").resync(ResyncSource.single(() -> CompletableFuture.completedFuture(
          List.of(Map.of("id", "d1", "name", "One")))));
      ocean.onResyncStart(resync -> {
        try {
          never.await();
        } catch (InterruptedException e) {
          interrupted.countDown();
          throw e;
        }
      });
    }
  }

  @Test
  void aResyncStartHookThatHangsFailsTheResyncWithinTheCallTimeoutAndIsInterrupted() throws Exception {
    var integration = new HangingHook();
    var one = DefinedIntegration.define(integration, null, HttpClient.newHttpClient());
    defined.add(one);
    var supervisor = supervisor(one.sources(), isolation(ResyncGate.unbounded(), Duration.ofMillis(400), WAIT));
    ResyncFinished f = resync(supervisor);
    assertEquals(Outcome.FAILED, f.outcome());
    String identifier = clients.get(0).identity().identifier();
    assertEquals(List.of("integration '" + identifier + "': the resync start hooks did not finish within 400 ms"
        + " (ocean.host.spi-call-timeout)"), f.errors());
    assertTrue(integration.interrupted.await(10, TimeUnit.SECONDS), "the hook's thread was not interrupted");
    assertTrue(port.emulator.entities("dept").isEmpty(), "nothing read, nothing written");
    integration.never.countDown();
  }

  static ResyncFinished resync(ActorRef<ResyncProtocol.Command> supervisor) {
    var finished = testKit.<ResyncFinished>createTestProbe();
    supervisor.tell(new StartResync("test", WhenRunning.QUEUE, null, finished.getRef()));
    return finished.receiveMessage(WAIT);
  }

  /** The supervisor's status, asked until {@code until} holds. */
  static Status status(ActorRef<ResyncProtocol.Command> supervisor, java.util.function.Predicate<Status> until) {
    var probe = testKit.<Status>createTestProbe();
    var last = new java.util.concurrent.atomic.AtomicReference<Status>();
    Await.until("the supervisor's status", Duration.ofSeconds(30), () -> {
      supervisor.tell(new ResyncProtocol.GetStatus(probe.getRef()));
      last.set(probe.receiveMessage(Duration.ofSeconds(5)));
      return until.test(last.get());
    });
    return last.get();
  }
}
