package dev.oceanj.core.port;

import static dev.oceanj.core.port.Fixtures.EXPORTER_UA;
import static dev.oceanj.core.port.Fixtures.ID;
import static dev.oceanj.core.port.Fixtures.M;
import static dev.oceanj.core.port.Fixtures.blueprint;
import static dev.oceanj.core.port.Fixtures.entities;
import static dev.oceanj.core.port.Fixtures.entity;
import static dev.oceanj.core.port.Fixtures.join;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.oceanj.core.port.PortClient.EntityOutcome;
import dev.oceanj.core.port.PortClient.ResyncState;
import dev.oceanj.core.port.PortClient.UpsertOptions;
import dev.oceanj.emulator.EmulatorSettings;
import dev.oceanj.emulator.PortEmulator;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletionException;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Every endpoint of the client against the Port emulator. */
class PortClientContractTest {

  private static PortEmulator port;
  private WriteLimiter limiter;
  private HttpPortClient client;

  @BeforeAll
  static void startEmulator() {
    port = PortEmulator.start(EmulatorSettings.defaults()
        .withKafkaCredentials(Optional.of(new EmulatorSettings.KafkaCredentials("kafka-user", "kafka-pass"))));
  }

  @AfterAll
  static void stopEmulator() {
    port.close();
  }

  @BeforeEach
  void connect() {
    port.reset();
    limiter = WriteLimiter.unlimited();
    client = HttpPortClient.create(Fixtures.settings(port), ID, limiter);
  }

  @AfterEach
  void disconnect() {
    client.close();
    limiter.close();
  }

  private static PortApiException portError(Runnable r) {
    CompletionException e = assertThrows(CompletionException.class, r::run);
    return assertInstanceOf(PortApiException.class, e.getCause());
  }

  @Test
  void blueprintLifecycle() {
    ObjectNode created = join(client.createBlueprint(blueprint("svc")));
    assertEquals("svc", created.get("identifier").asText());
    assertEquals("svc", join(client.getBlueprint("svc")).orElseThrow().get("identifier").asText());

    ObjectNode patch = blueprint("svc").put("title", "Services");
    assertEquals("Services", join(client.patchBlueprint("svc", patch)).get("title").asText());
    assertEquals("Services", port.blueprint("svc").orElseThrow().get("title").asText());

    PortApiException dup = portError(() -> join(client.createBlueprint(blueprint("svc"))));
    assertEquals(409, dup.status());
    assertTrue(dup.traceId().isPresent(), "Port's x-trace-id is carried");
    assertEquals(2, port.counters().requests("POST /v1/blueprints"), "a create is not retried");

    join(client.deleteBlueprint("svc"));
    assertTrue(join(client.getBlueprint("svc")).isEmpty());
    assertTrue(port.blueprint("svc").isEmpty());
  }

  @Test
  void bulkUpsertLandsEveryEntityWithTheExporterDatasource() {
    join(client.createBlueprint(blueprint("svc")));

    var first = join(client.bulkUpsert("svc", entities("e-", 0, 45), UpsertOptions.defaults())).outcomes();

    assertEquals(45, first.size());
    assertTrue(first.stream().allMatch(o -> o.ok() && o.created()));
    assertEquals(IntStream.range(0, 45).boxed().toList(), first.stream().map(EntityOutcome::index).toList());
    assertEquals(45, port.entities("svc").size());
    assertEquals(EXPORTER_UA, port.datasource("svc", "e-7").orElseThrow());
    assertEquals(3, port.counters().requests("POST /v1/blueprints/{bp}/entities/bulk"));

    var second = join(client.bulkUpsert("svc", entities("e-", 40, 10), UpsertOptions.defaults())).outcomes();
    assertTrue(second.subList(0, 5).stream().allMatch(o -> o.ok() && !o.created()));
    assertTrue(second.subList(5, 10).stream().allMatch(o -> o.ok() && o.created()));
    assertEquals(50, port.entities("svc").size());
  }

