package dev.oceanj.core.jq;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Set;
import org.junit.jupiter.api.Test;

/** The source rewrites are exact and leave everything else untouched. */
class JqSyntaxTest {

  @Test
  void plainProgramsAreUnchanged() {
    String p = ".a | map(select(.b == \"x\")) | {id: .id, n: (.n // 0)} # comment 'quoted'";
    assertEquals(p, JqSyntax.rewrite(p).program());
  }

  @Test
  void interpolationsGoThroughTostringButFormatStringsDoNot() {
    assertEquals("\"a\\((.x)|tostring)b\"", JqSyntax.rewrite("\"a\\(.x)b\"").program());
    assertEquals("@base64 \"a\\(.x)\"", JqSyntax.rewrite("@base64 \"a\\(.x)\"").program());
    assertEquals("\"\\((\"in\\((.y)|tostring)\")|tostring)\"", JqSyntax.rewrite("\"\\(\"in\\(.y)\")\"").program());
  }

  @Test
  void ifWithoutElseGetsIdentityElse() {
    assertEquals("if . then 1 else . end", JqSyntax.rewrite("if . then 1 end").program());
    assertEquals("if a then if b then 1 else 2 end else . end",
        JqSyntax.rewrite("if a then if b then 1 else 2 end end").program());
  }

  @Test
  void dotBeforeBracketAfterATermIsDropped() {
    assertEquals(".a[0]", JqSyntax.rewrite(".a.[0]").program());
    assertEquals("reduce .[] as $x (0; . + $x)", JqSyntax.rewrite("reduce .[] as $x (0; . + $x)").program());
  }

  @Test
  void locLinesAreReported() {
    assertEquals(Set.of(2), JqSyntax.rewrite(".\n| $__loc__").locLines());
  }

  @Test
  void tryTakesAPostfixTerm() {
    assertEquals("1, (try (error(2))), 3", JqSyntax.rewrite("1, try error(2), 3").program());
    assertEquals("(try (.a) catch (.)) | length", JqSyntax.rewrite("try .a catch . | length").program());
  }

  @Test
  void destructuringAlternativesBecomeTryChains() {
    assertEquals(". as $__alt0 | null as $a | try ($__alt0 as [$a] |  $a) catch (($__alt0 as $a |  $a))",
        JqSyntax.alternatives(". as [$a] ?// $a | $a"));
  }
}
