package dev.oceanj.spi.host;

import java.time.Duration;

/**
 * A call into an integration's own code did not finish within its limit ({@link SpiCalls}). The message names what
 * was called and the setting that bounds it.
 *
 * @since 0.2
 */
public final class SpiTimeoutException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  private final Duration limit;

  SpiTimeoutException(String what, SpiCalls.Limit limit) {
    super(limit.exceeded(what));
    this.limit = limit.duration();
  }

  /** The limit that was exceeded. */
  public Duration limit() {
    return limit;
  }
}
