package dev.oceanj.core.config;

import java.time.Duration;
import java.time.temporal.ChronoUnit;

/**
 * How the process keeps the integrations it hosts apart ({@code ocean.host}, oceanj only): every call into an
 * integration's own code runs on a bounded pool of threads shared by the process and within a time limit, so a
 * hung 3rd party fails that call (naming the integration and what it was doing) instead of holding the runtime;
 * and a bound on the resyncs that run at once, shared by every integration of the process.
 *
 * @param spiCallTimeout how long one call of an integration's start, stop, resync start or resync complete hooks
 *     may take
 * @param pageTimeout how long one page (or batch) of a kind's resync source may take to arrive
 * @param spiThreads threads running integrations' blocking calls (hooks, the call that asks for a page), shared by
 *     every integration of the process
 * @param maxConcurrentResyncs resyncs running at once in the process; the others wait in line (first come, first
 *     served). The configured 0 is resolved to the CPU count (at least 1)
 * @param restartMinBackoff host mode: the wait before an instance that failed to start is started again; each next
 *     failure doubles it
 * @param restartMaxBackoff host mode: the longest wait between two starts of a failing instance
 * @param restartOnHang host mode: an instance whose resync ended because a call into its integration exceeded its
 *     time limit (a hung 3rd party), or whose live event ran out of time inside such a call, is stopped, listed failed
 *     and started again with the restart backoff; off, only that resync fails (or that event is dead-lettered) and the
 *     instance keeps running
 * @param gateReleaseAfter a running resync that received nothing from its integration (no item fetched, written or
 *     skipped) for this long gives its place among {@code maxConcurrentResyncs} to the next resync in line, so a
 *     hung 3rd party does not hold a place until its time limit; when its items come again it goes on beside the
 *     others. A value above {@code pageTimeout} keeps the place until the resync ends
 */
public record IsolationSettings(Duration spiCallTimeout, Duration pageTimeout, int spiThreads,
    int maxConcurrentResyncs, Duration restartMinBackoff, Duration restartMaxBackoff, boolean restartOnHang,
    Duration gateReleaseAfter) {

  /** The wait before start {@code attempt + 1} after {@code attempt} failed starts (1 = the first failure). */
  public Duration restartBackoff(int attempt) {
    Duration d = restartMinBackoff;
    for (int i = 1; i < attempt && d.compareTo(restartMaxBackoff) < 0; i++) {
      d = d.multipliedBy(2);
    }
    return d.compareTo(restartMaxBackoff) > 0 ? restartMaxBackoff : d;
  }

  static IsolationSettings read(ConfigReader r) {
    String h = "ocean.host.";
    int resyncs = r.integer(h + "max-concurrent-resyncs", 0, 100_000, 0);
    Duration minBackoff = r.duration(h + "restart-min-backoff", ChronoUnit.SECONDS, Duration.ofSeconds(10));
    Duration maxBackoff = r.duration(h + "restart-max-backoff", ChronoUnit.SECONDS, Duration.ofMinutes(5));
    if (maxBackoff.compareTo(minBackoff) < 0) {
      r.problem(h + "restart-max-backoff", "must be at least ocean.host.restart-min-backoff (" + minBackoff + ")");
    }
    return new IsolationSettings(
        r.duration(h + "spi-call-timeout", ChronoUnit.SECONDS, Duration.ofMinutes(5)),
        r.duration(h + "page-timeout", ChronoUnit.SECONDS, Duration.ofMinutes(2)),
        r.integer(h + "spi-threads", 1, 1024, 16),
        resyncs == 0 ? Math.max(1, Runtime.getRuntime().availableProcessors()) : resyncs,
        minBackoff,
        maxBackoff,
        r.bool(h + "restart-on-hang", true),
        r.duration(h + "gate-release-after", ChronoUnit.MILLIS, Duration.ofSeconds(1)));
  }
}
