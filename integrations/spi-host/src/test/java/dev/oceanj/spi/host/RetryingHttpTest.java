package dev.oceanj.spi.host;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.oceanj.spi.http.HttpOptions;
import dev.oceanj.spi.http.HttpStatusException;
import dev.oceanj.spi.http.ThirdPartyHttp;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class RetryingHttpTest {

  private static final HttpOptions FAST = HttpOptions.defaults()
      .withRetries(4, Duration.ofMillis(5), Duration.ofSeconds(2));

  private HttpServer server;
  private final HttpClient client = HttpClient.newHttpClient();
  private final java.util.concurrent.ExecutorService readers = Executors.newCachedThreadPool();

  @BeforeEach
  void start() throws IOException {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.setExecutor(Executors.newCachedThreadPool());
    server.start();
  }

  @AfterEach
  void stop() {
    server.stop(0);
    readers.shutdownNow();
  }

  private URI uri(String path) {
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + path);
  }

  private ThirdPartyHttp http(HttpOptions options) {
    return new RetryingHttp(client, options, readers, Clock.systemUTC());
  }

  private static void answer(HttpExchange exchange, int status, String body, Map<String, String> headers)
      throws IOException {
    headers.forEach((k, v) -> exchange.getResponseHeaders().add(k, v));
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    exchange.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
    if (bytes.length > 0) {
      exchange.getResponseBody().write(bytes);
    }
    exchange.close();
  }

  @Test
  void retriesRateLimitsAndBurstsOf5xxHonouringRetryAfter() throws Exception {
    AtomicInteger calls = new AtomicInteger();
    List<Long> arrivals = new ArrayList<>();
    server.createContext("/items", exchange -> {
      synchronized (arrivals) {
        arrivals.add(System.nanoTime());
      }
      int n = calls.incrementAndGet();
      if (n == 1) {
        answer(exchange, 429, "", Map.of("Retry-After", "1"));
      } else if (n <= 3) {
        answer(exchange, n == 2 ? 503 : 502, "busy", Map.of());
      } else {
        answer(exchange, 200, "{\"ok\": true}", Map.of());
      }
    });
    var body = http(FAST).json(HttpRequest.newBuilder(uri("/items")).build()).toCompletableFuture()
        .get(10, TimeUnit.SECONDS);
    assertEquals(true, body.get("ok").asBoolean());
    assertEquals(4, calls.get());
    long waitedMs = (arrivals.get(1) - arrivals.get(0)) / 1_000_000;
    assertTrue(waitedMs >= 900, "Retry-After: 1 was honoured, waited " + waitedMs + " ms");
  }

  @Test
  void aPostIsNotRetriedAndAFinal500IsAStatusError() throws Exception {
    AtomicInteger calls = new AtomicInteger();
    server.createContext("/post", exchange -> {
      calls.incrementAndGet();
      answer(exchange, 503, "", Map.of());
    });
    server.createContext("/fail", exchange -> answer(exchange, 500, "", Map.of()));
    var post = HttpRequest.newBuilder(uri("/post?token=secret")).POST(HttpRequest.BodyPublishers.noBody()).build();
    var e = assertThrows(ExecutionException.class, () -> http(FAST).json(post).toCompletableFuture().get(10, TimeUnit.SECONDS));
    var status = assertInstanceOf(HttpStatusException.class, e.getCause());
    assertEquals(503, status.status());
    assertEquals(1, calls.get());
    assertTrue(!status.getMessage().contains("secret"), status.getMessage());
    var fail = assertThrows(ExecutionException.class, () -> http(FAST).json(HttpRequest.newBuilder(uri("/fail")).build())
        .toCompletableFuture().get(10, TimeUnit.SECONDS));
    assertEquals(500, ((HttpStatusException) fail.getCause()).status());
  }

  @Test
  void connectionErrorsAreRetriedThenReported() throws Exception {
    int closedPort;
    try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      closedPort = s.getLocalPort();
    }
    var request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + closedPort + "/x")).build();
    long start = System.nanoTime();
    var e = assertThrows(ExecutionException.class, () -> http(FAST).json(request).toCompletableFuture()
        .get(20, TimeUnit.SECONDS));
    assertInstanceOf(IOException.class, e.getCause());
    // four backoffs of 5, 10, 20, 40 ms (±10 %) ran before giving up
    assertTrue((System.nanoTime() - start) / 1_000_000 >= 60);
  }

  @Test
  void concurrencyIsBoundedPerHelper() throws Exception {
    AtomicInteger inFlight = new AtomicInteger();
    AtomicInteger peak = new AtomicInteger();
    CompletableFuture<Void> release = new CompletableFuture<>();
    AtomicInteger arrived = new AtomicInteger();
    server.createContext("/slow", exchange -> {
      peak.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
      arrived.incrementAndGet();
      release.join();
      inFlight.decrementAndGet();
      answer(exchange, 200, "[]", Map.of());
    });
    var http = http(FAST.withMaxConcurrency(2));
    List<CompletableFuture<?>> all = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      all.add(http.json(HttpRequest.newBuilder(uri("/slow")).build()).toCompletableFuture());
    }
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (arrived.get() < 2 && System.nanoTime() < deadline) {
      Thread.onSpinWait();
    }
    assertEquals(2, arrived.get());
    release.complete(null);
    CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).get(10, TimeUnit.SECONDS);
    assertEquals(6, arrived.get());
    assertEquals(2, peak.get());
  }

  @Test
  void timeoutsAreRetriedAndThenReported() throws Exception {
    CompletableFuture<Void> never = new CompletableFuture<>();
    AtomicInteger calls = new AtomicInteger();
    server.createContext("/hang", exchange -> {
      calls.incrementAndGet();
      try {
        never.get(5, TimeUnit.SECONDS);
      } catch (Exception e) {
        // the client gave up long ago
      }
      exchange.close();
    });
    var options = FAST.withRetries(1, Duration.ofMillis(1), Duration.ofMillis(10)).withTimeout(Duration.ofMillis(200));
    var e = assertThrows(ExecutionException.class, () -> http(options).json(HttpRequest.newBuilder(uri("/hang")).build())
        .toCompletableFuture().get(10, TimeUnit.SECONDS));
    assertInstanceOf(java.net.http.HttpTimeoutException.class, e.getCause());
    assertEquals(2, calls.get());
    never.complete(null);
  }

  @Test
  void rateLimitResetHeadersAreReadAsSecondsEpochsOrDates() {
    Instant now = Instant.parse("2026-12-06T20:00:00Z");
    var http = new RetryingHttp(client, HttpOptions.defaults(), readers, Clock.fixed(now, ZoneOffset.UTC));
    assertEquals(Duration.ofSeconds(7), http.delay(headers("x-ratelimit-reset", "7"), 0));
    assertEquals(Duration.ofSeconds(30), http.delay(headers("x-ratelimit-reset", String.valueOf(now.getEpochSecond() + 30)), 0));
    String date = DateTimeFormatter.RFC_1123_DATE_TIME.format(ZonedDateTime.ofInstant(now.plusSeconds(12), ZoneOffset.UTC));
    assertEquals(Duration.ofSeconds(12), http.delay(headers("Retry-After", date), 0));
    assertEquals(Duration.ofSeconds(5), http.delay(headers("ratelimit-reset", "2026-12-06T20:00:05Z"), 0));
    assertEquals(Duration.ofSeconds(60), http.delay(headers("Retry-After", "3600"), 0));
    long backoff = http.delay(headers("x-other", "1"), 2).toMillis();
    assertTrue(backoff >= 360 && backoff <= 440, "100 ms × 2² ± 10 %, was " + backoff);
  }

  private static HttpHeaders headers(String name, String value) {
    return HttpHeaders.of(Map.of(name, List.of(value)), (a, b) -> true);
  }
}
