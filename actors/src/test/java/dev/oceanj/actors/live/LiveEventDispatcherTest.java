package dev.oceanj.actors.live;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.oceanj.core.config.LiveEventSettings;
import dev.oceanj.core.config.PortSettings;
import dev.oceanj.core.jq.JqEngine;
import dev.oceanj.core.live.DeadLetter;
import dev.oceanj.core.live.LiveEventLog;
import dev.oceanj.core.live.LiveEventCounters;
import dev.oceanj.core.live.LiveEventWriter;
import dev.oceanj.core.live.LiveMapping;
import dev.oceanj.core.port.HttpPortClient;
import dev.oceanj.core.port.PortClient;
import dev.oceanj.core.port.PortClientSettings;
import dev.oceanj.core.port.WriteLimiter;
import dev.oceanj.core.sync.JqMappingCompiler;
import dev.oceanj.emulator.EmulatorSettings;
import dev.oceanj.emulator.PortEmulator;
import dev.oceanj.integrations.fake.FakeIntegration;
import dev.oceanj.spi.host.DefinedIntegration;
import dev.oceanj.spi.host.IntegrationResources;
import dev.oceanj.spi.live.LiveEvent;
import dev.oceanj.spi.live.LiveEventProcessor;
import dev.oceanj.spi.live.LiveEventResult;
import dev.oceanj.spi.live.RetryableLiveEventException;
import dev.oceanj.testsupport.TestPort;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The dispatcher against the real Port emulator, with the fake integration's mapping and webhook. */
class LiveEventDispatcherTest {

  static final ActorTestKit testKit = ActorTestKit.create();
  static final ObjectMapper JSON = new ObjectMapper();
  static final LiveEventSettings SETTINGS = new LiveEventSettings(Duration.ofSeconds(20), 3, Duration.ofMillis(10),
      Duration.ofMillis(40), 8, 1 << 20, Duration.ofSeconds(1));
  static PortEmulator emulator;
  static ExecutorService pool;
  static DefinedIntegration fake;
  static int integrations;

  @TempDir Path dir;
  LiveEventLog log;
  HttpPortClient client;
  LiveEventCounters counters;

  @BeforeAll
  static void startPort() {
    emulator = TestPort.start();
    pool = Executors.newFixedThreadPool(4);
    fake = DefinedIntegration.define(new FakeIntegration(), null, HttpClient.newHttpClient());
  }

  @AfterAll
  static void stopAll() {
    testKit.shutdownTestKit();
    emulator.close();
    pool.shutdownNow();
  }

  @BeforeEach
  void setUp() throws Exception {
    String id = "live-" + (++integrations);
    PortClientSettings settings = PortClientSettings.of(URI.create(emulator.baseUrl()),
        EmulatorSettings.DEFAULT_CLIENT_ID, EmulatorSettings.DEFAULT_CLIENT_SECRET)
        .withRetry(new PortSettings.Retry(5, Duration.ofMillis(20), Duration.ofMillis(200), 0.1));
    client = HttpPortClient.create(settings, new PortClient.PortIdentity("fake", "0.1.0", id), WriteLimiter.unlimited());
    IntegrationResources res = IntegrationResources.forType("fake");
    for (JsonNode bp : JSON.readTree(res.blueprints().orElseThrow().text())) {
      if (client.getBlueprint(bp.get("identifier").asText()).toCompletableFuture().join().isEmpty()) {
        client.createBlueprint(bp).toCompletableFuture().join();
      }
    }
    ObjectNode body = JSON.createObjectNode();
    body.set("config", new YAMLMapper().readTree(res.mapping().orElseThrow().text()));
    client.createIntegration(body).toCompletableFuture().join();
    log = LiveEventLog.open(dir);
    counters = new LiveEventCounters();
  }

  @AfterEach
  void tearDown() {
    log.close();
    client.close();
  }

  private void spawn(Map<String, List<LiveEventProcessor>> processors) {
    testKit.spawn(LiveEventDispatcher.create(deps(processors, pool)));
  }

  private LiveEventDispatcher.Deps deps(Map<String, List<LiveEventProcessor>> processors, Executor executor) {
    LiveMapping mapping = new LiveMapping(client, new JqMappingCompiler(JqEngine.create(false)), Duration.ofMinutes(1),
        Clock.systemUTC());
    return new LiveEventDispatcher.Deps(log, processors, mapping, new LiveEventWriter(client), fake::toJson, SETTINGS,
        8, counters, executor);
  }

