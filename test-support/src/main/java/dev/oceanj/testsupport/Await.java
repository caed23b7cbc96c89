package dev.oceanj.testsupport;

import java.time.Duration;
import java.util.function.BooleanSupplier;

/** Waits for a condition with a deadline: the one polling loop every module's tests use instead of a sleep. */
public final class Await {

  /** How long to wait between two looks at the condition. */
  static final Duration POLL = Duration.ofMillis(10);

  private Await() {}

  /**
   * Polls {@code condition} until it holds; fails with an {@link AssertionError} naming {@code what} when
   * {@code within} passes first (or the thread is interrupted).
   */
  public static void until(String what, Duration within, BooleanSupplier condition) {
    long deadline = System.nanoTime() + within.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out after " + within + " waiting for " + what);
      }
      pause(POLL);
    }
  }

  /** Sleeps {@code time}, turning an interrupt into an {@link AssertionError} (the interrupt flag kept). */
  public static void pause(Duration time) {
    try {
      Thread.sleep(time.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted while waiting", e);
    }
  }
}
