package dev.oceanj.runtime;

import dev.oceanj.actors.resync.IntegrationSupervisor;
import dev.oceanj.actors.resync.ResyncDependencies;
import dev.oceanj.actors.resync.ResyncIsolation;
import dev.oceanj.actors.resync.ResyncProtocol;
import dev.oceanj.cluster.fencing.ClusterDeleteFence;
import dev.oceanj.core.config.OceanSettings;
import dev.oceanj.core.port.PortClient;
import dev.oceanj.core.sync.JqMappingCompiler;
import dev.oceanj.core.sync.LiveWrites;
import dev.oceanj.spi.host.SpiCalls;
import java.time.Clock;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import org.apache.pekko.actor.typed.Behavior;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Resyncs of an integration instance: its mapping compiler and the integration supervisor's behaviour (spawned by
 * the instance) with {@code ocean.resync}'s settings, on the process's shared pools ({@link HostPools}: the jq mapping
 * threads, the threads and time limits of integrations' own calls, the bound on resyncs at once).
 *
 * @param pools the process's pools, shared with the other instances (closed by the process, not here)
 * @param compiler compiles the integration's mapping (shared with live events)
 * @param liveWrites what live events wrote, for the skip-unchanged store of the resyncs
 * @param supervisor the integration supervisor's behaviour
 */
record Resyncs(HostPools pools, JqMappingCompiler compiler, LiveWrites liveWrites,
    Behavior<ResyncProtocol.Command> supervisor) {

  private static final Logger LOG = LoggerFactory.getLogger(Resyncs.class);

  static Resyncs init(OceanSettings settings, HostedIntegration integration, PortClient port, HostPools pools) {
    var isolation = ResyncIsolation.of(settings.isolation(), pools.calls(), pools.gate());
    var compiler = new JqMappingCompiler(integration.jq());
    var deps = new ResyncDependencies(port, integration.defined().sources(), compiler,
        settings.resync(), settings.scheduledResyncInterval(), pools.mapping(), integration.defined()::toJson,
        Clock.systemUTC(), settings.timeouts().ask(), isolation);
    var liveWrites = new LiveWrites();
    // In cluster mode each activation of the instance on a node has its own deletion fence (ownership epoch).
    var supervisor = settings.cluster().enabled()
        ? ClusterDeleteFence.fenced(settings.integration().identifier(), settings.cluster().fencing(),
            fence -> IntegrationSupervisor.create(deps.withDeleteFence(fence), liveWrites))
        : IntegrationSupervisor.create(deps, liveWrites);
    return new Resyncs(pools, compiler, liveWrites, supervisor);
  }

  /**
   * Runs the integration's start hooks on the process's threads for integrations' calls within
   * {@code ocean.host.spi-call-timeout}, and waits.
   *
   * @throws RuntimeException the hook's failure, or a {@link dev.oceanj.spi.host.SpiTimeoutException} naming the
   *     integration
   */
  void startIntegration(HostedIntegration integration, OceanSettings settings) {
    try {
      pools.calls().start(integration.defined(), settings.integration().identifier(),
          ResyncIsolation.hookTimeout(settings.isolation().spiCallTimeout())).join();
    } catch (CompletionException e) {
      throw e.getCause() instanceof RuntimeException r ? r : e;
    }
  }

  /**
   * Where the integration's live-event processors are called: the process's threads for integrations' calls, each
   * call within {@code ocean.live-events.max-event-processing} (then interrupted).
   */
  Executor liveEventProcessorThreads(OceanSettings settings) {
    return pools.calls().executor("integration '" + settings.integration().identifier() + "': a live-event processor",
        new SpiCalls.Limit(settings.liveEvents().maxEventProcessing(), "ocean.live-events.max-event-processing"));
  }

  /**
   * Runs the integration's stop hooks like its start hooks (a hook past {@code ocean.host.spi-call-timeout} is given
   * up on), logging the ones that failed.
   */
  void stopIntegration(HostedIntegration integration, OceanSettings settings) {
    pools.calls().stop(integration.defined(), settings.integration().identifier(),
            ResyncIsolation.hookTimeout(settings.isolation().spiCallTimeout())).join()
        .forEach(e -> LOG.warn("integration stop hook failed: {}", e.toString()));
  }
}