  /** The resync hands over the bytes it digested: those bytes are what Port receives, packed 20 to a request. */
  @Test
  void bulkUpsertSerializedSendsTheGivenBytes() throws Exception {
    join(client.createBlueprint(blueprint("svc")));
    List<PortClient.SerializedEntity> batch = new java.util.ArrayList<>();
    for (ObjectNode e : entities("s-", 0, 25)) {
      batch.add(new PortClient.SerializedEntity(e, M.writeValueAsBytes(e)));
    }
    // The same entity, but the bytes carry another property value: only the bytes reach Port.
    ObjectNode tree = entity("s-25", 25);
    ObjectNode sent = tree.deepCopy();
    ((ObjectNode) sent.get("properties")).put("name", "from the bytes");
    batch.add(new PortClient.SerializedEntity(tree, M.writeValueAsBytes(sent)));

    var out = join(client.bulkUpsertSerialized("svc", batch, UpsertOptions.defaults())).outcomes();

    assertEquals(26, out.size());
    assertTrue(out.stream().allMatch(o -> o.ok() && o.created()), out.toString());
    assertEquals(26, port.entities("svc").size());
    assertEquals(2, port.counters().requests("POST /v1/blueprints/{bp}/entities/bulk"));
    assertEquals("from the bytes", port.entity("svc", "s-25").orElseThrow().path("properties").path("name").asText());
  }

  @Test
  void bulkWithMixedEntitiesLandsTheValidOnesAndReportsEachInvalidOne() {
    join(client.createBlueprint(blueprint("svc")));
    List<ObjectNode> batch = entities("m-", 0, 10);
    ((ObjectNode) batch.get(2).get("properties")).put("n", "not a number");
    batch.get(5).put("identifier", "bad identifier with spaces");
    ((ObjectNode) batch.get(9).get("properties")).put("n", "also not");

    var out = join(client.bulkUpsert("svc", batch, UpsertOptions.defaults())).outcomes();

    List<Integer> failed = out.stream().filter(o -> !o.ok()).map(EntityOutcome::index).toList();
    assertEquals(List.of(2, 5, 9), failed);
    for (int i : failed) {
      PortClient.PortError e = out.get(i).error().orElseThrow();
      assertEquals(422, e.statusCode(), e.toString());
      assertFalse(e.message().isBlank());
    }
    assertTrue(out.get(2).error().orElseThrow().message().contains("n"), out.get(2).toString());
    assertEquals(7, port.entities("svc").size());
    assertTrue(port.entity("svc", "m-2").isEmpty());
    assertTrue(port.entity("svc", "m-3").isPresent());
  }

  @Test
  void unknownBlueprintIsReportedForEveryEntity() {
    var out = join(client.bulkUpsert("nope", entities("x-", 0, 3), UpsertOptions.defaults())).outcomes();
    assertTrue(out.stream().noneMatch(EntityOutcome::ok));
    assertEquals(404, out.get(0).error().orElseThrow().statusCode());
  }

  @Test
  void validationOnlyWritesNothing() {
    join(client.createBlueprint(blueprint("svc")));
    var out = join(client.bulkUpsert("svc", entities("v-", 0, 3), new UpsertOptions(true, true, true))).outcomes();
    assertTrue(out.stream().allMatch(EntityOutcome::ok));
    assertTrue(port.entities("svc").isEmpty());
  }

  @Test
  void singleEntityUpsertGetAndDelete() {
    join(client.createBlueprint(blueprint("svc")));
    String id = "team/a:b=c@d";

    ObjectNode written = join(client.upsertEntity("svc", entity(id, 3), UpsertOptions.defaults()));
    assertEquals(id, written.get("identifier").asText());
    assertEquals(EXPORTER_UA, port.datasource("svc", id).orElseThrow());

    ObjectNode merged = join(client.upsertEntity("svc",
        (ObjectNode) M.createObjectNode().put("identifier", id).set("properties", M.createObjectNode().put("n", 4)),
        UpsertOptions.defaults()));
    assertEquals(4, merged.at("/properties/n").asInt());
    assertEquals("name-" + id, merged.at("/properties/name").asText(), "merge=true keeps other properties");

    assertEquals(4, join(client.getEntity("svc", id)).orElseThrow().at("/properties/n").asInt());
    assertTrue(join(client.deleteEntity("svc", id, false)));
    assertTrue(join(client.getEntity("svc", id)).isEmpty());
    assertFalse(join(client.deleteEntity("svc", id, false)), "already gone");
  }

