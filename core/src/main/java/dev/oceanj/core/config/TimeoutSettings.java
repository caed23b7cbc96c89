package dev.oceanj.core.config;

import java.time.Duration;
import java.time.temporal.ChronoUnit;

/**
 * The runtime's own waits ({@code ocean.timeouts}, oceanj only).
 *
 * @param ask how long a question to an actor of this process may take (status, trigger details, the resync
 *     supervisor's question to its running resync, the sync telemetry's status poll, the abort of a running resync
 *     at shutdown)
 * @param resyncWait how long {@code POST /resync?wait=true} waits for the resync it started
 * @param setup how long each start-up step against Port may take (organisation flags, integration and defaults)
 * @param bind how long start-up waits for the HTTP server to be bound
 * @param readinessCheck how long {@code /status}'s check that Port is reachable may take
 * @param readinessCache how long one readiness check's answer is reused
 * @param defaultsProvisionWait the first wait for Port to provision the integration's default resources when Port
 *     creates them (Ocean: 3 s; each next wait is longer)
 * @param ingest how long a connection to, and a call of, Port's ingest endpoints (sync metrics, log lines) may take
 * @param idleHeapTrim time between two checks that return unused heap to the system while the runtime idles
 * @param logFlush at shutdown, how long the log lines still queued may take to reach Port
 * @param telemetryFlush at shutdown, how long the last sync metrics may take to reach Port
 * @param httpDrain at shutdown, how long the HTTP server's open requests may take to finish
 */
public record TimeoutSettings(Duration ask, Duration resyncWait, Duration setup, Duration bind,
    Duration readinessCheck, Duration readinessCache, Duration defaultsProvisionWait, Duration ingest,
    Duration idleHeapTrim, Duration logFlush, Duration telemetryFlush, Duration httpDrain) {

  static TimeoutSettings read(ConfigReader r) {
    String t = "ocean.timeouts.";
    return new TimeoutSettings(
        r.duration(t + "ask", ChronoUnit.SECONDS, Duration.ofSeconds(5)),
        r.duration(t + "resync-wait", ChronoUnit.SECONDS, Duration.ofHours(1)),
        r.duration(t + "setup", ChronoUnit.SECONDS, Duration.ofMinutes(2)),
        r.duration(t + "bind", ChronoUnit.SECONDS, Duration.ofSeconds(30)),
        r.duration(t + "readiness-check", ChronoUnit.SECONDS, Duration.ofSeconds(3)),
        r.duration(t + "readiness-cache", ChronoUnit.SECONDS, Duration.ofSeconds(2)),
        r.duration(t + "defaults-provision-wait", ChronoUnit.SECONDS, Duration.ofSeconds(3)),
        r.duration(t + "ingest", ChronoUnit.SECONDS, Duration.ofSeconds(10)),
        r.duration(t + "idle-heap-trim", ChronoUnit.SECONDS, Duration.ofSeconds(30)),
        r.duration(t + "log-flush", ChronoUnit.SECONDS, Duration.ofSeconds(5)),
        r.duration(t + "telemetry-flush", ChronoUnit.SECONDS, Duration.ofSeconds(10)),
        r.duration(t + "http-drain", ChronoUnit.SECONDS, Duration.ofSeconds(5)));
  }
}
