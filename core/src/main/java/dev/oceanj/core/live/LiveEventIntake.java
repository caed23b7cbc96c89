package dev.oceanj.core.live;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * Where acknowledged live events wait until they are processed ({@code ocean.live-events.intake}): this node's
 * {@link LiveEventLog} ({@code local}), or a Kafka topic shared by every node ({@code kafka}). The webhook route
 * appends to it and answers 202 only once the append completed; the live-event dispatcher is its one consumer and
 * marks each event done (or dead-lettered) after its writes to Port, so an event acknowledged and not yet done is
 * handed out again after a crash: processing is at least once, in order per partition key.
 *
 * <p>All methods are thread-safe.
 */
public interface LiveEventIntake extends AutoCloseable {

  /**
   * Appends one event. The future completes with the stored event once it is durable, or fails when it could not
   * be stored (the caller must then not acknowledge it).
   */
  CompletableFuture<StoredEvent> append(Instant receivedAt, String path, Map<String, String> headers, byte[] body);

  /**
   * Registers {@code consumer} in place of the current one, if any, and hands it every event not yet done, then each
   * new one; the events of one partition key in order. It is called on the intake's own thread and must not block.
   */
  void resubscribe(Consumer<StoredEvent> consumer);

  /** Marks the event at {@code offset} processed. */
  void done(long offset);

  /**
   * Moves an event to the dead letters with its error and marks it done. The future completes once the dead letter
   * is stored.
   */
  CompletableFuture<DeadLetter> deadLetter(StoredEvent event, String error);

  /** Appends a dead letter's event again, as a new event, and removes the dead letter; empty when there is none. */
  CompletableFuture<Optional<StoredEvent>> replay(long id);

  /** The dead letters, oldest first. */
  List<DeadLetter> deadLetters();

  /** Events handed out and not yet done (a local log: acknowledged and not yet done). */
  int depth();

  /** Whether events survive a restart of this node. */
  boolean durable();

  /** Adds what {@code /status} shows of the intake: at least {@code intake}, {@code local} or {@code kafka}. */
  void status(ObjectNode out);

  /** Stops taking events and releases the files or connections; events not done are handed out again later. */
  @Override
  void close();
}
