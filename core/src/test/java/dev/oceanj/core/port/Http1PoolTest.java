package dev.oceanj.core.port;

import dev.oceanj.testsupport.http.RawServer;
import static dev.oceanj.core.port.Fixtures.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.oceanj.core.port.PortTransport.Reply;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The Port client's HTTP/1.1 client against servers that answer byte for byte what each test needs. */
class Http1PoolTest {

  private static final String UA = "port-ocean/fake/1.2.3/my-fake";
  private static final String SECRET_TOKEN = "Bearer very-secret-token";

  private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();
  private final List<AutoCloseable> closeLater = new ArrayList<>();

  @AfterEach
  void closeAll() throws Exception {
    for (int i = closeLater.size() - 1; i >= 0; i--) {
      closeLater.get(i).close();
    }
    scheduler.shutdownNow();
  }

  private RawServer server(RawServer.Handler h) throws IOException {
    RawServer s = new RawServer(h);
    closeLater.add(s);
    return s;
  }

  private Http1Pool pool(URI base, Duration requestTimeout, int maxConnections, Duration idleLimit) {
    Http1Pool p = new Http1Pool(base, Duration.ofSeconds(2), requestTimeout, maxConnections, null, idleLimit, scheduler);
    closeLater.add(p);
    return p;
  }

  private Http1Pool pool(RawServer s) {
    return pool(s.baseUrl(), Duration.ofSeconds(5), 4, Http1Pool.IDLE_LIMIT);
  }

  private static Reply get(Http1Pool p, String target) throws IOException {
    return p.exchange("GET", target, UA, SECRET_TOKEN, null, true);
  }

  private static String text(Reply r) {
    return new String(r.body(), StandardCharsets.UTF_8);
  }

  /** Answers every request on a connection with {@code {"n":K}}, K counting the server's requests. */
  private static RawServer.Handler keepAlive(AtomicInteger counter) {
    return c -> {
      while (c.read() != null) {
        c.ok("{\"n\":" + counter.incrementAndGet() + "}");
      }
    };
  }

  @Test
  void smallRequestArrivesWholeInOneReadWithExactBytes() throws Exception {
    RawServer s = server(c -> {
      while (c.read() != null) {
        c.ok("{}");
      }
    });
    Http1Pool p = pool(s);
    byte[] body = "{\"entities\":[{\"identifier\":\"a\"}]}".getBytes(StandardCharsets.UTF_8);

    Reply r = p.exchange("POST", "/v1/blueprints/svc/entities/bulk?upsert=true", UA + "/exporter", SECRET_TOKEN, body,
        true);
    p.exchange("POST", "/v1/blueprints/svc/entities/search", UA, SECRET_TOKEN, null, false);
    get(p, "/v1/organization");

    assertEquals(200, r.status());
    RawServer.Request sent = s.requests.get(0);
    String expected = "POST /v1/blueprints/svc/entities/bulk?upsert=true HTTP/1.1\r\n"
        + "Host: 127.0.0.1:" + s.port() + "\r\n"
        + "User-Agent: " + UA + "/exporter\r\n"
        + "Accept: application/json\r\n"
        + "Authorization: " + SECRET_TOKEN + "\r\n"
        + "Content-Type: application/json\r\n"
        + "Content-Length: " + body.length + "\r\n"
        + "\r\n"
        + new String(body, StandardCharsets.UTF_8);
    assertEquals(expected, new String(sent.raw(), StandardCharsets.UTF_8));
    assertEquals(1, sent.reads(), "head and body left in one write, so the server read them at once");
    assertEquals("0", s.requests.get(1).header("Content-Length"), "a POST without a body says so");
    assertNull(s.requests.get(1).header("Content-Type"));
    assertNull(s.requests.get(2).header("Content-Length"), "a GET carries no Content-Length");
    assertEquals(1, s.accepted.get(), "all three on one kept-alive connection");
  }

  @Test
  void chunkedBodyWithExtensionsAndTrailersIsReadAndTheConnectionReused() throws Exception {
    RawServer s = server(c -> {
      c.read();
      c.write("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n"
          + "5;name=value\r\n{\"a\":\r\n"
          + "0B\r\n\"chunked\"}\n\r\n"
          + "0\r\nX-Checksum: abc\r\nX-Other: 1\r\n\r\n");
      c.read();
      c.ok("{\"second\":true}");
    });
    Http1Pool p = pool(s);

    Reply first = get(p, "/v1/a");
    Reply second = get(p, "/v1/b");

    assertEquals("{\"a\":\"chunked\"}\n", text(first));
    assertEquals("chunked", first.headers().firstValue("transfer-encoding").orElseThrow());
    assertEquals("{\"second\":true}", text(second));
    assertEquals(1, s.accepted.get(), "the trailers were consumed, so the connection carried the next request");
  }

