package dev.oceanj.integrations.custom;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import dev.oceanj.core.jq.IntegrationJq;
import dev.oceanj.core.jq.JqEngine;
import dev.oceanj.core.net.HttpClients;
import dev.oceanj.core.net.ProxyRules;
import dev.oceanj.core.net.Trust;
import dev.oceanj.spi.host.HostTls;
import dev.oceanj.spi.testing.ResyncHarness;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import javax.net.ssl.SSLContext;

/** A small 3rd-party API on loopback for the tests: routes by path, records every request it receives. */
final class ApiServer implements AutoCloseable {

  static final ObjectMapper JSON = new ObjectMapper();

  /** One received request. */
  record Received(String method, String path, Map<String, String> query, Map<String, String> headers, String body) {
    String header(String name) {
      return headers.entrySet().stream().filter(e -> e.getKey().equalsIgnoreCase(name)).map(Map.Entry::getValue)
          .findFirst().orElse(null);
    }
  }

  /** An answer. */
  record Answer(int status, String body, Map<String, String> headers) {
    static Answer json(String body) {
      return new Answer(200, body, Map.of());
    }
  }

  interface Route {
    Answer answer(Received request) throws Exception;
  }

  final List<Received> received = new CopyOnWriteArrayList<>();
  private final Map<String, Route> routes = new java.util.concurrent.ConcurrentHashMap<>();
  private final HttpServer server;
  private final java.util.concurrent.ExecutorService pool = Executors.newCachedThreadPool();

  ApiServer() {
    this(null);
  }

  /** Over HTTPS presenting {@code tls}'s certificate; null: plain HTTP. */
  ApiServer(SSLContext tls) {
    try {
      if (tls == null) {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
      } else {
        HttpsServer https = HttpsServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        https.setHttpsConfigurator(new HttpsConfigurator(tls));
        server = https;
      }
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    server.setExecutor(pool);
    server.createContext("/", this::handle);
    server.start();
  }

  String baseUrl() {
    return (server instanceof HttpsServer ? "https" : "http") + "://127.0.0.1:" + server.getAddress().getPort();
  }

  ApiServer route(String path, Route route) {
    routes.put(path, route);
    return this;
  }

  List<Received> to(String path) {
    return received.stream().filter(r -> r.path().equals(path)).toList();
  }

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      Map<String, String> query = new LinkedHashMap<>();
      String raw = exchange.getRequestURI().getRawQuery();
      if (raw != null) {
        for (String pair : raw.split("&")) {
          String[] kv = pair.split("=", 2);
          query.put(URLDecoder.decode(kv[0], StandardCharsets.UTF_8),
              kv.length > 1 ? URLDecoder.decode(kv[1], StandardCharsets.UTF_8) : "");
        }
      }
      Map<String, String> headers = new LinkedHashMap<>();
      exchange.getRequestHeaders().forEach((k, v) -> headers.put(k, String.join(",", v)));
      String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
      Received r = new Received(exchange.getRequestMethod(), exchange.getRequestURI().getPath(), query, headers, body);
      received.add(r);
      Route route = routes.get(r.path());
      Answer a;
      try {
        a = route == null ? new Answer(404, "{\"error\": \"no route\"}", Map.of()) : route.answer(r);
      } catch (Exception e) {
        a = new Answer(500, "{\"error\": \"" + e + "\"}", Map.of());
      }
      a.headers().forEach((k, v) -> exchange.getResponseHeaders().add(k, v));
      byte[] bytes = a.body().getBytes(StandardCharsets.UTF_8);
      exchange.getResponseHeaders().putIfAbsent("Content-Type", List.of("application/json"));
      exchange.sendResponseHeaders(a.status(), bytes.length == 0 ? -1 : bytes.length);
      if (bytes.length > 0) {
        exchange.getResponseBody().write(bytes);
      }
    }
  }

  /** The custom integration defined with {@code settings} (baseUrl set to this server) and the runtime's jq. */
  ResyncHarness harness(String settings) {
    try {
      ObjectNode node = (ObjectNode) JSON.readTree(settings);
      if (!node.has("baseUrl")) {
        node.put("baseUrl", baseUrl());
      }
      // As the runtime hosts it: a client without TLS verification on request (verifySsl=false).
      return ResyncHarness.start(new CustomIntegration(), node, Duration.ofSeconds(30),
          new IntegrationJq(JqEngine.create(false)),
          new HostTls(List.of(), () -> HttpClients.create(ProxyRules.NONE, Trust.clientContext(List.of(), false),
              Duration.ofSeconds(10))));
    } catch (IOException e) {
      throw new IllegalArgumentException(e);
    }
  }

  /** One resync of {@code resources} (JSON) with {@code settings}; the items of each resource. */
  List<List<JsonNode>> resync(String settings, String resources) {
    try (ResyncHarness h = harness(settings)) {
      return h.resync(resources);
    }
  }

  static List<String> ids(List<JsonNode> items, String field) {
    return items.stream().map(i -> i.path(field).asText()).toList();
  }

  @Override
  public void close() {
    server.stop(0);
    pool.shutdownNow();
  }
}
