package dev.oceanj.core.jq;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.TextNode;
import org.junit.jupiter.api.Test;

/** The engine compiles a source text once, keeps Ocean's rewrite and jq's own syntax apart, and stays bounded. */
class JqProgramCacheTest {

  @Test
  void sameSourceCompilesOnceAndOceanRewriteIsKeptApart() {
    JqEngine engine = JqEngine.create(false);
    JqProgram a = engine.compile("'x' + .");
    assertSame(a, engine.compile("'x' + ."));
    assertEquals("\"xy\"", JqEngine.toJqString(a.first(TextNode.valueOf("y"))));
    // Without Ocean's rewrite the same text is a different (invalid) program: it must not come from the cache.
    assertThrows(JqException.class, () -> engine.compileJq("'x' + ."));
    JqProgram plain = engine.compileJq(".a");
    assertNotSame(plain, engine.compile(".b"));
    assertSame(plain, engine.compileJq(".a"));
  }

  @Test
  void cacheIsBounded() {
    JqEngine engine = JqEngine.create(false);
    for (int i = 0; i < JqEngine.PROGRAM_CACHE_LIMIT + 10; i++) {
      engine.compile(".a + " + i);
    }
    assertTrue(engine.cachedPrograms() <= JqEngine.PROGRAM_CACHE_LIMIT, "cached " + engine.cachedPrograms());
    assertEquals("3", JqEngine.toJqString(engine.compile(".a + 1").first(
        JqEngine.jsonMapper().createObjectNode().put("a", 2))));
  }
}
