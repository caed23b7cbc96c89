package dev.oceanj.runtime.oauth;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.oceanj.spi.AccessToken;
import dev.oceanj.spi.Integration;
import dev.oceanj.spi.IntegrationDefinition;
import dev.oceanj.spi.Page;
import dev.oceanj.spi.ResyncSource;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * A test integration whose 3rd-party API wants a bearer token, taken as an integration author would: from
 * {@link IntegrationDefinition#oauthToken()} for each request, read again and sent once more after a 401. One kind,
 * {@code item}, in pages of the API at {@code apiUrl}.
 */
public final class OAuthTestIntegration implements Integration {

  private static final ObjectMapper JSON = new ObjectMapper();

  @Override
  public String type() {
    return "oauth-test";
  }

  @Override
  public void define(IntegrationDefinition ocean) {
    String api = ocean.rawSettings().path("apiUrl").asText();
    HttpClient http = ocean.httpClient();
    AccessToken token = ocean.oauthToken().orElseThrow(() -> new IllegalStateException("no OAuth token file"));
    ocean.kind("item").resync(ResyncSource.paged(cursor -> page(http, api, cursor, token)));
  }

  private static CompletionStage<Page<Map<String, Object>>> page(HttpClient http, String api, Optional<String> cursor,
      AccessToken token) {
    String url = api + "/items?page=" + cursor.orElse("0");
    return send(http, url, token.current()).thenCompose(r -> r.statusCode() == 401
        ? send(http, url, token.refresh()) : CompletableFuture.completedFuture(r)).thenApply(r -> {
          if (r.statusCode() != 200) {
            throw new IllegalStateException(url + " answered " + r.statusCode());
          }
          try {
            JsonNode body = JSON.readTree(r.body());
            List<Map<String, Object>> items = new ArrayList<>();
            body.path("items").forEach(i -> items.add(Map.of("id", i.asText())));
            return body.path("next").isTextual() ? Page.of(items, body.path("next").asText()) : Page.last(items);
          } catch (Exception e) {
            throw new IllegalStateException(e);
          }
        });
  }

  private static CompletableFuture<HttpResponse<String>> send(HttpClient http, String url, Optional<String> token) {
    return http.sendAsync(HttpRequest.newBuilder(URI.create(url))
        .header("Authorization", "Bearer " + token.orElse("none")).build(), HttpResponse.BodyHandlers.ofString());
  }
}
