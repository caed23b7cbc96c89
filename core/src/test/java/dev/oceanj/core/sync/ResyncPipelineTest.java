package dev.oceanj.core.sync;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.oceanj.core.config.ResyncSettings;
import dev.oceanj.core.mapping.CompiledResource;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.ActorSystem;
import org.apache.pekko.stream.Materializer;
import org.apache.pekko.stream.javadsl.Source;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class ResyncPipelineTest {

  static ActorSystem system;
  static Materializer mat;
  static ExecutorService cpu;
  static final ObjectMapper json = new ObjectMapper();

  @BeforeAll
  static void start() {
    system = ActorSystem.create("pipeline-test");
    mat = Materializer.matFromSystem(system);
    cpu = Executors.newFixedThreadPool(2);
  }

  @AfterAll
  static void stop() {
    cpu.shutdownNow();
    system.terminate();
  }

  final FakePortClient port = new FakePortClient();
  final DigestStore digests = new DigestStore();
  ResyncSettings settings = ResyncSettings.defaults();

  static MappingPlan plan(boolean createMissing, double threshold, CompiledResource... resources) {
    return new MappingPlan(List.of(resources), true, createMissing, true, threshold);
  }

  ResyncRun newRun(MappingPlan plan) throws Exception {
    Instant started = Instant.now();
    OwnedEntities.Presence presence =
        OwnedEntities.markPresent(port, digests, mat).toCompletableFuture().get(10, TimeUnit.SECONDS);
    return new ResyncRun("r", started, plan, java.util.OptionalLong.of(presence.owned()),
        java.util.OptionalLong.of(presence.unrecorded()), digests);
  }

  KindResult runKind(ResyncRun run, CompiledResource mapper, List<? extends JsonNode> items) throws Exception {
    List<List<JsonNode>> batches = new ArrayList<>();
    for (int i = 0; i < items.size(); i += 7) {
      batches.add(new ArrayList<>(items.subList(i, Math.min(items.size(), i + 7))));
    }
    var pipeline = new ResyncPipeline(settings, port, cpu, json);
    var graph = pipeline.graph(run, mapper, Source.from(batches), new KindCounters(mapper.kind(), mapper.index()));
    return graph.run(mat).second().toCompletableFuture().get(30, TimeUnit.SECONDS);
  }

  Reconciler.Result reconcile(ResyncRun run, Optional<String> blocked) throws Exception {
    return new Reconciler(port, settings, mat).reconcile(run, blocked).toCompletableFuture().get(30, TimeUnit.SECONDS);
  }

  static List<ObjectNode> people(int n) {
    List<ObjectNode> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      out.add(TestMapper.item("p" + i, "Person " + i).put("dept", "d" + (i % 3)));
    }
    return out;
  }

  final CompiledResource persons = TestMapper.resource("person", "person");

  @Test
  void firstResyncWritesEveryMappedEntityInBatchesOfAtMostTwenty() throws Exception {
    List<ObjectNode> items = people(90);
    items.add(TestMapper.item("x1", "filtered").put("skip", true));
    items.add(TestMapper.item("x2", "filtered").put("skip", true));
    items.add(TestMapper.item("x3", "filtered").put("skip", true));
    items.add(json.createObjectNode().put("name", "no id"));
    KindResult r = runKind(newRun(plan(true, 0.9, persons)), persons, items);

    assertEquals(94, r.fetched());
    assertEquals(90, r.mapped());
    assertEquals(3, r.filteredOut());
    assertEquals(1, r.dropped());
    assertEquals(90, r.upserted());
    assertEquals(0, r.unchanged());
    assertEquals(0, r.failed());
    assertFalse(r.hasErrors());
    assertEquals(90, port.count());
    assertTrue(port.upsertBatches.stream().allMatch(b -> b.size() <= 20));
    assertEquals(5, port.upsertBatches.size(), "90 entities of one blueprint fill 4 batches of 20 and one of 10");
    assertEquals(5, port.examples.get("person").size(), "first 5 raw items sent as examples");
  }

  @Test
  void secondResyncOfAnUnchangedSourceWritesNothingAndAChangeWritesOnlyThatEntity() throws Exception {
    MappingPlan plan = plan(true, 0.9, persons);
    runKind(newRun(plan), persons, people(60));
    int batchesAfterFirst = port.upsertBatches.size();

    KindResult second = runKind(newRun(plan), persons, people(60));
    assertEquals(0, second.upserted());
    assertEquals(60, second.unchanged());
    assertEquals(batchesAfterFirst, port.upsertBatches.size(), "no request at all");

    List<ObjectNode> changed = people(60);
    changed.get(17).put("name", "Renamed");
    KindResult third = runKind(newRun(plan), persons, changed);
    assertEquals(1, third.upserted());
    assertEquals(59, third.unchanged());
    assertEquals("Renamed", port.entities.get("person").get("p17").entity().path("title").asText());
  }

  @Test
  void anEntityPortLostIsWrittenAgainDespiteAMatchingDigest() throws Exception {
    MappingPlan plan = plan(true, 0.9, persons);
    runKind(newRun(plan), persons, people(30));
    port.entities.get("person").remove("p5");

    KindResult second = runKind(newRun(plan), persons, people(30));
    assertEquals(1, second.upserted());
    assertEquals(29, second.unchanged());
    assertTrue(port.has("person", "p5"));
  }

  @Test
  void rejectedEntitiesAreReportedOneByOneWhileTheRestLandAndAreRetriedNextTime() throws Exception {
    MappingPlan plan = plan(true, 0.9, persons);
    port.reject = e -> e.path("identifier").asText().endsWith("7");
    KindResult r = runKind(newRun(plan), persons, people(40));
    assertEquals(36, r.upserted());
    assertEquals(4, r.failed());
    assertEquals("invalid_entity: bad p17", r.failedEntities().get("p17"));
    assertEquals(4, r.failedEntities().size());
    assertFalse(port.has("person", "p7"));
    assertTrue(port.has("person", "p8"));

    port.reject = e -> false;
    KindResult again = runKind(newRun(plan), persons, people(40));
    assertEquals(4, again.upserted(), "rejected ones have no digest, so they are written again");
    assertEquals(36, again.unchanged());
  }

  @Test
  void aWholeBatchFailureFailsItsEntitiesNotTheKind() throws Exception {
    port.failBulk = true;
    KindResult r = runKind(newRun(plan(true, 0.9, persons)), persons, people(25));
    assertEquals(25, r.failed());
    assertEquals(0, r.upserted());
    assertFalse(r.hasErrors());
    assertTrue(r.failedEntities().get("p0").contains("503"), r.failedEntities().toString());
  }

  @Test
  void mappingErrorsAreCountedAndMisconfiguredFieldsReportedOncePerField() throws Exception {
    List<ObjectNode> items = people(10);
    items.add(TestMapper.item("bad1", "x").put("bad", true));
    items.add(TestMapper.item("nodept1", "x"));
    items.add(TestMapper.item("nodept2", "x"));
    KindResult r = runKind(newRun(plan(true, 0.9, persons)), persons, items);
    assertEquals(1, r.mappingErrors());
    assertTrue(r.hasErrors());
    assertEquals(1, r.errors().size(), r.errors().toString());
    assertTrue(r.errors().get(0).startsWith("Expected boolean value for pattern"), r.errors().toString());
    assertTrue(r.errors().get(0).contains("not a boolean"), r.errors().toString());
    assertEquals(1, r.misconfigured().size());
    assertTrue(r.misconfigured().get("relations.department").startsWith(".dept (e.g. entity 'nodept"),
        r.misconfigured().toString());
    assertEquals(12, r.upserted());
  }

  @Test
  void itemsToParseExpandsEveryRawObject() throws Exception {
    ObjectNode raw = json.createObjectNode();
    var arr = raw.putArray("items");
    people(25).forEach(arr::add);
    CompiledResource inItems = TestMapper.resource("person", "person", true);
    KindResult r = runKind(newRun(plan(true, 0.9, inItems)), inItems, List.of(raw));
    assertEquals(1, r.fetched());
    assertEquals(25, r.mapped());
    assertEquals(25, port.count());
  }

  @Test
  void entitiesTheSourceDroppedAreDeletedInBatchesOfAtMostOneHundred() throws Exception {
    MappingPlan plan = plan(true, 0.9, persons);
    runKind(newRun(plan), persons, people(400));
    ResyncRun second = newRun(plan);
    runKind(second, persons, people(150));
    Reconciler.Result rec = reconcile(second, Optional.empty());
    assertTrue(rec.ran());
    assertEquals(250, rec.stale());
    assertEquals(250, rec.deleted());
    assertEquals(150, port.count());
    assertTrue(port.deleteBatches.stream().allMatch(b -> b.size() <= 100));
    assertTrue(port.has("person", "p149"));
    assertFalse(port.has("person", "p150"));
    assertEquals(0, digests.get(KeyHash.key("person", "p150")), "deleted entities leave the digest store");
  }

  @Test
  void ownedCountsWhatTheIntegrationOwnedWhenTheResyncBeganEvenWhenItRewroteMost() throws Exception {
    MappingPlan plan = plan(true, 0.9, persons);
    runKind(newRun(plan), persons, people(400));
    List<ObjectNode> renamed = people(350);
    renamed.forEach(p -> p.put("name", "Renamed " + p.path("id").asText()));
    ResyncRun second = newRun(plan);
    KindResult written = runKind(second, persons, renamed);
    assertEquals(350, written.upserted(), "the resync rewrote 350 of the 400");
    Reconciler.Result rec = reconcile(second, Optional.empty());
    assertEquals(50, rec.stale());
    assertEquals(50, rec.deleted());
    assertEquals(400, rec.owned(), "owned before the resync");
  }

  @Test
  void aResyncThatSawEverythingPortHeldDeletesNothingWithoutListingAgain() throws Exception {
    MappingPlan plan = plan(true, 0.9, persons);
    runKind(newRun(plan), persons, people(40));
    ResyncRun second = newRun(plan);
    runKind(second, persons, people(40));
    int listings = port.listingCalls.get();

    Reconciler.Result rec = reconcile(second, Optional.empty());
    assertTrue(rec.ran());
    assertEquals(40, rec.owned());
    assertEquals(0, rec.stale());
    assertEquals(listings, port.listingCalls.get(), "the listing at resync start already proved nothing is stale");
    assertEquals(40, port.count());
  }

  @Test
  void anEntityTheStoreNeverWroteMakesReconciliationListAgainAndDeleteIt() throws Exception {
    MappingPlan plan = plan(true, 0.9, persons);
    runKind(newRun(plan), persons, people(40));
    port.put("person", "written-by-someone-else"); // under this integration's datasource, unknown to the store
    ResyncRun second = newRun(plan);
    runKind(second, persons, people(40));
    int listings = port.listingCalls.get();

    Reconciler.Result rec = reconcile(second, Optional.empty());
    assertTrue(port.listingCalls.get() > listings, "the store cannot vouch for that entity: Port is listed again");
    assertEquals(1, rec.stale());
    assertEquals(1, rec.deleted());
    assertFalse(port.has("person", "written-by-someone-else"));
    assertEquals(40, port.count());
  }

  @Test
  void aShareAboveTheThresholdDeletesNothing() throws Exception {
    MappingPlan plan = plan(true, 0.5, persons);
    runKind(newRun(plan), persons, people(50));
    ResyncRun second = newRun(plan);
    runKind(second, persons, people(20));
    Reconciler.Result rec = reconcile(second, Optional.empty());
    assertFalse(rec.ran());
    assertEquals(30, rec.stale());
    assertTrue(rec.skippedBecause().get().contains("entityDeletionThreshold"), rec.skippedBecause().get());
    assertEquals(50, port.count());
  }

  @Test
  void aBlockedResyncDeletesNothingAndDoesNotEvenList() throws Exception {
    MappingPlan plan = plan(true, 1.0, persons);
    runKind(newRun(plan), persons, people(10));
    ResyncRun second = newRun(plan);
    runKind(second, persons, people(2));
    int listings = port.listingCalls.get();
    Reconciler.Result rec = reconcile(second, Optional.of("kind person failed"));
    assertFalse(rec.ran());
    assertEquals("kind person failed", rec.skippedBecause().get());
    assertEquals(10, port.count());
    assertEquals(listings, port.listingCalls.get());
  }

  @Test
  void aFailingListingDeletesNothing() throws Exception {
    MappingPlan plan = plan(true, 1.0, persons);
    runKind(newRun(plan), persons, people(10));
    ResyncRun second = newRun(plan);
    runKind(second, persons, people(2));
    port.failListing = true;
    Reconciler.Result rec = reconcile(second, Optional.empty());
    assertFalse(rec.ran());
    assertTrue(rec.skippedBecause().get().startsWith("listing the owned entities failed"));
    assertEquals(10, port.count());
  }

  @Test
  void relationTargetsStillReferencedAreProtectedWhenMissingRelatedEntitiesAreCreated() throws Exception {
    CompiledResource depts = TestMapper.resource("department", "department");
    MappingPlan plan = plan(true, 1.0, depts, persons);
    ResyncRun first = newRun(plan);
    runKind(first, depts, List.of(TestMapper.item("d0", "D0"), TestMapper.item("d1", "D1"),
        TestMapper.item("d2", "D2"), TestMapper.item("d9", "D9")));
    runKind(first, persons, people(6));

    ResyncRun second = newRun(plan);
    runKind(second, depts, List.of(TestMapper.item("d1", "D1")));
    runKind(second, persons, people(6)); // persons reference d0, d1, d2
    Reconciler.Result rec = reconcile(second, Optional.empty());
    assertEquals(3, rec.stale());
    assertEquals(2, rec.protectedTargets());
    assertEquals(1, rec.deleted());
    assertTrue(port.has("department", "d0"));
    assertTrue(port.has("department", "d2"));
    assertFalse(port.has("department", "d9"));
  }

  @Test
  void withoutCreateMissingRelatedEntitiesReferencedTargetsAreDeletedToo() throws Exception {
    CompiledResource depts = TestMapper.resource("department", "department");
    MappingPlan plan = plan(false, 1.0, depts, persons);
    ResyncRun first = newRun(plan);
    runKind(first, depts, List.of(TestMapper.item("d0", "D0"), TestMapper.item("d1", "D1")));
    runKind(first, persons, people(2));
    ResyncRun second = newRun(plan);
    runKind(second, depts, List.of(TestMapper.item("d1", "D1")));
    runKind(second, persons, people(2));
    Reconciler.Result rec = reconcile(second, Optional.empty());
    assertEquals(1, rec.deleted());
    assertFalse(port.has("department", "d0"));
  }

  @Test
  void rejectedEntitiesAreKeptForTheOrderedRetryOnlyWithoutCreateMissingRelatedEntities() throws Exception {
    port.reject = e -> e.path("identifier").asText().equals("p1");
    ResyncRun run = newRun(plan(false, 0.9, persons));
    runKind(run, persons, people(3));
    assertEquals(1, run.failedEntities().size());
    port.reject = e -> false;
    var retried = FailedEntityRetry.retry(port, run.failedEntities(), run.upsertOptions())
        .toCompletableFuture().get(10, TimeUnit.SECONDS);
    assertEquals(1, retried.succeeded());
    assertTrue(port.has("person", "p1"));

    ResyncRun withCreate = newRun(plan(true, 0.9, persons));
    port.reject = e -> true;
    runKind(withCreate, persons, people(3));
    assertEquals(0, withCreate.failedEntities().size());
  }
}
