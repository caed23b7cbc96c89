package dev.oceanj.core.port;

import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * The last check before a resync's delete request is written to Port (cluster mode's deletion fence at the
 * transport). A request that passed every earlier check can still wait a long time before it leaves: in the org's
 * write limiter, for a free connection, on its I/O thread. A node frozen there ({@code SIGSTOP}, a long GC) and
 * thawed after the cluster gave its integration to another node must not send it.
 *
 * <p>The Port transport asks {@link #admit()} once the request holds its write-limiter permit and a connection
 * permit, immediately before it hands the request to the I/O thread; that thread asks {@link #lastLook()} and
 * compares the admission's horizon with the monotonic clock once it holds a connection, immediately before it writes
 * the request's bytes. A refusal at either point: the request is not sent and not retried, the guard is told
 * ({@link #refused}), and the call fails with {@link DeleteRefusedException}.
 *
 * <p>Called from the transport's threads, possibly concurrently; implementations must not block.
 */
@FunctionalInterface
public interface DeleteGuard {

  /** No guard: every delete request is sent (one process owns its integrations). */
  DeleteGuard NONE = () -> CompletableFuture.completedFuture(Admission.UNBOUNDED);

  /** Whether the request about to be handed to its I/O thread may go out, and until when. */
  CompletionStage<Admission> admit();

  /**
   * A refusal to be read on the I/O thread right before the request is written: cheap and synchronous (no I/O, no
   * lock held long). The default refuses nothing.
   */
  default Optional<String> lastLook() {
    return Optional.empty();
  }

  /** Told once per request the transport did not send, with the reason (whichever check refused it). */
  default void refused(String reason) {}

  /**
   * An answer of {@link #admit()}.
   *
   * @param refusal why the request must not go out; empty to allow it
   * @param sendByNanos when allowed, the {@link System#nanoTime()} after which it must not be written any more
   *     ({@link Long#MAX_VALUE}: no horizon)
   */
  record Admission(Optional<String> refusal, long sendByNanos) {

    /** Allowed, with no horizon. */
    public static final Admission UNBOUNDED = new Admission(Optional.empty(), Long.MAX_VALUE);

    /** Allowed while {@link System#nanoTime()} has not passed {@code sendByNanos}. */
    public static Admission until(long sendByNanos) {
      return new Admission(Optional.empty(), sendByNanos);
    }

    /** Refused for {@code reason}. */
    public static Admission refused(String reason) {
      return new Admission(Optional.of(reason), Long.MAX_VALUE);
    }

    /** Why a request admitted by this answer must not be written at {@code nowNanos} (its horizon passed). */
    Optional<String> lateAt(long nowNanos) {
      if (sendByNanos == Long.MAX_VALUE || nowNanos - sendByNanos <= 0) {
        return Optional.empty();
      }
      return Optional.of("the delete request was admitted but not written within its fence horizon ("
          + (nowNanos - sendByNanos) / 1_000_000 + " ms late: was this node paused?)");
    }
  }
}
