package dev.oceanj.runtime.live;

import com.fasterxml.jackson.databind.JsonNode;
import dev.oceanj.core.port.HttpPortClient;
import dev.oceanj.core.port.PortClient.PortIdentity;
import dev.oceanj.core.port.PortClientSettings;
import dev.oceanj.core.port.WriteLimiter;
import dev.oceanj.emulator.EmulatorSettings;
import dev.oceanj.emulator.PortEmulator;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * The live-event bench: sends fake-person webhooks at a fixed rate to a runtime in its own process and reports
 * sustained acknowledged events/s, ack latency p50/p99 (measured from each event's scheduled send time, so a
 * stalled server cannot hide its queueing) and end-to-end latency to the catalog (1 in 50 events is followed
 * until Port shows it).
 *
 * <pre>java -cp runtime/target/oceanj-runtime.jar dev.oceanj.runtime.live.LiveEventBench [rate/s] [seconds]</pre>
 *
 * <p>It starts a Port emulator in its own JVM and {@link LiveEventsApp} from the same class path in a child JVM
 * with a fresh data folder (the durable intake, fsync on), so the figures include the HTTP hop, the fsync and
 * the Port writes.
 */
public final class LiveEventBench {

  private LiveEventBench() {}

  /** Requests (and so connections) in flight at most, like a load generator's connection pool. */
  private static final int CONNECTIONS = 32;

  public static void main(String[] args) throws Exception {
    dev.oceanj.runtime.Main.widenCommonPool();
    int rate = args.length > 0 ? Integer.parseInt(args[0]) : 2000;
    int seconds = args.length > 1 ? Integer.parseInt(args[1]) : 10;
    int persons = 5000;
    Path data = Files.createTempDirectory("oceanj-live-bench-");
    try (PortEmulator emulator = PortEmulator.start(EmulatorSettings.defaults())) {
      PortClientSettings ps = PortClientSettings.of(URI.create(emulator.baseUrl()), EmulatorSettings.DEFAULT_CLIENT_ID,
          EmulatorSettings.DEFAULT_CLIENT_SECRET);
      HttpPortClient port = HttpPortClient.create(ps, new PortIdentity("fake", "0.1.0", "bench"),
          WriteLimiter.unlimited());
      LiveEventsApp.ensureIntegration(port, "fake");
      int httpPort;
      try (ServerSocket s = new ServerSocket(0)) {
        httpPort = s.getLocalPort();
      }
      Process child = startRuntime(emulator, httpPort, data);
      try {
        run(rate, seconds, persons, httpPort, port);
      } finally {
        child.destroy();
        child.waitFor(30, TimeUnit.SECONDS);
        port.close();
      }
    } finally {
      try (var files = Files.walk(data)) {
        files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
  }

  private static void run(int rate, int seconds, int persons, int httpPort, HttpPortClient port) throws Exception {
    HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    URI uri = URI.create("http://127.0.0.1:" + httpPort + "/integration/webhook");
    // Warm-up: JIT, connections, the mapping cache.
    for (int i = 0; i < 200; i++) {
      http.send(request(uri, i % persons, -1 - i), BodyHandlers.discarding());
    }
    int total = rate * seconds;
    long[] ack = new long[total];
    Arrays.fill(ack, -1);
    AtomicInteger failed = new AtomicInteger();
    Map<String, Integer> reasons = new java.util.concurrent.ConcurrentHashMap<>();
    List<long[]> endToEnd = new CopyOnWriteArrayList<>();
    ConcurrentLinkedQueue<long[]> followed = new ConcurrentLinkedQueue<>();
    CompletableFuture<?>[] sends = new CompletableFuture<?>[total];
    long periodNanos = 1_000_000_000L / rate;
    java.util.concurrent.Semaphore inFlight = new java.util.concurrent.Semaphore(CONNECTIONS);
    long start = System.nanoTime();
    Thread poller = new Thread(() -> poll(port, followed, endToEnd), "bench-catalog-poller");
    poller.setDaemon(true);
    poller.start();
    for (int i = 0; i < total; i++) {
      long scheduled = start + i * periodNanos;
      long wait = scheduled - System.nanoTime();
      if (wait > 0) {
        LockSupport.parkNanos(wait);
      }
      int seq = i;
      int person = i % persons;
      // The JDK client opens a new connection for every request in flight; bounding what is in flight bounds the
      // connections (idle ones are reused), like a load generator's connection pool. Waiting here delays the send,
      // and latency is counted from the scheduled time, so the wait shows in the figures (no coordinated omission).
      inFlight.acquireUninterruptibly();
      sends[i] = http.sendAsync(request(uri, person, seq), BodyHandlers.discarding()).whenComplete((r, e) -> {
        inFlight.release();
        if (e == null && r.statusCode() == 202) {
          ack[seq] = System.nanoTime() - scheduled;
          if (seq % 50 == 0) {
            followed.add(new long[] {person, seq, scheduled});
          }
        } else {
          failed.incrementAndGet();
          reasons.merge(e != null ? String.valueOf(e.getCause() != null ? e.getCause() : e) : "HTTP " + r.statusCode(),
              1, Integer::sum);
        }
      });
    }
    CompletableFuture.allOf(sends).handle((v, e) -> null).get(2, TimeUnit.MINUTES);
    long sendNanos = System.nanoTime() - start;
    long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(3);
    while ((!followed.isEmpty()) && System.nanoTime() < deadline) {
      Thread.sleep(50);
    }
    long[] acked = Arrays.stream(ack).filter(a -> a >= 0).sorted().toArray();
    long[] e2e = endToEnd.stream().mapToLong(x -> x[0]).sorted().toArray();
    System.out.printf("live-event bench: %d events at %d/s for %d s%n", total, rate, seconds);
    System.out.printf("  acknowledged: %d (%.0f events/s sustained), failed: %d%n", acked.length,
        acked.length / (sendNanos / 1e9), failed.get());
    reasons.forEach((why, n) -> System.out.printf("    failed %d× with %s%n", n, why));
    System.out.printf("  ack latency: p50 %.1f ms, p99 %.1f ms, max %.1f ms%n", pct(acked, 0.5), pct(acked, 0.99),
        pct(acked, 1.0));
    System.out.printf("  end-to-end to the catalog (%d sampled, %d not seen in time): p50 %.0f ms, p99 %.0f ms%n",
        e2e.length, followed.size(), pct(e2e, 0.5), pct(e2e, 0.99));
  }

  /** Follows sampled events until Port shows the person at (or past) that update. */
  private static void poll(HttpPortClient port, ConcurrentLinkedQueue<long[]> followed, List<long[]> out) {
    while (true) {
      for (long[] f : followed) {
        JsonNode e = port.getEntity("fake-person", "bench-" + f[0]).toCompletableFuture().join().orElse(null);
        if (e != null && e.path("properties").path("age").asLong(-1) >= f[1]) {
          out.add(new long[] {System.nanoTime() - f[2]});
          followed.remove(f);
        }
      }
      try {
        Thread.sleep(10);
      } catch (InterruptedException ex) {
        return;
      }
    }
  }

  private static double pct(long[] sorted, double p) {
    if (sorted.length == 0) {
      return Double.NaN;
    }
    int i = (int) Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1);
    return sorted[Math.max(0, i)] / 1e6;
  }

  private static HttpRequest request(URI uri, int person, int seq) {
    String body = "{\"action\":\"upsert\",\"person\":{\"id\":\"bench-" + person + "\",\"name\":\"Person " + person
        + "\",\"email\":\"p" + person + "@example.com\",\"status\":\"WORKING\",\"age\":" + seq
        + ",\"department\":{\"id\":\"d1\",\"name\":\"D1\"},\"bio\":\"bench\"}}";
    return HttpRequest.newBuilder(uri).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(body)).build();
  }

