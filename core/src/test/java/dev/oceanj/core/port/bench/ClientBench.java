package dev.oceanj.core.port.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.oceanj.core.config.PortSettings;
import dev.oceanj.core.port.HttpPortClient;
import dev.oceanj.core.port.PortClient.EntityOutcome;
import dev.oceanj.core.port.PortClient.PortIdentity;
import dev.oceanj.core.port.PortClient.UpsertOptions;
import dev.oceanj.core.port.PortClientSettings;
import dev.oceanj.core.port.WriteLimiter;
import dev.oceanj.emulator.EmulatorSettings;
import dev.oceanj.emulator.PortEmulator;
import dev.oceanj.emulator.RateLimits;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.net.URI;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Bulk-upserts N generated entities through {@link HttpPortClient} (and its {@link WriteLimiter}) into a Port
 * emulator, with a bounded number of requests in flight, and prints entities/s, requests/s and CPU seconds.
 *
 * <p>By default the emulator runs in this process, so the figures print both the whole process's CPU and the CPU of
 * the client's own threads (the driver that generates and serializes entities, the client's I/O threads that write
 * requests and read answers, its retry timer). With {@code --base-url} it talks to an emulator started apart
 * ({@code java -jar port-emulator/target/oceanj-port-emulator.jar --port P}), and the process CPU is the client's.
 *
 * <p>Options: {@code --n} entities (100000), {@code --warmup} entities sent first and not measured (10000),
 * {@code --in-flight} bulk requests at once (16), {@code --props} string properties per entity (8),
 * {@code --port-limits} enforce Port's published rate limits in the emulator and in the client's limiter,
 * {@code --base-url}, {@code --client-id}, {@code --client-secret}.
 */
public final class ClientBench {

  private static final ObjectMapper M = new ObjectMapper();
  /** CPU the driver thread spent generating entities: the bench's own work, not the client's. */
  private static long generationNanos;

  private ClientBench() {}

