package dev.oceanj.core.jq;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.node.IntNode;
import org.junit.jupiter.api.Test;

/** A call of a function jq 1.8.1 does not define fails when the program compiles, as in jq, not when it runs. */
class JqUndefinedCallsTest {

  private final JqEngine engine = JqEngine.create(false);

  @Test
  void anUndefinedFunctionIsACompileError() {
    for (String program : new String[] {"str", ".a | ascii", "[leaf_paths]", "dateadd(\"seconds\"; 60)",
        "if . then toarray else 1 end", "try str catch 1"}) {
      JqException e = assertThrows(JqException.class, () -> engine.compileJq(program), program);
      assertEquals(true, e.getMessage().contains(" is not defined"), e.getMessage());
    }
    assertEquals("str/0 is not defined", assertThrows(JqException.class, () -> engine.compileJq("str")).getMessage());
  }

  @Test
  void functionsTheProgramDefinesAndBuiltinsCompile() {
    assertEquals(IntNode.valueOf(1), engine.compileJq("def str: 1; str").first(IntNode.valueOf(0)));
    assertEquals(IntNode.valueOf(3), engine.compileJq("def f(g): g + 1; f(. + 1)").first(IntNode.valueOf(1)));
    assertEquals(IntNode.valueOf(2), engine.compileJq("[1, 2] | length").first(IntNode.valueOf(0)));
  }
}
