package dev.oceanj.emulator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class EntityWriteTest {

  static final Fixtures.MutableClock CLOCK = new Fixtures.MutableClock(Instant.parse("2026-01-01T00:00:00Z"));
  @RegisterExtension
  static final EmulatorExtension emulator =
      new EmulatorExtension(EmulatorSettings.defaults().withClock(CLOCK)).withCatalog();
  final PortEmulator port = emulator.port();
  final Api api = emulator.api();

  static final String UPSERT = "/v1/blueprints/service/entities?upsert=true&merge=true&create_missing_related_entities=true";
  static final String BULK = "/v1/blueprints/service/entities/bulk?upsert=true&merge=true&create_missing_related_entities=true";

  @Test
  void singleUpsertStoresTheEntityWithMetaFields() {
    var r = api.post(UPSERT, Fixtures.service("svc-1", "java"));
    assertEquals(201, r.status(), r.toString());
    JsonNode e = r.body().get("entity");
    assertEquals("svc-1", e.get("identifier").asText());
    assertEquals("service", e.get("blueprint").asText());
    assertEquals("java", e.at("/properties/language").asText());
    assertEquals(java.time.format.DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'")
        .withZone(java.time.ZoneOffset.UTC).format(CLOCK.instant()), e.get("createdAt").asText());
    assertEquals(e.get("createdAt"), e.get("updatedAt"));
    assertEquals(EmulatorSettings.DEFAULT_CLIENT_ID, e.get("createdBy").asText());
    assertTrue(e.at("/relations/team").isNull());
    assertEquals(Api.UA, port.datasource("service", "svc-1").orElseThrow());
    assertEquals(e, api.get("/v1/blueprints/service/entities/svc-1").body().get("entity"));
    assertEquals(200, api.post(UPSERT, Fixtures.service("svc-1", "go")).status(), "an update answers 200");
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', quoteCharacter = '"', value = {
      "language | 'cobol'",
      "language | 3",
      "url      | 'not a url'",
      "created  | 'yesterday'",
      "owner    | 'nobody'",
      "replicas | 'three'",
      "replicas | -1",
      "public   | 'yes'",
      "tags     | ['a', 1]",
      "tags     | 'a'",
      "meta     | []"})
  void rejectsPropertiesThatBreakTheSchema(String property, String value) {
    ObjectNode e = (ObjectNode) Fixtures.service("bad", "java");
    ((ObjectNode) e.get("properties")).set(property, Api.parse(value));
    var r = api.post(UPSERT, e);
    assertEquals(422, r.status(), r.toString());
    assertEquals(false, r.body().get("ok").asBoolean());
    assertTrue(r.body().get("message").asText().contains(property), r.toString());
    assertTrue(port.entity("service", "bad").isEmpty(), "nothing is half-applied");
  }

  @Test
  void propertiesTheBlueprintDoesNotDefineAreAcceptedAndDroppedAsPortDoes() {
    ObjectNode e = (ObjectNode) Fixtures.service("extra", "java");
    ((ObjectNode) e.get("properties")).put("unknown", "x").put("prNumber", 7);
    var r = api.post(UPSERT, e);
    assertEquals(201, r.status(), r.toString());
    JsonNode stored = port.entity("service", "extra").orElseThrow();
    assertEquals("java", stored.at("/properties/language").asText());
    assertFalse(stored.path("properties").has("unknown"), stored.toString());
    assertFalse(stored.path("properties").has("prNumber"), stored.toString());
    ObjectNode bad = (ObjectNode) Fixtures.service("extra-bad", "java");
    ((ObjectNode) bad.get("properties")).put("unknown", "x").put("replicas", "three");
    assertEquals(422, api.post(UPSERT, bad).status(), "a defined property that breaks the schema still fails");
    var bulk = api.post(BULK, Fixtures.bulk(Fixtures.service("extra-2", "go"), e));
    assertEquals(200, bulk.status(), bulk.toString());
  }

  @Test
  void teamMayBeASearchQueryAsInPort() {
    ObjectNode e = (ObjectNode) Fixtures.service("team-query", "go");
    e.set("team", Api.parse("{'combinator':'and','rules':[{'property':'$identifier','operator':'=','value':'x'}]}"));
    var r = api.post(UPSERT, e);
    assertEquals(201, r.status(), r.toString());
    assertTrue(r.body().at("/entity/team").isArray(), r.toString());
    e.set("team", Api.parse("{'rules':'not a list'}"));
    assertEquals(422, api.post(UPSERT, e).status(), "a malformed query is still refused");
  }

  @Test
  void acceptsValuesThatFitTheSchema() {
    var e = Api.parse("""
        {'identifier':'ok','properties':{'language':'go','url':'https://x.io/a','created':'2025-01-02T03:04:05Z',
         'owner':'a@b.io','replicas':2.5,'public':true,'tags':['a','b'],'meta':{'k':1}}}""");
    assertEquals(201, api.post(UPSERT, e).status());
  }

  @Test
  void requiresRequiredPropertiesAndRelations() {
    var r = api.post(UPSERT, Api.parse("{'identifier':'x','properties':{}}"));
    assertEquals(422, r.status());
    assertTrue(r.body().get("message").asText().contains("language"));
    var d = api.post("/v1/blueprints/deployment/entities?upsert=true", Api.parse("{'identifier':'d1','properties':{}}"));
    assertEquals(422, d.status());
    assertTrue(d.body().get("message").asText().contains("service"), d.toString());
  }

  @Test
  void checksRelationShapes() {
    ObjectNode e = (ObjectNode) Fixtures.service("s", "go");
    e.set("relations", Api.parse("{'team':['a','b']}"));
    assertEquals(422, api.post(UPSERT, e).status(), "a single relation takes one identifier");
    e.set("relations", Api.parse("{'nope':'a'}"));
    assertEquals(422, api.post(UPSERT, e).status(), "undefined relation");
    e.set("relations", Api.parse("{'deps':['s2','s3'],'team':'platform'}"));
    var ok = api.post(UPSERT, e);
    assertEquals(201, ok.status(), ok.toString());
    assertEquals(2, ok.body().at("/entity/relations/deps").size());
  }

  @Test
  void bulkWithMixedEntitiesAnswers207WithPerIndexErrors() {
    var body = Fixtures.bulk(Fixtures.service("good-1", "java"), Fixtures.service("bad-enum", "cobol"),
        Fixtures.service("..", "go"), Fixtures.service("good-2", "go"));
    var r = api.post(BULK, body);
    assertEquals(207, r.status(), r.toString());
    assertTrue(r.body().get("ok").asBoolean());
    JsonNode ok = r.body().get("entities");
    assertEquals(2, ok.size());
    assertEquals(0, ok.get(0).get("index").asInt());
    assertEquals("good-1", ok.get(0).get("identifier").asText());
    assertTrue(ok.get(0).get("created").asBoolean());
    assertEquals(3, ok.get(1).get("index").asInt());
    JsonNode errors = r.body().get("errors");
    assertEquals(2, errors.size());
    assertEquals(1, errors.get(0).get("index").asInt());
    assertEquals("bad-enum", errors.get(0).get("identifier").asText());
    assertEquals(422, errors.get(0).get("statusCode").asInt());
    assertFalse(errors.get(0).get("error").asText().isEmpty());
    assertEquals(2, errors.get(1).get("index").asInt());
    assertEquals(2, port.entities("service").size());
    var all = api.post(BULK, Fixtures.bulk(Fixtures.service("good-3", "go")));
    assertEquals(200, all.status());
    assertEquals(0, all.body().get("errors").size());
  }

  @Test
  void laterEntitiesOfABulkSeeEarlierOnes() {
    var body = Fixtures.bulk(
        Api.parse("{'identifier':'app','properties':{'language':'go'},'relations':{'deps':['lib']}}"),
        Api.parse("{'identifier':'lib','title':'Lib','properties':{'language':'java','replicas':2}}"),
        Api.parse("{'identifier':'lib','properties':{'public':true}}"));
    var r = api.post(BULK, body);
    assertEquals(200, r.status(), r.toString());
    assertTrue(r.body().at("/entities/1/created").asBoolean() == false, "lib already exists as a stub from entity 0");
    JsonNode lib = port.entity("service", "lib").orElseThrow();
    assertEquals("Lib", lib.get("title").asText(), "the real entity replaced the stub, not the other way round");
    assertEquals(2, lib.at("/properties/replicas").asInt());
    assertTrue(lib.at("/properties/public").asBoolean(), "the third entry merged into the second");
    assertEquals(2, port.entities("service").size());
    assertEquals(2, port.counters().entitiesWritten());
  }

  @Test
  void countersCountEachEntityARequestWroteOnceAndCreationsAgainstTheStoreBeforeIt() {
    assertEquals(201, api.post(UPSERT, Fixtures.service("b", "go")).status());
    var before = port.counters();
    var body = Fixtures.bulk(
        Api.parse("{'identifier':'a','properties':{'language':'go'},'relations':{'deps':['lib'],'team':'t1'}}"),
        Fixtures.service("b", "java"),
        Api.parse("{'identifier':'lib','properties':{'language':'java'}}"),
        Fixtures.service("c", "go"),
        Fixtures.service("c", "python"));
    var r = api.post(BULK, body);
    assertEquals(200, r.status(), r.toString());
    var after = port.counters();
    // Written: a, its stubs lib and t1, b, c (lib and c twice in the request, each once in the store).
    assertEquals(5, after.entitiesWritten() - before.entitiesWritten());
    // Created: all but b, which the store held before the request.
    assertEquals(4, after.entitiesCreated() - before.entitiesCreated());
    assertEquals(java.util.List.of(true, false, false, true, false), java.util.stream.StreamSupport
        .stream(r.body().get("entities").spliterator(), false).map(e -> e.get("created").asBoolean()).toList());
    assertEquals("python", port.entity("service", "c").orElseThrow().at("/properties/language").asText());
  }

  @Test
  void bulkOfMoreThan20IsRejectedWhole() {
    List<JsonNode> list = new ArrayList<>();
    for (int i = 0; i < 21; i++) {
      list.add(Fixtures.service("s" + i, "go"));
    }
    var r = api.post(BULK, Fixtures.bulk(list.toArray(JsonNode[]::new)));
    assertEquals(422, r.status());
    assertTrue(r.body().get("message").asText().contains("20"));
    assertEquals(0, port.entities("service").size());
    assertEquals(200, api.post(BULK, Fixtures.bulk(list.subList(0, 20).toArray(JsonNode[]::new))).status());
  }

  @Test
  void bodiesOver1MiBGet413() {
    String big = "x".repeat(1024 * 1024);
    var r = api.post(UPSERT, Api.obj("identifier", "huge", "properties", Api.obj("language", "go", "meta", Api.obj("blob", big))));
    assertEquals(413, r.status());
    assertTrue(r.body().get("message").asText().contains("1MiB"));
    assertTrue(port.entity("service", "huge").isEmpty());
    String almost = "x".repeat(1000 * 1000);
    var ok = api.post(UPSERT, Api.obj("identifier", "big", "properties", Api.obj("language", "go", "meta", Api.obj("blob", almost))));
    assertEquals(201, ok.status());
  }

  @Test
  void mergeKeepsOtherKeysAndReplaceDropsThem() {
    var first = api.post(UPSERT, Api.parse("{'identifier':'m','title':'M','properties':{'language':'go','replicas':3},'relations':{'team':'t1'}}"));
    CLOCK.advance(1000);
    var merged = api.post(UPSERT, Api.parse("{'identifier':'m','properties':{'public':true}}"));
    JsonNode e = merged.body().get("entity");
    assertEquals("go", e.at("/properties/language").asText());
    assertEquals(3, e.at("/properties/replicas").asInt());
    assertTrue(e.at("/properties/public").asBoolean());
    assertEquals("t1", e.at("/relations/team").asText());
    assertEquals("M", e.get("title").asText());
    var replaced = api.post("/v1/blueprints/service/entities?upsert=true&merge=false",
        Api.parse("{'identifier':'m','properties':{'language':'python'}}"));
    assertEquals(200, replaced.status(), replaced.toString());
    JsonNode r = replaced.body().get("entity");
    assertEquals("python", r.at("/properties/language").asText());
    assertTrue(r.at("/properties/replicas").isMissingNode());
    assertTrue(r.at("/relations/team").isNull());
    assertTrue(r.get("title").isNull());
    assertEquals(first.body().at("/entity/createdAt"), r.get("createdAt"), "createdAt survives a replace");
    assertTrue(r.get("updatedAt").asText().compareTo(r.get("createdAt").asText()) > 0);
  }

  @Test
  void unchangedUpsertStillBumpsUpdatedAt() {
    api.post(UPSERT, Fixtures.service("u", "go"));
    String first = port.entity("service", "u").orElseThrow().get("updatedAt").asText();
    CLOCK.advance(5000);
    api.post(UPSERT, Fixtures.service("u", "go"));
    String second = port.entity("service", "u").orElseThrow().get("updatedAt").asText();
    assertTrue(second.compareTo(first) > 0, first + " -> " + second);
  }

  @Test
  void createWithoutUpsertConflictsWithAnExistingEntity() {
    assertEquals(201, api.post("/v1/blueprints/service/entities", Fixtures.service("c", "go")).status());
    var r = api.post("/v1/blueprints/service/entities", Fixtures.service("c", "go"));
    assertEquals(409, r.status());
  }

  @Test
  void missingRelatedEntitiesAreCreatedAsStubsOrRejected() {
    ObjectNode e = (ObjectNode) Fixtures.service("with-team", "go");
    e.set("relations", Api.parse("{'team':'ghost-team'}"));
    var rejected = api.post("/v1/blueprints/service/entities?upsert=true&create_missing_related_entities=false", e);
    assertEquals(404, rejected.status(), rejected.toString());
    assertEquals("not_found", rejected.body().get("error").asText());
    assertTrue(port.entity("service", "with-team").isEmpty());
    assertTrue(port.entity("team", "ghost-team").isEmpty());
    var created = api.post(UPSERT, e);
    assertEquals(201, created.status());
    assertEquals("ghost-team", port.entity("team", "ghost-team").orElseThrow().get("identifier").asText());
  }

  @ParameterizedTest
  @ValueSource(strings = {".", "..", "has space", "semi;colon", "quote\"", "hash#"})
  void rejectsIdentifiersOutsidePortsPattern(String id) {
    var r = api.post(UPSERT, Api.obj("identifier", id, "properties", Api.obj("language", "go")));
    assertEquals(422, r.status(), id + " -> " + r);
  }

  @Test
  void acceptsIdentifiersPortAllowsUpTo1000Characters() {
    for (String id : new String[] {"a.b", "...", "ns/name:v1=x+y@z_w-\\q", "שלום", "Ünïcödé", "a".repeat(1000)}) {
      var r = api.post(UPSERT, Api.obj("identifier", id, "properties", Api.obj("language", "go")));
      assertEquals(201, r.status(), id + " -> " + r);
      String path = "/v1/blueprints/service/entities/" + java.net.URLEncoder.encode(id, java.nio.charset.StandardCharsets.UTF_8).replace("+", "%20");
      assertEquals(200, api.get(path).status(), "GET by encoded identifier " + id);
    }
    var tooLong = api.post(UPSERT, Api.obj("identifier", "a".repeat(1001), "properties", Api.obj("language", "go")));
    assertEquals(422, tooLong.status());
  }

  @Test
  void identifierAsSearchQueryUpdatesTheMatchingEntityOrFailsAsUnknown() {
    api.post(UPSERT, Fixtures.service("target", "go"));
    var q = Api.parse("{'identifier':{'combinator':'and','rules':[{'property':'$identifier','operator':'=','value':'target'}]},"
        + "'properties':{'replicas':7}}");
    var r = api.post(BULK, Fixtures.bulk(q));
    assertEquals(200, r.status(), r.toString());
    assertEquals("target", r.body().at("/entities/0/identifier").asText());
    assertEquals(7, port.entity("service", "target").orElseThrow().at("/properties/replicas").asInt());
    var none = Api.parse("{'identifier':{'combinator':'and','rules':[{'property':'$identifier','operator':'=','value':'nope'}]},"
        + "'properties':{'replicas':7}}");
    var miss = api.post(BULK, Fixtures.bulk(none));
    assertEquals(207, miss.status());
    assertEquals("unknown", miss.body().at("/errors/0/identifier").asText());
  }

  @Test
  void relationGivenAsSearchQueryResolvesToIdentifiers() {
    api.post(UPSERT, Fixtures.service("lib-a", "java"));
    api.post(UPSERT, Fixtures.service("lib-b", "java"));
    api.post(UPSERT, Fixtures.service("tool", "go"));
    ObjectNode e = (ObjectNode) Fixtures.service("app", "go");
    e.set("relations", Api.parse("{'deps':{'combinator':'and','rules':[{'property':'language','operator':'=','value':'java'}]}}"));
    var r = api.post(UPSERT, e);
    assertEquals(201, r.status(), r.toString());
    assertEquals(Api.parse("['lib-a','lib-b']"), r.body().at("/entity/relations/deps"));
  }

  @Test
  void validationOnlyWritesNothing() {
    var r = api.post(BULK + "&validation_only=true", Fixtures.bulk(Fixtures.service("dry", "go")));
    assertEquals(200, r.status());
    assertTrue(port.entity("service", "dry").isEmpty());
    assertEquals(0, port.counters().entitiesWritten());
  }

  @Test
  void unknownBlueprintIs404() {
    var r = api.post("/v1/blueprints/nope/entities/bulk?upsert=true", Fixtures.bulk(Fixtures.service("x", "go")));
    assertEquals(404, r.status());
  }
}