  public static void main(String[] args) throws Exception {
    Map<String, String> opt = parse(args);
    int n = Integer.parseInt(opt.getOrDefault("n", "100000"));
    int warmup = Integer.parseInt(opt.getOrDefault("warmup", "10000"));
    int inFlight = Integer.parseInt(opt.getOrDefault("in-flight", "16"));
    int props = Integer.parseInt(opt.getOrDefault("props", "8"));
    boolean portLimits = opt.containsKey("port-limits");
    quietLogs();

    PortEmulator emulator = null;
    URI baseUrl;
    String clientId;
    String clientSecret;
    if (opt.containsKey("base-url")) {
      baseUrl = URI.create(opt.get("base-url"));
      clientId = opt.getOrDefault("client-id", EmulatorSettings.DEFAULT_CLIENT_ID);
      clientSecret = opt.getOrDefault("client-secret", EmulatorSettings.DEFAULT_CLIENT_SECRET);
    } else {
      emulator = PortEmulator.start(EmulatorSettings.defaults()
          .withRateLimits(portLimits ? RateLimits.port() : RateLimits.off()));
      baseUrl = URI.create(emulator.baseUrl());
      clientId = emulator.settings().clientId();
      clientSecret = emulator.settings().clientSecret();
    }
    PortSettings.RateLimit limits = portLimits ? PortSettings.defaults().rateLimit().withShare(0.0)
        : new PortSettings.RateLimit(false, 35_000, 3_500, 0.0);
    PortClientSettings settings = PortClientSettings.of(baseUrl, clientId, clientSecret).withRateLimit(limits);
    PortIdentity identity = new PortIdentity("bench", "0.1.0", "client-bench");
    String blueprint = "bench_" + Long.toString(System.currentTimeMillis(), 36);

    try (WriteLimiter limiter = WriteLimiter.create(limits);
        HttpPortClient client = HttpPortClient.create(settings, identity, limiter)) {
      ObjectNode bp = M.createObjectNode().put("identifier", blueprint).put("title", "Client bench");
      ObjectNode schema = bp.putObject("schema").putObject("properties");
      for (int p = 0; p < props; p++) {
        schema.putObject("p" + p).put("type", "string");
      }
      schema.putObject("n").put("type", "number");
      client.createBlueprint(bp).toCompletableFuture().join();

      if (warmup > 0) {
        run(client, blueprint, "warm-", warmup, inFlight, props);
      }
      ThreadMXBean threads = ManagementFactory.getThreadMXBean();
      Map<Long, Long> cpuBefore = threadCpu(threads);
      long processCpuBefore = processCpuNanos();
      long gcBefore = gcMillis();
      long jitBefore = ManagementFactory.getCompilationMXBean().getTotalCompilationTime();
      long sentBefore = client.stats().sent();
      generationNanos = 0;
      long t0 = System.nanoTime();

      long failed = run(client, blueprint, "e-", n, inFlight, props);

      double seconds = (System.nanoTime() - t0) / 1e9;
      long processCpu = processCpuNanos() - processCpuBefore;
      long gc = gcMillis() - gcBefore;
      long jit = ManagementFactory.getCompilationMXBean().getTotalCompilationTime() - jitBefore;
      long requests = client.stats().sent() - sentBefore;
      Map<String, Long> byGroup = cpuByGroup(threads, cpuBefore);
      // The driver thread generates the entities too; that is the bench's work, not the client's.
      long clientCpu = byGroup.getOrDefault("client", 0L) - generationNanos;
      byGroup.put("  generation (bench, excluded)", generationNanos);

      System.out.printf("entities:        %,d (%,d failed)%n", n, failed);
      System.out.printf("wall:            %.2f s%n", seconds);
      System.out.printf("entities/s:      %,.0f%n", n / seconds);
      System.out.printf("requests/s:      %,.0f (%,d requests, %d retries, %d 429s)%n", requests / seconds, requests,
          client.stats().retries(), client.stats().throttled());
      System.out.printf("process CPU:     %.2f s (%.1f µs/entity)%s%n", processCpu / 1e9, processCpu / 1e3 / n,
          emulator != null ? "  [emulator in this process]" : "");
      System.out.printf("client CPU:      %.2f s (%.1f µs/entity)  [caller's serialization + the client's threads]%n",
          clientCpu / 1e9, clientCpu / 1e3 / n);
      System.out.printf("CPU by threads:  %s%n", format(byGroup));
      System.out.printf("GC / JIT:        %.2f s collecting, %.2f s compiling (not in thread figures)%n", gc / 1e3,
          jit / 1e3);
      System.out.printf("limiter:         %s%n", limiter.stats());
      if (emulator != null) {
        System.out.printf("emulator:        %,d entities stored%n", emulator.counters().entitiesWritten());
      }
    } finally {
      if (emulator != null) {
        emulator.close();
      }
    }
  }

  /** Upserts {@code n} entities with {@code inFlight} bulk requests at most; returns the failed ones. */
  private static long run(HttpPortClient client, String blueprint, String prefix, int n, int inFlight, int props)
      throws InterruptedException {
    Semaphore slots = new Semaphore(inFlight);
    AtomicLong failed = new AtomicLong();
    AtomicReference<Throwable> error = new AtomicReference<>();
    for (int from = 0; from < n && error.get() == null; from += 20) {
      long g0 = ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime();
      List<ObjectNode> batch = new ArrayList<>(20);
      for (int i = from; i < Math.min(n, from + 20); i++) {
        batch.add(entity(prefix + i, i, props));
      }
      generationNanos += ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime() - g0;
      slots.acquire();
      client.bulkUpsert(blueprint, batch, UpsertOptions.defaults()).whenComplete((r, err) -> {
        if (err != null) {
          error.compareAndSet(null, err);
        } else {
          failed.addAndGet(r.outcomes().stream().filter(o -> !o.ok()).count());
        }
        slots.release();
      });
    }
    slots.acquire(inFlight);
    if (error.get() != null) {
      throw new IllegalStateException("bulk upsert failed", error.get());
    }
    return failed.get();
  }

