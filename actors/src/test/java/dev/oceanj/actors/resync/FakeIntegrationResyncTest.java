package dev.oceanj.actors.resync;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.oceanj.actors.resync.ResyncProtocol.Outcome;
import dev.oceanj.actors.resync.ResyncProtocol.ResyncFinished;
import dev.oceanj.actors.resync.ResyncProtocol.StartResync;
import dev.oceanj.actors.resync.ResyncProtocol.WhenRunning;
import dev.oceanj.core.config.ResyncSettings;
import dev.oceanj.core.defaults.DefaultsInitializer;
import dev.oceanj.core.jq.JqEngine;
import dev.oceanj.core.port.HttpPortClient;
import dev.oceanj.core.live.LiveEventWriter;
import dev.oceanj.core.port.PortClient.UpsertOptions;
import dev.oceanj.core.sync.DigestStore;
import dev.oceanj.core.sync.JqMappingCompiler;
import dev.oceanj.core.sync.KindResult;
import dev.oceanj.core.sync.LiveWrites;
import dev.oceanj.core.sync.MappingPlan;
import dev.oceanj.integrations.fake.FakeIntegration;
import dev.oceanj.spi.host.DefinedIntegration;
import dev.oceanj.spi.host.IntegrationResources;
import dev.oceanj.testsupport.Await;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.typed.ActorRef;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole first-start-and-resync path with the built-in fake integration: defaults from its {@code .port}
 * folder, then resyncs against the emulator, the skip-unchanged store persisted under a data directory.
 */
class FakeIntegrationResyncTest {

  static final ActorTestKit testKit = ActorTestKit.create();
  static EmulatedPort port;
  static ExecutorService cpu;
  static final HttpClient http = HttpClient.newHttpClient();

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

  @TempDir
  Path dataDir;
  final List<DefinedIntegration> started = new ArrayList<>();
  HttpPortClient client;

  @AfterEach
  void tearDown() {
    started.forEach(DefinedIntegration::stop);
    client.close();
    port.emulator.reset();
  }

  /** A fresh supervisor over a freshly defined fake integration (settings are bound at definition). */
  ActorRef<ResyncProtocol.Command> supervisor(String settingsJson) throws Exception {
    return supervisor(settingsJson, new LiveWrites());
  }

  ActorRef<ResyncProtocol.Command> supervisor(String settingsJson, LiveWrites liveWrites) throws Exception {
    ObjectNode settings = (ObjectNode) EmulatedPort.JSON.readTree(settingsJson);
    DefinedIntegration fake = DefinedIntegration.define(new FakeIntegration(), settings, http);
    fake.start();
    started.add(fake);
    if (client == null) {
      client = port.client("fake-it");
      var resources = DefaultsInitializer.Resources.from(IntegrationResources.forType("fake"));
      var outcome = EmulatedPort.await(new DefaultsInitializer(client, resources, true, Optional.empty()).run());
      assertEquals(5, outcome.blueprintsCreated().size());
    }
    ResyncSettings rs = ResyncSettings.defaults().withSkipUnchanged(true, Optional.of(dataDir))
        .withKindRestart(new ResyncSettings.KindRestart(Duration.ofMillis(20), Duration.ofMillis(50), 0.1, 1));
    var deps = new ResyncDependencies(client, fake::resyncSource,
        new JqMappingCompiler(JqEngine.create(false)), rs, Optional.empty(), cpu, fake::toJson, Clock.systemUTC(),
        Duration.ofSeconds(3));
    return testKit.spawn(IntegrationSupervisor.create(deps, liveWrites));
  }

  ResyncFinished resync(ActorRef<ResyncProtocol.Command> supervisor) {
    var finished = testKit.<ResyncFinished>createTestProbe();
    supervisor.tell(new StartResync("once", WhenRunning.QUEUE, null, finished.getRef()));
    return finished.receiveMessage(Duration.ofSeconds(120));
  }

