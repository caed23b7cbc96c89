package dev.oceanj.core.jq;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

/**
 * Every builtin the engine adds or redefines, checked against what jq 1.8.1 prints ({@code jq -c}, outputs
 * joined by a space). Runs without the shared conformance data.
 */
class JqBuiltinsTest {

  private static final JqEngine ENGINE = JqEngine.create(true, Map.of("HOME", "/home/x"));

  private static String run(String program, String input) throws Exception {
    JsonNode in = JqEngine.jsonMapper().readTree(input);
    List<String> out = new ArrayList<>();
    ENGINE.compile(program).apply(in, v -> out.add(JqEngine.toJqString(v)));
    return out.stream().collect(Collectors.joining(" "));
  }

  @ParameterizedTest(name = "{0} on {1}")
  @CsvSource(delimiterString = " ;; ", quoteCharacter = '`', value = {
      // number formatting as jq prints numbers
      ". / 1000 | tostring ;; 1717073271079 ;; `\"1717073271.079\"`",
      ". / 3 | tostring ;; 10 ;; `\"3.3333333333333335\"`",
      "tostring ;; 1.0 ;; `\"1.0\"`",
      "tostring ;; 1e+17 ;; `\"1E+17\"`",
      "tostring ;; 1e-05 ;; `\"0.00001\"`",
      "pow(10; 100) | tostring ;; null ;; `\"1e+100\"`",
      "1 / 100000 | tostring ;; null ;; `\"1e-05\"`",
      "pow(2; 10) | tostring ;; null ;; `\"1024\"`",
      ". + 1 | tostring ;; 13911860366432393 ;; `\"13911860366432392\"`",
      "tostring ;; 13911860366432393 ;; `\"13911860366432393\"`",
      "\"\\(.a) \\(.b)\" ;; {\"a\": 1.5, \"b\": [1, \"x\"]} ;; `\"1.5 [1,\\\"x\\\"]\"`",
      "\"t=\\(. / 1000)\" ;; 1717073271079 ;; `\"t=1717073271.079\"`",
      "tojson ;; {\"b\": 1, \"a\": [1.0, 2.5]} ;; `\"{\\\"b\\\":1,\\\"a\\\":[1.0,2.5]}\"`",
      "[.[] | tonumber?] ;; [\"12.50\", \"1e3\", \" 7\", \"0x10\", \"abc\"] ;; `[12.50,1E+3]`",
      "try tonumber catch . ;; \"abc\" ;; `\"string (\\\"abc\\\") cannot be parsed as a number\"`",
      // dates
      "todate ;; 1716194324 ;; `\"2024-05-20T08:38:44Z\"`",
      "todateiso8601 ;; 1704164645.5 ;; `\"2024-01-02T03:04:05Z\"`",
      "fromdate ;; \"2024-05-20T08:38:44Z\" ;; 1716194324",
      "try fromdateiso8601 catch \"ERR\" ;; \"2024-01-02T03:04:05.123Z\" ;; `\"ERR\"`",
      "strftime(\"%A, %B %d, %Y\") ;; 1716194324 ;; `\"Monday, May 20, 2024\"`",
      "strptime(\"%Y-%m-%dT%H:%M:%SZ\") ;; \"2024-05-20T08:38:44Z\" ;; `[2024,4,20,8,38,44,1,140]`",
      "strptime(\"%Y-%m-%dT%H:%M:%SZ\") | mktime ;; \"2024-05-20T08:38:44Z\" ;; 1716194324",
      "tostring | strptime(\"%s\") | mktime ;; 1716194324 ;; 1716194324",
      "gmtime ;; 1425599621.25 ;; `[2015,2,5,23,53,41.25,4,63]`",
      "gmtime | mktime ;; 1716194324 ;; 1716194324",
      ". / 1000 | todate ;; 1716194324123 ;; `\"2024-05-20T08:38:44Z\"`",
      "todate ;; 1716194324123 ;; `\"56354-01-13T05:35:23Z\"`",
      "try mktime catch . ;; `[\"a\",1,2,3,4,5,6,7]` ;; `\"mktime requires parsed datetime inputs\"`",
      "now | type ;; null ;; `\"number\"`",
      // strings, codepoints
      "length ;; \"a😀é\" ;; 3",
      "index(\"b\"), rindex(\"b\") ;; \"😀ab b\" ;; 2 4",
      "indices(\"b\") ;; \"😀ab b\" ;; `[2,4]`",
      ".[1:3] ;; \"a😀bc\" ;; `\"😀b\"`",
      "reverse ;; \"abc\" ;; `\"cba\"`",
      "ascii_downcase, ascii_upcase ;; \"ÀBc\" ;; `\"Àbc\" \"ÀBC\"`",
      "trim, ltrim, rtrim ;; \"  a  \" ;; `\"a\" \"a  \" \"  a\"`",
      "trimstr(\"foo\") ;; \"foobarfoo\" ;; `\"bar\"`",
      "ltrimstr(\"foo\"), rtrimstr(\"bar\") ;; \"foobar\" ;; `\"bar\" \"foo\"`",
      "try ltrimstr(1) catch . ;; \"foobar\" ;; `\"startswith() requires string inputs\"`",
      "[splits(\", *\")] ;; \"a, b,c\" ;; `[\"a\",\"b\",\"c\"]`",
      "join(\",\") ;; `[\"a\", 1, null, true]` ;; `\"a,1,,true\"`",
      "@html ;; \"<a href='x'>&\" ;; `\"&lt;a href=&#39;x&#39;&gt;&amp;\"`",
      "@base32 ;; \"hello\" ;; `\"NBSWY3DP\"`",
      "@base32d ;; \"NBSWY3DP\" ;; `\"hello\"`",
      "@urid ;; \"a%20b%C3%A9\" ;; `\"a bé\"`",
      "@csv ;; `[1.5, \"a\\\"b\", null]` ;; `\"1.5,\\\"a\\\"\\\"b\\\",\"`",
      "sub(\"(?<x>[a-z]+)-(?<n>\\\\d+)\"; \"\\(.n)_\\(.x)\") ;; \"ab-12-cd\" ;; `\"12_ab-cd\"`",
      "[gsub(\"(?<a>.)\"; \"\\(.a|ascii_upcase)\", \"\\(.a|ascii_downcase)\")] ;; \"aB\" ;; `[\"AB\",\"ab\"]`",
      "gsub(\"^\"; \">\") ;; \"ab\" ;; `\">ab\"`",
      "toboolean ;; \"true\" ;; true",
      // generators and control
      "[limit(0; .[])] ;; `[1, 2]` ;; `[]`",
      "[limit(1; 1, error)] ;; null ;; `[1]`",
      "[first(empty)], [last(empty)] ;; null ;; `[] []`",
      "last(range(5)) ;; null ;; 4",
      "isempty(.[]), isempty(empty, 1) ;; `[]` ;; true false",
      "IN(2, 3), IN(2, 3; 5) ;; 2 ;; true false",
      "INDEX(.id) ;; `[{\"id\": 1}, {\"id\": \"b\"}]` ;; `{\"1\":{\"id\":1},\"b\":{\"id\":\"b\"}}`",
      "[limit(4; repeat(. * 2))] ;; 1 ;; `[1,2,4,8]`",
      "add(.[].a) ;; `[{\"a\": 1}, {\"a\": 2}]` ;; 3",
      "[skip(2; range(5))] ;; null ;; `[2,3,4]`",
      "any(true, error; .), all(false, error; .) ;; null ;; true false",
      "map_values(. // empty) ;; `{\"a\": null, \"b\": 1}` ;; `{\"b\":1}`",
      "[.[] | select(. > 1)] ;; `[1, 2, 3]` ;; `[2,3]`",
      "del(.[] | select(. == 2)) ;; `[1, 2, 3]` ;; `[1,3]`",
      "map(. + 1) ;; `[1, 2]` ;; `[2,3]`",
      "walk(if type == \"number\" then . + 1 else . end) ;; `{\"a\": [1, {\"b\": 2}]}` ;; `{\"a\":[2,{\"b\":3}]}`",
      "pick(.a.b) ;; `{\"a\": {\"b\": 1, \"c\": 2}, \"d\": 3}` ;; `{\"a\":{\"b\":1}}`",
      "[tostream] ;; `{\"a\": [1, 2]}` ;; `[[[\"a\",0],1],[[\"a\",1],2],[[\"a\",1]],[[\"a\"]]]`",
      "fromstream(tostream) ;; `{\"a\": [1, {\"b\": null}]}` ;; `{\"a\":[1,{\"b\":null}]}`",
      "[1 | truncate_stream([[0], 1], [[1, 0], 2], [[1, 0]], [[1]])] ;; null ;; `[[[0],2],[[0]]]`",
      "getpath([\"a\", \"b\"]), getpath([\"x\", 0]) ;; `{\"a\": {\"b\": 1}}` ;; 1 null",
      "bsearch(3), bsearch(0) ;; `[1, 2, 3]` ;; 2 -1",
      "abs, (-. | abs) ;; -5 ;; 5 5",
      "significand ;; 8 ;; 1",
      "have_literal_numbers, have_decnum ;; null ;; true false",
      "$__loc__ ;; null ;; `{\"file\":\"<top-level>\",\"line\":1}`",
      "{a, $__loc__} ;; `{\"a\": 1}` ;; `{\"a\":1,\"__loc__\":{\"file\":\"<top-level>\",\"line\":1}}`",
      "$ARGS ;; null ;; `{\"positional\":[],\"named\":{}}`",
      "env.HOME, $ENV.HOME ;; null ;; `\"/home/x\" \"/home/x\"`",
      "[.[] | implode] ;; `[[65, 128512]]` ;; `[\"A😀\"]`",
      "fromjson ;; `\"{\\\"a\\\": 1.50}\"` ;; `{\"a\":1.50}`",
      "input_filename ;; null ;; `\"<stdin>\"`",
      "[inputs] ;; null ;; `[]`",
      "debug ;; 1 ;; 1",
      "try error({a: 1}) catch .a ;; null ;; 1",
  })
  void builtinBehavesAsJq(String program, String input, String expected) throws Exception {
    assertEquals(expected, run(program, input));
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiterString = " ;; ", quoteCharacter = '`', value = {
      // jq 1.7/1.8 syntax that jackson-jq's parser lacks
      "if . then \"yes\" end ;; false ;; false",
      "if . == 1 then \"one\" elif . == 2 then \"two\" end ;; 3 ;; 3",
      ".a.[\"b\"], .c.[0] ;; `{\"a\": {\"b\": 2}, \"c\": [3]}` ;; `2 3`",
      "[.[] as [$a] ?// $a | $a] ;; `[[1], 2]` ;; `[1,2]`",
      ".[] as {a: $x} ?// [$x] | $x ;; `[{\"a\": 1}, [2]]` ;; 1 2",
      "{if: 1, then: 2} ;; null ;; `{\"if\":1,\"then\":2}`",
      "1 as $label | {$label} ;; null ;; `{\"label\":1}`",
      "[1, try error(2), 3] ;; null ;; `[1,3]`",
      "try error(\"x\") catch . | length ;; null ;; 1",
      "(try error(0)) // 1 ;; null ;; 1",
      "if true then [.] else . end [0] ;; 5 ;; 5",
  })
  void parserGapIsClosed(String program, String input, String expected) throws Exception {
    assertEquals(expected, run(program, input));
  }

