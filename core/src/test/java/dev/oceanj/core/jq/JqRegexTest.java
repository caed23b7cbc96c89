package dev.oceanj.core.jq;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

/**
 * The native regex builtins against the jq definitions they replace (jackson-jq's and jq 1.8.1's, written out
 * here under other names), on inputs with empty matches, named and unmatched captures, astral code points,
 * every flag, multi-output replacements and the error paths. (Regexes that make joni itself fail, such as
 * an unbalanced {@code (} or {@code b|} with {@code i} on non-ASCII text, abort the whole program in both, so
 * they are left out of the bulk comparison.)
 */
class JqRegexTest {

  private static final JqEngine ENGINE = JqEngine.create(false);

  /** The jq definitions of the builtins made native, as the engine had them before. */
  private static final String DEFS = String.join(" ",
      "def jtest(re; mode): _match_impl(re; mode; true);",
      "def jtest($val): ($val|type) as $vt | if $vt == \"string\" then jtest($val; null)"
          + " elif $vt == \"array\" and ($val | length) > 1 then jtest($val[0]; $val[1])"
          + " elif $vt == \"array\" and ($val | length) > 0 then jtest($val[0]; null)"
          + " else error( $vt + \" not a string or array\") end;",
      "def jmatch(re; mode): _match_impl(re; mode; false)|.[];",
      "def jmatch($val): ($val|type) as $vt | if $vt == \"string\" then jmatch($val; null)"
          + " elif $vt == \"array\" and ($val | length) > 1 then jmatch($val[0]; $val[1])"
          + " elif $vt == \"array\" and ($val | length) > 0 then jmatch($val[0]; null)"
          + " else error( $vt + \" not a string or array\") end;",
      "def jcapture(re; mods): jmatch(re; mods) | reduce ( .captures | .[] | select(.name != null)"
          + " | { key: .name, value: .string } ) as $pair ({}; . + {($pair.key): $pair.value});",
      "def jcapture($val): ($val|type) as $vt | if $vt == \"string\" then jcapture($val; null)"
          + " elif $vt == \"array\" and ($val | length) > 1 then jcapture($val[0]; $val[1])"
          + " elif $vt == \"array\" and ($val | length) > 0 then jcapture($val[0]; null)"
          + " else error( $vt + \" not a string or array\") end;",
      "def jscan(re; flags): jmatch(re; flags + \"g\") | if (.captures|length > 0)"
          + " then [ .captures | .[] | .string ] else .string end;",
      "def jscan(re): jscan(re; \"\");",
      "def jsplits($re; flags): . as $s | [ jmatch($re; \"g\" + flags) | (.offset, .offset + .length) ]"
          + " | [0] + . +[$s|length] | _nwise(2) | $s[.[0]:.[1] ];",
      "def jsplits($re): jsplits($re; null);",
      "def jsplit($re; flags): [jsplits($re; flags)];",
      "def jsub($re; str; $flags): . as $in | (reduce jmatch($re; $flags) as $edit ({result: [], previous: 0};"
          + " $in[.previous: ($edit | .offset)] as $gap"
          + " | [reduce ($edit | .captures | map(select(.name != null) | {(.name): .string}) | .[]) as $pair"
          + " ({}; . + $pair) | str] as $inserts"
          + " | reduce range(0; $inserts | length) as $ix (.; .result[$ix] += $gap + $inserts[$ix])"
          + " | .previous = ($edit | .offset + .length)) | .result[] + $in[.previous:]) // $in;",
      "def jsub($re; str): jsub($re; str; \"\");",
      "def jgsub($re; str; $flags): jsub($re; str; $flags + \"g\");",
      "def jgsub($re; str): jsub($re; str; \"g\");");

  private static final String INPUTS = "[\"abc\", \"a-b_c d\", \"\ud83d\ude00a\ud83d\ude00bb\ud83d\ude00\", \"\","
      + " \"test 123 TEST 45\", \"foo@Example.com\", 123]";

