package dev.oceanj.integrations.pagerduty.fakeapi;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** One request being answered: its parameters (repeated {@code name[]} keys gathered under {@code name}), its body. */
final class Exchange {

  private static final ObjectMapper MAPPER = new ObjectMapper();

  final HttpExchange http;
  final String method;
  final String path;
  final String rawQuery;
  final byte[] body;
  final Map<String, List<String>> params = new LinkedHashMap<>();
  /** Called as the status is sent, so a client that has its answer finds the request in the log. */
  java.util.function.Consumer<Exchange> onStatus = x -> { };
  String auth = "none";
  boolean authorized;
  int status;

  Exchange(HttpExchange http, byte[] body) {
    this.http = http;
    this.method = http.getRequestMethod();
    this.path = http.getRequestURI().getRawPath();
    this.rawQuery = http.getRequestURI().getRawQuery();
    this.body = body;
    if (rawQuery != null) {
      for (String pair : rawQuery.split("&")) {
        if (pair.isEmpty()) {
          continue;
        }
        int eq = pair.indexOf('=');
        String name = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
        String value = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
        if (name.endsWith("[]")) {
          name = name.substring(0, name.length() - 2);
        }
        params.computeIfAbsent(name, k -> new ArrayList<>()).add(value);
      }
    }
  }

  String header(String name) {
    return http.getRequestHeaders().getFirst(name);
  }

  /** The last value of a parameter, or null. */
  String param(String name) {
    List<String> values = params.get(name);
    return values == null || values.isEmpty() ? null : values.get(values.size() - 1);
  }

  List<String> list(String name) {
    return params.getOrDefault(name, List.of());
  }

  /** A non-negative integer parameter; a bad one is a 400 naming it. */
  int integer(String name, int fallback) {
    String value = param(name);
    if (value == null || value.isEmpty()) {
      return fallback;
    }
    try {
      int n = Integer.parseInt(value);
      if (n < 0) {
        throw new NumberFormatException();
      }
      return n;
    } catch (NumberFormatException e) {
      throw new FakePagerDuty.BadRequest(name + ": must be a non-negative integer, was '" + value + "'");
    }
  }

  /** The body as a JSON object; a missing or bad body is a 400. */
  JsonNode json() {
    try {
      JsonNode json = MAPPER.readTree(body);
      if (json == null || !json.isObject()) {
        throw new FakePagerDuty.BadRequest("the request body must be a JSON object");
      }
      return json;
    } catch (IOException e) {
      throw new FakePagerDuty.BadRequest("the request body is not JSON: " + e.getMessage());
    }
  }

  void respond(int code, Object json) throws IOException {
    byte[] bytes = json == null ? new byte[0]
        : (json instanceof String s ? s : MAPPER.writeValueAsString(json)).getBytes(StandardCharsets.UTF_8);
    http.getResponseHeaders().set("Content-Type", "application/json");
    status = code;
    onStatus.accept(this);
    http.sendResponseHeaders(code, bytes.length == 0 ? -1 : bytes.length);
    try (OutputStream out = http.getResponseBody()) {
      out.write(bytes);
    }
  }

  /** PagerDuty's error shape: {@code {"error": {"message", "code", "errors": [..]}}}. */
  void error(int code, int pdCode, String message, String... errors) throws IOException {
    var root = MAPPER.createObjectNode();
    var error = root.putObject("error");
    error.put("message", message);
    error.put("code", pdCode);
    var list = error.putArray("errors");
    for (String e : errors) {
      list.add(e);
    }
    respond(code, root);
  }
}