  @Test
  void deletionWithAndWithoutDependents() {
    join(client.createBlueprint(blueprint("team")));
    ObjectNode svc = blueprint("svc");
    svc.putObject("relations").putObject("owner").put("target", "team").put("many", false).put("required", false)
        .put("title", "Owner");
    join(client.createBlueprint(svc));
    join(client.bulkUpsert("team", entities("t-", 0, 2), UpsertOptions.defaults()));
    List<ObjectNode> services = entities("s-", 0, 3);
    services.forEach(s -> s.putObject("relations").put("owner", "t-0"));
    assertTrue(join(client.bulkUpsert("svc", services, UpsertOptions.defaults())).outcomes().stream()
        .allMatch(EntityOutcome::ok));

    PortApiException refused = portError(() -> join(client.bulkDelete("team", List.of("t-0", "t-1"), false)));
    assertEquals(422, refused.status());
    assertTrue(refused.body().contains("dependent"), refused.body());
    assertEquals(2, port.entities("team").size(), "nothing deleted");
    assertEquals(1, port.counters().requests("POST /v1/blueprints/{bp}/bulk/entities/delete"), "not retried");

    assertEquals(List.of("t-1"), join(client.bulkDelete("team", List.of("t-1"), false)));

    List<String> deleted = join(client.bulkDelete("team", List.of("t-0"), true));
    assertEquals(List.of("t-0"), deleted);
    assertTrue(port.entities("team").isEmpty());
    assertTrue(port.entities("svc").isEmpty(), "dependents went with it");
  }

  @Test
  void singleDeleteOfAReferencedEntityNeedsDeleteDependents() {
    join(client.createBlueprint(blueprint("team")));
    ObjectNode svc = blueprint("svc");
    svc.putObject("relations").putObject("owner").put("target", "team").put("many", false).put("required", false);
    join(client.createBlueprint(svc));
    join(client.upsertEntity("team", entity("t", 0), UpsertOptions.defaults()));
    join(client.upsertEntity("svc", (ObjectNode) entity("s", 0).set("relations", M.createObjectNode().put("owner", "t")),
        UpsertOptions.defaults()));

    assertEquals(422, portError(() -> join(client.deleteEntity("team", "t", false))).status());
    assertTrue(join(client.deleteEntity("team", "t", true)));
    assertTrue(port.entity("svc", "s").isEmpty());
  }

  @Test
  void bulkDeleteOfMoreThanAHundredGoesInBatches() {
    join(client.createBlueprint(blueprint("svc")));
    join(client.bulkUpsert("svc", entities("d-", 0, 250), UpsertOptions.defaults()));
    List<String> ids = new ArrayList<>();
    IntStream.range(0, 250).forEach(i -> ids.add("d-" + i));

    List<String> deleted = join(client.bulkDelete("svc", ids, false));

    assertEquals(250, deleted.size());
    assertTrue(port.entities("svc").isEmpty());
    assertEquals(3, port.counters().requests("POST /v1/blueprints/{bp}/bulk/entities/delete"));
  }

  @Test
  void searchFindsByRules() throws Exception {
    join(client.createBlueprint(blueprint("svc")));
    join(client.bulkUpsert("svc", entities("q-", 0, 30), UpsertOptions.defaults()));
    JsonNode query = M.readTree("{\"combinator\":\"and\",\"rules\":[{\"property\":\"$blueprint\",\"operator\":\"=\","
        + "\"value\":\"svc\"},{\"property\":\"n\",\"operator\":\">\",\"value\":24}]}");

    List<ObjectNode> found = join(client.searchEntities(query, List.of("identifier")));

    assertEquals(List.of("q-25", "q-26", "q-27", "q-28", "q-29"),
        found.stream().map(e -> e.get("identifier").asText()).sorted().toList());
    assertFalse(found.get(0).has("properties"), "include projects the fields");
  }

