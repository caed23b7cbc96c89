package dev.oceanj.emulator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.BooleanNode;
import com.fasterxml.jackson.databind.node.IntNode;
import com.fasterxml.jackson.databind.node.LongNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.util.Arrays;
import java.util.Map;

/**
 * Writes an entity tree to exactly the bytes {@link Json#bytes} gives (Jackson's default UTF-8 output), faster for
 * what entities hold: {@link RawText} strings are copied, plain ASCII strings and names are written byte for byte,
 * ints and longs as digits, and anything else (strings needing escapes or beyond ASCII, doubles, big numbers) is
 * written by Jackson itself and copied in. Every write serialises the entity it stores, and Jackson's generator,
 * with its per-value bookkeeping, cost more than the rest of the write's validation.
 */
final class EntityJson {

  private EntityJson() {}

  /** The per-thread buffer the entity is written into, then copied out at its exact size. */
  private static final ThreadLocal<Out> OUT = ThreadLocal.withInitial(Out::new);

  static byte[] bytes(JsonNode node) {
    Out out = OUT.get();
    out.reset();
    write(out, node);
    return Arrays.copyOf(out.buf, out.count);
  }

  /** As {@code ObjectNode.serialize} with the mapper's default features: no sorting, nulls and empty arrays kept. */
  private static void write(Out out, JsonNode node) {
    if (node instanceof ObjectNode o) {
      out.put('{');
      boolean first = true;
      for (Map.Entry<String, JsonNode> e : o.properties()) {
        if (!first) {
          out.put(',');
        }
        first = false;
        string(out, e.getKey());
        out.put(':');
        write(out, e.getValue());
      }
      out.put('}');
    } else if (node instanceof ArrayNode a) {
      out.put('[');
      for (int i = 0; i < a.size(); i++) {
        if (i > 0) {
          out.put(',');
        }
        write(out, a.get(i));
      }
      out.put(']');
    } else if (node instanceof RawText raw && raw.utf8() != null) {
      out.put('"');
      out.put(raw.utf8(), raw.offset(), raw.length());
      out.put('"');
    } else if (node instanceof TextNode) {
      string(out, node.textValue());
    } else if (node instanceof NullNode) {
      out.ascii("null");
    } else if (node instanceof BooleanNode) {
      out.ascii(node.booleanValue() ? "true" : "false");
    } else if (node instanceof IntNode || node instanceof LongNode) {
      out.ascii(Long.toString(node.longValue()));
    } else {
      byte[] jackson = Json.bytes(node);
      out.put(jackson, 0, jackson.length);
    }
  }

  /** A JSON string: as is when it is printable ASCII without quote or backslash, else as Jackson escapes it. */
  private static void string(Out out, String s) {
    int n = s.length();
    out.ensure(n + 2);
    byte[] buf = out.buf;
    int pos = out.count;
    buf[pos++] = '"';
    for (int k = 0; k < n; k++) {
      char c = s.charAt(k);
      if (c >= 0x80 || !PLAIN[c]) {
        byte[] jackson = Json.bytes(TextNode.valueOf(s));
        out.put(jackson, 0, jackson.length);
        return;
      }
      buf[pos++] = (byte) c;
    }
    buf[pos++] = '"';
    out.count = pos;
  }

  /** ASCII characters Jackson writes unescaped: printable ones (and DEL) other than the quote and the backslash. */
  private static final boolean[] PLAIN = new boolean[128];

  static {
    for (int c = 0x20; c < 0x80; c++) {
      PLAIN[c] = c != '"' && c != '\\';
    }
  }

  private static final class Out {
    byte[] buf = new byte[8192];
    int count;

    void reset() {
      count = 0;
      if (buf.length > 1 << 20) {
        // An entity near the 1 MiB body limit grew it: do not keep that much per thread.
        buf = new byte[8192];
      }
    }

    void ensure(int more) {
      if (count + more > buf.length) {
        buf = Arrays.copyOf(buf, Math.max(buf.length * 2, count + more));
      }
    }

    void put(char c) {
      ensure(1);
      buf[count++] = (byte) c;
    }

    void put(byte[] b, int off, int len) {
      ensure(len);
      System.arraycopy(b, off, buf, count, len);
      count += len;
    }

    void ascii(String s) {
      int n = s.length();
      ensure(n);
      for (int k = 0; k < n; k++) {
        buf[count++] = (byte) s.charAt(k);
      }
    }
  }
}
