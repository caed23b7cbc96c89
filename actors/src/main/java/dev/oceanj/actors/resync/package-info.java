/**
 * Full resyncs: the per-integration {@link dev.oceanj.actors.resync.IntegrationSupervisor} (start, queue, skip and
 * restart policy, the last result, the skip-unchanged store, Port's resync state), one short-lived
 * {@code Resync} child per run (one behaviour per phase), and the run's
 * {@link dev.oceanj.actors.resync.KindWorker}s. Triggers speak {@link dev.oceanj.actors.resync.ResyncProtocol} only.
 */
package dev.oceanj.actors.resync;
