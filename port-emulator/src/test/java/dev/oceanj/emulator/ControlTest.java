package dev.oceanj.emulator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class ControlTest {

  @Test
  void countersDumpAndReset() {
    try (PortEmulator port = PortEmulator.start()) {
      Api api = new Api(port).login();
      Fixtures.catalog(api);
      api.post("/v1/blueprints/service/entities/bulk?upsert=true",
          Fixtures.bulk(Fixtures.service("a", "go"), Fixtures.service("b", "go"), Fixtures.service("c", "cobol")));
      api.get("/v1/nowhere");
      var c = api.send("GET", "/_emulator/counters", null, false).body();
      assertEquals(1, c.at("/requestsByRoute/POST ~1v1~1blueprints~1{bp}~1entities~1bulk").asLong());
      assertEquals(2, c.get("entitiesWritten").asLong());
      assertEquals(1, c.get("entityErrors").asLong());
      assertEquals(1, c.at("/requestsByRoute/GET <unknown>").asLong());
      assertEquals(3, port.counters().requests("POST /v1/blueprints"));

      var dump = api.send("GET", "/_emulator/entities?blueprint=service", null, false).body();
      assertEquals(2, dump.get("count").asInt());
      assertEquals(Api.UA, dump.at("/entities/0/$datasource").asText());

      assertEquals(200, api.send("POST", "/_emulator/reset", null, false).status());
      assertEquals(0, port.entities("service").size());
      assertTrue(port.blueprint("service").isEmpty());
      assertEquals(0, port.counters().entitiesWritten());
    }
  }
}
