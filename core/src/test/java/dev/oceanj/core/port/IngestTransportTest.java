package dev.oceanj.core.port;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.oceanj.core.config.NetworkSettings;
import dev.oceanj.testsupport.http.RawServer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Telemetry's requests to absolute URLs over the Port client's HTTP/1.1 stack, against servers on loopback. */
class IngestTransportTest {

  private static final String UA = "port-ocean/fake/1.2.3/my-fake";
  private static final String AUTH = "Bearer ingest-token";

  private final IngestTransport transport = new IngestTransport(NetworkSettings.DEFAULTS, Duration.ofSeconds(5));
  private RawServer metrics;
  private RawServer logs;

  @AfterEach
  void close() throws IOException {
    transport.close();
    if (metrics != null) {
      metrics.close();
    }
    if (logs != null) {
      logs.close();
    }
  }

  /** Answers each request of a connection: 200 with its target, or 500 for a target under /broken. */
  private static RawServer.Handler echo() {
    return c -> {
      for (RawServer.Request r; (r = c.read()) != null; ) {
        if (r.target().startsWith("/broken")) {
          String body = "{\"error\":\"down\"}";
          c.write("HTTP/1.1 500 Internal Server Error\r\nContent-Length: " + body.length() + "\r\n\r\n" + body);
        } else {
          c.ok("{\"target\":\"" + r.target() + "\"}");
        }
      }
    };
  }

  private IngestTransport.Answer send(String method, String url, String body) throws Exception {
    return transport.send(method, url, UA, AUTH, body == null ? null : body.getBytes(StandardCharsets.UTF_8))
        .get(10, TimeUnit.SECONDS);
  }

  @Test
  void inClusterModeEachRequestCarriesTheNodeTag() throws Exception {
    metrics = new RawServer(echo());
    try (var tagged = new IngestTransport(NetworkSettings.DEFAULTS, Duration.ofSeconds(5), "node-2")) {
      assertEquals(200, tagged.send("POST", metrics.baseUrl() + "/v1/ingest/metrics/heartbeat", UA, AUTH,
          "{}".getBytes(StandardCharsets.UTF_8)).get(10, TimeUnit.SECONDS).status());
    }
    assertEquals("node-2", metrics.requests.get(0).header("X-Oceanj-Node"));
  }

  @Test
  void sendsToEachOriginWithPathQueryHeadersAndBodyReusingItsConnection() throws Exception {
    metrics = new RawServer(echo());
    logs = new RawServer(echo());
    IngestTransport.Answer a = send("POST", metrics.baseUrl() + "/v1/ingest/metrics/heartbeat", "{\"eventId\":\"e1\"}");
    assertEquals(200, a.status());
    assertTrue(a.ok());
    assertEquals("{\"target\":\"/v1/ingest/metrics/heartbeat\"}", a.body());
    assertEquals(200, send("PUT", metrics.baseUrl() + "/v1/ingest/metrics/syncMetrics/resync/r%201/kind/k?x=1",
        "{}").status());
    assertEquals(200, send("POST", logs.baseUrl() + "/v1/ingest/logs", "{\"logs\":[]}").status());

    assertEquals(1, metrics.accepted.get(), "one kept-alive connection per origin");
    assertEquals(1, logs.accepted.get());
    RawServer.Request first = metrics.requests.get(0);
    assertEquals("POST", first.method());
    assertEquals(AUTH, first.header("Authorization"));
    assertEquals(UA, first.header("User-Agent"));
    assertEquals(null, first.header("X-Oceanj-Node"), "no node tag outside cluster mode");
    assertEquals("application/json", first.header("Content-Type"));
    assertEquals("{\"eventId\":\"e1\"}", new String(first.body(), StandardCharsets.UTF_8));
    RawServer.Request second = metrics.requests.get(1);
    assertEquals("PUT", second.method());
    assertEquals("/v1/ingest/metrics/syncMetrics/resync/r%201/kind/k?x=1", second.target());
    assertEquals("POST /v1/ingest/logs", logs.requests.get(0).method() + " " + logs.requests.get(0).target());
  }

  @Test
  void anErrorStatusIsAnAnswerNotAFailure() throws Exception {
    metrics = new RawServer(echo());
    IngestTransport.Answer a = send("POST", metrics.baseUrl() + "/broken/heartbeat", "{}");
    assertEquals(500, a.status());
    assertFalse(a.ok());
    assertEquals("{\"error\":\"down\"}", a.body());
  }

  @Test
  void aBadUrlOrAClosedTransportFailsTheRequestNamingIt() throws Exception {
    ExecutionException bad = assertThrows(ExecutionException.class, () -> send("POST", "ftp://127.0.0.1/x", "{}"));
    assertInstanceOf(IllegalArgumentException.class, bad.getCause());
    assertTrue(bad.getCause().getMessage().contains("ftp://127.0.0.1/x"), bad.getCause().getMessage());

    metrics = new RawServer(echo());
    assertEquals(200, send("POST", metrics.baseUrl() + "/a", "{}").status());
    transport.close();
    ExecutionException closed = assertThrows(ExecutionException.class,
        () -> send("POST", metrics.baseUrl() + "/b", "{}"));
    assertInstanceOf(IOException.class, closed.getCause());
    assertEquals(1, metrics.requests.size(), "nothing sent after close");
  }
}
