package dev.oceanj.emulator;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Throughput bench (not a test): bulk upserts of 20 entities from many concurrent clients against an in-process
 * emulator. Prints entities/s and the emulator's counters.
 *
 * <pre>java -cp … dev.oceanj.emulator.EmulatorBench [entities=200000] [concurrency=32] [h2-dir]</pre>
 */
public final class EmulatorBench {

  public static void main(String[] args) throws Exception {
    int total = args.length > 0 ? Integer.parseInt(args[0]) : 200_000;
    int concurrency = args.length > 1 ? Integer.parseInt(args[1]) : 32;
    EmulatorSettings s = EmulatorSettings.defaults();
    if (args.length > 2) {
      s = s.withDataDir(java.nio.file.Path.of(args[2]));
    }
    try (PortEmulator port = PortEmulator.start(s)) {
      Api api = new Api(port).login();
      catalog(api);
      HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
      String url = port.baseUrl() + "/v1/blueprints/service/entities/bulk?upsert=true&merge=true";
      int batches = total / 20;
      AtomicLong next = new AtomicLong();
      AtomicLong failures = new AtomicLong();
      // Warm-up: a tenth of the work, not measured.
      run(http, url, api.token, Math.max(1, batches / 10), concurrency, new AtomicLong(), failures, "warm");
      port.reset();
      catalog(api);
      long cpu0 = serverCpuNanos();
      long t0 = System.nanoTime();
      run(http, url, api.token, batches, concurrency, next, failures, "e");
      double secs = (System.nanoTime() - t0) / 1e9;
      double cpuMicrosPerEntity = (serverCpuNanos() - cpu0) / 1e3 / (batches * 20.0);
      System.out.printf("entities=%d concurrency=%d seconds=%.2f entities/s=%.0f requests/s=%.0f failures=%d stored=%d%n",
          batches * 20L, concurrency, secs, batches * 20 / secs, batches / secs, failures.get(), port.store().countAll());
      System.out.printf("emulator CPU per entity: %.1f us (=> %.0f entities/s per fully available core)%n",
          cpuMicrosPerEntity, 1e6 / cpuMicrosPerEntity);
      long t1 = System.nanoTime();
      int pages = 0;
      String cursor = null;
      long listed = 0;
      do {
        var body = Api.obj("datasource_prefix", "port-ocean/", "limit", 5000);
        if (cursor != null) {
          body.put("from", cursor);
        }
        var r = api.post("/v1/blueprints/entities/datasource-entities", body);
        listed += r.body().get("entities").size();
        cursor = r.body().get("next").isNull() ? null : r.body().get("next").asText();
        pages++;
      } while (cursor != null);
      System.out.printf("datasource listing: %d entities in %d pages, %.2f s%n", listed, pages, (System.nanoTime() - t1) / 1e9);
      System.out.println(port.counters());
    }
  }

  /** CPU time of the emulator's own threads (its ActorSystem's dispatchers), excluding the bench's clients. */
  private static long serverCpuNanos() {
    var mx = java.lang.management.ManagementFactory.getThreadMXBean();
    long sum = 0;
    for (var info : mx.getThreadInfo(mx.getAllThreadIds())) {
      if (info != null && info.getThreadName().startsWith("port-emulator")) {
        sum += Math.max(0, mx.getThreadCpuTime(info.getThreadId()));
      }
    }
    return sum;
  }

  private static void catalog(Api api) {
    for (String bp : new String[] {Fixtures.TEAM, Fixtures.SERVICE, Fixtures.DEPLOYMENT}) {
      var r = api.post("/v1/blueprints", Api.parse(bp));
      if (r.status() != 200) {
        throw new IllegalStateException("blueprint creation failed: " + r);
      }
    }
  }

  private static void run(HttpClient http, String url, String token, int batches, int concurrency, AtomicLong next,
      AtomicLong failures, String prefix) throws InterruptedException {
    AtomicLong batch = new AtomicLong();
    List<Thread> threads = new ArrayList<>();
    for (int t = 0; t < concurrency; t++) {
      Thread th = new Thread(() -> {
        long b;
        while ((b = batch.getAndIncrement()) < batches) {
          StringBuilder sb = new StringBuilder("{\"entities\":[");
          for (int i = 0; i < 20; i++) {
            long n = b * 20 + i;
            if (i > 0) {
              sb.append(',');
            }
            sb.append("{\"identifier\":\"").append(prefix).append(n).append("\",\"title\":\"Service ").append(n)
                .append("\",\"properties\":{\"language\":\"go\",\"replicas\":").append(n % 7)
                .append(",\"url\":\"https://git.example.com/org/repo-").append(n).append("\"}}");
          }
          sb.append("]}");
          HttpRequest req = HttpRequest.newBuilder(URI.create(url)).header("Authorization", "Bearer " + token)
              .header("User-Agent", Api.UA).header("Content-Type", "application/json")
              .POST(HttpRequest.BodyPublishers.ofString(sb.toString())).build();
          try {
            HttpResponse<byte[]> r = http.send(req, HttpResponse.BodyHandlers.ofByteArray());
            if (r.statusCode() != 200) {
              failures.incrementAndGet();
            }
          } catch (Exception e) {
            failures.incrementAndGet();
          }
        }
      });
      th.start();
      threads.add(th);
    }
    for (Thread th : threads) {
      th.join();
    }
  }
}
