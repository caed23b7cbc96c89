package dev.oceanj.emulator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Entity validation against a blueprint: the hand-written checks agree with Port's patterns; messages are pinned. */
class BlueprintTest {

  private static final String[] PIECES = {"a", "Z", "0", "9", ".", "..", "@", "_", "+", ":", "\\", "/", "=", "-", " ",
      "\t", "\n", "\r", "\u000B", "\f", "\u0085", "\u2028", "#", ";", "\"", "é", "ß", "ª", "שלום", "日本", "\u0301",
      "\uD835\uDC00" /* 𝐀, a letter beyond the BMP */, "😀", "\uD800" /* lone surrogate */, "١" /* Arabic digit */, "x.y"};

  private static String randomString(Random r, int maxPieces) {
    StringBuilder sb = new StringBuilder();
    int n = r.nextInt(maxPieces + 1);
    for (int i = 0; i < n; i++) {
      sb.append(PIECES[r.nextInt(PIECES.length)]);
    }
    return sb.toString();
  }

  @Test
  void identifierCheckAgreesWithThePattern() {
    String[] fixed = {"", ".", "..", "...", ".a", "a.", "a", "ns/name:v1=x+y@z_w-\\q", "has space", "שלום", "Ünïcödé",
        "a\n", ".\n", "..\u0085", "\uD835\uDC00", "😀", "e\u0301"};
    for (String s : fixed) {
      assertEquals(Blueprint.ENTITY_IDENTIFIER.matcher(s).matches(), Blueprint.isEntityIdentifier(s), "[" + s + "]");
    }
    Random r = new Random(42);
    for (int i = 0; i < 50_000; i++) {
      String s = randomString(r, 4);
      assertEquals(Blueprint.ENTITY_IDENTIFIER.matcher(s).matches(), Blueprint.isEntityIdentifier(s), "[" + s + "]");
    }
  }

  @Test
  void emailCheckAgreesWithThePattern() {
    String[] fixed = {"", "a@b.c", "a@b.", "a@.c", "@b.c", "a@b", "a@@b.c", "a@b@c.d", "a b@c.d", "a@b.c\n", "a@b..c",
        "a.b@c", "a@b.c.d", "é@日本.中国", "a@b.c\u0085", "a\u000B@b.c", "😀@b.c"};
    for (String s : fixed) {
      assertEquals(Blueprint.EMAIL.matcher(s).matches(), Blueprint.isEmail(s), "[" + s + "]");
    }
    Random r = new Random(7);
    for (int i = 0; i < 50_000; i++) {
      String s = randomString(r, 3) + (r.nextInt(3) > 0 ? "@" : "") + randomString(r, 3);
      assertEquals(Blueprint.EMAIL.matcher(s).matches(), Blueprint.isEmail(s), "[" + s + "]");
    }
  }

  static final Blueprint BP = Blueprint.parse((ObjectNode) Api.parse("""
      {'identifier':'thing','schema':{'properties':{
         's':{'type':'string','minLength':2,'maxLength':4,'pattern':'^[a-z]+$'},
         'f':{'type':'string','format':'email'},
         'n':{'type':'number','minimum':1.5,'maximum':10},
         'e':{'type':'number','enum':[1,2.5]},
         'b':{'type':'boolean'},
         'o':{'type':'object'},
         'a':{'type':'array','items':{'type':'string','enum':['x','y']}},
         'w':{'type':'array','items':{'type':'strang'}},
         'u':{'type':'array','items':{'format':'email'}}}}}"""), t -> true);

  @ParameterizedTest
  @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
      "s | 'a'     | property \"s\" of blueprint \"thing\" must have at least 2 characters",
      "s | 'abcde' | property \"s\" of blueprint \"thing\" must have at most 4 characters",
      "s | 'AB'    | property \"s\" of blueprint \"thing\" must match pattern ^[a-z]+$",
      "s | 3       | property \"s\" of blueprint \"thing\" must be of type string (got number)",
      "f | 'a@b'   | property \"f\" of blueprint \"thing\" must be in format \"email\" (got \"a@b\")",
      "n | 1       | property \"n\" of blueprint \"thing\" must be >= 1.5",
      "n | 10.5    | property \"n\" of blueprint \"thing\" must be <= 10",
      "n | 'x'     | property \"n\" of blueprint \"thing\" must be of type number (got string)",
      "e | 2       | property \"e\" of blueprint \"thing\" must be one of [1,2.5] (got 2)",
      "b | 'true'  | property \"b\" of blueprint \"thing\" must be of type boolean (got string)",
      "o | []      | property \"o\" of blueprint \"thing\" must be of type object (got array)",
      "a | {}      | property \"a\" of blueprint \"thing\" must be of type array (got object)",
      "a | ['x',1] | property \"a\" of blueprint \"thing\" item 1 must be of type string (got number)",
      "a | ['x','z'] | property \"a\" of blueprint \"thing\" item 1 must be one of [\"x\",\"y\"] (got \"z\")",
      "w | ['x']   | property \"w\" of blueprint \"thing\" item 0 has an unknown schema type \"strang\"",
      "z | 1       | property \"z\" is not defined in blueprint \"thing\""})
  void rejectsWithPortsMessages(String property, String value, String message) {
    JsonNode v = Api.parse(value);
    PortError e = assertThrows(PortError.class, () -> BP.checkProperty(property, v));
    assertEquals(message, e.getMessage());
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
      "s | 'abc'", "f | 'a@b.io'", "n | 1.5", "n | 10", "e | 1.0", "e | 2.5", "b | false", "o | {'k':1}", "a | ['x','y']",
      "w | []", "u | ['not an email']", "s | null"})
  void acceptsWhatFits(String property, String value) {
    BP.checkProperty(property, Api.parse(value));
  }
}
