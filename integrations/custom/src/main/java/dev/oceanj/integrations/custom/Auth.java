package dev.oceanj.integrations.custom;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * How API requests are authenticated. {@link #current()} gives what to apply to the next request;
 * {@link #afterUnauthorized(Applied)} gives fresh credentials after a 401, or empty when a resend cannot help.
 */
interface Auth {

  CompletionStage<Applied> current();

  /** Credentials for one resend after a 401 answered a request sent with {@code stale}; null when none. */
  default CompletionStage<Applied> afterUnauthorized(Applied stale) {
    return CompletableFuture.completedFuture(null);
  }

  /**
   * What credentials put on a request.
   *
   * @param defaultHeaders headers below the User-Agent and the selector's headers (bearer, API key)
   * @param headers headers above everything (basic auth, custom templates)
   * @param queryParams parameters merged into the URL, replacing same-named ones
   * @param body top-level keys merged into a request's JSON body
   */
  record Applied(Map<String, String> defaultHeaders, Map<String, String> headers, Map<String, String> queryParams,
      ObjectNode body) {
    static final Applied NONE = new Applied(Map.of(), Map.of(), Map.of(), null);
  }

  static Auth of(CustomSettings s, TokenAuth.Sender sender, dev.oceanj.spi.Jq jq) {
    Applied applied;
    switch (s.auth()) {
      case BEARER_TOKEN:
        applied = CustomSettings.blank(s.apiToken()) ? Applied.NONE
            : new Applied(Map.of("Authorization", "Bearer " + s.apiToken()), Map.of(), Map.of(), null);
        break;
      case BASIC:
        applied = CustomSettings.blank(s.username()) || CustomSettings.blank(s.password()) ? Applied.NONE
            : new Applied(Map.of(), Map.of("Authorization", "Basic " + Base64.getEncoder().encodeToString(
                (s.username() + ":" + s.password()).getBytes(StandardCharsets.UTF_8))), Map.of(), null);
        break;
      case API_KEY:
        applied = CustomSettings.blank(s.apiKey()) ? Applied.NONE
            : new Applied(Map.of(s.apiKeyHeader(), s.apiKey()), Map.of(), Map.of(), null);
        break;
      case CUSTOM:
        return new TokenAuth(s, sender, jq);
      default:
        applied = Applied.NONE;
    }
    CompletableFuture<Applied> fixed = CompletableFuture.completedFuture(applied);
    return () -> fixed;
  }

  static Map<String, String> strings(JsonNode object) {
    Map<String, String> out = new LinkedHashMap<>();
    if (object != null && object.isObject()) {
      object.fields().forEachRemaining(e -> out.put(e.getKey(), JsonValues.queryValue(e.getValue())));
    }
    return out;
  }
}
