package dev.oceanj.core.mapping;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.oceanj.core.jq.JqEngine;
import dev.oceanj.core.jq.JqException;
import dev.oceanj.core.jq.JqProgram;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The native fast paths answer exactly what jq answers, errors included, on tricky inputs. */
class LeafFastPathTest {

  private static final JqEngine JQ = JqEngine.create(false);

  private static final List<String> FAST = List.of(".", ".a", ".a.b", ".a.b.c", ".a[0]", ".[0]", ".a[1].b", ".[2]",
      ".a_b", "._x9", ".a[0][1]", " .a ", "\"fake-person\"", "'fake-person'", "\"\"", "\"with space\"", "true", "false",
      "null", ".department.name", ".address.lines[0]", ".a | tostring", ".a.b|tostring", ".name | tostring",
      ".a | map(.b)", ".a|map( .b.c )", ".lines | map(.a[0])", ".a | map(.b) ", "if .a != null then .a.b else null end",
      "if .a.b != null then .c else null end", "if .department!=null then .department.name else null end");

  private static final List<String> SLOW = List.of(".a?", ".[\"a\"]", ".a | tostring | ascii_downcase",
      ".a | map(.b) | length", "if .a == null then .b else null end", "if .a != null then .b else .c end",
      ".a | map(.b?)", ". | tostring", "\"a\\nb\"", "\"x\\(.a)\"", "1",
      ".[-1]", ".a[]", ".a.b?", "not", "..", ".a // \"d\"");

  private static final List<String> INPUTS = List.of("null", "true", "false", "0", "-1.5", "12345678901234567890",
      "\"\"", "\"str\"", "[]", "[1]", "[null, {\"b\": 2}]", "[[1, 2], [3]]", "{}", "{\"a\": null}", "{\"a\": 1}",
      "{\"a\": \"s\"}", "{\"a\": []}", "{\"a\": [1, {\"b\": \"x\"}]}", "{\"a\": [[0, 1]]}", "{\"a\": {\"b\": null}}",
      "{\"a\": {\"b\": {\"c\": [1]}}}", "{\"a\": {\"b\": 3}}", "{\"a\": {\"b\": \"t\"}}", "{\"a\": {}}", "{\"a_b\": 1}",
      "{\"_x9\": {\"y\": 1}}", "{\"department\": {\"name\": \"R&D\"}}", "{\"department\": 5}",
      "{\"address\": {\"lines\": []}}", "{\"address\": {\"lines\": \"x\"}}", "{\"address\": null}");

  /** Cheap pre-filter of the shapes a fast path can have, so that the test does not compile every case. */
  private static final java.util.regex.Pattern FAST_SHAPE = java.util.regex.Pattern.compile("\\s*[.\"'a-z][^|()\\\\]*");
  /** The same for the native forms built on paths ({@code tostring}, {@code map}, {@code if}). */
  private static final java.util.regex.Pattern FORM_SHAPE =
      java.util.regex.Pattern.compile("\\s*(?:\\.[^|]*\\|\\s*(?:tostring|map\\(.*)|if .* end)\\s*");

  @Test
  void fastPathsAreRecognised() {
    for (String e : FAST) {
      assertTrue(Leaf.compile(e, JQ).fast(), e);
    }
    for (String e : SLOW) {
      assertFalse(Leaf.compile(e, JQ).fast(), e);
    }
  }

  @Test
  void fastPathsEqualJqOnEveryInput() {
    List<String> exprs = new ArrayList<>(FAST);
    exprs.addAll(SLOW);
    List<JsonNode> inputs = new ArrayList<>();
    INPUTS.forEach(s -> inputs.add(CompiledResourceTest.json(s)));
    inputs.addAll(randomInputs(200, new Random(42)));
    int compared = 0;
    for (String e : exprs) {
      Leaf leaf = Leaf.compile(e, JQ);
      JqProgram jq = JQ.compile(e);
      for (JsonNode in : inputs) {
        assertEquals(outcome(() -> jq.first(in)), outcome(() -> leaf.first(in)), () -> e + " on " + in);
        compared++;
      }
    }
    assertTrue(compared > 5000, "compared " + compared);
  }

  private static String outcome(java.util.function.Supplier<JsonNode> f) {
    try {
      JsonNode v = f.get();
      return v.getNodeType() + ":" + v;
    } catch (JqException e) {
      return "error:" + e.getMessage();
    }
  }

  /** Random nested values over a small key/index alphabet so that paths often hit, miss and type-clash. */
  private static List<JsonNode> randomInputs(int n, Random rnd) {
    List<JsonNode> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      out.add(random(rnd, 0));
    }
    return out;
  }

  private static JsonNode random(Random rnd, int depth) {
    var f = Template.NODES;
    int pick = rnd.nextInt(depth > 3 ? 5 : 8);
    switch (pick) {
      case 0: return f.nullNode();
      case 1: return f.booleanNode(rnd.nextBoolean());
      case 2: return rnd.nextBoolean() ? f.numberNode(rnd.nextInt(10)) : f.numberNode(rnd.nextDouble());
      case 3: return f.textNode(rnd.nextBoolean() ? "" : "s" + rnd.nextInt(3));
      case 4: return f.textNode("a");
      case 5: case 6: {
        var o = f.objectNode();
        for (String k : new String[] {"a", "b", "c", "department", "name", "address", "lines"}) {
          if (rnd.nextInt(3) > 0) {
            o.set(k, random(rnd, depth + 1));
          }
        }
        return o;
      }
      default: {
        var a = f.arrayNode();
        int len = rnd.nextInt(4);
        for (int j = 0; j < len; j++) {
          a.add(random(rnd, depth + 1));
        }
        return a;
      }
    }
  }

  /** Every case of the Ocean conformance data whose expression takes a fast path: same answer as the jq engine. */
  @Test
  void fastPathsEqualJqOnOceanCases() throws Exception {
    java.nio.file.Path cases = SharedData.file("jq/ocean-cases.jsonl");
    org.junit.jupiter.api.Assumptions.assumeTrue(cases != null, "shared jq/ocean-cases.jsonl absent; skipping");
    var mapper = new com.fasterxml.jackson.databind.ObjectMapper();
    java.util.Map<String, java.util.Optional<Leaf>> leaves = new java.util.HashMap<>();
    int fast = 0;
    int all = 0;
    for (String line : java.nio.file.Files.readAllLines(cases)) {
      JsonNode c = mapper.readTree(line);
      String expr = c.get("expr").asText();
      all++;
      if (!FAST_SHAPE.matcher(expr).matches() && !FORM_SHAPE.matcher(expr).matches()) {
        continue;
      }
      java.util.Optional<Leaf> compiled = leaves.computeIfAbsent(expr, e -> {
        try {
          return java.util.Optional.of(Leaf.compile(e, JQ)).filter(Leaf::fast);
        } catch (JqException notCompiled) {
          return java.util.Optional.empty();
        }
      });
      if (compiled.isEmpty()) {
        continue;
      }
      Leaf leaf = compiled.get();
      fast++;
      JsonNode in = c.get("input");
      JqProgram jq = leaf.program();
      assertEquals(outcome(() -> jq.first(in)), outcome(() -> leaf.first(in)), () -> expr + " on case " + c.get("case_id"));
    }
    assertTrue(fast > 1000, fast + " of " + all + " cases take a fast path");
    System.out.println(fast + " of " + all + " Ocean cases take a fast path");
  }
}