  @Test
  void integrationLifecycle() {
    assertTrue(join(client.getIntegration()).isEmpty());

    ObjectNode created = join(client.createIntegration(M.createObjectNode().put("changelogDestination", "x")));
    assertEquals("my-fake", created.get("installationId").asText());
    assertEquals("fake", created.get("installationAppType").asText());
    assertEquals("1.2.3", created.get("version").asText());
    assertEquals("my-fake", join(client.getIntegration()).orElseThrow().get("identifier").asText());

    ObjectNode patched = join(client.patchIntegration(M.createObjectNode().put("actionsProcessingEnabled", true)));
    assertTrue(patched.get("actionsProcessingEnabled").asBoolean());

    ObjectNode mapping = M.createObjectNode();
    mapping.putArray("resources").addObject().put("kind", "fake-person");
    assertEquals("fake-person", join(client.patchMapping(mapping)).at("/config/resources/0/kind").asText());

    Instant start = Instant.parse("2026-11-26T10:00:00Z");
    join(client.patchResyncState(new ResyncState("completed", start, start.plusSeconds(60), start.plusSeconds(3600), 60)));
    JsonNode state = port.integration("my-fake").orElseThrow().get("resyncState");
    assertEquals("completed", state.get("status").asText());
    assertEquals(60, state.get("intervalInMinuets").asInt());
    assertEquals(start, Instant.parse(state.get("lastResyncStart").asText()));

    assertTrue(join(client.resyncRequest()).isEmpty());
    String raised = port.raiseResyncRequest("my-fake").get("id").asText();
    PortClient.ResyncRequest request = join(client.resyncRequest()).orElseThrow();
    assertEquals(raised, request.id());
    assertTrue(request.updatedAt() != null);

    join(client.sendRawDataExamples("fake-person", List.of(M.createObjectNode().put("name", "ada"))));
    assertEquals("ada", port.examples("my-fake", "fake-person").get(0).get("name").asText());

    PortApiException dup = portError(() -> join(client.createIntegration(M.createObjectNode())));
    assertEquals(409, dup.status());
  }

  @Test
  void organizationAndKafkaCredentials() {
    port.featureFlags(List.of("USE_PROVISIONED_DEFAULTS"));
    PortClient.Organization org = join(client.organization());
    assertEquals("org_emulator", org.id());
    assertEquals(List.of("USE_PROVISIONED_DEFAULTS"), org.featureFlags());

    PortClient.KafkaCredentials creds = join(client.kafkaCredentials()).orElseThrow();
    assertEquals("kafka-user", creds.username());
    assertEquals("kafka-pass", creds.password());
    assertFalse(creds.toString().contains("kafka-pass"));
  }

  @Test
  void scorecardsActionsAndPages() throws Exception {
    join(client.createBlueprint(blueprint("svc")));
    join(client.createScorecard("svc", M.readTree("{\"identifier\":\"ready\",\"title\":\"Ready\",\"rules\":[]}")));
    join(client.createAction(M.readTree("{\"identifier\":\"deploy\",\"title\":\"Deploy\",\"trigger\":{\"type\":\"self-service\",\"operation\":\"CREATE\",\"blueprintIdentifier\":\"svc\",\"userInputs\":{\"properties\":{}}},\"invocationMethod\":{\"type\":\"WEBHOOK\",\"url\":\"https://example.com\"}}")));
    join(client.createPage(M.readTree("{\"identifier\":\"svc-page\",\"title\":\"Services\",\"type\":\"blueprint-entities\",\"blueprint\":\"svc\",\"widgets\":[]}")));
    assertEquals(1, port.counters().requests("POST /v1/blueprints/{bp}/scorecards"));
    assertEquals(1, port.counters().requests("POST /v1/actions"));
    assertEquals(1, port.counters().requests("POST /v1/pages"));
  }

  @Test
  void liveEventsViewWritesThroughTheSamePool() {
    join(client.createBlueprint(blueprint("svc")));
    PortClient live = client.forLiveEvents();
    assertTrue(join(live.bulkUpsert("svc", entities("l-", 0, 2), UpsertOptions.defaults())).outcomes().get(1).ok());
    live.close();
    assertTrue(join(client.getEntity("svc", "l-1")).isPresent(), "closing the view leaves the pool open");
    assertEquals(1, limiter.stats(WriteLimiter.Priority.LIVE_EVENT).acquired(), "one request on the live-events share");
    assertEquals(0, limiter.stats(WriteLimiter.Priority.RESYNC).acquired());
  }
}
