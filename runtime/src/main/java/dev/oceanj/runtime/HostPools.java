package dev.oceanj.runtime;

import dev.oceanj.actors.resync.ResyncGate;
import dev.oceanj.core.config.OceanSettings;
import dev.oceanj.spi.host.SpiCalls;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * What every integration instance of the process shares, created once at start from the process's settings: the
 * threads its own code is called on ({@code ocean.host.spi-threads}), the bound on resyncs at once
 * ({@code ocean.host.max-concurrent-resyncs}) and the jq mapping threads ({@code ocean.resync.mapping-parallelism}).
 * An added instance costs no thread of its own; idle threads end after a minute.
 *
 * @param calls integrations' calls (hooks, the calls asking for a page), each within its time limit
 * @param gate the resyncs running at once
 * @param mapping the threads mapping raw items with jq
 */
record HostPools(SpiCalls calls, ResyncGate gate, ExecutorService mapping) implements AutoCloseable {

  static HostPools init(OceanSettings process) {
    AtomicInteger n = new AtomicInteger();
    int threads = process.resync().mappingParallelism();
    var mapping = new ThreadPoolExecutor(threads, threads, 60, TimeUnit.SECONDS, new LinkedBlockingQueue<>(), r -> {
      Thread t = new Thread(r, "oceanj-mapping-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    });
    mapping.allowCoreThreadTimeOut(true);
    return new HostPools(SpiCalls.create(process.isolation().spiThreads()),
        ResyncGate.of(process.isolation().maxConcurrentResyncs()), mapping);
  }

  @Override
  public void close() {
    mapping.shutdownNow();
    calls.close();
  }
}
