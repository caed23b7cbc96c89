package dev.oceanj.actors.resync;

import dev.oceanj.core.config.IsolationSettings;
import dev.oceanj.spi.host.SpiCalls;
import java.time.Duration;
import java.util.Objects;

/**
 * What keeps one integration's resyncs from holding the process, shared by every integration it hosts: the bounded
 * threads its calls run on, with their time limits, and the bound on resyncs running at once.
 *
 * @param calls the threads for integrations' calls (resync hooks, the calls asking for a page)
 * @param hookTimeout {@code ocean.host.spi-call-timeout}: each resync start or complete hook call
 * @param pageTimeout {@code ocean.host.page-timeout}: each page (or batch) of a kind's source
 * @param gate {@code ocean.host.max-concurrent-resyncs}
 * @param gateReleaseAfter {@code ocean.host.gate-release-after}: a run that received nothing from its integration
 *     for this long leaves the gate (zero: never)
 */
public record ResyncIsolation(SpiCalls calls, SpiCalls.Limit hookTimeout, SpiCalls.Limit pageTimeout,
    ResyncGate gate, Duration gateReleaseAfter) {

  /** A run never leaves the gate before it ends. */
  public ResyncIsolation(SpiCalls calls, SpiCalls.Limit hookTimeout, SpiCalls.Limit pageTimeout, ResyncGate gate) {
    this(calls, hookTimeout, pageTimeout, gate, Duration.ZERO);
  }

  public ResyncIsolation {
    Objects.requireNonNull(calls, "calls");
    Objects.requireNonNull(hookTimeout, "hookTimeout");
    Objects.requireNonNull(pageTimeout, "pageTimeout");
    Objects.requireNonNull(gate, "gate");
    Objects.requireNonNull(gateReleaseAfter, "gateReleaseAfter");
  }

  /** From {@code ocean.host}, with the process's threads and gate. */
  public static ResyncIsolation of(IsolationSettings settings, SpiCalls calls, ResyncGate gate) {
    return new ResyncIsolation(calls, hookTimeout(settings.spiCallTimeout()), pageTimeout(settings.pageTimeout()),
        gate, settings.gateReleaseAfter());
  }

  /** {@code ocean.host.spi-call-timeout} as a limit. */
  public static SpiCalls.Limit hookTimeout(Duration d) {
    return new SpiCalls.Limit(d, "ocean.host.spi-call-timeout");
  }

  /** {@code ocean.host.page-timeout} as a limit. */
  public static SpiCalls.Limit pageTimeout(Duration d) {
    return new SpiCalls.Limit(d, "ocean.host.page-timeout");
  }

  /**
   * The defaults of {@code ocean.host} with no bound on resyncs at once, on threads shared by every caller of this
   * method (created at the first call): for callers that build their dependencies without settings (tests, benches).
   */
  public static ResyncIsolation defaults() {
    return Defaults.INSTANCE;
  }

  private static final class Defaults {
    static final ResyncIsolation INSTANCE = new ResyncIsolation(SpiCalls.create(16),
        hookTimeout(Duration.ofMinutes(5)), pageTimeout(Duration.ofMinutes(2)), ResyncGate.unbounded());
  }
}
