package dev.oceanj.emulator;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.json.JsonWriteFeature;
import com.fasterxml.jackson.core.json.UTF8JsonGenerator;
import com.fasterxml.jackson.databind.node.TextNode;
import java.io.IOException;

/**
 * A string node that also keeps the UTF-8 bytes it was read from. {@link RawJson} makes one only for strings whose
 * bytes are exactly what Jackson writes for them: no escapes, no control characters, and only 1- to 3-byte UTF-8
 * sequences that are not surrogates (Jackson writes characters beyond the BMP as {@code \\uD83D\\uDE00} escapes, so
 * those strings are never raw). {@link Json#entityBytes} then copies the bytes instead of encoding every character:
 * for the 1 KiB properties of the resync benchmark, that encoding was the emulator's largest single cost per entity.
 * To everything else (equality, {@code asText}, the node type, Jackson's own serialisation) it is a plain
 * {@link TextNode}.
 */
final class RawText extends TextNode {

  private static final long serialVersionUID = 1L;

  /** Shorter strings are encoded quickly enough; keeping their bytes would not pay for the extra object. */
  static final int MIN_LENGTH = 64;

  private final transient byte[] utf8;
  private final transient int offset;
  private final transient int length;

  /** {@code value} must be the decoding of {@code utf8[offset, offset + length)}, which must qualify as above. */
  RawText(String value, byte[] utf8, int offset, int length) {
    super(value);
    this.utf8 = utf8;
    this.offset = offset;
    this.length = length;
  }

  /** Writes the string as its original bytes; the generator must pass {@link #copiesTo}. */
  void writeTo(JsonGenerator g) throws IOException {
    if (utf8 == null) {
      // Only after Java deserialisation, which keeps the text but not the bytes.
      g.writeString(textValue());
    } else {
      g.writeRawUTF8String(utf8, offset, length);
    }
  }

  /** Whether the generator writes such bytes unchanged: Jackson's UTF-8 generator with no extra escaping. */
  static boolean copiesTo(JsonGenerator g) {
    return g instanceof UTF8JsonGenerator
        && g.getCharacterEscapes() == null
        && g.getHighestEscapedChar() == 0
        && !g.isEnabled(JsonGenerator.Feature.ESCAPE_NON_ASCII)
        && !g.isEnabled(JsonWriteFeature.ESCAPE_FORWARD_SLASHES.mappedFeature());
  }
}
