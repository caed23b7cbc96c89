package dev.oceanj.actors.resync;

import dev.oceanj.core.port.DeleteGuard;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Whether this process may still delete an integration's stale entities: asked by a {@link Resync} before its
 * delete phase and again before each delete request. Deletion needs the complete seen set of one run; a node that
 * lost the integration to another (a cluster took it away while this one was paused, cut off or leaving) must not
 * delete on the strength of its own, now orphaned, run.
 *
 * <p>A refusal (a reason) aborts the resync: no further delete request goes out, the outcome is {@code ABORTED}
 * with the reason as its error, and Port hears {@code aborted}. A check that fails (its stage completes
 * exceptionally) is a refusal too. {@link #OPEN}, the default, always allows: one process owns its integrations,
 * so single-node behaviour is unchanged.
 *
 * <p>{@link #lastMoment} adds a check at the Port transport, right before each delete request is written.
 *
 * <p>Called from the resync's actor and from stream threads, possibly concurrently (one call per delete request in
 * flight); implementations must not block.
 */
@FunctionalInterface
public interface DeleteFence {

  /** Always allows: no other process can run this integration's resync. */
  DeleteFence OPEN = resyncId -> CompletableFuture.completedFuture(Optional.empty());

  /**
   * Asks whether the resync {@code resyncId} may delete now.
   *
   * @return empty to allow; a reason (for logs, the resync's errors and {@code /status}) to refuse
   */
  CompletionStage<Optional<String>> check(String resyncId);

  /**
   * The check the Port transport makes at the last moment before it writes each of {@code resyncId}'s delete
   * requests: after the write limiter and the connection pool let it through, so a request that waited there while
   * this node was paused is not sent once the node lost the integration. {@link DeleteGuard#NONE} (the default):
   * only {@link #check} is asked, before the delete phase and before each request is queued.
   *
   * @since 0.9
   */
  default DeleteGuard lastMoment(String resyncId) {
    return DeleteGuard.NONE;
  }

  /**
   * Told by the integration supervisor when the resync {@code resyncId} starts running on this node ({@code true})
   * and once it has ended ({@code false}, possibly more than once). Cluster mode marks the instance busy meanwhile,
   * so that a rebalance does not move it mid-resync. The default does nothing. Called from the supervisor's actor
   * and from the thread that ends the run; must not block.
   *
   * @since 0.9
   */
  default void resyncRunning(String resyncId, boolean running) {}
}
