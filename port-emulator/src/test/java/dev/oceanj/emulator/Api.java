package dev.oceanj.emulator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** A tiny JDK HttpClient wrapper that talks to an emulator the way a Port client would. */
final class Api {

  static final ObjectMapper JSON = new ObjectMapper();
  static final String UA = "port-ocean/fake/0.1.0/fake-int/exporter";

  /** An answer. */
  record Resp(int status, JsonNode body, HttpHeaders headers) {
    String header(String name) {
      return headers.firstValue(name).orElse(null);
    }
  }

  final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  final String base;
  String token;
  String userAgent = UA;

  Api(PortEmulator emulator) {
    this(emulator.baseUrl());
  }

  Api(String base) {
    this.base = base;
  }

  Api login(String id, String secret) {
    Resp r = send("POST", "/v1/auth/access_token", obj("clientId", id, "clientSecret", secret), false);
    if (r.status() != 200) {
      throw new AssertionError("login failed: " + r);
    }
    token = r.body().get("accessToken").asText();
    return this;
  }

  Api login() {
    return login(EmulatorSettings.DEFAULT_CLIENT_ID, EmulatorSettings.DEFAULT_CLIENT_SECRET);
  }

  Resp get(String path) {
    return send("GET", path, null, true);
  }

  Resp post(String path, Object body) {
    return send("POST", path, body, true);
  }

  Resp patch(String path, Object body) {
    return send("PATCH", path, body, true);
  }

  Resp delete(String path) {
    return send("DELETE", path, null, true);
  }

  Resp send(String method, String path, Object body, boolean auth) {
    try {
      byte[] bytes = body == null ? new byte[0] : body instanceof byte[] b ? b : JSON.writeValueAsBytes(body);
      HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(30))
          .header("Content-Type", "application/json").header("User-Agent", userAgent)
          .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(bytes));
      if (auth && token != null) {
        b.header("Authorization", "Bearer " + token);
      }
      HttpResponse<byte[]> r = http.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
      JsonNode json = r.body().length == 0 ? JSON.nullNode() : JSON.readTree(r.body());
      return new Resp(r.statusCode(), json, r.headers());
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** Builds an object from alternating keys and values (values may be JsonNode, String, numbers, booleans, null). */
  static ObjectNode obj(Object... kv) {
    ObjectNode o = JSON.createObjectNode();
    for (int i = 0; i < kv.length; i += 2) {
      o.set((String) kv[i], JSON.valueToTree(kv[i + 1]));
    }
    return o;
  }

  static JsonNode parse(String json) {
    try {
      return JSON.readTree(json.replace('\'', '"'));
    } catch (IOException e) {
      throw new IllegalArgumentException(e);
    }
  }
}
