package dev.oceanj.core.port;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * A tiny HTTP server on a free loopback port that pins one behaviour of the client: it issues tokens
 * {@code tok-1, tok-2, …} and answers every other request with a programmable function, recording all of them.
 */
final class StubPort implements AutoCloseable {

  record Request(String method, String path, String query, Map<String, List<String>> headers, String body, long atNanos) {
    String header(String name) {
      return headers.entrySet().stream().filter(e -> e.getKey().equalsIgnoreCase(name)).findFirst()
          .map(e -> e.getValue().get(0)).orElse(null);
    }
  }

  record Answer(int status, String body, Map<String, String> headers) {
    static Answer json(int status, String body) {
      return new Answer(status, body, Map.of());
    }

    Answer with(String header, String value) {
      var h = new java.util.HashMap<>(headers);
      h.put(header, value);
      return new Answer(status, body, Map.copyOf(h));
    }
  }

  private final HttpServer server;
  private final ExecutorService pool = Executors.newFixedThreadPool(8);
  final List<Request> requests = new CopyOnWriteArrayList<>();
  final AtomicInteger tokensIssued = new AtomicInteger();
  private volatile Function<Request, Answer> handler = r -> Answer.json(200, "{}");
  private volatile long expiresIn = 10_800;
  private volatile boolean denyTokens;

  StubPort() throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext("/", this::handle);
    server.setExecutor(pool);
    server.start();
  }

  URI baseUrl() {
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
  }

  void answer(Function<Request, Answer> h) {
    this.handler = h;
  }

  /** Token requests get a 401 whose body echoes the request, as a careless server might. */
  void denyTokens() {
    this.denyTokens = true;
  }

  void tokenExpiresIn(long seconds) {
    this.expiresIn = seconds;
  }

  List<Request> apiRequests() {
    return requests.stream().filter(r -> !r.path().equals("/v1/auth/access_token")).toList();
  }

  private void handle(HttpExchange ex) throws IOException {
    try (ex) {
      String body = new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
      URI uri = ex.getRequestURI();
      Request r = new Request(ex.getRequestMethod(), uri.getRawPath(), uri.getRawQuery() == null ? "" : uri.getRawQuery(),
          Map.copyOf(ex.getRequestHeaders()), body, System.nanoTime());
      requests.add(r);
      Answer a;
      if (r.path().equals("/v1/auth/access_token") && denyTokens) {
        a = Answer.json(401, "{\"error\":\"unauthorized\",\"request\":" + body + "}");
      } else if (r.path().equals("/v1/auth/access_token")) {
        int n = tokensIssued.incrementAndGet();
        a = Answer.json(200, "{\"accessToken\":\"tok-" + n + "\",\"expiresIn\":" + expiresIn + ",\"tokenType\":\"Bearer\"}");
      } else {
        a = handler.apply(r);
      }
      byte[] out = a.body().getBytes(StandardCharsets.UTF_8);
      ex.getResponseHeaders().add("Content-Type", "application/json");
      a.headers().forEach((k, v) -> ex.getResponseHeaders().add(k, v));
      ex.sendResponseHeaders(a.status(), out.length == 0 ? -1 : out.length);
      if (out.length > 0) {
        try (OutputStream os = ex.getResponseBody()) {
          os.write(out);
        }
      }
    }
  }

  @Override
  public void close() {
    server.stop(0);
    pool.shutdownNow();
  }
}