  private static ObjectNode entity(String id, int i, int props) {
    ObjectNode e = M.createObjectNode().put("identifier", id).put("title", "Entity " + i);
    ObjectNode p = e.putObject("properties");
    for (int k = 0; k < props; k++) {
      p.put("p" + k, "value-" + k + "-" + i);
    }
    p.put("n", i);
    return e;
  }

  private static long processCpuNanos() {
    var os = ManagementFactory.getOperatingSystemMXBean();
    if (os instanceof com.sun.management.OperatingSystemMXBean sun) {
      return sun.getProcessCpuTime();
    }
    return -1;
  }

  private static long gcMillis() {
    long sum = 0;
    for (var gc : ManagementFactory.getGarbageCollectorMXBeans()) {
      sum += Math.max(0, gc.getCollectionTime());
    }
    return sum;
  }

  private static Map<Long, Long> threadCpu(ThreadMXBean threads) {
    Map<Long, Long> out = new HashMap<>();
    for (long id : threads.getAllThreadIds()) {
      long cpu = threads.getThreadCpuTime(id);
      if (cpu >= 0) {
        out.put(id, cpu);
      }
    }
    return out;
  }

  /**
   * CPU used since {@code before}, per thread group: {@code client} totals the driver ({@code main}), the client's
   * I/O and retry threads (and a JDK HTTP client's, if any); the emulator's threads and the rest are apart.
   */
  private static Map<String, Long> cpuByGroup(ThreadMXBean threads, Map<Long, Long> before) {
    Map<String, Long> out = new TreeMap<>();
    for (long id : threads.getAllThreadIds()) {
      ThreadInfo info = threads.getThreadInfo(id);
      long cpu = threads.getThreadCpuTime(id);
      if (info == null || cpu < 0) {
        continue;
      }
      String name = info.getThreadName();
      long used = cpu - before.getOrDefault(id, 0L);
      out.merge(group(name), used, Long::sum);
      if (group(name).equals("client")) {
        out.merge("  " + (name.startsWith("HttpClient-") ? "jdk-http" : name.startsWith("oceanj-port-io-") ? "port-io"
            : name.startsWith("oceanj-") ? "client-pool" : name),
            used, Long::sum);
      }
    }
    return out;
  }

  private static String group(String name) {
    if (name.equals("main") || name.startsWith("oceanj-port-") || name.startsWith("HttpClient-")) {
      return "client";
    }
    if (name.startsWith("port-emulator")) {
      return "emulator";
    }
    return "other";
  }

  private static String format(Map<String, Long> byGroup) {
    StringBuilder sb = new StringBuilder();
    byGroup.forEach((k, v) -> sb.append(sb.length() == 0 ? "" : ", ").append(k).append(' ')
        .append(String.format("%.2f s", v / 1e9)));
    return sb.toString();
  }

  private static void quietLogs() {
    org.slf4j.Logger root = org.slf4j.LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    if (root instanceof ch.qos.logback.classic.Logger l) {
      l.setLevel(ch.qos.logback.classic.Level.WARN);
    }
  }

  private static Map<String, String> parse(String[] args) {
    Map<String, String> out = new HashMap<>();
    for (int i = 0; i < args.length; i++) {
      if (!args[i].startsWith("--")) {
        throw new IllegalArgumentException("unexpected argument " + args[i] + "; options are --name value");
      }
      String key = args[i].substring(2);
      if (key.equals("port-limits")) {
        out.put(key, "true");
      } else if (i + 1 < args.length) {
        out.put(key, args[++i]);
      } else {
        throw new IllegalArgumentException("option --" + key + " needs a value");
      }
    }
    return out;
  }
}
