package dev.oceanj.emulator;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * A record of the {@code /v1} requests the emulator answered, off by default: the witness of multi-node tests (which
 * node wrote or deleted what, and when). Each entry keeps the method, the route template, the path, the status, the
 * caller's User-Agent and its {@code X-Oceanj-Node} header (the node tag a clustered runtime sends), and, when
 * bodies are on, the request body as text (the first 64 KiB). The log holds at most {@link #CAPACITY} entries (the
 * oldest are dropped); {@code seq} numbers never restart, so a reader pages with {@code since}.
 *
 * <p>Control: {@code POST /_emulator/request-log {"enabled": true, "bodies": false}}, {@code GET
 * /_emulator/request-log?since=N}, {@code DELETE /_emulator/request-log}; or {@link PortEmulator#requestLog()}.
 */
public final class RequestLog {

  /** Entries kept at most. */
  public static final int CAPACITY = 200_000;
  private static final int MAX_BODY_CHARS = 64 * 1024;

  /**
   * One answered request.
   *
   * @param seq its number, from 1, never reused
   * @param atMillis when it was answered (epoch milliseconds)
   * @param method the HTTP method
   * @param route the emulator's route template, e.g. {@code /v1/blueprints/{bp}/entities/bulk}
   * @param path the request's path
   * @param status the answer's status
   * @param userAgent the caller's User-Agent, or null
   * @param node the caller's {@code X-Oceanj-Node} header, or null
   * @param body the request body as text when bodies are recorded, else null
   */
  public record Entry(long seq, long atMillis, String method, String route, String path, int status, String userAgent,
      String node, String body) {}

  private final ArrayDeque<Entry> entries = new ArrayDeque<>();
  private volatile boolean enabled;
  private volatile boolean bodies;
  private long next = 1;

  RequestLog() {}

  /** Starts or stops recording; {@code bodies} also keeps each request's body. */
  public void enable(boolean on, boolean withBodies) {
    this.bodies = withBodies;
    this.enabled = on;
  }

  /** Whether requests are recorded. */
  public boolean enabled() {
    return enabled;
  }

  void record(String method, String route, String path, int status, String userAgent, String node, byte[] body) {
    if (!enabled) {
      return;
    }
    String text = bodies && body != null && body.length > 0
        ? new String(body, 0, Math.min(body.length, MAX_BODY_CHARS), StandardCharsets.UTF_8) : null;
    long now = System.currentTimeMillis();
    synchronized (this) {
      entries.addLast(new Entry(next++, now, method, route, path, status, userAgent, node, text));
      if (entries.size() > CAPACITY) {
        entries.removeFirst();
      }
    }
  }

  /** The recorded entries with {@code seq > since}, oldest first. */
  public synchronized List<Entry> since(long since) {
    List<Entry> out = new ArrayList<>();
    for (Entry e : entries) {
      if (e.seq() > since) {
        out.add(e);
      }
    }
    return out;
  }

  /** Drops every entry (numbering goes on). */
  public synchronized void clear() {
    entries.clear();
  }

  ObjectNode toJson(long since) {
    ObjectNode out = Json.ok();
    ArrayNode arr = out.putArray("requests");
    for (Entry e : since(since)) {
      ObjectNode n = arr.addObject().put("seq", e.seq()).put("at", e.atMillis()).put("method", e.method())
          .put("route", e.route()).put("path", e.path()).put("status", e.status());
      n.put("userAgent", e.userAgent());
      n.put("node", e.node());
      if (e.body() != null) {
        n.put("body", e.body());
      }
    }
    out.put("enabled", enabled);
    return out;
  }
}
