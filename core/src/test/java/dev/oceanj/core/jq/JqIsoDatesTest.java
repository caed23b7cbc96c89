package dev.oceanj.core.jq;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** The native ISO date builtins against jq's definitions of them, outputs and errors alike. */
class JqIsoDatesTest {

  private static final JqEngine ENGINE = JqEngine.create(false);

  private static final String INPUTS = "[\"2024-05-01T08:00:44Z\", \"1970-01-01T00:00:00Z\", \"2024-02-29T23:59:59Z\","
      + " \"2024-05-01T08:00:44.123Z\", \"2024-05-01\", \"\", 1716194324, 1716194324.123, 0, -1, null, [], {},"
      + " [2024,4,1,8,0,44,3,121]]";

  private static String cases(String call) {
    return "[" + INPUTS + "[] | {in: ., out: (try [" + call + "] catch [\"error\", .])}]";
  }

  private static void same(String nativeCall, String jqCall) {
    assertEquals(JqEngine.toJqString(ENGINE.compileJq(cases(jqCall)).first(null)),
        JqEngine.toJqString(ENGINE.compileJq(cases(nativeCall)).first(null)), nativeCall);
  }

  @Test
  void isoBuiltinsAgreeWithTheirJqDefinitions() {
    same("todateiso8601", "strftime(\"%Y-%m-%dT%H:%M:%SZ\")");
    same("todate", "strftime(\"%Y-%m-%dT%H:%M:%SZ\")");
    same("fromdateiso8601", "strptime(\"%Y-%m-%dT%H:%M:%SZ\") | mktime");
    same("fromdate", "strptime(\"%Y-%m-%dT%H:%M:%SZ\") | mktime");
    assertEquals("\"2024-05-20T08:38:44Z\"", JqEngine.toJqString(ENGINE.compile(".createdMs / 1000 | todate")
        .first(JqEngine.jsonMapper().createObjectNode().put("createdMs", 1716194324123L))));
    assertEquals("1714550444", JqEngine.toJqString(ENGINE.compile("fromdateiso8601")
        .first(JqEngine.jsonMapper().getNodeFactory().textNode("2024-05-01T08:00:44Z"))));
  }
}