  private static Process startRuntime(PortEmulator emulator, int httpPort, Path data) throws Exception {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    ProcessBuilder pb = new ProcessBuilder(java, "-Xmx512m", "-cp", System.getProperty("java.class.path"),
        LiveEventsApp.class.getName());
    pb.environment().putAll(Map.of(
        "OCEAN__PORT__CLIENT_ID", EmulatorSettings.DEFAULT_CLIENT_ID,
        "OCEAN__PORT__CLIENT_SECRET", EmulatorSettings.DEFAULT_CLIENT_SECRET,
        "OCEAN__PORT__BASE_URL", emulator.baseUrl(),
        "OCEAN__INTEGRATION__IDENTIFIER", "bench",
        "OCEAN__HTTP__HOST", "127.0.0.1",
        "OCEAN__HTTP__PORT", Integer.toString(httpPort),
        "OCEAN__DATA_DIR", data.toString(),
        "OCEAN__LIVE_EVENTS__WORKERS", "64",
        "OCEAN__LOG_LEVEL", "WARN"));
    pb.redirectErrorStream(true);
    Process p = pb.start();
    BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
    for (String line; (line = r.readLine()) != null; ) {
      if (line.contains("oceanj live events listening on")) {
        Thread drain = new Thread(() -> r.lines().forEach(l -> { }), "runtime-output");
        drain.setDaemon(true);
        drain.start();
        return p;
      }
    }
    throw new IllegalStateException("the runtime exited before it was ready");
  }
}
