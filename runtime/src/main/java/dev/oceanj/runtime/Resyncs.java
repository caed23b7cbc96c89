package dev.oceanj.runtime;

import dev.oceanj.actors.resync.IntegrationSupervisor;
import dev.oceanj.cluster.fencing.ClusterDeleteFence;
import dev.oceanj.actors.resync.ResyncDependencies;
import dev.oceanj.actors.resync.ResyncGate;
import dev.oceanj.actors.resync.ResyncIsolation;
import dev.oceanj.actors.resync.ResyncProtocol;
import dev.oceanj.core.config.OceanSettings;
import dev.oceanj.core.port.PortClient;
import dev.oceanj.core.sync.JqMappingCompiler;
import dev.oceanj.core.sync.LiveWrites;
import dev.oceanj.spi.host.SpiCalls;
import java.time.Clock;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.pekko.actor.typed.Behavior;

/**
 * Resyncs of a run: the jq mapping pool ({@code ocean.resync.mapping-parallelism} threads), the threads and time
 * limits of the integration's own calls and the bound on resyncs at once ({@code ocean.host}), the mapping compiler
 * and the integration supervisor's behaviour (spawned by the instance) with {@code ocean.resync}'s settings.
 *
 * @param mappingPool the threads mapping raw items with jq; shut down by {@link #close()}
 * @param calls the threads the integration's own code is called on ({@code ocean.host.spi-threads}); closed by
 *     {@link #close()}
 * @param compiler compiles the integration's mapping (shared with live events)
 * @param liveWrites what live events wrote, for the skip-unchanged store of the resyncs
 * @param supervisor the integration supervisor's behaviour
 */
record Resyncs(ExecutorService mappingPool, SpiCalls calls, JqMappingCompiler compiler, LiveWrites liveWrites,
    Behavior<ResyncProtocol.Command> supervisor) implements AutoCloseable {

  static Resyncs init(OceanSettings settings, HostedIntegration integration, PortClient port) {
    SpiCalls calls = SpiCalls.create(settings.isolation().spiThreads());
    var isolation = ResyncIsolation.of(settings.isolation(), calls,
        ResyncGate.of(settings.isolation().maxConcurrentResyncs()));
    AtomicInteger n = new AtomicInteger();
    ExecutorService pool = Executors.newFixedThreadPool(settings.resync().mappingParallelism(), r -> {
      Thread t = new Thread(r, "oceanj-mapping-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    });
    var compiler = new JqMappingCompiler(integration.jq());
    var deps = new ResyncDependencies(port, integration.defined().sources(), compiler,
        settings.resync(), settings.scheduledResyncInterval(), pool, integration.defined()::toJson, Clock.systemUTC(),
        settings.timeouts().ask(), isolation);
    var liveWrites = new LiveWrites();
    // In cluster mode each activation of the instance on a node has its own deletion fence (ownership epoch).
    var supervisor = settings.cluster().enabled()
        ? ClusterDeleteFence.fenced(settings.integration().identifier(),
            fence -> IntegrationSupervisor.create(deps.withDeleteFence(fence), liveWrites))
        : IntegrationSupervisor.create(deps, liveWrites);
    return new Resyncs(pool, calls, compiler, liveWrites, supervisor);
  }

  /**
   * Runs the integration's start hooks on {@link #calls()} within {@code ocean.host.spi-call-timeout}, and waits.
   *
   * @throws RuntimeException the hook's failure, or a {@link dev.oceanj.spi.host.SpiTimeoutException} naming the
   *     integration
   */
  void startIntegration(HostedIntegration integration, OceanSettings settings) {
    try {
      calls.start(integration.defined(), settings.integration().identifier(),
          ResyncIsolation.hookTimeout(settings.isolation().spiCallTimeout())).join();
    } catch (CompletionException e) {
      throw e.getCause() instanceof RuntimeException r ? r : e;
    }
  }

  @Override
  public void close() {
    mappingPool.shutdownNow();
    calls.close();
  }
}
