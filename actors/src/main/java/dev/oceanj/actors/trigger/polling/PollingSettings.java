package dev.oceanj.actors.trigger.polling;

import com.typesafe.config.Config;
import java.time.Duration;

/**
 * The POLLING listener's settings ({@code ocean.event-listener.polling}).
 *
 * @param interval time between two polls of Port's resync request (Ocean: {@code interval}, seconds, default 60)
 * @param resyncOnStart resync once at start whatever Port says (Ocean's {@code resyncOnStart}, default true,
 *     which Ocean never honours; here it works)
 */
public record PollingSettings(Duration interval, boolean resyncOnStart) {

  public static final String PATH = "ocean.event-listener.polling";

  public PollingSettings {
    if (interval.isZero() || interval.isNegative()) {
      throw new IllegalArgumentException(PATH + ".interval must be positive, was " + interval);
    }
  }

  /** Ocean's defaults: every 60 s, resync on start. */
  public static PollingSettings defaults() {
    return new PollingSettings(Duration.ofSeconds(60), true);
  }

  /**
   * Reads {@value #PATH}; absent keys take Ocean's defaults. A bare number is seconds (Ocean's unit).
   *
   * @throws IllegalArgumentException naming the key when a value is malformed
   */
  public static PollingSettings fromConfig(Config config) {
    PollingSettings defaults = defaults();
    Duration interval = defaults.interval();
    boolean resyncOnStart = defaults.resyncOnStart();
    try {
      if (config.hasPath(PATH + ".interval")) {
        interval = seconds(config, PATH + ".interval");
      }
      if (config.hasPath(PATH + ".resync-on-start")) {
        resyncOnStart = config.getBoolean(PATH + ".resync-on-start");
      }
    } catch (com.typesafe.config.ConfigException e) {
      throw new IllegalArgumentException(e.getMessage(), e);
    }
    return new PollingSettings(interval, resyncOnStart);
  }

  /** A duration key where a bare number means seconds. */
  static Duration seconds(Config config, String path) {
    var value = config.getValue(path).unwrapped();
    if (value instanceof Number n) {
      return Duration.ofMillis(Math.round(n.doubleValue() * 1000));
    }
    return config.getDuration(path);
  }
}
