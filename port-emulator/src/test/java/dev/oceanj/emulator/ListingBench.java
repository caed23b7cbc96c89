package dev.oceanj.emulator;

import dev.oceanj.emulator.store.StoredEntity;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Datasource listing bench (not a test): fills an in-process emulator's store directly with N entities (~300 B of
 * JSON each), then pages through {@code POST /v1/blueprints/entities/datasource-entities} over HTTP/1.1, 5,000 per
 * page. Prints wall time, the emulator's CPU, and the client's time to read the bytes (no JSON parsing).
 *
 * <pre>java -cp … dev.oceanj.emulator.ListingBench [entities=1000000] [rounds=2]</pre>
 */
public final class ListingBench {

  public static void main(String[] args) throws Exception {
    int total = args.length > 0 ? Integer.parseInt(args[0]) : 1_000_000;
    int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 2;
    try (PortEmulator port = PortEmulator.start()) {
      Api api = new Api(port).login();
      for (String bp : new String[] {Fixtures.TEAM, Fixtures.SERVICE, Fixtures.DEPLOYMENT}) {
        api.post("/v1/blueprints", Api.parse(bp));
      }
      long now = System.currentTimeMillis();
      List<StoredEntity> batch = new ArrayList<>();
      for (int n = 0; n < total; n++) {
        String id = "e" + n;
        String json = "{\"identifier\":\"" + id + "\",\"title\":\"Service " + n + "\",\"icon\":null,\"blueprint\":\"service\","
            + "\"team\":[],\"properties\":{\"language\":\"go\",\"replicas\":" + (n % 7) + ",\"url\":\"https://git.example.com/org/repo-"
            + n + "\"},\"relations\":{\"team\":null,\"deps\":[]},\"createdAt\":\"2026-01-01T00:00:00.000Z\","
            + "\"createdBy\":\"bench\",\"updatedAt\":\"2026-01-01T00:00:00.000Z\",\"updatedBy\":\"bench\"}";
        batch.add(new StoredEntity("service", id, Api.UA, now, now, List.of(), json.getBytes(StandardCharsets.UTF_8)));
        if (batch.size() == 10_000) {
          port.store().write(batch, List.of());
          batch.clear();
        }
      }
      port.store().write(batch, List.of());
      HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
      String url = port.baseUrl() + "/v1/blueprints/entities/datasource-entities";
      for (int round = 0; round < rounds; round++) {
        long cpu0 = EmulatorBench.serverCpuNanos(false);
        long t0 = System.nanoTime();
        long bytes = 0;
        int pages = 0;
        String cursor = null;
        do {
          String body = "{\"datasource_prefix\":\"port-ocean/\",\"limit\":5000"
              + (cursor == null ? "" : ",\"from\":\"" + cursor + "\"") + "}";
          HttpRequest req = HttpRequest.newBuilder(URI.create(url)).header("Authorization", "Bearer " + api.token)
              .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build();
          HttpResponse<byte[]> r = http.send(req, HttpResponse.BodyHandlers.ofByteArray());
          if (r.statusCode() != 200) {
            throw new IllegalStateException("listing failed: " + r.statusCode());
          }
          byte[] b = r.body();
          bytes += b.length;
          cursor = nextCursor(b);
          pages++;
        } while (cursor != null);
        double secs = (System.nanoTime() - t0) / 1e9;
        System.out.printf("round %d: %d entities in %d pages, %.1f MB, %.2f s wall, emulator CPU %.2f s%n", round, total,
            pages, bytes / 1e6, secs, (EmulatorBench.serverCpuNanos(false) - cpu0) / 1e9);
      }
    }
  }

  /** The page's {@code next} cursor, found at the end of the answer without parsing the whole page. */
  private static String nextCursor(byte[] page) {
    String tail = new String(page, Math.max(0, page.length - 200), Math.min(200, page.length), StandardCharsets.UTF_8);
    int i = tail.lastIndexOf("\"next\":");
    String v = tail.substring(i + 7, tail.length() - 1);
    return v.equals("null") ? null : v.substring(1, v.length() - 1);
  }
}
