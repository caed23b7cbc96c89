package dev.oceanj.spi.live;

import dev.oceanj.spi.Incubating;
import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * One webhook request as a processor sees it, after the runtime stored it durably.
 *
 * <p>Header names are lower-case. Headers that carry credentials ({@code authorization}, {@code cookie}, names
 * with {@code signature}, {@code token}, {@code secret}, and those the path's processors declare in
 * {@link LiveEventProcessor#secretHeaders}) are only present during {@link LiveEventProcessor#authenticate}; they
 * are not kept in the log, so {@code handle} never sees them.
 *
 * @param id the runtime's id of the event, stable across restarts (the log offset)
 * @param path the registered path pattern that matched, e.g. {@code /webhook/{runId}}
 * @param pathParams values of the pattern's {@code {name}} segments
 * @param headers request headers, lower-case names
 * @param payload the JSON body
 * @param receivedAt when the runtime acknowledged the event
 * @since 0.1
 */
@Incubating
public record LiveEvent(
    long id, String path, Map<String, String> pathParams, Map<String, String> headers, JsonNode payload,
    Instant receivedAt) {

  public LiveEvent {
    Objects.requireNonNull(path, "path");
    pathParams = Map.copyOf(pathParams);
    headers = Map.copyOf(headers);
    Objects.requireNonNull(payload, "payload");
    Objects.requireNonNull(receivedAt, "receivedAt");
  }

  /** The header's value; {@code name} is matched case-insensitively. */
  public Optional<String> header(String name) {
    return Optional.ofNullable(headers.get(name.toLowerCase(java.util.Locale.ROOT)));
  }

  @Override
  public String toString() {
    // The payload may be large and carry personal data: keep logs short.
    return "LiveEvent[id=" + id + ", path=" + path + ", receivedAt=" + receivedAt + "]";
  }
}
