package dev.oceanj.emulator;

import com.fasterxml.jackson.databind.JsonNode;
import dev.oceanj.emulator.store.MemoryStore;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Cost of a bulk upsert request without HTTP (parse the body, validate, store, write the answer), single thread, for
 * the resync benchmark's people: the fake integration's fake-person blueprint and mapping, a 1 KiB bio each, 20 to a
 * request, merge and create_missing_related_entities on. Prints percentiles of the CPU per request over each round
 * of {@code entities} (then the store is emptied): on a shared, loaded machine the low percentiles move far less than
 * a mean. Not a test:
 *
 * <pre>java -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -cp … dev.oceanj.emulator.WriteBench [entities=20000] [rounds=6]</pre>
 */
public final class WriteBench {

  private static final String DEPARTMENT = """
      {"identifier":"fake-department","schema":{"properties":{"name":{"type":"string"},"id":{"type":"string"}}}}""";
  private static final String PERSON = """
      {"identifier":"fake-person","schema":{"properties":{"name":{"type":"string"},
        "status":{"type":"string","enum":["WORKING","NOPE"]},"email":{"type":"string","format":"email"},
        "age":{"type":"number"},"department":{"type":"string"},"bio":{"type":"string"}}},
       "relations":{"department":{"target":"fake-department","many":false,"required":false}}}""";
  private static final String[] DEPARTMENTS = {"hr", "marketing", "finance", "support", "morpazia"};

  private WriteBench() {}

  public static void main(String[] args) throws Exception {
    int entities = args.length > 0 ? Integer.parseInt(args[0]) : 20_000;
    int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 6;
    String bio = "lorem ipsum dolor sit amet consectetur adipiscing elit sed do eiusmod tempor incididunt ut labore "
        .repeat(11).substring(0, 1023) + ".";
    var settings = EmulatorSettings.defaults();
    var opt = new PortApi.WriteOptions(true, true, true, false);
    var mx = ManagementFactory.getThreadMXBean();
    int requests = entities / 20;
    for (int round = 0; round < rounds; round++) {
      PortApi api = new PortApi(new MemoryStore(), settings.clock(), new Counters(), settings);
      api.createBlueprint(Json.parseBody(DEPARTMENT.getBytes(StandardCharsets.UTF_8)), "bench");
      api.createBlueprint(Json.parseBody(PERSON.getBytes(StandardCharsets.UTF_8)), "bench");
      long[] cpu = new long[requests];
      for (int r = 0; r < requests; r++) {
        byte[] body = body(r, bio);
        long t0 = mx.getCurrentThreadCpuTime();
        JsonNode tree = Json.parseEntityBody(body);
        Json.entityBytes(api.upsertBulk("fake-person", tree, opt, "port-ocean/fake/0.1.0/bench/exporter", "bench"));
        cpu[r] = mx.getCurrentThreadCpuTime() - t0;
      }
      Arrays.sort(cpu);
      System.out.printf("round %d: CPU per entity p10 %.2f us, median %.2f us, p90 %.2f us%n", round,
          cpu[requests / 10] / 20e3, cpu[requests / 2] / 20e3, cpu[requests * 9 / 10] / 20e3);
    }
  }

  /** A bulk body as the runtime sends it for fake-person (see the fake integration's mapping). */
  private static byte[] body(int request, String bio) {
    StringBuilder sb = new StringBuilder("{\"entities\":[");
    for (int i = 0; i < 20; i++) {
      long n = request * 20L + i;
      String d = DEPARTMENTS[(int) (n % DEPARTMENTS.length)];
      if (i > 0) {
        sb.append(',');
      }
      sb.append("{\"identifier\":\"").append(d).append('-').append(n).append("\",\"title\":\"Ada Abrams\",")
          .append("\"properties\":{\"name\":\"Ada Abrams\",\"email\":\"ada.abrams.").append(d).append('-').append(n)
          .append("@example.com\",\"status\":\"WORKING\",\"age\":").append(20 + n % 81).append(",\"department\":\"")
          .append(d).append("\",\"bio\":\"").append(bio).append("\"},\"relations\":{\"department\":\"").append(d)
          .append("\"}}");
    }
    return sb.append("]}").toString().getBytes(StandardCharsets.UTF_8);
  }
}
