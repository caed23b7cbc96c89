package dev.oceanj.emulator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.oceanj.emulator.RateLimits.Budget;
import dev.oceanj.emulator.RateLimits.RouteFamily;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class RateLimitTest {

  static final String BULK = "/v1/blueprints/service/entities/bulk?upsert=true";

  @Test
  void offByDefaultWithoutHeaders() {
    try (PortEmulator port = PortEmulator.start()) {
      Api api = new Api(port).login();
      Fixtures.catalog(api);
      var r = api.post(BULK, Fixtures.bulk(Fixtures.service("a", "go")));
      assertEquals(200, r.status());
      assertNull(r.header("x-ratelimit-limit"));
    }
  }

  @Test
  void exhaustedBudgetAnswers429WithPortsHeaders() {
    RateLimits limits = RateLimits.port().with(RouteFamily.BULK_UPSERT, new Budget(3, Duration.ofMinutes(5), 2));
    try (PortEmulator port = PortEmulator.start(EmulatorSettings.defaults().withRateLimits(limits))) {
      Api api = new Api(port).login();
      Fixtures.catalog(api);
      var first = api.post(BULK, Fixtures.bulk(Fixtures.service("a", "go")));
      assertEquals(200, first.status());
      assertEquals("3", first.header("x-ratelimit-limit"));
      assertEquals("300", first.header("x-ratelimit-period"));
      assertEquals("1", first.header("x-ratelimit-remaining"));
      long reset = Long.parseLong(first.header("x-ratelimit-reset"));
      assertTrue(reset > System.currentTimeMillis() / 1000 - 1, "reset is an epoch second in the future");
      assertEquals(200, api.post(BULK, Fixtures.bulk(Fixtures.service("b", "go"))).status());
      var limited = api.post(BULK, Fixtures.bulk(Fixtures.service("c", "go")));
      assertEquals(429, limited.status());
      assertEquals("too_many_requests", limited.body().get("error").asText());
      assertEquals("0", limited.header("x-ratelimit-remaining"));
      long retryAfter = Long.parseLong(limited.header("Retry-After"));
      assertTrue(retryAfter >= 1 && retryAfter <= 100, "one request refills in 100 s at 3/300 s: " + retryAfter);
      assertTrue(port.entity("service", "c").isEmpty(), "a limited request writes nothing");
      assertEquals(1, port.counters().tooManyRequestsSent());
      assertEquals(200, api.get("/v1/organization").status(), "other route families keep their own budget");
      assertEquals("15000", api.get("/v1/organization").header("x-ratelimit-limit"));
    }
  }

  @Test
  void switchableThroughTheControlEndpoint() {
    try (PortEmulator port = PortEmulator.start()) {
      Api api = new Api(port).login();
      var r = api.send("POST", "/_emulator/rate-limits",
          Api.parse("{'enabled':true,'budgets':{'OTHER':{'limit':1,'periodSeconds':300,'burst':1}}}"), false);
      assertEquals(200, r.status(), r.toString());
      assertTrue(port.rateLimits().enabled());
      assertEquals(200, api.get("/v1/organization").status());
      assertEquals(429, api.get("/v1/organization").status());
      var bad = api.send("POST", "/_emulator/rate-limits", Api.parse("{'budgets':{'NOPE':{'limit':1,'burst':1}}}"), false);
      assertEquals(422, bad.status());
      port.rateLimits(RateLimits.off());
      assertEquals(200, api.get("/v1/organization").status());
    }
  }

  @Test
  void steadyRefillLetsRequestsThroughAgain() throws Exception {
    RateLimits limits = RateLimits.port().with(RouteFamily.OTHER, new Budget(600, Duration.ofMinutes(1), 1));
    try (PortEmulator port = PortEmulator.start(EmulatorSettings.defaults().withRateLimits(limits))) {
      Api api = new Api(port).login();
      assertEquals(200, api.get("/v1/organization").status());
      assertEquals(429, api.get("/v1/organization").status());
      long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
      int status = 429;
      while (status == 429 && System.nanoTime() < deadline) {
        Thread.sleep(20);
        status = api.get("/v1/organization").status();
      }
      assertEquals(200, status, "10 requests/s refill one token within 100 ms");
    }
  }
}