  int count(String blueprint) {
    return port.emulator.entities(blueprint).size();
  }

  static long sum(ResyncFinished f, java.util.function.ToLongFunction<KindResult> field) {
    return f.kinds().stream().mapToLong(field).sum();
  }

  @Test
  void firstStartThenResyncsCreateSkipAndDeleteExactlyAsTheSourceSays() throws Exception {
    var first = resync(supervisor("{\"entityAmount\": 40}"));
    assertEquals(Outcome.COMPLETED, first.outcome(), first.errors().toString());
    assertEquals(5, count("fake-department"));
    assertEquals(200, count("fake-person"));
    assertEquals(8, count("fake-office"));
    assertEquals(12, count("fake-team"));
    assertEquals(40, count("fake-project"));
    assertEquals(265, sum(first, KindResult::upserted));

    // A new supervisor (a new process, say) finds the skip-unchanged store in the data directory.
    long written = port.emulator.counters().entitiesWritten();
    var second = resync(supervisor("{\"entityAmount\": 40}"));
    assertEquals(0, sum(second, KindResult::upserted));
    assertEquals(265, sum(second, KindResult::unchanged));
    assertEquals(written, port.emulator.counters().entitiesWritten());

    var changed = resync(supervisor("{\"entityAmount\": 40, \"personsVersion\": 1}"));
    assertEquals(200, changed.kinds().get(1).upserted(), "every person changed");
    assertEquals(65, sum(changed, KindResult::unchanged));

    var dropped = resync(supervisor("{\"entityAmount\": 40, \"personsVersion\": 1, \"removedPersons\": 4}"));
    assertEquals(Outcome.COMPLETED, dropped.outcome());
    assertEquals(20, dropped.reconciliation().deleted());
    assertEquals(180, count("fake-person"));
  }

  @Test
  void aKindFailingMidwayDeletesNothing() throws Exception {
    resync(supervisor("{\"entityAmount\": 40}"));
    var f = resync(supervisor(
        "{\"entityAmount\": 40, \"removedPersons\": 10, \"failKindAfter\": {\"kind\": \"fake-person\", \"items\": 60},"
            + " \"thirdPartyBatchSize\": 20}"));
    assertEquals(Outcome.FAILED, f.outcome());
    assertFalse(f.reconciliation().ran());
    assertTrue(f.kinds().get(1).error().isPresent());
    assertTrue(f.kinds().get(2).error().isEmpty(), "the kinds after it still ran");
    assertEquals(8, f.kinds().get(2).unchanged());
    assertEquals(200, count("fake-person"));
  }

  /** The person {@code id} as Port holds it now. */
  ObjectNode person(String id) {
    return (ObjectNode) port.emulator.entity("fake-person", id).orElseThrow();
  }

  /** A status of the blueprint's enum other than the one {@code person} has. */
  static String other(ObjectNode person) {
    return person.path("properties").path("status").asText().equals("WORKING") ? "NOPE" : "WORKING";
  }

  /** Waits until our clock is past the drift check's tolerance after {@code instant}. */
  static void pastTolerance(java.time.Instant instant) {
    long until = instant.toEpochMilli() + DigestStore.CLOCK_TOLERANCE_MS + 1;
    Await.until("the clock to pass the drift check's tolerance",
        Duration.ofMillis(DigestStore.CLOCK_TOLERANCE_MS + 10_000), () -> System.currentTimeMillis() > until);
  }

