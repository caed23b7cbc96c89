package dev.oceanj.core.config;

import java.time.Duration;
import java.time.temporal.ChronoUnit;

/**
 * What oceanj reports to Port's ingest endpoints, as Ocean does: each resync's sync metrics, a heartbeat while a
 * resync runs, and the process's log lines.
 *
 * @param heartbeatInterval time between two heartbeats of a running resync
 *     ({@code OCEAN__STATUS_HEARTBEAT_INTERVAL_SECONDS})
 * @param httpLogging whether log lines are shipped to Port ({@code APPLICATION__ENABLE_HTTP_LOGGING})
 * @param logQueueSize log lines held for shipping at most; beyond, new lines are dropped and counted
 */
public record TelemetrySettings(Duration heartbeatInterval, boolean httpLogging, int logQueueSize) {

  static TelemetrySettings read(ConfigReader r) {
    String t = "ocean.telemetry.";
    return new TelemetrySettings(
        r.duration(t + "heartbeat-interval", ChronoUnit.SECONDS, Duration.ofSeconds(10)),
        r.bool(t + "http-logging", true),
        r.integer(t + "log-queue-size", 100, 10_000_000, 10_000));
  }
}
