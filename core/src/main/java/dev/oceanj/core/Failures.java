package dev.oceanj.core;

import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

/**
 * Reading a failure that came back through a {@code CompletionStage}: the stage wraps the real cause in
 * {@link CompletionException}s (and a blocking {@code get} in an {@link ExecutionException}), which say nothing
 * to a reader of a log line or a resync error.
 */
public final class Failures {

  private Failures() {}

  /** The failure inside the {@link CompletionException}s and {@link ExecutionException}s wrapping it. */
  public static Throwable unwrap(Throwable t) {
    Throwable c = t;
    while ((c instanceof CompletionException || c instanceof ExecutionException) && c.getCause() != null) {
      c = c.getCause();
    }
    return c;
  }

  /** The unwrapped failure as {@code SimpleName: message}, or {@code SimpleName} when it has no message. */
  public static String describe(Throwable t) {
    Throwable c = unwrap(t);
    return c.getClass().getSimpleName() + (c.getMessage() == null ? "" : ": " + c.getMessage());
  }

  /** The unwrapped failure's message, or its class's simple name when it has none. */
  public static String message(Throwable t) {
    Throwable c = unwrap(t);
    return c.getMessage() == null ? c.getClass().getSimpleName() : c.getMessage();
  }
}
