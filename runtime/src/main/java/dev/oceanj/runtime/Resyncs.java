package dev.oceanj.runtime;

import dev.oceanj.actors.resync.IntegrationSupervisor;
import dev.oceanj.actors.resync.ResyncDependencies;
import dev.oceanj.actors.resync.ResyncProtocol;
import dev.oceanj.core.config.OceanSettings;
import dev.oceanj.core.port.PortClient;
import dev.oceanj.core.sync.JqMappingCompiler;
import dev.oceanj.core.sync.LiveWrites;
import java.time.Clock;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.pekko.actor.typed.Behavior;

/**
 * Resyncs of a run: the jq mapping pool ({@code ocean.resync.mapping-parallelism} threads), the mapping compiler and
 * the integration supervisor's behaviour (spawned by the instance) with {@code ocean.resync}'s settings.
 *
 * @param mappingPool the threads mapping raw items with jq; shut down by {@link #close()}
 * @param compiler compiles the integration's mapping (shared with live events)
 * @param liveWrites what live events wrote, for the skip-unchanged store of the resyncs
 * @param supervisor the integration supervisor's behaviour
 */
record Resyncs(ExecutorService mappingPool, JqMappingCompiler compiler, LiveWrites liveWrites,
    Behavior<ResyncProtocol.Command> supervisor) implements AutoCloseable {

  static Resyncs init(OceanSettings settings, HostedIntegration integration, PortClient port) {
    AtomicInteger n = new AtomicInteger();
    ExecutorService pool = Executors.newFixedThreadPool(settings.resync().mappingParallelism(), r -> {
      Thread t = new Thread(r, "oceanj-mapping-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    });
    var compiler = new JqMappingCompiler(integration.jq());
    var deps = new ResyncDependencies(port, integration.defined().sources(), compiler,
        settings.resync(), settings.scheduledResyncInterval(), pool, integration.defined()::toJson, Clock.systemUTC(),
        settings.timeouts().ask());
    var liveWrites = new LiveWrites();
    return new Resyncs(pool, compiler, liveWrites, IntegrationSupervisor.create(deps, liveWrites));
  }

  @Override
  public void close() {
    mappingPool.shutdownNow();
  }
}
