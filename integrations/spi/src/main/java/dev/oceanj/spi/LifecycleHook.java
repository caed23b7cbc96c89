package dev.oceanj.spi;

/**
 * A start or stop hook. May block briefly; it runs on a thread reserved for blocking work, never on an actor.
 *
 * @since 0.1
 */
@FunctionalInterface
public interface LifecycleHook {
  /** Runs the hook; an exception at start aborts the start, at stop it is logged. */
  void run() throws Exception;
}
