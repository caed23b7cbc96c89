package dev.oceanj.integrations.custom;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.oceanj.spi.Jq;
import dev.oceanj.spi.http.HttpStatusException;
import dev.oceanj.spi.http.ThirdPartyHttp;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URLDecoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/** Sends the installation's API requests: URL, headers in Ocean's precedence, credentials, one resend on 401. */
final class ApiClient {

  static final String USER_AGENT = "Port-Ocean-HTTP-Integration/1.0";

  /**
   * One request as the mapping describes it, before pagination.
   *
   * @param endpoint the path relative to {@code baseUrl} (a query string in it is kept)
   */
  record Call(String method, String endpoint, Map<String, JsonNode> queryParams, Map<String, String> headers,
      JsonNode body) {}

  private static final Object UNAUTHORIZED = new Object();

  private final CustomSettings settings;
  private final ThirdPartyHttp http;
  private final Auth auth;

  ApiClient(CustomSettings settings, ThirdPartyHttp http, Jq jq) {
    this.settings = settings;
    this.http = http;
    this.auth = Auth.of(settings, request -> http.json(request), jq);
  }

  /** The URL of {@code call} at {@code position}: the link to follow, or the endpoint with its parameters. */
  URI uri(Call call, Paging.Position position) {
    if (position.url() != null) {
      return position.url();
    }
    List<Map.Entry<String, String>> params = new ArrayList<>();
    call.queryParams().forEach((k, v) -> {
      if (v != null && v.isArray()) {
        v.forEach(e -> params.add(Map.entry(k, JsonValues.queryValue(e))));
      } else {
        params.add(Map.entry(k, JsonValues.queryValue(v)));
      }
    });
    params.addAll(position.params());
    String url = settings.baseUrl() + "/" + call.endpoint().replaceFirst("^/+", "");
    String query = JsonValues.query(params);
    try {
      return URI.create(query.isEmpty() ? url : url + (url.contains("?") ? "&" : "?") + query);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("endpoint '" + call.endpoint() + "' does not make a valid URL: "
          + e.getMessage(), e);
    }
  }

  /**
   * Sends {@code call} to {@code uri} and reads a 2xx answer with {@code reader}; any other final status fails
   * with {@link HttpStatusException} (a 401 after one renewal of the credentials).
   */
  <T> CompletionStage<T> send(Call call, URI uri, Reader<T> reader) {
    return auth.current().thenCompose(applied -> attempt(call, uri, applied, reader, true));
  }

  /** Reads a successful response. */
  interface Reader<T> {
    T read(HttpResponse<InputStream> response) throws IOException;
  }

  @SuppressWarnings("unchecked")
  private <T> CompletionStage<T> attempt(Call call, URI uri, Auth.Applied applied, Reader<T> reader, boolean first) {
    HttpRequest request = request(call, uri, applied);
    return http.send(request, response -> {
      int status = response.statusCode();
      if (status == 401) {
        return UNAUTHORIZED;
      }
      if (status / 100 != 2) {
        throw new HttpStatusException(call.method(), uri, status);
      }
      return (Object) reader.read(response);
    }).thenCompose(result -> {
      if (result != UNAUTHORIZED) {
        return CompletableFuture.completedFuture((T) result);
      }
      CompletionStage<Auth.Applied> renewed = first ? auth.afterUnauthorized(applied)
          : CompletableFuture.completedFuture(null);
      return renewed.thenCompose(fresh -> fresh == null
          ? CompletableFuture.failedFuture(new HttpStatusException(call.method(), uri, 401))
          : attempt(call, uri, fresh, reader, false));
    });
  }

  private HttpRequest request(Call call, URI uri, Auth.Applied applied) {
    URI target = applied.queryParams().isEmpty() ? uri : withParams(uri, applied.queryParams());
    Map<String, String> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
    headers.putAll(applied.defaultHeaders());
    headers.put("User-Agent", USER_AGENT);
    headers.putAll(call.headers());
    headers.putAll(applied.headers());
    JsonNode body = call.body();
    // As Ocean: a template body goes into every request, GETs and DELETEs too (the JDK sends it with any method).
    if (applied.body() != null) {
      ObjectNode merged = body != null && body.isObject() ? ((ObjectNode) body).deepCopy() : DataPath.JSON.createObjectNode();
      merged.setAll(applied.body());
      body = merged;
    }
    HttpRequest.BodyPublisher publisher = HttpRequest.BodyPublishers.noBody();
    if (body != null) {
      publisher = HttpRequest.BodyPublishers.ofString(body.toString(), StandardCharsets.UTF_8);
      headers.putIfAbsent("Content-Type", "application/json");
    }
    HttpRequest.Builder b = HttpRequest.newBuilder(target).method(call.method(), publisher);
    headers.forEach((name, value) -> {
      if (!name.toLowerCase(Locale.ROOT).equals("host") && !name.toLowerCase(Locale.ROOT).equals("content-length")) {
        b.header(name, value);
      }
    });
    return b.build();
  }

  /** {@code uri} with {@code params} merged: a same-named parameter is replaced, the others kept. */
  static URI withParams(URI uri, Map<String, String> params) {
    String raw = uri.getRawQuery();
    List<String> kept = new ArrayList<>();
    if (raw != null && !raw.isEmpty()) {
      for (String pair : raw.split("&")) {
        String key = URLDecoder.decode(pair.split("=", 2)[0], StandardCharsets.UTF_8);
        if (!params.containsKey(key)) {
          kept.add(pair);
        }
      }
    }
    params.forEach((k, v) -> kept.add(JsonValues.encode(k) + "=" + JsonValues.encode(v)));
    String s = uri.toString();
    int q = s.indexOf('?');
    return URI.create((q >= 0 ? s.substring(0, q) : s) + "?" + String.join("&", kept));
  }

  /** The {@code Link} header's target for the installation's {@code headerLinkRel}. */
  Optional<String> link(HttpResponse<?> response) {
    return Paging.linkHeader(response.headers().allValues("Link"), settings.headerLinkRel());
  }
}
