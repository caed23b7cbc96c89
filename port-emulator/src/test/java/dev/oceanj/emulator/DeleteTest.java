package dev.oceanj.emulator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ArrayNode;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class DeleteTest {

  @RegisterExtension
  static final EmulatorExtension emulator = new EmulatorExtension().withCatalog();
  final PortEmulator port = emulator.port();
  final Api api = emulator.api();

  @BeforeEach
  void setUp() {
    api.post("/v1/blueprints/service/entities/bulk?upsert=true",
        Fixtures.bulk(Fixtures.service("api", "go"), Fixtures.service("db", "go"), Fixtures.service("lonely", "go")));
    api.post("/v1/blueprints/deployment/entities/bulk?upsert=true", Fixtures.bulk(
        Api.parse("{'identifier':'api-prod','relations':{'service':'api'}}"),
        Api.parse("{'identifier':'api-dev','relations':{'service':'api'}}")));
    var r = api.post("/v1/blueprints/service/entities?upsert=true&merge=true",
        Api.parse("{'identifier':'web','properties':{'language':'go'},'relations':{'deps':['api']}}"));
    assertEquals(201, r.status(), r.toString());
  }

  static Object ids(String... ids) {
    ArrayNode a = Api.JSON.createArrayNode();
    for (String id : ids) {
      a.add(id);
    }
    return Api.obj("entities", a);
  }

  @Test
  void bulkDeleteWithoutDependentsFailsWholeWhenAnotherEntityRelates() {
    var r = api.post("/v1/blueprints/service/bulk/entities/delete", ids("lonely", "api"));
    assertEquals(422, r.status(), r.toString());
    assertEquals("has_dependents", r.body().get("error").asText());
    assertTrue(r.body().get("message").asText().contains("api"));
    assertTrue(port.entity("service", "lonely").isPresent(), "nothing deleted when one id fails");
    assertTrue(port.entity("service", "api").isPresent());
  }

  @Test
  void bulkDeleteOfUnrelatedEntitiesSucceeds() {
    var r = api.post("/v1/blueprints/service/bulk/entities/delete", ids("lonely", "db", "never-existed"));
    assertEquals(200, r.status(), r.toString());
    Set<String> deleted = new HashSet<>();
    r.body().get("deletedEntities").forEach(n -> deleted.add(n.asText()));
    assertEquals(Set.of("lonely", "db"), deleted);
    assertTrue(port.entity("service", "db").isEmpty());
    assertEquals(2, port.counters().entitiesDeleted());
  }

  @Test
  void bulkDeleteWithDependentsDeletesThemTransitively() {
    var r = api.post("/v1/blueprints/service/bulk/entities/delete?delete_dependents=true", ids("api"));
    assertEquals(200, r.status(), r.toString());
    assertTrue(port.entity("service", "api").isEmpty());
    assertTrue(port.entity("deployment", "api-prod").isEmpty());
    assertTrue(port.entity("deployment", "api-dev").isEmpty());
    assertTrue(port.entity("service", "web").isEmpty(), "web depends on api through deps");
    assertTrue(port.entity("service", "db").isPresent());
  }

  @Test
  void deletingTheReferrerFirstFreesTheTarget() {
    assertEquals(200, api.post("/v1/blueprints/service/bulk/entities/delete", ids("web")).status());
    assertEquals(200, api.post("/v1/blueprints/deployment/bulk/entities/delete", ids("api-prod", "api-dev")).status());
    assertEquals(200, api.post("/v1/blueprints/service/bulk/entities/delete", ids("api")).status());
  }

  @Test
  void relationRemovedByAnUpdateNoLongerBlocksDeletion() {
    api.post("/v1/blueprints/service/entities?upsert=true&merge=true", Api.parse("{'identifier':'web','relations':{'deps':[]}}"));
    api.post("/v1/blueprints/deployment/bulk/entities/delete", ids("api-prod", "api-dev"));
    assertEquals(200, api.post("/v1/blueprints/service/bulk/entities/delete", ids("api")).status());
  }

  @Test
  void moreThan100IdentifiersAreRejected() {
    String[] many = new String[101];
    for (int i = 0; i < many.length; i++) {
      many[i] = "id" + i;
    }
    var r = api.post("/v1/blueprints/service/bulk/entities/delete", ids(many));
    assertEquals(422, r.status());
    assertTrue(r.body().get("message").asText().contains("100"));
  }

  @Test
  void singleDelete() {
    assertEquals(404, api.delete("/v1/blueprints/service/entities/ghost").status());
    assertEquals(422, api.delete("/v1/blueprints/service/entities/api").status());
    assertEquals(200, api.delete("/v1/blueprints/service/entities/api?delete_dependents=true").status());
    assertEquals(404, api.get("/v1/blueprints/service/entities/api").status());
  }

  @Test
  void blueprintWithEntitiesCannotBeDeletedButAllEntitiesCan() {
    var r = api.delete("/v1/blueprints/deployment");
    assertEquals(409, r.status());
    var all = api.delete("/v1/blueprints/deployment/all-entities?delete_blueprint=true");
    assertEquals(200, all.status(), all.toString());
    String migration = all.body().get("migrationId").asText();
    var m = api.get("/v1/migrations/" + migration);
    assertEquals("COMPLETED", m.body().at("/migration/status").asText());
    assertEquals(404, api.get("/v1/blueprints/deployment").status());
    assertEquals(0, port.entities("deployment").size());
  }

  @Test
  void aMigrationRunsForTheConfiguredPollsThenCompletesAndAnUnknownOneIs404() {
    port.migrationPolls(2);
    try {
      var all = api.delete("/v1/blueprints/deployment/all-entities");
      assertEquals(200, all.status(), all.toString());
      String migration = all.body().get("migrationId").asText();
      assertEquals(0, port.entities("deployment").size());
      assertTrue(port.blueprint("deployment").isPresent(), "without delete_blueprint the blueprint stays");
      assertEquals("RUNNING", api.get("/v1/migrations/" + migration).body().at("/migration/status").asText());
      assertEquals("RUNNING", api.get("/v1/migrations/" + migration).body().at("/migration/status").asText());
      var done = api.get("/v1/migrations/" + migration);
      assertEquals("COMPLETED", done.body().at("/migration/status").asText());
      assertEquals("deployment", done.body().at("/migration/sourceBlueprint").asText());
      assertEquals(2, done.body().at("/migration/actualEntitiesCount").asInt());
      assertEquals(404, api.get("/v1/migrations/migration_unknown").status());
    } finally {
      port.migrationPolls(0);
    }
  }

  @Test
  void aRelationTargetsBlueprintIsNotDeletedWithItsEntitiesAndTheyStay() {
    int before = port.entities("service").size();
    assertTrue(before > 0);
    var r = api.delete("/v1/blueprints/service/all-entities?delete_blueprint=true");
    assertEquals(409, r.status(), r.toString());
    assertTrue(r.body().toString().contains("deployment"), r.toString());
    assertEquals(before, port.entities("service").size(), "nothing was deleted");
    assertTrue(port.blueprint("service").isPresent());
  }
}
