package dev.oceanj.core.live;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.oceanj.spi.live.LiveEvent;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Matches request paths (under {@code /integration}) against the registered live-event path patterns:
 * a plain segment matches itself, {@code {name}} matches any one segment. A plain pattern wins over one with
 * parameters when both match, so {@code /webhook/ping} can sit next to {@code /webhook/{id}}.
 */
public final class WebhookPaths {

  /** A matched pattern and the values of its parameters. */
  public record Match(String pattern, Map<String, String> params) {}

  private static final ObjectMapper JSON = new ObjectMapper();

  private final List<String[]> patterns = new ArrayList<>();
  private final List<String> originals = new ArrayList<>();

  public WebhookPaths(Collection<String> registered) {
    List<String> sorted = new ArrayList<>(registered);
    // Fewer parameters first: the most specific pattern wins.
    sorted.sort((a, b) -> Long.compare(a.chars().filter(c -> c == '{').count(), b.chars().filter(c -> c == '{').count()));
    for (String p : sorted) {
      patterns.add(segments(p));
      originals.add(p);
    }
  }

  /** The pattern {@code path} falls under, if any. */
  public Optional<Match> match(String path) {
    String[] actual = segments(path);
    for (int i = 0; i < patterns.size(); i++) {
      String[] p = patterns.get(i);
      if (p.length != actual.length) {
        continue;
      }
      Map<String, String> params = new LinkedHashMap<>();
      boolean ok = true;
      for (int s = 0; s < p.length && ok; s++) {
        if (p[s].startsWith("{") && p[s].endsWith("}")) {
          params.put(p[s].substring(1, p[s].length() - 1), actual[s]);
        } else {
          ok = p[s].equals(actual[s]);
        }
      }
      if (ok) {
        return Optional.of(new Match(originals.get(i), params));
      }
    }
    return Optional.empty();
  }

  /**
   * The live event a stored one is for processors: its path matched to a pattern ({@link LiveEvent#path()}) and its
   * body parsed; empty when no pattern matches or the body is not JSON (an event stored by another version).
   */
  public Optional<LiveEvent> liveEvent(StoredEvent e) {
    Optional<Match> match = match(e.path());
    if (match.isEmpty()) {
      return Optional.empty();
    }
    JsonNode payload;
    try {
      payload = JSON.readTree(e.body());
    } catch (IOException ex) {
      return Optional.empty();
    }
    return payload == null ? Optional.empty() : Optional.of(new LiveEvent(e.offset(), match.get().pattern(),
        match.get().params(), e.headers(), payload, e.receivedAt()));
  }

  private static String[] segments(String path) {
    String trimmed = path.replaceAll("^/+|/+$", "");
    return trimmed.isEmpty() ? new String[0] : trimmed.split("/+");
  }
}