  @Test
  void largeBodiesArriveIntact() throws Exception {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; sb.length() < 5 * 1024 * 1024 + 7; i++) {
      sb.append(i).append(',');
    }
    String big = sb.toString();
    RawServer s = server(c -> {
      c.read();
      c.write("HTTP/1.1 200 OK\r\nContent-Length: " + big.length() + "\r\n\r\n" + big);
      c.read();
      StringBuilder chunked = new StringBuilder("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n");
      int size = 1;
      for (int at = 0; at < big.length(); at += size, size = size * 3 + 1) {
        String part = big.substring(at, Math.min(big.length(), at + size));
        chunked.append(Integer.toHexString(part.length())).append("\r\n").append(part).append("\r\n");
      }
      c.write(chunked.append("0\r\n\r\n").toString());
      c.read();
      c.ok("{}");
    });
    Http1Pool p = pool(s);

    assertEquals(big, text(get(p, "/v1/fixed")));
    assertEquals(big, text(get(p, "/v1/chunked")));
    assertEquals("{}", text(get(p, "/v1/small")));
    assertEquals(1, s.accepted.get());
  }

  @Test
  void connectionCloseFromTheServerIsHonoured() throws Exception {
    AtomicInteger n = new AtomicInteger();
    // The server says close but keeps its end open: only the header tells the client not to reuse it.
    RawServer s = server(c -> {
      c.read();
      c.write("HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 2\r\n\r\n{}");
      n.incrementAndGet();
      c.read();
    });
    Http1Pool p = pool(s);

    assertEquals(200, get(p, "/v1/a").status());
    assertEquals(200, get(p, "/v1/b").status());

    assertEquals(2, s.accepted.get());
    assertEquals(1, s.requests.stream().filter(r -> r.connection() == 2).count());
    assertEquals(0, p.idleConnections());
  }

  @Test
  void aPooledConnectionTheServerClosedIsReplacedForIdempotentRequests() throws Exception {
    AtomicInteger n = new AtomicInteger();
    RawServer s = server(c -> {
      c.read();
      c.ok("{\"n\":" + n.incrementAndGet() + "}");
      c.close();
    });
    Http1Pool p = pool(s);
    assertEquals("{\"n\":1}", text(get(p, "/v1/a")));
    await(() -> s.finished.get() == 1, Duration.ofSeconds(5), "the server closing the first connection");
    assertEquals(1, p.idleConnections(), "the client still holds the connection the server closed");

    Reply again = p.exchange("DELETE", "/v1/blueprints/svc/entities/x", UA, SECRET_TOKEN, null, true);

    assertEquals("{\"n\":2}", text(again));
    assertEquals(2, s.accepted.get());
    assertEquals(2, s.requests.size(), "the closed connection carried nothing");
  }

  @Test
  void aPooledConnectionTheServerClosedFailsANonIdempotentRequest() throws Exception {
    RawServer s = server(c -> {
      c.read();
      c.ok("{}");
      c.close();
    });
    Http1Pool p = pool(s);
    get(p, "/v1/a");
    await(() -> s.finished.get() == 1, Duration.ofSeconds(5), "the server closing the first connection");

    IOException e = assertThrows(IOException.class,
        () -> p.exchange("PATCH", "/v1/integration/x", UA, SECRET_TOKEN, "{}".getBytes(StandardCharsets.UTF_8), false));

    assertTrue(e.getMessage().contains("PATCH /v1/integration/x"), e.getMessage());
    assertFalse(e.getMessage().contains("very-secret-token"), e.getMessage());
    assertFalse(e instanceof ConnectException, "a request may have left: not a connection failure");
    assertEquals(1, s.accepted.get(), "not sent again on a fresh connection");
  }

  @Test
  void http10ResponseIsReadToTheEndAndItsConnectionNotReused() throws Exception {
    AtomicInteger n = new AtomicInteger();
    RawServer s = server(c -> {
      c.read();
      c.write("HTTP/1.0 200 OK\r\nContent-Type: application/json\r\n\r\n{\"n\":" + n.incrementAndGet() + "}");
      c.close();
    });
    Http1Pool p = pool(s);

    assertEquals("{\"n\":1}", text(get(p, "/v1/a")));
    assertEquals("{\"n\":2}", text(get(p, "/v1/b")));

    assertEquals(2, s.accepted.get());
  }

  @Test
  void http10WithKeepAliveAndALengthIsReused() throws Exception {
    RawServer s = server(c -> {
      while (c.read() != null) {
        c.write("HTTP/1.0 200 OK\r\nConnection: Keep-Alive\r\nContent-Length: 2\r\n\r\n{}");
      }
    });
    Http1Pool p = pool(s);

    get(p, "/v1/a");
    get(p, "/v1/b");

    assertEquals(1, s.accepted.get());
  }

  @Test
  void noContentAndNotModifiedAndHeadHaveNoBody() throws Exception {
    RawServer s = server(c -> {
      c.read();
      c.write("HTTP/1.1 204 No Content\r\n\r\n");
      c.read();
      // A HEAD's answer states the length of the body a GET would get, and sends none.
      c.write("HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\n");
      c.read();
      c.write("HTTP/1.1 304 Not Modified\r\nETag: \"x\"\r\n\r\n");
      c.read();
      c.ok("{\"last\":true}");
    });
    Http1Pool p = pool(s);

    Reply noContent = p.exchange("DELETE", "/v1/blueprints/svc/all-entities", UA, SECRET_TOKEN, null, true);
    Reply head = p.exchange("HEAD", "/v1/a", UA, SECRET_TOKEN, null, true);
    Reply notModified = get(p, "/v1/b");
    Reply last = get(p, "/v1/c");

    assertEquals(204, noContent.status());
    assertEquals(0, noContent.body().length);
    assertEquals(0, head.body().length);
    assertEquals(304, notModified.status());
    assertEquals("{\"last\":true}", text(last));
    assertEquals(1, s.accepted.get());
  }

  @Test
  void interimResponsesAreSkipped() throws Exception {
    RawServer s = server(c -> {
      c.read();
      c.write("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 103 Early Hints\r\nLink: </x>\r\n\r\n"
          + "HTTP/1.1 201 Created\r\nContent-Length: 2\r\nX-Trace-Id: t-1\r\n\r\n{}");
    });

    Reply r = pool(s).exchange("POST", "/v1/blueprints", UA, SECRET_TOKEN, "{}".getBytes(StandardCharsets.UTF_8),
        false);

    assertEquals(201, r.status());
    assertEquals("t-1", r.traceId(), "headers are found whatever their case");
    assertTrue(r.headers().firstValue("link").isEmpty(), "the interim answer's headers are not the answer's");
  }

  @Test
  void aResponseThatStallsFailsAtTheRequestTimeout() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    RawServer s = server(c -> {
      c.read();
      release.await();
    });
    Http1Pool p = pool(s.baseUrl(), Duration.ofMillis(300), 4, Http1Pool.IDLE_LIMIT);

    long t0 = System.nanoTime();
    HttpTimeoutException e = assertThrows(HttpTimeoutException.class, () -> get(p, "/v1/slow"));
    long ms = (System.nanoTime() - t0) / 1_000_000;
    release.countDown();

    assertFalse(e instanceof HttpConnectTimeoutException, "the request was sent: not a connect timeout");
    assertTrue(e.getMessage().contains("GET /v1/slow"), e.getMessage());
    assertTrue(ms >= 290 && ms < 5_000, "failed after " + ms + " ms, the timeout is 300 ms");
    assertEquals(0, p.openConnections(), "a timed-out connection is not reused");
  }

  @Test
  void aBodyTricklingInIsBoundedByTheDeadlineNotByEachRead() throws Exception {
    RawServer s = server(c -> {
      c.read();
      c.write("HTTP/1.1 200 OK\r\nContent-Length: 100000\r\n\r\n");
      for (int i = 0; i < 1000; i++) {
        c.write("x");
        Thread.sleep(50);
      }
    });
    Http1Pool p = pool(s.baseUrl(), Duration.ofMillis(400), 4, Http1Pool.IDLE_LIMIT);

    long t0 = System.nanoTime();
    assertThrows(HttpTimeoutException.class, () -> get(p, "/v1/drip"));
    long ms = (System.nanoTime() - t0) / 1_000_000;

    assertTrue(ms >= 390 && ms < 5_000, "failed after " + ms + " ms, the timeout is 400 ms");
  }

  @Test
  void aRequestWriteTheServerNeverReadsFailsAfterTheDeadline() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    RawServer s = server(c -> release.await());
    Http1Pool p = pool(s.baseUrl(), Duration.ofMillis(300), 4, Http1Pool.IDLE_LIMIT);
    // More than the socket buffers of both ends hold: the write blocks, and blocking writes have no timeout.
    byte[] body = new byte[64 * 1024 * 1024];

    long t0 = System.nanoTime();
    HttpTimeoutException e = assertThrows(HttpTimeoutException.class,
        () -> p.exchange("POST", "/v1/big", UA, SECRET_TOKEN, body, true));
    long ms = (System.nanoTime() - t0) / 1_000_000;
    release.countDown();

    assertTrue(e.getMessage().contains("POST /v1/big"), e.getMessage());
    assertTrue(ms >= 290 && ms < 5_000, "failed after " + ms + " ms; the timeout is 300 ms, the sweep runs each second");
  }

  @Test
  void malformedStatusLineFailsNamingTheRequest() throws Exception {
    RawServer s = server(c -> {
      c.read();
      c.write("HTTP/1.1 2OO OK\r\nContent-Length: 0\r\n\r\n");
    });

    IOException e = assertThrows(IOException.class, () -> get(pool(s), "/v1/blueprints/svc?x=1"));

    assertEquals("malformed response to GET /v1/blueprints/svc?x=1: status line \"HTTP/1.1 2OO OK\"", e.getMessage());
  }

  @Test
  void otherMalformedAnswersFailClearly() throws Exception {
    String[] answers = {
        "ICY 200 OK\r\n\r\n",
        "HTTP/1.1 200 OK\r\nno colon here\r\n\r\n",
        "HTTP/1.1 200 OK\r\nContent-Length: 12x\r\n\r\n",
        "HTTP/1.1 200 OK\r\nContent-Length: 2\r\nContent-Length: 3\r\n\r\n{}",
        "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n",
        "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\n{}XX0\r\n\r\n",
    };
    AtomicInteger i = new AtomicInteger();
    RawServer s = server(c -> {
      c.read();
      c.write(answers[i.getAndIncrement()]);
      c.read();
    });
    Http1Pool p = pool(s);
    for (String answer : answers) {
      IOException e = assertThrows(IOException.class, () -> get(p, "/v1/x"), answer);
      assertTrue(e.getMessage().startsWith("malformed response to GET /v1/x: "), e.getMessage());
    }
    assertEquals(0, p.openConnections());
  }

  @Test
  void aConnectionCutMidBodyFails() throws Exception {
    RawServer s = server(c -> {
      c.read();
      c.write("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\n{\"a\"");
      c.close();
    });

    IOException e = assertThrows(IOException.class, () -> get(pool(s), "/v1/x"));

    assertEquals("connection closed by the server after 4 of 10 body bytes of the response to GET /v1/x",
        e.getMessage());
  }

  @Test
  void aRefusedConnectionIsAConnectException() throws Exception {
    URI dead;
    try (ServerSocket ss = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      dead = URI.create("http://127.0.0.1:" + ss.getLocalPort());
    }
    Http1Pool p = pool(dead, Duration.ofSeconds(5), 4, Http1Pool.IDLE_LIMIT);

    ConnectException e = assertThrows(ConnectException.class,
        () -> p.exchange("PATCH", "/v1/x", UA, SECRET_TOKEN, null, false));

    assertTrue(e.getMessage().contains("PATCH /v1/x"), e.getMessage());
    assertEquals(0, p.openConnections());
  }

  @Test
  void aConnectionThatCannotBeOpenedInTimeIsAConnectTimeout() throws Exception {
    ServerSocket ss = RawServer.silentListener(InetAddress.getLoopbackAddress(), closeLater);
    Http1Pool p = new Http1Pool(URI.create("http://127.0.0.1:" + ss.getLocalPort()), Duration.ofMillis(300),
        Duration.ofSeconds(5), 4, null, Http1Pool.IDLE_LIMIT, scheduler);
    closeLater.add(p);

    long t0 = System.nanoTime();
    HttpConnectTimeoutException e = assertThrows(HttpConnectTimeoutException.class,
        () -> p.exchange("POST", "/v1/x", UA, SECRET_TOKEN, null, false));
    long ms = (System.nanoTime() - t0) / 1_000_000;

    assertTrue(e.getMessage().contains("POST /v1/x"), e.getMessage());
    assertTrue(ms >= 290 && ms < 4_000, "gave up after " + ms + " ms, the connect timeout is 300 ms");
  }

  @Test
  void connectionsAreCappedAndReused() throws Exception {
    CountDownLatch go = new CountDownLatch(1);
    AtomicInteger n = new AtomicInteger();
    RawServer s = server(c -> {
      while (c.read() != null) {
        go.await();
        c.ok("{\"n\":" + n.incrementAndGet() + "}");
      }
    });
    Http1Pool p = pool(s.baseUrl(), Duration.ofSeconds(10), 2, Http1Pool.IDLE_LIMIT);
    ExecutorService callers = Executors.newFixedThreadPool(6);
    try {
      List<Future<Reply>> replies = new ArrayList<>();
      for (int i = 0; i < 12; i++) {
        int k = i;
        replies.add(callers.submit(() -> get(p, "/v1/" + k)));
      }
      await(() -> s.requests.size() == 2, Duration.ofSeconds(5), "two requests in flight");
      go.countDown();
      for (Future<Reply> r : replies) {
        assertEquals(200, r.get(10, TimeUnit.SECONDS).status());
      }
    } finally {
      callers.shutdownNow();
    }
    assertEquals(2, s.accepted.get(), "never more than two connections");
    assertEquals(12, s.requests.size());
    assertEquals(2, p.idleConnections());
  }

  @Test
  void idleConnectionsAreClosedAfterTheIdleLimit() throws Exception {
    AtomicInteger n = new AtomicInteger();
    RawServer s = server(keepAlive(n));
    Http1Pool p = pool(s.baseUrl(), Duration.ofSeconds(5), 4, Duration.ofMillis(100));

    get(p, "/v1/a");
    assertEquals(1, p.idleConnections());
    await(() -> p.openConnections() == 0, Duration.ofSeconds(5), "the idle connection closed by the sweep");
    await(() -> s.finished.get() == 1, Duration.ofSeconds(5), "the server seeing the connection end");
    get(p, "/v1/b");

    assertEquals(2, s.accepted.get());
  }

  @Test
  void closeClosesPooledConnectionsAndRefusesMore() throws Exception {
    AtomicInteger n = new AtomicInteger();
    RawServer s = server(keepAlive(n));
    Http1Pool p = pool(s);
    get(p, "/v1/a");

    p.close();

    await(() -> s.finished.get() == 1, Duration.ofSeconds(5), "the server seeing the connection end");
    IOException e = assertThrows(IOException.class, () -> get(p, "/v1/b"));
    assertTrue(e.getMessage().contains("closed"), e.getMessage());
    assertEquals(1, s.requests.size());
  }

  @Test
  void headerValuesThatWouldSplitTheRequestAreRefusedWithoutEchoingThem() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> Http1Pool.encode("GET", "/v1/x", "h", UA, "Bearer abc\r\nX-Evil: 1", null, "GET /v1/x"));
    assertFalse(e.getMessage().contains("abc"), e.getMessage());
    assertTrue(e.getMessage().contains("Authorization"), e.getMessage());
    assertThrows(IllegalArgumentException.class,
        () -> Http1Pool.encode("GET", "/v1/a b", "h", UA, null, null, "GET /v1/a b"));
  }

  @Test
  void theHostHeaderOmitsADefaultPortAndAPathPrefixIsKept() {
    byte[] b = Http1Pool.encode("GET", "/port/v1/x", "api.example", UA, null, null, "GET /port/v1/x");
    assertTrue(new String(b, StandardCharsets.US_ASCII).startsWith("GET /port/v1/x HTTP/1.1\r\nHost: api.example\r\n"));
    assertEquals("api.example", pool(URI.create("https://api.example:443"), Duration.ofSeconds(1), 1,
        Http1Pool.IDLE_LIMIT).hostHeader());
    assertEquals("api.example", pool(URI.create("http://api.example"), Duration.ofSeconds(1), 1,
        Http1Pool.IDLE_LIMIT).hostHeader());
    assertEquals("api.example:8443", pool(URI.create("https://api.example:8443/port"), Duration.ofSeconds(1), 1,
        Http1Pool.IDLE_LIMIT).hostHeader());
    assertThrows(IllegalArgumentException.class,
        () -> pool(URI.create("ftp://api.example"), Duration.ofSeconds(1), 1, Http1Pool.IDLE_LIMIT));
  }

  @Test
  void aPathPrefixOfTheBaseUrlPrecedesEveryTarget() throws Exception {
    AtomicInteger n = new AtomicInteger();
    RawServer s = server(keepAlive(n));
    Http1Pool p = pool(URI.create(s.baseUrl() + "/port"), Duration.ofSeconds(5), 4, Http1Pool.IDLE_LIMIT);

    get(p, "/v1/organization?x=1");

    assertEquals("/port/v1/organization?x=1", s.requests.get(0).target());
    assertArrayEquals(new byte[0], s.requests.get(0).body());
  }
}