  private static final String REGEXES = "[\"a\", \"\", \"(?<x>a)(?<y>b)?\", \"[^a-z0-9]+\", \"(a)|(b)\","
      + " \"(?<d>\\\\d+)\", 1]";

  private static final String FLAGS = "[null, \"\", \"g\", \"gi\", \"x\", 1]";

  /**
   * Runs {@code call} (with {@code $re}, {@code $f} bound) on every input for every regex and flags, once with
   * the native builtin ({@code NAME}) and once with its jq definition ({@code jNAME}), and compares case by case.
   */
  private static int same(String call) throws Exception {
    String cases = "[" + REGEXES + "[] as $re | " + FLAGS + "[] as $f | " + INPUTS + "[] | {re: $re, f: $f, in: ., "
        + "out: (try [CALL] catch [\"error\", .])}]";
    // jackson-jq's _nwise (under the jq splits) recurses through nested closures: give it a deep stack.
    JsonNode[] result = new JsonNode[1];
    RuntimeException[] failure = new RuntimeException[1];
    Thread t = new Thread(null, () -> {
      try {
        result[0] = ENGINE.compileJq(DEFS + " " + cases.replace("CALL", call.replace("NAME", "j"))).first(null);
      } catch (RuntimeException e) {
        failure[0] = e;
      }
    }, "jq-definitions", 256L << 20);
    t.start();
    t.join();
    if (failure[0] != null) {
      throw failure[0];
    }
    JsonNode expected = result[0];
    JsonNode actual = ENGINE.compileJq(cases.replace("CALL", call.replace("NAME", ""))).first(null);
    assertEquals(expected.size(), actual.size(), call);
    for (int i = 0; i < expected.size(); i++) {
      assertEquals(JqEngine.toJqString(expected.get(i)), JqEngine.toJqString(actual.get(i)), call);
    }
    return expected.size();
  }

  @Test
  void testMatchCaptureScanAgreeWithTheirJqDefinitions() throws Exception {
    int compared = 0;
    for (String fn : new String[] {"test", "match", "capture", "scan"}) {
      compared += same("NAME" + fn + "($re; $f)");
      compared += same("NAME" + fn + "([$re, $f])");
      compared += same("NAME" + fn + "([$re])");
      compared += same("NAME" + fn + "($re)");
    }
    compared += same("NAMEtest({})");
    compared += same("NAMEmatch([])");
    compared += same("NAMEtest($re, \"b\"; $f, \"x\")");
    assertTrue(compared > 4000, "compared " + compared);
  }

  @Test
  void splitAndSplitsAgreeWithTheirJqDefinitions() throws Exception {
    same("NAMEsplit($re; $f)");
    same("NAMEsplits($re; $f)");
    same("NAMEsplits($re)");
    same("NAMEsplit($re, \"b\"; $f, null)");
  }

  @Test
  void subAndGsubAgreeWithTheirJqDefinitions() throws Exception {
    String[] replacements = {"\"<\\(.x)>\"", "(\"1\", \"2\")", "(if .x then \"X\" else empty end)", "1",
        "error(\"boom\")"};
    for (String str : replacements) {
      same("NAMEsub($re; " + str + "; $f)");
      same("NAMEgsub($re; " + str + "; $f)");
      same("NAMEsub($re; " + str + ")");
      same("NAMEgsub($re; " + str + ")");
    }
    same("NAMEgsub($re, \"b\"; \"-\", \"+\"; $f, \"i\")");
  }

  @Test
  void patternsAreCompiledOncePerRegexAndFlags() throws Exception {
    JqProgram p = ENGINE.compile(".[] | test(\"^cache-probe-[0-9]+$\"; \"x\")");
    int before = JqRegex.cachedPatterns();
    JsonNode in = JqEngine.jsonMapper().readTree("[\"cache-probe-1\", \"cache-probe-2\", \"x\"]");
    assertEquals("true true false", String.join(" ", p.all(in).stream().map(JqEngine::toJqString).toList()));
    p.all(in);
    assertTrue(JqRegex.cachedPatterns() <= before + 1, "one pattern compiled for one (regex, flags)");
  }
}