  private void send(String path, String json) {
    log.append(Instant.now(), path, Map.of(), json.getBytes(StandardCharsets.UTF_8)).join();
  }

  private static String person(String id, int age) {
    return "{\"action\":\"upsert\",\"person\":{\"id\":\"" + id + "\",\"name\":\"Person " + id + "\",\"email\":\"" + id
        + "@example.com\",\"status\":\"WORKING\",\"age\":" + age + ",\"department\":{\"id\":\"hr\",\"name\":\"hr\"},"
        + "\"bio\":\"b\"}}";
  }

  private static void await(BooleanSupplier condition, String what) {
    dev.oceanj.testsupport.Await.until(what, Duration.ofSeconds(60), condition);
  }

  private static int age(String id) {
    return emulator.entity("fake-person", id).map(e -> e.path("properties").path("age").asInt(-1)).orElse(-1);
  }

  @Test
  void keepsTheOrderOfEachPersonWhileOthersInterleave() {
    spawn(fake.liveEventProcessors());
    String key = "order-" + integrations;
    for (int i = 0; i < 1000; i++) {
      send("/webhook", person(key, i));
      send("/webhook", person(key + "-other-" + (i % 50), i));
    }
    await(() -> log.depth() == 0, "log drained");
    assertEquals(999, age(key), "the catalog ends with the last update");
    for (int o = 0; o < 50; o++) {
      assertEquals(950 + o, age(key + "-other-" + o));
    }
    assertEquals(2000, counters.processed.sum());
    assertEquals(0, counters.deadLettered.sum());
  }

  @Test
  void deleteRemovesExactlyThatPersonAndDeletingAnAbsentOneIsANoOp() {
    spawn(fake.liveEventProcessors());
    String a = "del-a-" + integrations;
    String b = "del-b-" + integrations;
    send("/webhook", person(a, 30));
    send("/webhook", person(b, 31));
    send("/webhook", "{\"action\":\"delete\",\"person\":{\"id\":\"" + a + "\"}}");
    send("/webhook", "{\"action\":\"delete\",\"person\":{\"id\":\"never-" + a + "\"}}");
    await(() -> log.depth() == 0, "log drained");
    assertTrue(emulator.entity("fake-person", a).isEmpty(), "deleted");
    assertEquals(31, age(b), "the other person is untouched");
    assertEquals(List.of(), log.deadLetters());
    assertEquals(1, counters.deleted.sum());
  }

  @Test
  void aProcessorThatFailsTwiceThenSucceedsIsRetried() {
    AtomicInteger calls = new AtomicInteger();
    spawn(Map.of("/flaky", List.of(processor(event -> {
      if (calls.incrementAndGet() <= 2) {
        throw new RetryableLiveEventException("3rd party answered 503");
      }
      return LiveEventResult.upsert(List.of(event.payload().get("person")));
    }))));
    String id = "flaky-" + integrations;
    send("/flaky", person(id, 40));
    await(() -> log.depth() == 0, "log drained");
    assertEquals(40, age(id));
    assertEquals(3, calls.get());
    assertEquals(2, counters.failed.sum());
    assertEquals(List.of(), log.deadLetters());
  }

  @Test
  void anEventThatAlwaysFailsIsDeadLetteredAndCanBeReplayed() {
    AtomicBoolean broken = new AtomicBoolean(true);
    AtomicInteger calls = new AtomicInteger();
    spawn(Map.of("/broken/{tenant}", List.of(processor(event -> {
      calls.incrementAndGet();
      if (broken.get()) {
        throw new IllegalStateException("cannot reach tenant " + event.pathParams().get("tenant"));
      }
      return LiveEventResult.upsert(List.of(event.payload().get("person")));
    }))));
    String id = "dead-" + integrations;
    send("/broken/acme", person(id, 50));
    await(() -> log.deadLetters().size() == 1, "dead-lettered");
    DeadLetter letter = log.deadLetters().get(0);
    assertTrue(letter.error().contains("cannot reach tenant acme"), letter.error());
    assertEquals(4, calls.get(), "first try plus max-retries");
    assertEquals(-1, age(id));
    assertEquals(1, counters.deadLettered.sum());

    broken.set(false);
    assertTrue(log.replay(letter.id()).join().isPresent());
    await(() -> age(id) == 50, "replayed event reached the catalog");
    assertEquals(List.of(), log.deadLetters());
  }

  @Test
  void eventsStoredBeforeARestartAreProcessedByTheNextActor() {
    String id = "restart-" + integrations;
    send("/webhook", person(id, 60));
    send("/webhook", person(id, 61));
    log.close();
    log = LiveEventLog.open(dir);
    assertEquals(2, log.depth());
    spawn(fake.liveEventProcessors());
    await(() -> log.depth() == 0, "recovered events processed");
    assertEquals(61, age(id));
  }