  @Test
  void aLiveEventWriteIsRepairedByTheNextResync() throws Exception {
    LiveWrites liveWrites = new LiveWrites();
    var supervisor = supervisor("{\"entityAmount\": 40}", liveWrites);
    var first = resync(supervisor);
    assertEquals(Outcome.COMPLETED, first.outcome(), first.errors().toString());
    ObjectNode before = person("hr-3");

    // A live event writes hr-3 with data the source does not have (right after the resync: within the clock
    // tolerance, so only what the live-event path tells the store can catch it).
    MappingPlan plan = new JqMappingCompiler(JqEngine.create(false))
        .compile(port.emulator.integration("fake-it").orElseThrow().path("config"));
    ObjectNode raw = EmulatedPort.JSON.createObjectNode().put("id", "hr-3").put("name", "Live")
        .put("email", "live@example.com").put("status", other(before)).put("age", 999).put("bio", "from a live event");
    raw.putObject("department").put("id", "hr").put("name", "hr");
    var applied = EmulatedPort.await(new LiveEventWriter(client, liveWrites)
        .apply(plan, "fake-person", List.of(raw), List.of()));
    assertEquals(1, applied.upserted());
    assertEquals(999, person("hr-3").path("properties").path("age").asInt());

    var second = resync(supervisor);
    assertEquals(Outcome.COMPLETED, second.outcome(), second.errors().toString());
    assertEquals(1, sum(second, KindResult::upserted), "only the entity the live event changed");
    assertEquals(264, sum(second, KindResult::unchanged));
    assertEquals(before.path("properties"), person("hr-3").path("properties"));
    assertEquals(before.path("title"), person("hr-3").path("title"));
  }

  @Test
  void anEditInPortIsRepairedByTheNextResync() throws Exception {
    var first = resync(supervisor("{\"entityAmount\": 40}"));
    assertEquals(Outcome.COMPLETED, first.outcome(), first.errors().toString());
    ObjectNode before = person("finance-7");
    pastTolerance(first.finished());

    // Someone edits the entity through Port's API under this integration's datasource (another replica, a
    // script): it stays owned, and only its updatedAt tells.
    ObjectNode edited = before.deepCopy();
    ((ObjectNode) edited.path("properties")).put("age", 12345).put("status", other(before));
    edited.retain("identifier", "title", "properties", "relations");
    try (HttpPortClient other = port.client("fake-it")) {
      var outcome = EmulatedPort.await(other.bulkUpsert("fake-person", List.of(edited), UpsertOptions.defaults()));
      assertTrue(outcome.outcomes().get(0).ok(), outcome.toString());
    }
    assertEquals(12345, person("finance-7").path("properties").path("age").asInt());

    // A new supervisor (a new process) with the store its predecessor saved.
    var second = resync(supervisor("{\"entityAmount\": 40}"));
    assertEquals(Outcome.COMPLETED, second.outcome(), second.errors().toString());
    assertEquals(1, sum(second, KindResult::upserted), "only the edited entity is written");
    assertEquals(264, sum(second, KindResult::unchanged));
    assertEquals(before.path("properties"), person("finance-7").path("properties"));
  }

  @Test
  void whatAResyncWroteAfterTheLastSaveIsWrittenAgainAfterACrash() throws Exception {
    var v0 = resync(supervisor("{\"entityAmount\": 40}"));
    assertEquals(Outcome.COMPLETED, v0.outcome(), v0.errors().toString());
    ObjectNode before = person("support-5");
    Path store = Files.list(dataDir.resolve("resync")).filter(f -> f.toString().endsWith(".digests")).findFirst()
        .orElseThrow();
    Path saved = dataDir.resolve("saved-store");
    Files.copy(store, saved);
    pastTolerance(v0.finished());

    var v1 = resync(supervisor("{\"entityAmount\": 40, \"personsVersion\": 1}"));
    assertEquals(200, sum(v1, KindResult::upserted));
    // What a kill -9 during v1 leaves: Port has v1's persons, the data dir the store saved after v0.
    Files.copy(saved, store, StandardCopyOption.REPLACE_EXISTING);

    var again = resync(supervisor("{\"entityAmount\": 40}"));
    assertEquals(Outcome.COMPLETED, again.outcome(), again.errors().toString());
    assertEquals(200, sum(again, KindResult::upserted), "every person v1 wrote is written back");
    assertEquals(65, sum(again, KindResult::unchanged));
    assertEquals(before.path("properties"), person("support-5").path("properties"));
  }
}
