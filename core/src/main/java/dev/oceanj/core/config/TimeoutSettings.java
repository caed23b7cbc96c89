package dev.oceanj.core.config;

import java.time.Duration;
import java.time.temporal.ChronoUnit;

/**
 * The runtime's own waits ({@code ocean.timeouts}, oceanj only).
 *
 * @param ask how long a question to an actor of this process may take (status, trigger details, the abort of a
 *     running resync at shutdown)
 * @param resyncWait how long {@code POST /resync?wait=true} waits for the resync it started
 * @param setup how long each start-up step against Port may take (organisation flags, integration and defaults)
 * @param bind how long start-up waits for the HTTP server to be bound
 * @param readinessCheck how long {@code /status}'s check that Port is reachable may take
 * @param readinessCache how long one readiness check's answer is reused
 */
public record TimeoutSettings(Duration ask, Duration resyncWait, Duration setup, Duration bind,
    Duration readinessCheck, Duration readinessCache) {

  static TimeoutSettings read(ConfigReader r) {
    String t = "ocean.timeouts.";
    return new TimeoutSettings(
        r.duration(t + "ask", ChronoUnit.SECONDS, Duration.ofSeconds(5)),
        r.duration(t + "resync-wait", ChronoUnit.SECONDS, Duration.ofHours(1)),
        r.duration(t + "setup", ChronoUnit.SECONDS, Duration.ofMinutes(2)),
        r.duration(t + "bind", ChronoUnit.SECONDS, Duration.ofSeconds(30)),
        r.duration(t + "readiness-check", ChronoUnit.SECONDS, Duration.ofSeconds(3)),
        r.duration(t + "readiness-cache", ChronoUnit.SECONDS, Duration.ofSeconds(2)));
  }
}
