package dev.oceanj.core.jq;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class JqFieldReadsTest {

  private static final JqEngine JQ = JqEngine.create(false);

  private static Optional<Set<String>> reads(String program) {
    return JqFieldReads.topLevel(JqEngine.oceanRewrite(program));
  }

  @Test
  void staticPathsReadTheirFirstField() {
    assertEquals(Optional.of(Set.of("id")), reads(".id"));
    assertEquals(Optional.of(Set.of("id")), reads(".id | tostring"));
    assertEquals(Optional.of(Set.of("first_trigger_log_entry")), reads(".first_trigger_log_entry.agent.summary"));
    assertEquals(Optional.of(Set.of("a", "b")), reads(".a // .b"));
    assertEquals(Optional.of(Set.of("a")), reads(".a[]?.b"));
    assertEquals(Optional.of(Set.of("a")), reads(".[\"a\"].x"));
    assertEquals(Optional.of(Set.of("a b")), reads(".\"a b\""));
    assertEquals(Optional.of(Set.of("a")), reads(".a.[0]"));
    assertEquals(Optional.of(Set.of()), reads("\"pagerdutyService\""));
    assertEquals(Optional.of(Set.of()), reads("true"));
    assertEquals(Optional.of(Set.of("end")), reads(".end"));
  }

  @Test
  void theShippedPagerDutyExpressionsReadOnlyTheirFields() {
    assertEquals(Optional.of(Set.of("priority")), reads("if .priority != null then .priority.summary else null end"));
    assertEquals(Optional.of(Set.of("assignments")), reads(".assignments | map(.assignee.email)"));
    assertEquals(Optional.of(Set.of("__oncall_user")),
        reads(".__oncall_user | sort_by(.escalation_level) | .[0].user.email"));
    assertEquals(Optional.of(Set.of("__oncall_user")), reads(".__oncall_user | map(.escalation_level) | unique | length"));
    assertEquals(Optional.of(Set.of("users")), reads("[.users[] | select(has(\"__email\")) | .__email]"));
    assertEquals(Optional.of(Set.of("user", "schedule", "start")), reads(".user.id + \"-\" + .schedule.id + \"-\" + .start"));
    assertEquals(Optional.of(Set.of("teams")), reads(".teams | map(.summary)"));
  }

  @Test
  void constructionsConditionalsAndWrappersFollowTheRoot() {
    assertEquals(Optional.of(Set.of("a", "b", "c")), reads("{a, b: .b, \"c\"}"));
    assertEquals(Optional.of(Set.of("a", "k")), reads("{(.k): .a}"));
    assertEquals(Optional.of(Set.of("a", "b")), reads("\"\\(.a)-\\(.b)\""));
    assertEquals(Optional.of(Set.of("a", "b", "c", "d")), reads("if .a then .b elif .c then 1 else .d end"));
    assertEquals(Optional.of(Set.of("a", "b")), reads("select(.a == 1) | .b"));
    assertEquals(Optional.of(Set.of("a")), reads("first(.a[])"));
    assertEquals(Optional.of(Set.of("a", "b")), reads(".a as $x | .b + $x"));
    assertEquals(Optional.of(Set.of("a")), reads("try .a.b catch \"none\""));
    assertEquals(Optional.of(Set.of("a", "b")), reads("reduce .a[] as $x (.b; . + $x)"));
    assertEquals(Optional.of(Set.of("a")), reads(".a | to_entries | map(.key) | tostring"));
    assertEquals(Optional.of(Set.of("a")), reads(".a | .. | numbers"));
    assertEquals(Optional.of(Set.of("a")), reads("[.a[] | {k: .x, v: (.y | tojson)}]"));
    assertEquals(Optional.of(Set.of("a", "i")), reads(".a[.i]"));
    assertEquals(Optional.of(Set.of("a")), reads("-.a"));
    assertEquals(Optional.of(Set.of("a")), reads(".a | not"));
  }

  /** Every construct that may read more than named fields turns projection off. */
  @ParameterizedTest
  @ValueSource(strings = {".", ". | .a, .", "[.]", "{a: .}", ". + {}", ". == {}", "tostring", "tojson", "@json",
      "\"\\(.)\"", "keys", "keys_unsorted", "to_entries", "has(\"a\")", "paths", "[paths]", "del(.a)",
      "with_entries(.)", "length", ".[]", ".[] | .a", "..", ".. | .a?", ".[0]", ".[.k]", "map(.a)", "env.X",
      "$ENV.X", ".a | env", "$__loc__", "input", ". as $x | $x.a", ".a as [$x] | $x", "def f: .a; f",
      ".a = 1", ".a |= 1", ".a += 1", ".a //= 1", "label $out | .a", "if .a then .b end", ".a // .", "getpath([\"a\"])",
      "path(.a)", "select(.)", "to_entries[]", "with_entries(select(.key == \"a\"))", "tostream", "walk(.)",
      "[.[] | .a]", ".a as {b: $b} | $b", ". as [$a] ?// $a | $a", "@base64", "not", "type", "{(.): 1}",
      "{\"\\(.a)\"}", ".\"\\(.a)\"", "splits(\"a\")", "ascii", ".a | $__x", "reduce .[] as $x (0; . + 1)",
      "include \"x\"; .a", "m::f", ".a)", "(.a", "\"unterminated"})
  void constructsThatMayReadMoreTurnProjectionOff(String program) {
    assertEquals(Optional.empty(), reads(program), program);
  }

  /** Where projection is on, the program gives the same outputs (or the same error) on the projected object. */
  @ParameterizedTest
  @ValueSource(strings = {".id | tostring", ".a // .b", ".a[]?.b", "{a, b: .c}", "\"\\(.a)-\\(.n)\"",
      "if .n > 1 then .a else .b end", "select(.n == 2) | .a", ".b.x", ".b | keys", ".b | tostring",
      ".missing", ".a | ascii_downcase", ".n + 1", ".b.x.y", ".a | .[0]", "[.c[] | select(has(\"x\"))]",
      "first(.c[])", ".c | length", ".a as $x | $x + \"!\"", "try (.a | tonumber) catch .",
      "reduce .c[] as $x (0; . + 1)", ".c | map(.x) | add"})
  void projectedObjectsGiveTheSameOutputs(String program) throws Exception {
    ObjectNode whole = (ObjectNode) JqEngine.jsonMapper().readTree(
        "{\"id\":7,\"a\":\"A\",\"b\":{\"x\":1},\"c\":[{\"x\":1},{\"y\":2}],\"n\":2,\"other\":{\"big\":[1,2,3]},"
            + "\"z\":null}");
    Set<String> fields = reads(program).orElseThrow(() -> new AssertionError(program + " should be analysed"));
    ObjectNode projected = whole.deepCopy();
    projected.retain(fields);
    assertEquals(outcome(program, whole), outcome(program, projected), program);
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