  @Test
  void aDispatcherThatFailsIsRestartedAndEventsAcknowledgedAfterwardsAreStillDelivered() {
    // A processor bug that is not a RuntimeException escapes partitionKey, on the dispatcher's own thread, once.
    LiveEventProcessor person = fake.liveEventProcessors().get("/webhook").get(0);
    AtomicBoolean failOnce = new AtomicBoolean(true);
    LiveEventProcessor buggy = new LiveEventProcessor() {
      @Override
      public Set<String> kinds(LiveEvent event) {
        return person.kinds(event);
      }

      @Override
      public String partitionKey(LiveEvent event) {
        if (failOnce.getAndSet(false)) {
          throw new AssertionError("a bug in the integration");
        }
        return person.partitionKey(event);
      }

      @Override
      public CompletionStage<LiveEventResult> handle(LiveEvent event, String kind) {
        return person.handle(event, kind);
      }
    };
    testKit.spawn(LiveEventDispatcher.supervised(deps(Map.of("/webhook", List.of(buggy)), pool)));
    String id = "supervised-" + integrations;
    send("/webhook", person(id, 70));
    await(() -> !failOnce.get(), "the dispatcher hit the bug");
    send("/webhook", person(id, 71));
    send("/webhook", person(id + "-other", 72));
    await(() -> log.depth() == 0, "events acknowledged before and after the failure processed");
    assertEquals(71, age(id), "the person's last update wins, in order");
    assertEquals(72, age(id + "-other"));
    assertEquals(List.of(), log.deadLetters());
  }

  @Test
  void anEventOutOfTimeInsideTheIntegrationIsReportedHungAndOneOutOfTimeWritingToPortIsNot() {
    LiveEventSettings quick = new LiveEventSettings(Duration.ofMillis(500), 0, Duration.ofMillis(10),
        Duration.ofMillis(40), 8, 1 << 20, Duration.ofSeconds(1));
    List<String> hung = new java.util.concurrent.CopyOnWriteArrayList<>();
    LiveEventProcessor waitsForever = new LiveEventProcessor() {
      @Override
      public Set<String> kinds(LiveEvent event) {
        return Set.of("fake-person");
      }

      @Override
      public CompletionStage<LiveEventResult> handle(LiveEvent event, String kind) {
        return new CompletableFuture<>(); // a 3rd party that never answers
      }
    };
    LiveEventDispatcher.Deps base = deps(Map.of("/hangs", List.of(waitsForever),
        "/slow-port", List.of(processor(event -> LiveEventResult.upsert(List.of(event.payload().get("person")))))),
        pool);
    testKit.spawn(LiveEventDispatcher.create(new LiveEventDispatcher.Deps(base.log(), base.processors(),
        base.mapping(), base.writer(), base.toJson(), quick, base.parallelism(), base.counters(), base.executor(),
        base.sources(), hung::add)));

    send("/hangs", person("hung-" + integrations, 1));
    await(() -> log.deadLetters().size() == 1, "the hung event dead-lettered");
    await(() -> hung.size() == 1, "the hung call reported");
    assertEquals("the live-event processor of /integration/hangs (event " + log.deadLetters().get(0).id()
        + ") did not finish within 500 ms (ocean.live-events.max-event-processing)", hung.get(0));

    // Port slower than the budget: the event runs out of time in the write, not in the integration.
    emulator.faults().slowDown("POST", Duration.ofSeconds(2));
    try {
      send("/slow-port", person("slow-" + integrations, 2));
      await(() -> log.deadLetters().size() == 2, "the slow write's event dead-lettered");
    } finally {
      emulator.faults().slowDown("POST", Duration.ZERO);
    }
    assertTrue(log.deadLetters().get(1).error().contains("max-event-processing"), log.deadLetters().get(1).error());
    assertEquals(1, hung.size(), "a slow Port is not a hung 3rd party: " + hung);
  }

  private static LiveEventProcessor processor(java.util.function.Function<LiveEvent, LiveEventResult> handle) {
    return new LiveEventProcessor() {
      @Override
      public Set<String> kinds(LiveEvent event) {
        return Set.of("fake-person");
      }

      @Override
      public CompletionStage<LiveEventResult> handle(LiveEvent event, String kind) {
        return CompletableFuture.completedFuture(handle.apply(event));
      }
    };
  }
}
