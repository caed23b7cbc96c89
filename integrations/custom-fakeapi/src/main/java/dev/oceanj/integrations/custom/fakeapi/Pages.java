package dev.oceanj.integrations.custom.fakeapi;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;

/**
 * Cuts a listing into the page a request asks for, in the request's pagination style, and streams it.
 *
 * <pre>
 * style        request parameters (default names)  response
 * none         -                                   {"data":[all],"total":n}
 * offset       offset=0, limit=100                 {"data":[..],"has_more":b,"meta":{"total","offset","limit","has_more"}}
 * page         page=startPage, size=100            {"data":[..],"page":p,"size":s,"total":n,"last":b,"has_more":b,"next_page":p+1|null}
 * cursor       cursor (absent first), limit=100    {"data":[..],"next_cursor":c|null,"has_more":b,"meta":{"total"}}
 * next_link    skiptoken=0, limit=100              {"data":[..],"@odata.count":n,"@odata.nextLink":url (absent on the last page)}
 * header_link  page=1, per_page=100                [..] with Link: &lt;url&gt;; rel="next", rel="last", rel="first", rel="prev"
 * </pre>
 *
 * The settings' {@code pageParam} / {@code sizeParam} replace every style's names. Next links and {@code Link}
 * targets are absolute and keep every other query parameter of the request.
 */
final class Pages {

  /** Writes the item at a data index. */
  interface ItemWriter {
    void write(JsonGenerator g, long index) throws IOException;
  }

  private interface Fields {
    void write(JsonGenerator g) throws IOException;
  }

  private static final JsonFactory JSON = new JsonFactory();

  private final FakeApiSettings settings;

  Pages(FakeApiSettings settings) {
    this.settings = settings;
  }

  String pageName(String style) {
    return settings.pageParam().orElse(switch (style) {
      case "offset" -> "offset";
      case "cursor" -> "cursor";
      case "next_link" -> "skiptoken";
      default -> "page";
    });
  }

  String sizeName(String style) {
    return settings.sizeParam().orElse(switch (style) {
      case "page" -> "size";
      case "header_link" -> "per_page";
      default -> "limit";
    });
  }

  void serve(Call c, Listing list, ItemWriter writer) throws IOException {
    long n = list.size();
    String style = c.pagination;
    if (style.equals("none")) {
      page(c, list, 0, n, writer, Map.of(), g -> g.writeNumberField("total", n));
      return;
    }
    long size = size(c, style);
    String pageName = pageName(style);
    switch (style) {
      case "offset" -> {
        long offset = nonNegative(c, pageName, 0);
        long from = Math.min(offset, n);
        long to = Math.min(n, from + size);
        page(c, list, from, to, writer, Map.of(), g -> {
          g.writeBooleanField("has_more", to < n);
          g.writeObjectFieldStart("meta");
          g.writeNumberField("total", n);
          g.writeNumberField("offset", from);
          g.writeNumberField("limit", size);
          g.writeBooleanField("has_more", to < n);
          g.writeEndObject();
        });
      }
      case "page" -> {
        long number = c.number(pageName, settings.startPage());
        if (number < settings.startPage()) {
          throw new FakeApi.BadRequest("query parameter '" + pageName + "' must be >= " + settings.startPage()
              + " (the first page), was " + number);
        }
        long from = Math.min(n, (number - settings.startPage()) * size);
        long to = Math.min(n, from + size);
        page(c, list, from, to, writer, Map.of(), g -> {
          g.writeNumberField("page", number);
          g.writeNumberField("size", size);
          g.writeNumberField("total", n);
          g.writeBooleanField("last", to >= n);
          g.writeBooleanField("has_more", to < n);
          if (to < n) {
            g.writeNumberField("next_page", number + 1);
          } else {
            g.writeNullField("next_page");
          }
        });
      }
      case "cursor" -> {
        String cursor = c.query.get(pageName);
        long from = Math.min(n, cursor == null || cursor.isEmpty() ? 0 : decodeCursor(pageName, cursor));
        long to = Math.min(n, from + size);
        page(c, list, from, to, writer, Map.of(), g -> {
          if (to < n) {
            g.writeStringField("next_cursor", encodeCursor(to));
          } else {
            g.writeNullField("next_cursor");
          }
          g.writeBooleanField("has_more", to < n);
          g.writeObjectFieldStart("meta");
          g.writeNumberField("total", n);
          g.writeEndObject();
        });
      }
      case "next_link" -> {
        long from = Math.min(n, nonNegative(c, pageName, 0));
        long to = Math.min(n, from + size);
        page(c, list, from, to, writer, Map.of(), g -> {
          g.writeNumberField("@odata.count", n);
          if (to < n) {
            g.writeStringField("@odata.nextLink", c.urlWith(pageName, Long.toString(to)));
          }
        });
      }
      case "header_link" -> {
        long number = c.number(pageName, 1);
        if (number < 1) {
          throw new FakeApi.BadRequest("query parameter '" + pageName + "' must be >= 1, was " + number);
        }
        long last = Math.max(1, (n + size - 1) / size);
        long from = Math.min(n, (number - 1) * size);
        long to = Math.min(n, from + size);
        StringBuilder link = new StringBuilder();
        if (to < n) {
          link.append('<').append(c.urlWith(pageName, Long.toString(number + 1))).append(">; rel=\"next\", ");
        }
        link.append('<').append(c.urlWith(pageName, Long.toString(last))).append(">; rel=\"last\"");
        if (number > 1) {
          link.append(", <").append(c.urlWith(pageName, "1")).append(">; rel=\"first\"");
          link.append(", <").append(c.urlWith(pageName, Long.toString(number - 1))).append(">; rel=\"prev\"");
        }
        try (JsonGenerator g = JSON.createGenerator(c.stream(Map.of("Link", link.toString())))) {
          g.writeStartArray();
          list.forEach(from, to, index -> writer.write(g, index));
          g.writeEndArray();
        }
      }
      default -> throw new IllegalStateException("unknown pagination style " + style);
    }
  }

  private void page(Call c, Listing list, long from, long to, ItemWriter writer, Map<String, String> headers,
      Fields after) throws IOException {
    try (JsonGenerator g = JSON.createGenerator(c.stream(headers))) {
      g.writeStartObject();
      g.writeArrayFieldStart("data");
      list.forEach(from, to, index -> writer.write(g, index));
      g.writeEndArray();
      after.write(g);
      g.writeEndObject();
    }
  }

  private long size(Call c, String style) {
    String name = sizeName(style);
    long size = c.number(name, settings.defaultPageSize());
    if (size < 1) {
      throw new FakeApi.BadRequest("query parameter '" + name + "' must be >= 1, was " + size);
    }
    return Math.min(size, settings.maxPageSize());
  }

  private static long nonNegative(Call c, String name, long fallback) {
    long value = c.number(name, fallback);
    if (value < 0) {
      throw new FakeApi.BadRequest("query parameter '" + name + "' must be >= 0, was " + value);
    }
    return value;
  }

  static String encodeCursor(long position) {
    return Base64.getUrlEncoder().withoutPadding().encodeToString(("pos:" + position).getBytes(StandardCharsets.UTF_8));
  }

  private static long decodeCursor(String name, String cursor) {
    try {
      String text = new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8);
      if (text.startsWith("pos:")) {
        long position = Long.parseLong(text.substring(4));
        if (position >= 0) {
          return position;
        }
      }
    } catch (IllegalArgumentException e) {
      // Not base64 or not a number: answered as a bad cursor below.
    }
    throw new FakeApi.BadRequest("query parameter '" + name + "' is not a cursor this API issued: '" + cursor + "'");
  }
}
