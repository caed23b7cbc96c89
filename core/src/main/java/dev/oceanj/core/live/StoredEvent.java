package dev.oceanj.core.live;

import java.time.Instant;
import java.util.Map;
import java.util.Objects;

/**
 * One acknowledged webhook request as the log stores it.
 *
 * @param offset its position in the log, unique and increasing; stable across restarts
 * @param receivedAt when it was accepted
 * @param path the request path under {@code /integration} (e.g. {@code /webhook/42})
 * @param headers request headers worth keeping (lower-case names; credentials are left out by the caller)
 * @param body the raw body
 */
public record StoredEvent(long offset, Instant receivedAt, String path, Map<String, String> headers, byte[] body) {

  public StoredEvent {
    Objects.requireNonNull(receivedAt, "receivedAt");
    Objects.requireNonNull(path, "path");
    headers = Map.copyOf(headers);
    Objects.requireNonNull(body, "body");
  }

  /** The same event at another offset (a replayed dead letter is appended anew). */
  StoredEvent withOffset(long newOffset) {
    return new StoredEvent(newOffset, receivedAt, path, headers, body);
  }

  @Override
  public String toString() {
    return "StoredEvent[offset=" + offset + ", path=" + path + ", bytes=" + body.length + "]";
  }
}
