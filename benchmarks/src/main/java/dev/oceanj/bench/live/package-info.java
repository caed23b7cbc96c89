/**
 * The live-events bench ({@link dev.oceanj.bench.live.LiveEventBench}): an open-loop fixed-rate HTTP/1.1 sender
 * ({@link dev.oceanj.bench.live.FixedRateSender}) against the runtime JAR in WEBHOOKS_ONLY mode, and a catalog
 * poller that follows sampled events into Port.
 */
package dev.oceanj.bench.live;
