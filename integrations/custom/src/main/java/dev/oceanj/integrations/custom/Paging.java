package dev.oceanj.integrations.custom;

import com.fasterxml.jackson.databind.JsonNode;
import dev.oceanj.integrations.custom.CustomSettings.PaginationType;
import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The installation's pagination: the parameters of each page and when to stop. Ocean's rules, with its loops
 * fixed: offset, page and cursor stop on an empty page, a page shorter than {@code pageSize} (when no flag
 * decides), a missing or repeated cursor; link types stop on a missing or repeated link.
 */
final class Paging {

  private static final System.Logger LOG = System.getLogger(Paging.class.getName());
  private static final Pattern LINK = Pattern.compile("<([^>]*)>\\s*((?:;\\s*[^;,]+)*)");
  private static final Pattern REL = Pattern.compile(";\\s*rel\\s*=\\s*\"?([^\";]+)\"?");

  /**
   * Where a page is: its number (from 1, for the page cap), its extra query parameters, or the URL to follow.
   */
  record Position(int pages, List<Map.Entry<String, String>> params, URI url, String cursor) {
    static Position next(Position p, List<Map.Entry<String, String>> params) {
      return new Position(p.pages() + 1, params, null, null);
    }
  }

  /** What the pager needs of a fetched page. */
  record Fetched(URI uri, JsonNode envelope, boolean array, long items, Optional<String> link) {}

  private final CustomSettings s;
  private final PaginationType type;

  Paging(CustomSettings s) {
    this.s = s;
    this.type = s.pagination();
  }

  Position first() {
    String size = String.valueOf(s.pageSize());
    switch (type) {
      case PAGE:
        return new Position(1, List.of(Map.entry(s.pageParam(), String.valueOf(s.startPage())),
            Map.entry(s.sizeParamOrDefault(), size)), null, null);
      case OFFSET:
        return new Position(1, List.of(Map.entry(s.pageParam(), "0"), Map.entry(s.sizeParamOrDefault(), size)),
            null, null);
      case CURSOR:
        return new Position(1, List.of(Map.entry(s.sizeParamOrDefault(), size)), null, null);
      default:
        return new Position(1, List.of(), null, null);
    }
  }

  /** The next page after {@code current}, or empty when {@code page} was the last. */
  Optional<Position> next(Position current, Fetched page) {
    switch (type) {
      case PAGE:
        return morePages(page, true) ? Optional.of(numbered(current, s.startPage() + current.pages())) : Optional.empty();
      case OFFSET:
        return morePages(page, false)
            ? Optional.of(numbered(current, (long) current.pages() * s.pageSize())) : Optional.empty();
      case CURSOR:
        return nextCursor(current, page);
      case NEXT_LINK:
        return follow(current, page, page.array() ? null : nextLink(page.envelope()));
      case HEADER_LINK:
        return follow(current, page, page.link().orElse(null));
      default:
        return Optional.empty();
    }
  }

  private Position numbered(Position current, long value) {
    return Position.next(current, List.of(Map.entry(s.pageParam(), String.valueOf(value)),
        Map.entry(s.sizeParamOrDefault(), String.valueOf(s.pageSize()))));
  }

  private boolean morePages(Fetched page, boolean lastPageFlag) {
    if (page.items() == 0) {
      return false;
    }
    if (!page.array() && page.envelope().isObject()) {
      JsonNode body = page.envelope();
      if (s.hasMorePath() != null && !s.hasMorePath().isBlank()) {
        JsonNode more = JsonValues.dotPath(body, s.hasMorePath());
        if (more != null || !lastPageFlag) {
          return JsonValues.truthy(more);
        }
      }
      if (lastPageFlag && s.lastPagePath() != null && !s.lastPagePath().isBlank()) {
        JsonNode last = JsonValues.dotPath(body, s.lastPagePath());
        if (last != null) {
          return !JsonValues.truthy(last);
        }
      }
      for (String flag : List.of("has_more", "hasMore")) {
        if (body.hasNonNull(flag)) {
          return JsonValues.truthy(body.get(flag));
        }
      }
      if (lastPageFlag && (body.hasNonNull("next_page") || body.hasNonNull("next"))) {
        return true;
      }
    }
    return page.items() >= s.pageSize();
  }

  private Optional<Position> nextCursor(Position current, Fetched page) {
    if (page.array() || !page.envelope().isObject() || page.items() == 0) {
      return Optional.empty();
    }
    JsonNode body = page.envelope();
    JsonNode cursor = null;
    if (s.cursorPath() != null && !s.cursorPath().isBlank()) {
      cursor = JsonValues.dotPath(body, s.cursorPath());
    } else {
      for (String path : List.of("next_cursor", "cursor", "meta.after_cursor", "links.next")) {
        JsonNode c = JsonValues.dotPath(body, path);
        if (JsonValues.truthy(c)) {
          cursor = c;
          break;
        }
      }
    }
    if (!JsonValues.truthy(cursor)) {
      return Optional.empty();
    }
    JsonNode more = null;
    if (s.hasMorePath() != null && !s.hasMorePath().isBlank()) {
      more = JsonValues.dotPath(body, s.hasMorePath());
    } else {
      for (String path : List.of("has_more", "hasMore", "meta.has_more")) {
        more = JsonValues.dotPath(body, path);
        if (more != null) {
          break;
        }
      }
    }
    if (more != null && !JsonValues.truthy(more)) {
      return Optional.empty();
    }
    String value = JsonValues.queryValue(cursor);
    if (value.equals(current.cursor())) {
      LOG.log(System.Logger.Level.WARNING, "cursor pagination of " + withoutQuery(page.uri())
          + " returned the same cursor again; stopping there");
      return Optional.empty();
    }
    return Optional.of(new Position(current.pages() + 1, List.of(Map.entry(s.sizeParamOrDefault(),
        String.valueOf(s.pageSize())), Map.entry(s.pageParam(), value)), null, value));
  }

  private JsonNode nextLinkNode(JsonNode body) {
    if (body.has(s.nextLinkPath())) {
      return body.get(s.nextLinkPath());
    }
    return s.nextLinkPath().contains(".") ? JsonValues.dotPath(body, s.nextLinkPath()) : null;
  }

  private String nextLink(JsonNode body) {
    if (!body.isObject()) {
      return null;
    }
    JsonNode link = nextLinkNode(body);
    return link == null || !link.isTextual() ? null : link.asText();
  }

  private Optional<Position> follow(Position current, Fetched page, String link) {
    if (link == null || link.isBlank()) {
      return Optional.empty();
    }
    URI next = page.uri().resolve(link.trim());
    if (next.equals(page.uri())) {
      LOG.log(System.Logger.Level.WARNING, "the next link of " + withoutQuery(page.uri())
          + " points to the same page; stopping there");
      return Optional.empty();
    }
    return Optional.of(new Position(current.pages() + 1, List.of(), next, null));
  }

  /** The target of the {@code Link} header entry whose rel is {@code rel}. */
  static Optional<String> linkHeader(List<String> values, String rel) {
    for (String header : values) {
      Matcher m = LINK.matcher(header);
      while (m.find()) {
        Matcher r = REL.matcher(m.group(2));
        while (r.find()) {
          for (String one : r.group(1).trim().split("\\s+")) {
            if (one.equalsIgnoreCase(rel)) {
              return Optional.of(m.group(1));
            }
          }
        }
      }
    }
    return Optional.empty();
  }

  static String withoutQuery(URI uri) {
    return dev.oceanj.spi.http.HttpStatusException.withoutQuery(uri);
  }
}
