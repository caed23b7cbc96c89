package dev.oceanj.emulator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class FaultTest {

  @RegisterExtension
  static final EmulatorExtension emulator = new EmulatorExtension().withCatalog();
  final PortEmulator port = emulator.port();
  final Api api = emulator.api();

  static final String UPSERT = "/v1/blueprints/service/entities?upsert=true";

  @Test
  void serverErrorsAreAnsweredBeforeAnyWrite() {
    port.faults().set(Faults.none().withServerErrorRate(1.0));
    var r = api.post(UPSERT, Fixtures.service("x", "go"));
    assertEquals(503, r.status());
    assertEquals(false, r.body().get("ok").asBoolean());
    assertTrue(port.entity("service", "x").isEmpty());
    port.faults().set(Faults.none().withServerErrorRate(1.0).withServerErrorStatus(502));
    assertEquals(502, api.get("/v1/organization").status());
    assertEquals(2, port.counters().serverErrorsInjected());
    port.faults().set(Faults.none());
    assertEquals(201, api.post(UPSERT, Fixtures.service("x", "go")).status());
  }

  @Test
  void partialServerErrorRateHitsSomeRequests() {
    port.faults().set(Faults.none().withServerErrorRate(0.5));
    int errors = 0;
    for (int i = 0; i < 200; i++) {
      if (api.get("/v1/organization").status() == 503) {
        errors++;
      }
    }
    // Binomial(200, 0.5): outside [50, 150] has probability < 1e-12.
    assertTrue(errors > 50 && errors < 150, "errors: " + errors);
  }

  @Test
  void tooManyRequestsBurstThenRecovery() {
    port.faults().set(Faults.none().withTooManyRequestsBurst(2));
    var first = api.get("/v1/organization");
    assertEquals(429, first.status());
    assertEquals("1", first.header("Retry-After"));
    assertEquals(429, api.get("/v1/organization").status());
    assertEquals(200, api.get("/v1/organization").status());
    assertEquals(2, port.counters().tooManyRequestsSent());
  }

  @Test
  void addedLatencyDelaysAnswers() {
    port.faults().set(Faults.none().withLatency(Duration.ofMillis(300)));
    long t0 = System.nanoTime();
    assertEquals(200, api.get("/v1/organization").status());
    long ms = (System.nanoTime() - t0) / 1_000_000;
    assertTrue(ms >= 300, "answered after " + ms + " ms");
  }

  @Test
  void droppedConnectionHappensAfterTheWrite() {
    port.faults().set(Faults.none().withDropConnectionRate(1.0));
    var e = assertThrows(UncheckedIOException.class, () -> api.post(UPSERT, Fixtures.service("dropped", "go")));
    assertTrue(e.getCause() instanceof IOException);
    assertTrue(port.entity("service", "dropped").isPresent(), "processed, then the connection was cut");
    assertEquals(1, port.counters().connectionsDropped());
    port.faults().set(Faults.none());
    assertEquals(200, api.post(UPSERT, Fixtures.service("dropped", "go")).status(), "a retry is an idempotent upsert");
  }

  @Test
  void dripSendsTheBodySlowlyButWhole() throws Exception {
    port.faults().set(Faults.none().withDrip(8, Duration.ofMillis(40)));
    HttpRequest req = HttpRequest.newBuilder(URI.create(api.base + "/v1/organization"))
        .header("Authorization", "Bearer " + api.token).GET().build();
    long t0 = System.nanoTime();
    HttpResponse<InputStream> r = api.http.send(req, HttpResponse.BodyHandlers.ofInputStream());
    byte[] body;
    int reads = 0;
    try (InputStream in = r.body()) {
      var out = new java.io.ByteArrayOutputStream();
      byte[] buf = new byte[4096];
      int n;
      while ((n = in.read(buf)) > 0) {
        out.write(buf, 0, n);
        reads++;
      }
      body = out.toByteArray();
    }
    long ms = (System.nanoTime() - t0) / 1_000_000;
    var json = Api.JSON.readTree(body);
    assertEquals("org_emulator", json.at("/organization/id").asText());
    int chunks = (body.length + 7) / 8;
    assertTrue(ms >= (chunks - 1) * 40L * 8 / 10, "body of " + body.length + " bytes took " + ms + " ms");
    assertTrue(reads > 1, "arrived in pieces: " + reads);
  }

  @Test
  void faultsAreSettableOverHttpAndSpareTheControlEndpoints() {
    var set = api.send("POST", "/_emulator/faults", Api.parse("{'serverErrorRate':1.0,'latencyMillis':0}"), false);
    assertEquals(200, set.status(), set.toString());
    assertEquals(1.0, port.faults().current().serverErrorRate());
    assertEquals(503, api.get("/v1/organization").status());
    assertEquals(200, api.send("GET", "/_emulator/counters", null, false).status());
    var bad = api.send("POST", "/_emulator/faults", Api.parse("{'serverErrorRate':2}"), false);
    assertEquals(422, bad.status());
    api.send("POST", "/_emulator/faults", Api.parse("{}"), false);
    assertEquals(200, api.get("/v1/organization").status());
  }
}
