package dev.oceanj.bench.live;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.IntUnaryOperator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The bench's sender against a real HTTP server on loopback (the JDK's): every event sent once with a correct
 * body, answers counted by status, failures by reason, reconnects after {@code Connection: close} and after a
 * dropped connection, chunked answers parsed, and latency counted from each event's due time.
 */
class FixedRateSenderTest {

  static final String TEMPLATE = "{\"person\":\"p-${0}\",\"seq\":${1},\"again\":\"p-${0}\"}";
  static final ObjectMapper JSON = new ObjectMapper();

  HttpServer server;
  final Map<Long, Integer> received = new ConcurrentHashMap<>();
  final Set<Integer> clientPorts = ConcurrentHashMap.newKeySet();
  final ConcurrentLinkedQueue<String> badRequests = new ConcurrentLinkedQueue<>();

  @AfterEach
  void stop() {
    if (server != null) {
      server.stop(0);
    }
  }

  /** Starts a server on a free port; {@code behaviour} maps an event's seq to how it answers. */
  URI serve(java.util.function.LongFunction<Answer> behaviour) throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.setExecutor(Executors.newFixedThreadPool(8));
    server.createContext("/integration/webhook", ex -> {
      clientPorts.add(ex.getRemoteAddress().getPort());
      byte[] body = ex.getRequestBody().readAllBytes();
      JsonNode event = JSON.readTree(body);
      long seq = event.path("seq").asLong();
      String declared = ex.getRequestHeaders().getFirst("Content-Length");
      if (!"POST".equals(ex.getRequestMethod()) || !"application/json".equals(
          ex.getRequestHeaders().getFirst("Content-Type")) || declared == null
          || Integer.parseInt(declared) != body.length
          || !event.path("person").asText().equals(event.path("again").asText())
          || !event.path("person").asText().equals("p-" + (seq % 7))) {
        badRequests.add(new String(body, StandardCharsets.UTF_8));
      }
      received.merge(seq, 1, Integer::sum);
      behaviour.apply(seq).answer(ex);
    });
    server.start();
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/integration/webhook");
  }

  interface Answer {
    void answer(HttpExchange ex) throws IOException;
  }

  static Answer status(int code, boolean chunked, boolean close) {
    return ex -> {
      if (close) {
        ex.getResponseHeaders().add("Connection", "close");
      }
      ex.getResponseHeaders().add("Content-Type", "application/json");
      byte[] b = ("{\"status\":" + code + "}").getBytes(StandardCharsets.UTF_8);
      ex.sendResponseHeaders(code, chunked ? 0 : b.length);
      try (OutputStream out = ex.getResponseBody()) {
        out.write(b);
      }
    };
  }

  static FixedRateSender.Slots slots(IntUnaryOperator seq) {
    return (event, slot) -> slot == 0 ? seq.applyAsInt(event) % 7 : seq.applyAsInt(event);
  }

  @Test
  void countsAnswersByStatusAndSendsEveryEventOnceOverReusedConnections() throws Exception {
    int events = 120;
    int connections = 4;
    // Every 5th event gets a 500, every 3rd a chunked answer, every 11th asks to close the connection.
    URI uri = serve(seq -> status(seq % 5 == 4 ? 500 : 202, seq % 3 == 0, seq % 11 == 0));
    List<Integer> ackedEvents = java.util.Collections.synchronizedList(new ArrayList<>());
    FixedRateSender.Result r;
    try (FixedRateSender sender = new FixedRateSender(uri, connections, "application/json", TEMPLATE, 202)) {
      r = sender.run(events, 300, slots(i -> i), (event, due, latency) -> ackedEvents.add(event));
    }
    assertEquals(List.of(), List.copyOf(badRequests), "bodies, Content-Length and Content-Type as sent");
    assertEquals(events, received.size(), "every event reached the server");
    assertTrue(received.values().stream().allMatch(n -> n == 1), "no event sent twice: " + received);
    assertEquals(events, r.events());
    assertEquals(events, r.sent());
    assertEquals(96, r.acknowledged());
    assertEquals(Map.of("HTTP 500", 24L), r.failures());
    assertEquals(24, r.failed());
    for (int i = 0; i < events; i++) {
      assertEquals(i % 5 != 4, r.latencyNanos()[i] >= 0, "latency recorded for acknowledged event " + i + " only");
    }
    assertEquals(96, r.ackLatenciesSorted().length);
    assertEquals(96, ackedEvents.size());
    assertTrue(ackedEvents.stream().allMatch(i -> i % 5 != 4));
    // 11 answers closed their connection; every one but at most one per thread is followed by a new connection.
    long closes = java.util.stream.IntStream.range(0, events).filter(i -> i % 11 == 0).count();
    assertTrue(clientPorts.size() >= closes - connections + 1, "reconnected after Connection: close: "
        + clientPorts.size() + " connections for " + closes + " closes");
    assertTrue(r.windowNanos() > 0);
  }

  @Test
  void countsLatencyFromTheDueTimeSoAStalledServerShowsItsQueue() throws Exception {
    // One connection, an event due every 10 ms; the server holds event 2 for 300 ms. Event 3 was due 10 ms after
    // event 2 but can only be sent once event 2 is answered: counted from its due time it waited at least 290 ms
    // (counted from its send it would be about 1 ms).
    URI uri = serve(seq -> seq == 2 ? ex -> {
      try {
        Thread.sleep(300);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      status(202, false, false).answer(ex);
    } : status(202, false, false));
    FixedRateSender.Result r;
    try (FixedRateSender sender = new FixedRateSender(uri, 1, "application/json", TEMPLATE, 202)) {
      r = sender.run(6, 100, slots(i -> i), (event, due, latency) -> { });
    }
    assertEquals(6, r.acknowledged());
    long[] l = r.latencyNanos();
    assertTrue(l[2] >= 300_000_000L, "event 2 held 300 ms: " + l[2]);
    assertTrue(l[3] >= 290_000_000L, "event 3 queued behind event 2: " + l[3]);
    assertTrue(l[4] >= 280_000_000L, "event 4 queued behind event 2: " + l[4]);
    assertTrue(r.windowNanos() >= 300_000_000L);
  }

  @Test
  void aDroppedConnectionFailsThatEventAndTheNextOneReconnects() throws Exception {
    // The JDK server closes the connection without an answer when the handler throws.
    URI uri = serve(seq -> seq == 3 ? ex -> {
      throw new IOException("dropping event 3");
    } : status(202, false, false));
    FixedRateSender.Result r;
    try (FixedRateSender sender = new FixedRateSender(uri, 1, "application/json", TEMPLATE, 202)) {
      r = sender.run(8, 200, slots(i -> i), (event, due, latency) -> { });
    }
    assertEquals(8, r.sent());
    assertEquals(7, r.acknowledged());
    assertEquals(1, r.failed());
    String reason = r.failures().keySet().iterator().next();
    assertTrue(reason.startsWith("I/O "), reason);
    assertEquals(-1, r.latencyNanos()[3]);
    assertEquals(2, clientPorts.size(), "one connection before the drop, one after");
  }

  @Test
  void eventsThatCannotConnectFailWithTheReasonAndAreNotSent() throws Exception {
    int port;
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = s.getLocalPort();
    }
    FixedRateSender.Result r;
    try (FixedRateSender sender = new FixedRateSender(URI.create("http://127.0.0.1:" + port + "/x"), 2,
        "application/json", TEMPLATE, 202, 2_000)) {
      r = sender.run(10, 500, slots(i -> i), (event, due, latency) -> { });
    }
    assertEquals(0, r.sent());
    assertEquals(0, r.acknowledged());
    assertEquals(10, r.failed());
    assertEquals(1, r.failures().size());
    assertTrue(r.failures().keySet().iterator().next().startsWith("I/O ConnectException"), r.failures().toString());
  }

  @Test
  void splicesNegativeAndLargeNumbers() throws Exception {
    AtomicLong sawSeq = new AtomicLong();
    URI uri = serve(seq -> {
      sawSeq.set(seq);
      return status(202, false, false);
    });
    try (FixedRateSender sender = new FixedRateSender(uri, 1, "application/json", TEMPLATE, 202)) {
      // The server checks that the person slot is seq % 7 (Java's remainder, negative here).
      FixedRateSender.Result r = sender.run(1, 10, (event, slot) -> slot == 0 ? -1234567890123L % 7
          : -1234567890123L, (event, due, latency) -> { });
      assertEquals(1, r.acknowledged());
    }
    assertEquals(-1234567890123L, sawSeq.get());
    assertEquals(List.of(), List.copyOf(badRequests));
    byte[] out = new byte[20];
    int end = FixedRateSender.writeDecimal(Long.MIN_VALUE, out, 0);
    assertArrayEquals(Long.toString(Long.MIN_VALUE).getBytes(StandardCharsets.US_ASCII),
        java.util.Arrays.copyOf(out, end));
  }
}
