/**
 * The resync engine's stream stages: a kind's {@link dev.oceanj.core.sync.ResyncPipeline}, the one write stage to
 * Port that resyncs and live events share ({@link dev.oceanj.core.sync.PortWriter}), the compact
 * seen set and skip-unchanged {@link dev.oceanj.core.sync.DigestStore}, and the
 * {@link dev.oceanj.core.sync.Reconciler} that deletes what a complete resync did not see.
 */
package dev.oceanj.core.sync;
