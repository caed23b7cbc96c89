package dev.oceanj.emulator;

import com.fasterxml.jackson.databind.JsonNode;
import dev.oceanj.emulator.store.MemoryStore;

/** Cost of the entity-write logic alone (no HTTP), single thread: {@code java -cp … dev.oceanj.emulator.LogicBench}. */
public final class LogicBench {
  public static void main(String[] args) throws Exception {
    int batches = args.length > 0 ? Integer.parseInt(args[0]) : 20_000;
    var settings = EmulatorSettings.defaults();
    for (int round = 0; round < 3; round++) {
      PortApi api = new PortApi(new MemoryStore(), settings.clock(), new Counters(), settings);
      for (String bp : new String[] {Fixtures.TEAM, Fixtures.SERVICE, Fixtures.DEPLOYMENT}) {
        api.createBlueprint(Api.parse(bp), "bench");
      }
      var opt = new PortApi.WriteOptions(true, true, true, false);
      var mx = java.lang.management.ManagementFactory.getThreadMXBean();
      long t0 = mx.getCurrentThreadCpuTime();
      for (int b = 0; b < batches; b++) {
        StringBuilder sb = new StringBuilder("{\"entities\":[");
        for (int i = 0; i < 20; i++) {
          long n = b * 20L + i;
          if (i > 0) {
            sb.append(',');
          }
          sb.append("{\"identifier\":\"e").append(n).append("\",\"title\":\"Service ").append(n)
              .append("\",\"properties\":{\"language\":\"go\",\"replicas\":").append(n % 7)
              .append(",\"url\":\"https://git.example.com/org/repo-").append(n).append("\"}}");
        }
        sb.append("]}");
        JsonNode body = Json.parseEntityBody(sb.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8));
        Json.bytes(api.upsertBulk("service", body, opt, Api.UA, "bench"));
      }
      double us = (mx.getCurrentThreadCpuTime() - t0) / 1e3 / (batches * 20.0);
      System.out.printf("round %d: %.1f us CPU per entity (parse + validate + store + answer), %.0f entities/s/core%n", round, us, 1e6 / us);
      if (round == 2) {
        System.gc();
        Runtime rt = Runtime.getRuntime();
        long used = rt.totalMemory() - rt.freeMemory();
        System.out.printf("heap after GC with %d entities stored: %d MB (%.0f bytes per entity)%n", api.store().countAll(),
            used >> 20, (double) used / api.store().countAll());
        long l0 = System.nanoTime();
        String cursor = null;
        int pages = 0;
        do {
          var page = api.datasourceEntities(Api.obj("datasource_prefix", "port-ocean/", "limit", 5000,
              "before", "2100-01-01T00:00:00Z", "from", cursor));
          var node = Json.parseBody(page.toArray());
          cursor = node.get("next").isNull() ? null : node.get("next").asText();
          pages++;
        } while (cursor != null);
        System.out.printf("datasource listing of all: %d pages in %.2f s wall%n", pages, (System.nanoTime() - l0) / 1e9);
      }
    }
  }
}
