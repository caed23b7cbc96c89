package dev.oceanj.core.live;

import dev.oceanj.spi.live.LiveEvent;
import dev.oceanj.spi.live.LiveEventProcessor;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The key that orders live events: events with equal keys are processed one after another in intake order. It is
 * the matched path pattern plus each processor's {@link LiveEventProcessor#partitionKey}; the Kafka intake also uses
 * it (after the instance's identifier) as the record key, so one key always lands in one partition.
 */
public final class PartitionKey {

  private PartitionKey() {}

  /** The key of {@code live}, matched to {@code pattern} and handled by {@code processors}. */
  public static String of(String pattern, List<LiveEventProcessor> processors, LiveEvent live) {
    StringBuilder key = new StringBuilder(pattern);
    for (LiveEventProcessor p : processors) {
      String k;
      try {
        k = p.partitionKey(live);
      } catch (RuntimeException ex) {
        // No key means one sequence for the path: slower, never out of order.
        k = "";
      }
      key.append('\u0000').append(k == null ? "" : k);
    }
    return key.toString();
  }

  /**
   * The key of a stored event, its path matched by {@code paths} against {@code processors}; empty when no processor
   * handles its path or its body is not JSON (the dispatcher drops such an event).
   */
  public static Optional<String> of(WebhookPaths paths, Map<String, List<LiveEventProcessor>> processors,
      StoredEvent e) {
    return paths.liveEvent(e).map(live -> of(live.path(), processors.get(live.path()), live));
  }
}
