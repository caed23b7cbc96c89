package dev.oceanj.emulator;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class SmokeTest {
  @Test
  void startsAndAnswersTheOrganization() {
    try (PortEmulator port = PortEmulator.start()) {
      Api api = new Api(port).login();
      var r = api.get("/v1/organization");
      assertEquals(200, r.status(), r.toString());
      assertEquals("org_emulator", r.body().at("/organization/id").asText());
    }
  }
}
