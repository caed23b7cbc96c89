package dev.oceanj.emulator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class RequestLogTest {

  @Test
  void recordsAnsweredV1RequestsOnlyWhileEnabled() {
    try (PortEmulator port = PortEmulator.start()) {
      Api api = new Api(port).login();
      Fixtures.catalog(api);
      assertTrue(port.requestLog().since(0).isEmpty(), "off by default");

      assertEquals(200, api.send("POST", "/_emulator/request-log", Api.obj("enabled", true, "bodies", true), false).status());
      api.post("/v1/blueprints/service/entities/bulk?upsert=true", Fixtures.bulk(Fixtures.service("a", "go")));
      api.delete("/v1/blueprints/service/entities/a");
      api.get("/_emulator/counters");

      JsonNode log = api.send("GET", "/_emulator/request-log", null, false).body();
      JsonNode requests = log.get("requests");
      assertEquals(2, requests.size(), "control calls are not recorded: " + log);
      assertEquals("POST", requests.get(0).get("method").asText());
      assertEquals("/v1/blueprints/{bp}/entities/bulk", requests.get(0).get("route").asText());
      assertTrue(requests.get(0).get("body").asText().contains("\"a\""), "the body is kept when asked");
      assertEquals(Api.UA, requests.get(0).get("userAgent").asText());
      assertEquals("DELETE", requests.get(1).get("method").asText());
      assertEquals("/v1/blueprints/service/entities/a", requests.get(1).get("path").asText());
      assertEquals(200, requests.get(1).get("status").asInt());

      long first = requests.get(0).get("seq").asLong();
      JsonNode later = api.send("GET", "/_emulator/request-log?since=" + first, null, false).body().get("requests");
      assertEquals(1, later.size());
      assertEquals("DELETE", later.get(0).get("method").asText());

      api.send("POST", "/_emulator/request-log", Api.obj("enabled", false), false);
      api.get("/v1/blueprints/service");
      assertEquals(2, port.requestLog().since(0).size(), "nothing is recorded once off");
      assertNull(port.requestLog().since(0).get(0).node(), "no X-Oceanj-Node header was sent");
    }
  }

  @Test
  void aSlowedMethodIsProcessedLate() {
    try (PortEmulator port = PortEmulator.start()) {
      Api api = new Api(port).login();
      Fixtures.catalog(api);
      api.post("/v1/blueprints/service/entities/bulk?upsert=true", Fixtures.bulk(Fixtures.service("a", "go")));
      assertEquals(200, api.send("POST", "/_emulator/method-latency", Api.obj("method", "DELETE", "ms", 400), false).status());
      long start = System.nanoTime();
      assertEquals(200, api.delete("/v1/blueprints/service/entities/a").status());
      assertTrue(Duration.ofNanos(System.nanoTime() - start).toMillis() >= 400, "the delete waited");
      assertTrue(port.entity("service", "a").isEmpty());
      assertEquals(Duration.ZERO, port.faults().methodLatency("GET"), "other methods are not slowed");
      port.reset();
      assertEquals(Duration.ZERO, port.faults().methodLatency("DELETE"), "a reset removes it");
    }
  }
}
