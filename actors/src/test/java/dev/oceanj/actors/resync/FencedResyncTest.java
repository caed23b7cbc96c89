package dev.oceanj.actors.resync;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import dev.oceanj.actors.resync.ResyncProtocol.Outcome;
import dev.oceanj.actors.resync.ResyncProtocol.ResyncFinished;
import dev.oceanj.actors.resync.ResyncProtocol.StartResync;
import dev.oceanj.actors.resync.ResyncProtocol.WhenRunning;
import dev.oceanj.core.config.ResyncSettings;
import dev.oceanj.core.jq.JqEngine;
import dev.oceanj.core.port.HttpPortClient;
import dev.oceanj.core.port.PortClient;
import dev.oceanj.core.sync.KindResult;
import dev.oceanj.core.sync.JqMappingCompiler;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntFunction;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.typed.ActorRef;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A supervisor with a {@link DeleteFence} (cluster mode) against the real emulator: the fence is asked before the
 * delete phase and before each bulk delete, and a refusal stops deletion at once and ends the resync {@code aborted}
 * with the reason; at start, a resync Port still shows running (a dead node's) is marked aborted first.
 */
class FencedResyncTest {

  static final ActorTestKit testKit = ActorTestKit.create();
  static final JqEngine jq = JqEngine.create(false);
  static final AtomicInteger ids = new AtomicInteger();
  static EmulatedPort port;
  static ExecutorService cpu;

  /** 200 of 250 persons go stale; 10 per bulk delete, one request at a time: 20 delete requests in a row. */
  static final ResyncSettings SETTINGS = ResyncSettings.fromConfig(ConfigFactory.parseString(
          "ocean.resync { delete-batch-size = 10, upsert-concurrency = 1 }"))
      .withSkipUnchanged(true, Optional.empty());

  @BeforeAll
  static void start() {
    port = new EmulatedPort();
    cpu = Executors.newFixedThreadPool(2);
  }

  @AfterAll
  static void stop() {
    testKit.shutdownTestKit();
    cpu.shutdownNow();
    port.close();
  }

  final TestCatalog catalog = new TestCatalog();
  final AtomicInteger asked = new AtomicInteger();
  /** The fence's answer to its n-th question (from 1): empty allows. */
  volatile IntFunction<Optional<String>> answers = n -> Optional.empty();
  volatile boolean armed;
  HttpPortClient client;
  EmulatedPort.StateRecorder recorder;

  @AfterEach
  void tearDown() {
    port.emulator.reset();
    if (client != null) {
      client.close();
    }
  }

  ActorRef<ResyncProtocol.Command> supervisor(DeleteFence fence) {
    return supervisor(fence, c -> {});
  }

  /** @param before runs against Port once the integration exists, before the supervisor starts */
  ActorRef<ResyncProtocol.Command> supervisor(DeleteFence fence, java.util.function.Consumer<HttpPortClient> before) {
    client = port.client("fence-" + ids.incrementAndGet());
    recorder = new EmulatedPort.StateRecorder(client);
    port.blueprint(client, TestCatalog.BLUEPRINT_DEPT);
    port.blueprint(client, TestCatalog.BLUEPRINT_PERSON);
    port.integration(client, EmulatedPort.yaml(TestCatalog.mapping(1.0, true)));
    before.accept(client);
    var deps = new ResyncDependencies(recorder, catalog::source, new JqMappingCompiler(jq), SETTINGS,
        Optional.empty(), cpu, item -> EmulatedPort.JSON.valueToTree(item), Clock.systemUTC(), Duration.ofSeconds(3))
        .withDeleteFence(fence);
    return testKit.spawn(IntegrationSupervisor.create(deps));
  }

  /** A fence answering from {@link #answers} once armed (the seeding resync is always allowed), counting. */
  ActorRef<ResyncProtocol.Command> countingSupervisor() {
    return supervisor(resyncId -> CompletableFuture.supplyAsync(
        () -> armed ? answers.apply(asked.incrementAndGet()) : Optional.<String>empty(), cpu));
  }

  ResyncFinished resync(ActorRef<ResyncProtocol.Command> supervisor) {
    var finished = testKit.<ResyncFinished>createTestProbe();
    supervisor.tell(new StartResync("test", WhenRunning.QUEUE, null, finished.getRef()));
    return finished.receiveMessage(Duration.ofSeconds(60));
  }

  /** The first resync writes 250 persons; then 200 of them leave the source. */
  ActorRef<ResyncProtocol.Command> seededWithStale(ActorRef<ResyncProtocol.Command> supervisor) {
    assertEquals(Outcome.COMPLETED, resync(supervisor).outcome());
    assertEquals(250, count("person"));
    for (int i = 0; i < 200; i++) {
      catalog.dropped.add(i);
    }
    armed = true;
    port.emulator.requestLog().enable(true, false);
    return supervisor;
  }

  int count(String blueprint) {
    return port.emulator.entities(blueprint).size();
  }

  long bulkDeletesSent() {
    return port.emulator.requestLog().since(0).stream()
        .filter(e -> e.route().equals("/v1/blueprints/{bp}/bulk/entities/delete")).count();
  }

  String portState() {
    return port.emulator.integration(client.identity().identifier()).orElseThrow()
        .path("resyncState").path("status").asText();
  }

  @Test
  void anOpenFenceIsAskedBeforeTheDeletePhaseAndBeforeEachDeleteRequest() {
    var supervisor = seededWithStale(countingSupervisor());
    ResyncFinished f = resync(supervisor);

    assertEquals(Outcome.COMPLETED, f.outcome(), f.errors().toString());
    assertEquals(200, f.reconciliation().deleted());
    assertEquals(50, count("person"));
    assertEquals(20, bulkDeletesSent());
    assertEquals(21, asked.get(), "once before the phase, once per delete request");
  }

  @Test
  void aRefusalBeforeTheDeletePhaseDeletesNothingAndReportsAborted() {
    answers = n -> Optional.of("another node owns this integration now");
    var supervisor = seededWithStale(countingSupervisor());
    ResyncFinished f = resync(supervisor);

    assertEquals(Outcome.ABORTED, f.outcome());
    assertEquals(List.of("another node owns this integration now"), f.errors());
    assertFalse(f.reconciliation().ran());
    assertEquals(1, asked.get());
    assertEquals(0, bulkDeletesSent());
    assertEquals(250, count("person"), "nothing deleted");
    assertEquals("aborted", portState());
    assertEquals(List.of("running", "completed", "running", "aborted"), recorder.states);
  }

  @Test
  void aRefusalMidwayStopsTheDeletesAtOnceAndReportsAborted() {
    // Allowed: the phase and the first two requests; every later question is refused.
    answers = n -> n <= 3 ? Optional.empty() : Optional.of("the ownership epoch names another node");
    var supervisor = seededWithStale(countingSupervisor());
    ResyncFinished f = resync(supervisor);

    assertEquals(Outcome.ABORTED, f.outcome());
    assertEquals(List.of("the ownership epoch names another node"), f.errors());
    assertEquals(2, bulkDeletesSent(), "the two allowed requests and not one more");
    assertEquals(20, f.reconciliation().deleted());
    assertEquals(230, count("person"), "only the allowed deletes landed");
    assertEquals(4, asked.get(), "the refused question was the last");
    assertEquals("aborted", portState());
    assertEquals(List.of("running", "completed", "running", "aborted"), recorder.states);
  }

  @Test
  void aFenceThatCannotAnswerIsARefusal() {
    var supervisor = seededWithStale(supervisor(resyncId -> {
      if (armed) {
        throw new IllegalStateException("replicator unavailable");
      }
      return CompletableFuture.completedFuture(Optional.empty());
    }));
    ResyncFinished f = resync(supervisor);

    assertEquals(Outcome.ABORTED, f.outcome());
    assertTrue(f.errors().get(0).contains("replicator unavailable"), f.errors().toString());
    assertEquals(0, bulkDeletesSent());
    assertEquals(250, count("person"));
  }

  // ---- an orphaned resync --------------------------------------------------------------------------------------

  static final Instant DEAD_NODE_STARTED = Instant.parse("2026-12-07T01:00:00Z");

  /** Another node started a resync of this integration and died: Port still shows it running. */
  static void orphanedByADeadNode(HttpPortClient client) {
    EmulatedPort.await(client.patchResyncState(
        new PortClient.ResyncState("running", DEAD_NODE_STARTED, null, null, null)));
  }

  List<String> resyncStateBodies() {
    return port.emulator.requestLog().since(0).stream()
        .filter(e -> e.method().equals("PATCH") && e.path().endsWith("/resync-state")).map(e -> e.body()).toList();
  }

  @Test
  void aFencedSupervisorMarksAResyncPortStillShowsRunningAbortedBeforeItStartsANewOne() {
    port.emulator.requestLog().enable(true, true);
    var supervisor = supervisor(resyncId -> CompletableFuture.completedFuture(Optional.empty()),
        FencedResyncTest::orphanedByADeadNode);
    ResyncFinished f = resync(supervisor);

    assertEquals(Outcome.COMPLETED, f.outcome(), f.errors().toString());
    assertEquals(250, kind(f, "person").fetched(), "a new resync from the start, not a resumed one");
    assertEquals(List.of("aborted", "running", "completed"), recorder.states);
    List<String> bodies = resyncStateBodies();
    assertEquals(4, bodies.size(), bodies.toString());
    assertTrue(bodies.get(1).contains("\"status\":\"aborted\"")
        && bodies.get(1).contains("\"lastResyncStart\":\"" + DEAD_NODE_STARTED), "the orphan keeps its start: " + bodies);
    assertEquals("completed", portState());
  }

  @Test
  void onOneNodeNoAbortIsSent() {
    var single = supervisor(DeleteFence.OPEN, FencedResyncTest::orphanedByADeadNode);
    assertEquals(Outcome.COMPLETED, resync(single).outcome());
    assertEquals(List.of("running", "completed"), recorder.states, "single-node behaviour is unchanged");
  }

  @Test
  void withNothingRunningInPortNoAbortIsSent() {
    var fenced = supervisor(resyncId -> CompletableFuture.completedFuture(Optional.empty()));
    assertEquals(Outcome.COMPLETED, resync(fenced).outcome());
    assertEquals(List.of("running", "completed"), recorder.states, "Port showed no resync running");
  }

  @Test
  void theFenceHearsWhenARunStartsAndWhenItHasEnded() {
    List<String> heard = new java.util.concurrent.CopyOnWriteArrayList<>();
    List<Boolean> runningAtTheDeletePhase = new java.util.concurrent.CopyOnWriteArrayList<>();
    var fenced = supervisor(new DeleteFence() {
      @Override
      public java.util.concurrent.CompletionStage<Optional<String>> check(String resyncId) {
        runningAtTheDeletePhase.add(heard.equals(List.of(resyncId + " running")));
        return CompletableFuture.completedFuture(Optional.empty());
      }

      @Override
      public void resyncRunning(String resyncId, boolean running) {
        if (heard.isEmpty() || !heard.get(heard.size() - 1).equals(resyncId + " ended")) {
          heard.add(resyncId + (running ? " running" : " ended"));
        }
      }
    });
    ResyncFinished f = resync(fenced);
    assertEquals(Outcome.COMPLETED, f.outcome(), f.errors().toString());
    assertEquals(List.of(true), runningAtTheDeletePhase, "marked running while it was about to delete");
    dev.oceanj.testsupport.Await.until("the fence heard the run end", Duration.ofSeconds(10),
        () -> heard.equals(List.of(f.resyncId() + " running", f.resyncId() + " ended")));
  }

  static KindResult kind(ResyncFinished f, String kind) {
    return f.kinds().stream().filter(k -> k.kind().equals(kind)).findFirst().orElseThrow();
  }
}
