package dev.oceanj.actors.resync;

import dev.oceanj.core.sync.KindResult;
import dev.oceanj.core.sync.Reconciler;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.apache.pekko.actor.typed.ActorRef;

/**
 * The public protocol of an integration's {@code IntegrationSupervisor}: what triggers (once, webhook,
 * polling, Kafka, schedule), the HTTP routes and the runtime send to it, and what it answers. Triggers know
 * this protocol and nothing else about how a resync works.
 */
public final class ResyncProtocol {

  private ResyncProtocol() {}

  /** Everything the supervisor accepts. */
  public interface Command {}

  /**
   * What the supervisor does with a {@link StartResync} that arrives while a resync runs.
   *
   * <ul>
   *   <li>{@code RESTART}: Ocean's behaviour: abort the running resync (state {@code aborted}, no deletion)
   *       and start a new one.
   *   <li>{@code QUEUE}: let the running resync finish, then run one more; any number of QUEUE requests that
   *       arrive meanwhile collapse into that one.
   *   <li>{@code SKIP}: do nothing (the scheduled trigger: a tick that finds a resync running is skipped).
   * </ul>
   */
  public enum WhenRunning { RESTART, QUEUE, SKIP }

  /**
   * Starts a full resync.
   *
   * @param trigger who asked, for logs and status ("once", "webhook", "polling", "kafka", "schedule", …)
   * @param whenRunning what to do if a resync is already running
   * @param acceptedTo told at once whether the request started, queued or was skipped; may be null
   * @param finishedTo told when the resync this request led to has finished; may be null
   */
  public record StartResync(
      String trigger, WhenRunning whenRunning, ActorRef<ResyncAccepted> acceptedTo, ActorRef<ResyncFinished> finishedTo)
      implements Command {}

  /** Answer to {@link StartResync}: the resync id it started or joined, and how. */
  public record ResyncAccepted(String resyncId, Disposition disposition) {}

  /** How a {@link StartResync} was handled. */
  public enum Disposition { STARTED, RESTARTED, QUEUED, SKIPPED }

  /** Asks for the running and last finished resync. */
  public record GetStatus(ActorRef<Status> replyTo) implements Command {}

  /** Aborts the running resync, if any (graceful shutdown); answers when it has stopped. */
  public record AbortResync(String reason, ActorRef<Done> replyTo) implements Command {}

  /**
   * Tells {@code subscriber} of every resync that ends from now on ({@link ResyncEnded}), once Port knows its final
   * state; the instance that runs the supervisor subscribes (a hung 3rd party fails the instance, a completed resync
   * resets its restart backoff). A restarted supervisor forgets its subscribers.
   */
  public record WatchResyncs(ActorRef<ResyncEnded> subscriber) implements Command {}

  /**
   * A resync ended, told to {@link WatchResyncs} subscribers.
   *
   * @param hungCall the first call into the integration that exceeded its time limit during the resync
   *     ({@code ocean.host.spi-call-timeout} or {@code page-timeout}: a hung 3rd party), naming the integration,
   *     what was called and the setting; empty when none did
   */
  public record ResyncEnded(ResyncFinished finished, Optional<String> hungCall) {}

  /** Acknowledgement without content. */
  public enum Done { INSTANCE }

  /**
   * The supervisor's view: the running resync's progress, the last finished one, and the resync waiting for its
   * turn ({@code ocean.host.max-concurrent-resyncs}), if any; {@code running} and {@code pending} are never both set.
   */
  public record Status(Optional<ResyncProgress> running, Optional<ResyncFinished> last,
      Optional<ResyncPending> pending) {

    /** Nothing pending. */
    public Status(Optional<ResyncProgress> running, Optional<ResyncFinished> last) {
      this(running, last, Optional.empty());
    }
  }

  /**
   * A resync asked for and waiting for its turn: the process already runs {@code ocean.host.max-concurrent-resyncs}
   * resyncs (of its integrations). It is neither running nor failed.
   *
   * @param since when it was asked for
   * @param position its place in the process's line (1 = next)
   * @param limit {@code ocean.host.max-concurrent-resyncs}
   */
  public record ResyncPending(String resyncId, String trigger, Instant since, int position, int limit) {}

  /**
   * A running resync's progress so far, per kind in mapping order (the counters so far).
   *
   * @param finished indexes of the kinds whose worker has ended (their counts are final)
   */
  public record ResyncProgress(String resyncId, String trigger, Instant started, List<KindResult> kinds,
      Set<Integer> finished) {

    public ResyncProgress {
      kinds = List.copyOf(kinds);
      finished = Set.copyOf(finished);
    }

    /** Progress of kinds none of which has ended yet. */
    public ResyncProgress(String resyncId, String trigger, Instant started, List<KindResult> kinds) {
      this(resyncId, trigger, started, kinds, Set.of());
    }
  }

  /** How a resync ended. */
  public enum Outcome { COMPLETED, FAILED, ABORTED }

  /**
   * A finished resync.
   *
   * @param kinds per resource of the mapping, in mapping order; {@link KindResult#failedTotal()} is what the
   *     summary counts as failed, {@link KindResult#error()} says why a kind failed
   * @param reconciliation what the deletion phase did, and why it was skipped when it was
   * @param errors extraction, mapping or Port errors that made the resync fail (empty when completed)
   */
  public record ResyncFinished(
      String resyncId,
      String trigger,
      Outcome outcome,
      Instant started,
      Instant finished,
      List<KindResult> kinds,
      Reconciler.Result reconciliation,
      List<String> errors) {

    public Duration duration() {
      return Duration.between(started, finished);
    }
  }
}
