package dev.oceanj.core.jq;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.JsonNode;
import dev.oceanj.spi.RawFields;
import dev.oceanj.spi.http.JsonItems;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class JqFieldReadsTest {

  private static final JqEngine JQ = JqEngine.create(false);

  /** The reads as sorted text: {@code a.b} read whole, {@code ?a} only for its existence; "all" when empty. */
  private static String reads(String program) {
    return JqFieldReads.of(JqEngine.oceanRewrite(program)).map(r -> {
      Set<String> out = new TreeSet<>();
      r.whole().forEach(p -> out.add(String.join(".", p)));
      r.present().forEach(p -> out.add("?" + String.join(".", p)));
      return String.join(" ", out);
    }).orElse("all");
  }

  @Test
  void staticPathsReadTheValuesAtTheirEnd() {
    assertEquals("id", reads(".id"));
    assertEquals("id", reads(".id | tostring"));
    assertEquals("first_trigger_log_entry.agent.summary", reads(".first_trigger_log_entry.agent.summary"));
    assertEquals("a b", reads(".a // .b"));
    assertEquals("a.[].b", reads(".a[]?.b"));
    assertEquals("a.x", reads(".[\"a\"].x"));
    assertEquals("a b", reads(".\"a b\""));
    assertEquals("a.[]", reads(".a.[0]"));
    assertEquals("", reads("\"pagerdutyService\""));
    assertEquals("", reads("true"));
    assertEquals("end", reads(".end"));
    assertEquals(Set.of("a"), JqFieldReads.topLevel(".a.b.c").orElseThrow());
  }

  @Test
  void theShippedPagerDutyExpressionsReadOnlyWhatTheyUse() {
    assertEquals("priority", reads("if .priority != null then .priority.summary else null end"));
    assertEquals("assignments.[].assignee.email", reads(".assignments | map(.assignee.email)"));
    assertEquals("__oncall_user", reads(".__oncall_user | sort_by(.escalation_level) | .[0].user.email"));
    assertEquals("__oncall_user.[].escalation_level", reads(".__oncall_user | map(.escalation_level) | unique | length"));
    assertEquals("users.[]", reads("[.users[] | select(has(\"__email\")) | .__email]"));
    assertEquals("schedule.id start user.id", reads(".user.id + \"-\" + .schedule.id + \"-\" + .start"));
    assertEquals("teams.[].summary", reads(".teams | map(.summary)"));
  }

  @Test
  void constructionsConditionalsAndWrappersFollowTheInput() {
    assertEquals("a b c", reads("{a, b: .b, \"c\"}"));
    assertEquals("a k", reads("{(.k): .a}"));
    assertEquals("a.x.y", reads("{a: .a.x | .y}"));
    assertEquals("a b", reads("\"\\(.a)-\\(.b)\""));
    assertEquals("?a ?c b d", reads("if .a then .b elif .c then 1 else .d end"));
    assertEquals("a b", reads("select(.a == 1) | .b"));
    assertEquals("?a b", reads("select(.a) | .b"));
    assertEquals("a.[].x", reads("first(.a[]) | .x"));
    assertEquals("?a.[].b a.[].c", reads(".a[] | select(.b) | .c"));
    assertEquals("a b", reads(".a as $x | .b + $x"));
    assertEquals("a.b", reads("try .a.b catch \"none\""));
    assertEquals("a.[] b", reads("reduce .a[] as $x (.b; . + $x)"));
    assertEquals("a", reads(".a | to_entries | map(.key) | tostring"));
    assertEquals("a", reads(".a | .. | numbers"));
    assertEquals("a.[].x a.[].y", reads("[.a[] | {k: .x, v: (.y | tojson)}]"));
    assertEquals("a i", reads(".a[.i]"));
    assertEquals("a", reads(".a[1:]"));
    assertEquals("a", reads("-.a"));
    assertEquals("?a", reads(".a | not"));
    assertEquals("?a ?b", reads(".a and (.b | type == \"string\" | not)"));
    assertEquals("?x", reads("(.x | not) or false"));
    assertEquals("", reads("not"));
    assertEquals("lastChange", reads("if .lastChange then (.lastChange/1000) else now end | todate"));
    assertEquals("id", reads(".id | split(\"/\") | .[3] |= ascii_downcase | join(\"/\")"));
  }

  /** Every construct that may read the input whole turns projection off. */
  @ParameterizedTest
  @ValueSource(strings = {".", ". | .a, .", "[.]", "{a: .}", ". + {}", ". == {}", "tostring", "tojson", "@json",
      "\"\\(.)\"", "keys", "keys_unsorted", "to_entries", "has(\"a\")", "paths", "[paths]", "del(.a)",
      "with_entries(.)", "length", ".[]", ".[] | .a", "..", ".. | .a?", ".[0]", ".[.k]", "map(.a)", "env.X",
      "$ENV.X", ".a | env", "$__loc__", "input", ". as $x | $x.a", ".a as [$x] | $x", "def f: .a; f",
      ".a = 1", ".a |= 1", ".a += 1", ".a //= 1", "label $out | .a", "if .a then .b end", ".a // .",
      "getpath([\"a\"])", "path(.a)", "select(.)", "to_entries[]", "with_entries(select(.key == \"a\"))", "tostream",
      "walk(.)", "[.[] | .a]", ".a as {b: $b} | $b", ". as [$a] ?// $a | $a", "@base64", "{(.): 1}",
      "{\"\\(.a)\"}", ".\"\\(.a)\"", "splits(\"a\")", "ascii", ".a | $__x", "reduce .[] as $x (0; . + 1)",
      "include \"x\"; .a", "m::f", ".a)", "(.a", "\"unterminated", ".\"[]\"", ". as $root | .a | $root.b",
      "{a: .x + 1}"})
  void constructsThatMayReadTheWholeInputTurnProjectionOff(String program) {
    assertEquals("all", reads(program), program);
  }

  private static final String OBJECT = "{\"id\":7,\"a\":\"A\",\"b\":{\"x\":1,\"w\":[1,2]},\"c\":[{\"x\":1,\"q\":{\"r\":1}},"
      + "{\"y\":2},[3],\"s\"],\"n\":2,\"other\":{\"big\":[1,2,3]},\"z\":null,\"e\":{},\"f\":false,"
      + "\"d\":{\"k\":[{\"v\":1,\"u\":0},{\"v\":2}]}}";

  /**
   * Where projection is on, the program gives the same outputs (or the same error) on the input as the page reader
   * projects it.
   */
  @ParameterizedTest
  @ValueSource(strings = {".id | tostring", ".a // .b", ".a[]?.b", "{a, b: .c}", "\"\\(.a)-\\(.n)\"",
      "if .n > 1 then .a else .b end", "select(.n == 2) | .a", ".b.x", ".b | keys", ".b | tostring",
      ".missing", ".a | ascii_downcase", ".n + 1", ".b.x.y", ".a | .[0]", "[.c[] | select(has(\"x\"))]",
      "first(.c[])", ".c | length", ".a as $x | $x + \"!\"", "try (.a | tonumber) catch .",
      "reduce .c[] as $x (0; . + 1)", ".c | map(.x?)", ".c | map(.x)", ".c[0].q.r", ".c[] | .x?", ".d.k | map(.v)",
      "[.d.k[] | select(.u) | .v]", ".e // .a", ".f // .a", ".z // .b.x", "if .b then .a else 0 end",
      ".b | type", ".c | map(type)", "[.c[] | not]", ".d.k[1].v", ".c[2].x", ".c[3]", ".b.w[0]", ".b.w.x",
      ".a.x", ".n.x", "select(.e) | .n", ".b | .x, .w", "[.c[]?.q?.r?]", ".d | .k | .[0] | .v",
      "{k: .d.k | map(.v), e: .e}", ".c | map(.q // \"none\")", ".c[1:] | length", "first(.c[] | .x?)"})
  void projectedInputsGiveTheSameOutputs(String program) throws Exception {
    JqFieldReads.Reads reads = JqFieldReads.of(program)
        .orElseThrow(() -> new AssertionError(program + " should be analysed"));
    JsonNode whole = JqEngine.jsonMapper().readTree(OBJECT);
    List<JsonNode> items = new ArrayList<>();
    try (JsonParser parser = JqEngine.jsonMapper().createParser("[" + OBJECT + "]")) {
      JsonItems.read(parser, List.of(), RawFields.paths(reads.whole(), reads.present(), 0), items::add);
    }
    JsonNode projected = items.get(0);
    assertNotEquals(whole, projected, "the input is projected");
    assertEquals(outcome(program, whole), outcome(program, projected), program + " on " + projected);
  }

  private static String outcome(String program, JsonNode input) {
    List<String> out = new ArrayList<>();
    try {
      JQ.compile(program).apply(input, v -> out.add(JqEngine.toJqString(v)));
    } catch (JqException e) {
      out.add("error: " + e.getMessage());
    }
    return String.join("\n", out);
  }
}
