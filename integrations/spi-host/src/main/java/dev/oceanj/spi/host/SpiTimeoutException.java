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
    super(what + " did not finish within " + human(limit.duration()) + " (" + limit.setting() + ")");
    this.limit = limit.duration();
  }

  /** The limit that was exceeded. */
  public Duration limit() {
    return limit;
  }

  private static String human(Duration d) {
    if (d.toMillis() % 60_000 == 0 && d.toMinutes() > 0) {
      return d.toMinutes() + " min";
    }
    if (d.toMillis() % 1000 == 0) {
      return d.toSeconds() + " s";
    }
    return d.toMillis() + " ms";
  }
}
