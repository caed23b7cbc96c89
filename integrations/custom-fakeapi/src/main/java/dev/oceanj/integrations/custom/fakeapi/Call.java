package dev.oceanj.integrations.custom.fakeapi;

import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/** One request being answered: what it asked for, which credentials it presented, and the status it got. */
final class Call {

  final HttpExchange exchange;
  final String method;
  final String path;
  final String rawQuery;
  final byte[] body;
  /** Decoded query parameters; the last value of a repeated name wins. */
  final Map<String, String> query = new LinkedHashMap<>();
  /** The raw {@code name=value} pairs, in order, for building next-page links. */
  private final List<String[]> rawPairs = new ArrayList<>();
  String auth;
  String pagination;
  String resource;
  String presented = "none";
  String principal;
  int status;
  private final Consumer<Call> onStatus;

  Call(HttpExchange exchange, byte[] body, Consumer<Call> onStatus) {
    this.exchange = exchange;
    this.onStatus = onStatus;
    this.method = exchange.getRequestMethod();
    this.path = exchange.getRequestURI().getRawPath();
    this.rawQuery = exchange.getRequestURI().getRawQuery();
    this.body = body;
    if (rawQuery != null && !rawQuery.isEmpty()) {
      for (String pair : rawQuery.split("&")) {
        if (pair.isEmpty()) {
          continue;
        }
        int eq = pair.indexOf('=');
        String name = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
        query.put(name, eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
        rawPairs.add(new String[] {name, pair});
      }
    }
  }

  String header(String name) {
    return exchange.getRequestHeaders().getFirst(name);
  }

  /** This request's URL with {@code name} set to {@code value} (other parameters kept in order). */
  String urlWith(String name, String value) {
    String host = header("Host");
    if (host == null) {
      host = exchange.getLocalAddress().getHostString() + ":" + exchange.getLocalAddress().getPort();
    }
    StringBuilder url = new StringBuilder("http://").append(host).append(path).append('?');
    for (String[] pair : rawPairs) {
      if (!pair[0].equals(name)) {
        url.append(pair[1]).append('&');
      }
    }
    return url.append(name).append('=').append(value).toString();
  }

  long number(String name, long fallback) {
    String value = query.get(name);
    if (value == null || value.isEmpty()) {
      return fallback;
    }
    try {
      return Long.parseLong(value);
    } catch (NumberFormatException e) {
      throw new FakeApi.BadRequest("query parameter '" + name + "' must be an integer, was '" + value + "'");
    }
  }

  void respond(int code, String json, Map<String, String> headers) throws IOException {
    byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
    headers.forEach((k, v) -> exchange.getResponseHeaders().set(k, v));
    exchange.getResponseHeaders().set("Content-Type", "application/json");
    status = code;
    onStatus.accept(this);
    exchange.sendResponseHeaders(code, bytes.length == 0 ? -1 : bytes.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(bytes);
    }
  }

  void error(int code, String message, Map<String, String> headers) throws IOException {
    respond(code, "{\"error\":" + FakeApi.quote(message) + "}", headers);
  }

  void error(int code, String message) throws IOException {
    error(code, message, Map.of());
  }

  /** Starts a streamed 200 response (chunked); the caller writes the body and closes the stream. */
  OutputStream stream(Map<String, String> headers) throws IOException {
    headers.forEach((k, v) -> exchange.getResponseHeaders().set(k, v));
    exchange.getResponseHeaders().set("Content-Type", "application/json");
    status = 200;
    onStatus.accept(this);
    exchange.sendResponseHeaders(200, 0);
    return exchange.getResponseBody();
  }
}