  @Test
  void droppedBuiltinsAreErrorsAsInJq181() {
    for (String p : List.of("toarray", "leaf_paths", "dateadd(\"seconds\"; 1)")) {
      JqException e = assertThrows(JqException.class, () -> run(p, "1"));
      assertTrue(e.getMessage().contains("is not defined"), e.getMessage());
    }
  }

  @Test
  void firstStopsAtTheFirstOutputLikeOceanAndErrorsAreJqExceptions() throws Exception {
    JsonNode in = JqEngine.jsonMapper().readTree("[\"1\", \"x\"]");
    assertEquals("1", JqEngine.toJqString(ENGINE.first(".[] | tonumber", in)));
    assertEquals("null", JqEngine.toJqString(ENGINE.first("empty", in)));
    JqException e = assertThrows(JqException.class, () -> ENGINE.compile(".[] | tonumber").all(in));
    assertEquals("string (\"x\") cannot be parsed as a number", e.getMessage());
    assertThrows(JqException.class, () -> ENGINE.compile(".a | ("));
  }

  @Test
  void envIsEmptyWhenAccessIsOff() throws Exception {
    JqEngine closed = JqEngine.create(false, Map.of("SECRET", "s3cr3t"));
    assertEquals("{}", JqEngine.toJqString(closed.first("$ENV", null)));
    assertEquals("{}", JqEngine.toJqString(closed.first("env", null)));
  }

  @Test
  void oceanRewriteTurnsSingleQuotesIntoStrings() throws Exception {
    assertEquals("\"x\"", JqEngine.toJqString(ENGINE.first("'x'", null)));
  }

  @Test
  void errorMessagesNameTheValueAsJqDoes() {
    JqException e = assertThrows(JqException.class, () -> run("tonumber", "\"2024-05-20T08:38:44Z\""));
    assertEquals("string (\"2024-05-20...) cannot be parsed as a number", e.getMessage());
  }
}
