/**
 * Ocean's telemetry to Port's ingest endpoints: each resync's sync metrics
 * ({@link dev.oceanj.runtime.telemetry.SyncTelemetry}) and the process's log lines
 * ({@link dev.oceanj.runtime.telemetry.LogShipper}), sent by {@link dev.oceanj.runtime.telemetry.IngestClient}.
 */
package dev.oceanj.runtime.telemetry;
