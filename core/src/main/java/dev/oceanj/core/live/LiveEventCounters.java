package dev.oceanj.core.live;

import java.util.concurrent.atomic.LongAdder;

/**
 * Live-event counts, bumped by the HTTP route and the log consumer, exported by the runtime's metrics.
 * Ack latency is kept as a histogram by the runtime; these are the plain counts.
 */
public final class LiveEventCounters {

  /** Requests to a live-event path, whatever their fate. */
  public final LongAdder received = new LongAdder();
  /** Requests stored durably and answered 202. */
  public final LongAdder acknowledged = new LongAdder();
  /** Requests refused (401, 400, 413, 503). */
  public final LongAdder rejected = new LongAdder();
  /** Events whose processing finished (including those a processor declined). */
  public final LongAdder processed = new LongAdder();
  /** Processing attempts that failed (each retry counts). */
  public final LongAdder failed = new LongAdder();
  /** Events moved to the dead letters. */
  public final LongAdder deadLettered = new LongAdder();
  /** Entities upserted by live events. */
  public final LongAdder upserted = new LongAdder();
  /** Entities deleted by live events. */
  public final LongAdder deleted = new LongAdder();
}
