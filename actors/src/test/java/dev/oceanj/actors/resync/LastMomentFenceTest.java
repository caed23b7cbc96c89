package dev.oceanj.actors.resync;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.typesafe.config.ConfigFactory;
import dev.oceanj.actors.resync.ResyncProtocol.Outcome;
import dev.oceanj.actors.resync.ResyncProtocol.ResyncFinished;
import dev.oceanj.actors.resync.ResyncProtocol.StartResync;
import dev.oceanj.actors.resync.ResyncProtocol.WhenRunning;
import dev.oceanj.core.config.PortSettings;
import dev.oceanj.core.config.ResyncSettings;
import dev.oceanj.core.jq.JqEngine;
import dev.oceanj.core.port.DeleteGuard;
import dev.oceanj.core.port.HttpPortClient;
import dev.oceanj.core.port.PortClient;
import dev.oceanj.core.port.PortClient.UpsertOptions;
import dev.oceanj.core.port.PortClientSettings;
import dev.oceanj.core.port.WriteLimiter;
import dev.oceanj.core.sync.JqMappingCompiler;
import dev.oceanj.emulator.EmulatorSettings;
import dev.oceanj.testsupport.Await;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.UnaryOperator;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The deletion fence at the Port transport, against the real emulator and a real client: delete requests that passed
 * the fence before they were queued, and then wait behind a throttled write budget or a slow Port, are not sent once
 * the node has lost the integration. The fence's {@link DeleteFence#lastMoment} guard is asked after the write
 * limiter and the connection permit, right before the request leaves; the resync ends {@code aborted}.
 *
 * <p>With the check only before each request is queued (the fence's {@link DeleteFence#check}), the queued requests
 * all went out after the loss: 4 bulk deletes where 1 is right.
 */
class LastMomentFenceTest {

  static final ActorTestKit testKit = ActorTestKit.create();
  static final JqEngine jq = JqEngine.create(false);
  static final AtomicInteger ids = new AtomicInteger();
  static final String BULK_DELETE = "/v1/blueprints/{bp}/bulk/entities/delete";
  static final String LOST = "this node no longer owns the integration";
  static final int STALE = 40;
  static EmulatedPort port;
  static ExecutorService cpu;

  /** 40 stale persons, 5 per bulk delete, 4 requests in flight: 4 pass the fence at once and queue in the client. */
  static final ResyncSettings SETTINGS = ResyncSettings.fromConfig(ConfigFactory.parseString(
      "ocean.resync { delete-batch-size = 5, upsert-concurrency = 4, skip-unchanged = false }"));

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
  final List<AutoCloseable> closing = new ArrayList<>();
  /** The node lost the integration (another took it over while this one was paused). */
  volatile boolean lost;
  final AtomicInteger admitted = new AtomicInteger();
  final AtomicInteger refusedAtTheTransport = new AtomicInteger();

  /** Refuses once {@link #lost}; its transport guard is asked and counted like a cluster node's. */
  final DeleteFence fence = new DeleteFence() {
    @Override
    public CompletionStage<Optional<String>> check(String resyncId) {
      return CompletableFuture.completedFuture(lost ? Optional.of(LOST) : Optional.empty());
    }

    @Override
    public DeleteGuard lastMoment(String resyncId) {
      return new DeleteGuard() {
        @Override
        public CompletionStage<Admission> admit() {
          admitted.incrementAndGet();
          return CompletableFuture.completedFuture(lost ? Admission.refused(LOST)
              : Admission.until(System.nanoTime() + Duration.ofSeconds(5).toNanos()));
        }

        @Override
        public void refused(String reason) {
          refusedAtTheTransport.incrementAndGet();
        }
      };
    }
  };

  @AfterEach
  void tearDown() throws Exception {
    port.emulator.reset();
    for (AutoCloseable c : closing) {
      c.close();
    }
  }

  @Test
  void deletesQueuedBehindAThrottledWriteBudgetAreNotSentOnceTheNodeLostTheIntegration() {
    // 2 writes a second, no burst: once the first delete is out, the other three wait about 0.5 s each.
    WriteLimiter throttled = WriteLimiter.create(new PortSettings.RateLimit(true, 600, 1, 0.0));
    closing.add(throttled);
    ResyncFinished f = resyncLosingTheIntegrationAtTheFirstDelete(throttled, s -> s);

    assertFencedAfterOneDelete(f);
  }

  @Test
  void deletesQueuedBehindASlowPortAreNotSentOnceTheNodeLostTheIntegration() {
    // One connection, and Port takes 400 ms per POST: the other three wait for the connection.
    port.emulator.faults().slowDown("POST", Duration.ofMillis(400));
    ResyncFinished f = resyncLosingTheIntegrationAtTheFirstDelete(WriteLimiter.unlimited(),
        s -> s.withMaxConnections(1));

    assertFencedAfterOneDelete(f);
  }

  void assertFencedAfterOneDelete(ResyncFinished f) {
    Await.until("every delete request sent has been answered", Duration.ofSeconds(10),
        () -> port.emulator.entities("person").size() <= catalog.persons + STALE - 5 * bulkDeletes());
    assertEquals(1, bulkDeletes(), "only the delete that left before the loss reached Port");
    assertEquals(Outcome.ABORTED, f.outcome(), f.errors().toString());
    assertEquals(List.of(LOST), f.errors());
    assertEquals(5, f.reconciliation().deleted());
    assertEquals(STALE - 5, stale(), "the queued deletes did not land");
    assertTrue(refusedAtTheTransport.get() >= 1, "refused at the transport: " + refusedAtTheTransport.get());
    assertEquals("aborted", port.emulator.integration(integration).orElseThrow().path("resyncState")
        .path("status").asText());
  }

  String integration;

  /**
   * Seeds {@link #STALE} persons of this integration its source does not have, then resyncs through a client on
   * {@code limiter}; the node loses the integration the moment Port receives the first bulk delete.
   */
  ResyncFinished resyncLosingTheIntegrationAtTheFirstDelete(WriteLimiter limiter,
      UnaryOperator<PortClientSettings> tuned) {
    integration = "last-moment-" + ids.incrementAndGet();
    HttpPortClient setup = port.client(integration);
    closing.add(setup);
    port.blueprint(setup, TestCatalog.BLUEPRINT_DEPT);
    port.blueprint(setup, TestCatalog.BLUEPRINT_PERSON);
    port.integration(setup, EmulatedPort.yaml(TestCatalog.mapping(1.0, true)));
    catalog.departments = 1;
    catalog.persons = 10;
    List<ObjectNode> stale = new ArrayList<>();
    for (int i = 0; i < STALE; i++) {
      ObjectNode e = EmulatedPort.JSON.createObjectNode().put("identifier", "stale-" + i).put("title", "stale");
      e.putObject("properties").put("email", "stale-" + i + "@example.com");
      stale.add(e);
    }
    EmulatedPort.await(setup.bulkUpsert("person", stale, UpsertOptions.defaults()));
    assertEquals(STALE, stale());

    PortClientSettings settings = tuned.apply(PortClientSettings.of(URI.create(port.emulator.baseUrl()),
            EmulatorSettings.DEFAULT_CLIENT_ID, EmulatorSettings.DEFAULT_CLIENT_SECRET)
        .withRequestTimeout(Duration.ofSeconds(10)));
    HttpPortClient client = HttpPortClient.create(settings, new PortClient.PortIdentity("fake", "0.1.0", integration),
        limiter);
    closing.add(client);
    var deps = new ResyncDependencies(client, catalog::source, new JqMappingCompiler(jq), SETTINGS,
        Optional.empty(), cpu, item -> EmulatedPort.JSON.valueToTree(item), Clock.systemUTC(), Duration.ofSeconds(3))
        .withDeleteFence(fence);
    var supervisor = testKit.spawn(IntegrationSupervisor.create(deps));

    var finished = testKit.<ResyncFinished>createTestProbe();
    supervisor.tell(new StartResync("test", WhenRunning.QUEUE, null, finished.getRef()));
    Await.until("the first bulk delete reaches Port", Duration.ofSeconds(30), () -> bulkDeletes() >= 1);
    lost = true;
    ResyncFinished f = finished.receiveMessage(Duration.ofSeconds(30));
    testKit.stop(supervisor);
    return f;
  }

  long bulkDeletes() {
    // Counted when Port receives the request (the request log records it once answered).
    return port.emulator.counters().requests("POST " + BULK_DELETE);
  }

  long stale() {
    return port.emulator.entities("person").stream().filter(e -> e.path("identifier").asText().startsWith("stale-"))
        .count();
  }
}
