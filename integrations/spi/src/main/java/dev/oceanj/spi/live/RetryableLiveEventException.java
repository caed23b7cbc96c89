package dev.oceanj.spi.live;

import dev.oceanj.spi.Incubating;

/**
 * Thrown (or used to fail the stage) by {@link LiveEventProcessor#handle} when trying again later may succeed,
 * e.g. the 3rd party answered 503. Any other failure is retried too, but this one says so explicitly; an
 * {@link IllegalArgumentException} is never retried (the event itself is wrong) and goes to the dead letters.
 *
 * @since 0.1
 */
@Incubating
public class RetryableLiveEventException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  public RetryableLiveEventException(String message) {
    super(message);
  }

  public RetryableLiveEventException(String message, Throwable cause) {
    super(message, cause);
  }
}
