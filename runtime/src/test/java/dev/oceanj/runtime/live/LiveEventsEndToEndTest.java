package dev.oceanj.runtime.live;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.oceanj.core.config.IntegrationSpec;
import dev.oceanj.core.config.OceanSettings;
import dev.oceanj.core.config.SettingsLoader;
import dev.oceanj.emulator.PortEmulator;
import dev.oceanj.runtime.OceanRuntime;
import dev.oceanj.spi.host.IntegrationResources;
import dev.oceanj.testsupport.Await;
import dev.oceanj.testsupport.TestPort;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The whole runtime (guardian, routes, path prefix) with live events, against the emulator as "real" Port. */
class LiveEventsEndToEndTest {

  static final HttpClient http = HttpClient.newHttpClient();
  static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path dataDir;

  @Test
  void theRuntimeServesWebhooksUnderThePathPrefixAndShowsThemInStatusAndMetrics() throws Exception {
    try (PortEmulator port = TestPort.start("id", "s")) {
      Map<String, String> env = Map.of(
          "OCEAN__PORT__CLIENT_ID", "id", "OCEAN__PORT__CLIENT_SECRET", "s", "OCEAN__PORT__BASE_URL", port.baseUrl(),
          "OCEAN__EVENT_LISTENER__TYPE", "WEBHOOK", "OCEAN__HTTP__PORT", "0", "OCEAN__DATA_DIR", dataDir.toString(),
          "OCEAN__PATH_PREFIX", "/ocean", "OCEAN__BASE_URL", "http://oceanj.example.com");
      IntegrationSpec spec = IntegrationSpec.fromClasspath(getClass().getClassLoader(),
          IntegrationResources.CLASSPATH_ROOT + "fake/.port").orElseThrow();
      OceanSettings settings = SettingsLoader.create().environment(env).systemProperties(new Properties()).spec(spec)
          .load();
      OceanRuntime runtime = OceanRuntime.start(settings, line -> { });
      try {
        String base = "http://127.0.0.1:" + runtime.httpPort().orElseThrow() + "/ocean";
        String body = "{\"action\":\"upsert\",\"person\":{\"id\":\"e2e-1\",\"name\":\"Grace\",\"email\":\"g@example.com\","
            + "\"status\":\"WORKING\",\"age\":85,\"department\":{\"id\":\"eng\",\"name\":\"Engineering\"},\"bio\":\"b\"}}";
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(base + "/integration/webhook"))
            .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
            HttpResponse.BodyHandlers.ofString());
        assertEquals(202, r.statusCode(), r.body());
        Await.until("the webhook's person to reach Port", Duration.ofSeconds(60),
            () -> port.entity("fake-person", "e2e-1").isPresent());
        assertEquals(85, port.entity("fake-person", "e2e-1").get().path("properties").path("age").asInt());
        JsonNode status = JSON.readTree(get(base + "/status"));
        assertTrue(status.path("liveEvents").path("durable").asBoolean(), status.toString());
        assertEquals(1, status.path("liveEvents").path("acknowledged").asInt());
        assertTrue(get(base + "/metrics").contains("oceanj_live_events_acknowledged_total 1.0"));
      } finally {
        runtime.close();
      }
    }
  }

  private static String get(String url) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create(url)).GET().build(), HttpResponse.BodyHandlers.ofString())
        .body();
  }
}
