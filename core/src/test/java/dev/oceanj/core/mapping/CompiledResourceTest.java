package dev.oceanj.core.mapping;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.oceanj.core.jq.JqEngine;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class CompiledResourceTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final JqEngine JQ = JqEngine.create(true);

  static JsonNode json(String s) {
    try {
      return JSON.readTree(s);
    } catch (Exception e) {
      throw new IllegalArgumentException(s, e);
    }
  }

  /** One resource of kind {@code k} with the given selector and {@code mappings:} block (YAML flow). */
  static CompiledResource resource(String selector, String mappings, String portExtra, JqEngine jq) {
    String yaml = "resources:\n  - kind: k\n    selector: {query: '" + selector.replace("'", "''") + "'}\n"
        + "    port:\n" + portExtra + "      entity:\n        mappings: " + mappings + "\n";
    return CompiledMapping.of(yaml, "test.yml", jq).forKind("k").get(0);
  }

  static CompiledResource resource(String mappings) {
    return resource("true", mappings, "", JQ);
  }

  @Test
  void mapsTheEntityBodyExactlyWithoutBlueprint() {
    CompiledResource r = resource("{identifier: .id, title: .name, icon: '\"Github\"', blueprint: '\"person\"', team: .team,"
        + " properties: {email: .email, age: .age, dept: .department.name, first: '.tags[0]'}, relations: {department: .department.id}}");
    var m = assertInstanceOf(MapResult.Mapped.class, r.map(json("""
        {"id":"p1","name":"Ann","team":["a","b"],"email":"a@x","age":41,"tags":["t1"],"department":{"id":"d1","name":"R&D"}}""")));
    assertEquals(json("""
        {"identifier":"p1","title":"Ann","icon":"Github","team":["a","b"],
         "properties":{"email":"a@x","age":41,"dept":"R&D","first":"t1"},"relations":{"department":"d1"}}"""), m.entity());
    assertEquals(List.of("identifier", "title", "icon", "team", "properties", "relations"), iterableKeys(m.entity()));
    assertEquals("person", m.blueprint());
    assertEquals("p1", m.identifier());
    assertEquals(Map.of(), m.misconfigured());
    assertEquals(Optional.of("person"), r.literalBlueprint());
    assertFalse(r.usesSearchIdentifier());
  }

  private static List<String> iterableKeys(JsonNode n) {
    List<String> keys = new ArrayList<>();
    n.fieldNames().forEachRemaining(keys::add);
    return keys;
  }

  @Test
  void keysAbsentFromTheMappingAreAbsentFromTheBody() {
    var m = assertInstanceOf(MapResult.Mapped.class, resource("{identifier: .id, blueprint: '\"b\"'}").map(json("{\"id\":\"x\"}")));
    assertEquals(json("{\"identifier\":\"x\"}"), m.entity());
  }

  @Test
  void firstOutputOnlyAndNullWhenNone() {
    CompiledResource r = resource("{identifier: .id, blueprint: '\"b\"', properties: {first: '.xs[]', none: 'empty', multi: '(1, 2)'}}");
    var m = assertInstanceOf(MapResult.Mapped.class, r.map(json("{\"id\":\"x\",\"xs\":[\"a\",\"b\"]}")));
    assertEquals(json("\"a\""), m.entity().path("properties").get("first"));
    assertTrue(m.entity().path("properties").get("none").isNull());
    assertEquals(1, m.entity().path("properties").get("multi").asInt());
    assertEquals(Map.of("properties.none", "empty"), m.misconfigured());
  }

  @Test
  void failingOrNullFieldsAreNullAndMisconfiguredWithTheirExpression() {
    CompiledResource r = resource("{identifier: .id, title: .missing, blueprint: '\"b\"',"
        + " properties: {url: .foobar, bad: '.id | tonumber', ok: .id}, relations: {owner: .owner.id}}");
    var m = assertInstanceOf(MapResult.Mapped.class, r.map(json("{\"id\":\"x\",\"owner\":5}")));
    assertTrue(m.entity().get("title").isNull());
    assertTrue(m.entity().path("properties").get("url").isNull());
    assertTrue(m.entity().path("properties").get("bad").isNull());
    assertTrue(m.entity().path("relations").get("owner").isNull(), "indexing a number errors: null");
    assertEquals("x", m.entity().path("properties").get("ok").asText());
    assertEquals(Map.of("title", ".missing", "properties.url", ".foobar", "properties.bad", ".id | tonumber",
        "relations.owner", ".owner.id"), m.misconfigured());
  }

  @Test
  void falseAndZeroAreValuesNotMisconfigurations() {
    CompiledResource r = resource("{identifier: .id, blueprint: '\"b\"', properties: {f: .f, z: .z, e: .e}}");
    var m = assertInstanceOf(MapResult.Mapped.class, r.map(json("{\"id\":\"x\",\"f\":false,\"z\":0,\"e\":\"\"}")));
    assertEquals(Map.of(), m.misconfigured());
    assertEquals(json("{\"f\":false,\"z\":0,\"e\":\"\"}"), m.entity().get("properties"));
  }

  @Test
  void selectorFalseFiltersOut() {
    CompiledResource r = resource(".active", "{identifier: .id, blueprint: '\"b\"'}", "", JQ);
    assertSame(MapResult.FILTERED_OUT, r.map(json("{\"id\":\"x\",\"active\":false}")));
    assertInstanceOf(MapResult.Mapped.class, r.map(json("{\"id\":\"x\",\"active\":true}")));
  }

  @Test
  void selectorMustYieldABoolean() {
    CompiledResource r = resource(".active", "{identifier: .id, blueprint: '\"b\"'}", "", JQ);
    var notBool = assertInstanceOf(MapResult.SelectorError.class, r.map(json("{\"id\":\"x\",\"active\":\"yes\"}")));
    assertTrue(notBool.message().contains("Expected boolean value for pattern '.active'"), notBool.message());
    assertTrue(notBool.message().contains("string"), notBool.message());
    assertInstanceOf(MapResult.SelectorError.class, r.map(json("{\"id\":\"x\"}")), "null is not a boolean");
    var raised = assertInstanceOf(MapResult.SelectorError.class, r.map(json("5")));
    assertTrue(raised.message().startsWith("Selector query failed for pattern '.active': "), raised.message());
    assertInstanceOf(MapResult.SelectorError.class, resource("empty", "{identifier: .id, blueprint: '\"b\"'}", "", JQ)
        .map(json("{}")), "no output is null, not a boolean");
  }

  @Test
  void emptyIdentifierOrBlueprintDropsTheItemWithItsMisconfigurations() {
    CompiledResource r = resource("{identifier: .id, blueprint: .bp, properties: {u: .u}}");
    for (String id : new String[] {"null", "\"\"", "0", "false", "[]", "{}"}) {
      var d = assertInstanceOf(MapResult.Dropped.class, r.map(json("{\"id\":" + id + ",\"bp\":\"b\",\"u\":1}")), id);
      assertTrue(d.reason().startsWith("identifier is empty"), d.reason());
    }
    var d = assertInstanceOf(MapResult.Dropped.class, r.map(json("{\"id\":\"x\",\"bp\":\"\"}")));
    assertTrue(d.reason().startsWith("blueprint is empty"), d.reason());
    assertEquals(Map.of("properties.u", ".u"), d.misconfigured());
    var missingBp = assertInstanceOf(MapResult.Dropped.class, r.map(json("{\"id\":\"x\",\"u\":1}")));
    assertEquals(Map.of("blueprint", ".bp"), missingBp.misconfigured());
    var ok = assertInstanceOf(MapResult.Mapped.class, r.map(json("{\"id\":\"x\",\"bp\":\"dyn\",\"u\":1}")));
    assertEquals("dyn", ok.blueprint());
    assertEquals(Optional.empty(), r.literalBlueprint());
  }

  @Test
  void numericIdentifierIsKeptAsANumberInTheBody() {
    var m = assertInstanceOf(MapResult.Mapped.class, resource("{identifier: .id, blueprint: '\"b\"'}").map(json("{\"id\":7}")));
    assertEquals(7, m.entity().get("identifier").intValue());
    assertEquals("7", m.identifier());
  }

  @Test
  void searchQueriesPassThroughAsObjectsWithLeavesEvaluated() {
    CompiledResource r = resource("""
        {identifier: {combinator: '"and"', rules: [{property: '"$identifier"', operator: '"="', value: .id}]},
         blueprint: '"pr"', team: {combinator: '"and"', rules: [{property: '"name"', operator: '"="', value: .missing}]},
         relations: {repo: {combinator: '"or"', rules: [{property: '"url"', operator: '"="', value: .repo.url}]}, plain: .repo.id}}""");
    assertTrue(r.usesSearchIdentifier());
    var m = assertInstanceOf(MapResult.Mapped.class, r.map(json("{\"id\":\"pr-1\",\"repo\":{\"url\":\"u\",\"id\":\"r\"}}")));
    assertNull(m.identifier());
    assertTrue(m.usesSearchIdentifier());
    assertEquals(json("""
        {"identifier":{"combinator":"and","rules":[{"property":"$identifier","operator":"=","value":"pr-1"}]},
         "team":{"combinator":"and","rules":[{"property":"name","operator":"=","value":null}]},
         "relations":{"repo":{"combinator":"or","rules":[{"property":"url","operator":"=","value":"u"}]},"plain":"r"}}"""),
        m.entity());
    assertEquals(Map.of("team.rules.value", ".missing"), m.misconfigured(), "Ocean's dot path, list index omitted");
  }

  @Test
  void teamMayBeAStringOrAnArray() {
    CompiledResource r = resource("{identifier: .id, blueprint: '\"b\"', team: .team}");
    assertEquals(json("\"t\""), ((MapResult.Mapped) r.map(json("{\"id\":\"x\",\"team\":\"t\"}"))).entity().get("team"));
    assertEquals(json("[\"t\",\"u\"]"), ((MapResult.Mapped) r.map(json("{\"id\":\"x\",\"team\":[\"t\",\"u\"]}"))).entity().get("team"));
  }

  @Test
  void singleQuotedStringsAreRewrittenLikeOcean() {
    CompiledResource r = resource("{identifier: .id, blueprint: \"'svc'\", properties: {s: \".name + '-x'\"}}");
    var m = assertInstanceOf(MapResult.Mapped.class, r.map(json("{\"id\":\"i\",\"name\":\"n\"}")));
    assertEquals("svc", m.blueprint());
    assertEquals("n-x", m.entity().path("properties").path("s").asText());
  }

  @Test
  void envAccessFollowsTheEngine() {
    String mappings = "{identifier: .id, blueprint: '\"b\"', properties: {path: env.PATH, envPath: $ENV.PATH}}";
    JsonNode item = json("{\"id\":\"x\"}");
    var on = (MapResult.Mapped) resource("true", mappings, "", JqEngine.create(true)).map(item);
    assertEquals(System.getenv("PATH"), on.entity().path("properties").path("path").asText());
    assertEquals(System.getenv("PATH"), on.entity().path("properties").path("envPath").asText());
    var off = (MapResult.Mapped) resource("true", mappings, "", JqEngine.create(false)).map(item);
    assertTrue(off.entity().path("properties").path("path").isNull());
    assertEquals(Map.of("properties.path", "env.PATH", "properties.envPath", "$ENV.PATH"), off.misconfigured());
  }

  @Test
  void itemsToParseMergesEachElementIntoTheParentWithoutTheSourceArray() {
    CompiledResource r = resource("true", "{identifier: .item.id, blueprint: '\"b\"', properties: {repo: .repo}}",
        "      itemsToParse: .data.files\n", JQ);
    List<JsonNode> out = new ArrayList<>();
    JsonNode raw = json("{\"repo\":\"r\",\"data\":{\"files\":[{\"id\":1},{\"id\":2}],\"keep\":true}}");
    r.expandItems(raw, out::add);
    assertEquals(List.of(json("{\"repo\":\"r\",\"data\":{\"keep\":true},\"item\":{\"id\":1}}"),
        json("{\"repo\":\"r\",\"data\":{\"keep\":true},\"item\":{\"id\":2}}")), out);
    assertEquals(json("{\"repo\":\"r\",\"data\":{\"files\":[{\"id\":1},{\"id\":2}],\"keep\":true}}"), raw, "input untouched");
    assertEquals("1", ((MapResult.Mapped) r.map(out.get(0))).identifier());
  }

  @Test
  void itemsToParseKeepsTheSourceWithoutTopLevelTransformAndUsesTheName() {
    CompiledResource r = resource("true", "{identifier: .file.id, blueprint: '\"b\"'}",
        "      itemsToParse: .files\n      itemsToParseName: file\n      itemsToParseTopLevelTransform: false\n", JQ);
    List<JsonNode> out = new ArrayList<>();
    r.expandItems(json("{\"file\":\"overwritten\",\"files\":[{\"id\":1}]}"), out::add);
    assertEquals(List.of(json("{\"file\":{\"id\":1},\"files\":[{\"id\":1}]}")), out);
  }

  @Test
  void itemsToParseWithAComplexPathDeletesThroughJq() {
    CompiledResource r = resource("true", "{identifier: .item.n, blueprint: '\"b\"'}",
        "      itemsToParse: '.groups[0].members | map(select(.n > 1))'\n", JQ);
    List<JsonNode> out = new ArrayList<>();
    r.expandItems(json("{\"k\":1,\"groups\":[{\"members\":[{\"n\":1},{\"n\":2}]}]}"), out::add);
    assertEquals(List.of(json("{\"k\":1,\"groups\":[{}],\"item\":{\"n\":2}}")), out);
  }

  @Test
  void itemsWithoutItemsToParsePassThroughUnchanged() {
    List<JsonNode> out = new ArrayList<>();
    JsonNode raw = json("{\"id\":1}");
    resource("{identifier: .id, blueprint: '\"b\"'}").expandItems(raw, out::add);
    assertEquals(1, out.size());
    assertSame(raw, out.get(0));
  }

  @Test
  void itemsToParseThatIsNotAnArrayIsAnErrorForTheItem() {
    CompiledResource r = resource("true", "{identifier: .item, blueprint: '\"b\"'}", "      itemsToParse: .files\n", JQ);
    List<JsonNode> out = new ArrayList<>();
    var e = assertThrows(ItemsToParseException.class, () -> r.expandItems(json("{\"files\":\"nope\"}"), out::add));
    assertTrue(e.getMessage().contains("resources[0] (kind k): itemsToParse '.files' must yield an array, got a string"), e.getMessage());
    assertThrows(ItemsToParseException.class, () -> r.expandItems(json("{\"files\":5}"), out::add));
    assertThrows(ItemsToParseException.class, () -> r.expandItems(json("[1]"), out::add));
    assertTrue(out.isEmpty());
  }

  @Test
  void mapIgnoringSelectorMapsRejectedItems() {
    CompiledResource r = resource("false", "{identifier: .id, blueprint: '\"b\"'}", "", JQ);
    assertSame(MapResult.FILTERED_OUT, r.map(json("{\"id\":\"x\"}")));
    assertEquals("x", ((MapResult.Mapped) r.mapIgnoringSelector(json("{\"id\":\"x\"}"))).identifier());
  }

  @Test
  void mapsConcurrentlyWithTheSameResultsAsSequentially() throws Exception {
    CompiledResource r = resource("{identifier: .id, title: '.name | ascii_downcase', blueprint: '\"b\"',"
        + " properties: {n: .n, missing: .nope}, relations: {d: .d.id}}");
    List<JsonNode> items = new ArrayList<>();
    for (int i = 0; i < 300; i++) {
      items.add(json("{\"id\":\"i" + i + "\",\"name\":\"N" + i + "\",\"n\":" + i + ",\"d\":{\"id\":\"d" + (i % 7) + "\"}}"));
    }
    List<MapResult> expected = items.stream().map(r::map).toList();
    var pool = java.util.concurrent.Executors.newFixedThreadPool(4);
    try {
      List<java.util.concurrent.Future<List<MapResult>>> runs = new ArrayList<>();
      for (int t = 0; t < 4; t++) {
        runs.add(pool.submit(() -> items.stream().map(r::map).toList()));
      }
      for (var run : runs) {
        assertEquals(expected, run.get(60, java.util.concurrent.TimeUnit.SECONDS));
      }
    } finally {
      pool.shutdownNow();
    }
  }
}
