package dev.oceanj.integrations.custom;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.oceanj.spi.InvalidSettingsException;
import dev.oceanj.spi.Jq;
import java.net.URI;
import java.net.http.HttpRequest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code authType: custom}: a token request ({@code customAuthRequest}) whose JSON answer fills the
 * {@code {{.path}}} placeholders of {@code customAuthRequestTemplate}, applied to every API request. One token
 * request at a time; renewed before {@code reauthenticateIntervalSeconds} runs out and after a 401.
 */
final class TokenAuth implements Auth {

  /** Sends the token request; the API client provides it. */
  interface Sender {
    CompletionStage<JsonNode> send(HttpRequest request);
  }

  private static final System.Logger LOG = System.getLogger(TokenAuth.class.getName());
  private static final Pattern PLACEHOLDER = Pattern.compile("\\{\\{(.*?)}}");
  private static final Set<String> REQUEST_KEYS = Set.of("endpoint", "method", "headers", "body", "bodyForm",
      "queryParams", "reauthenticateIntervalSeconds");
  private static final Set<String> TEMPLATE_KEYS = Set.of("headers", "queryParams", "body");
  private static final Duration AUTH_TIMEOUT = Duration.ofSeconds(30);

  private final Sender sender;
  private final Jq jq;
  private final Clock clock;
  private final HttpRequest tokenRequest;
  private final Duration lifetime;
  private final ObjectNode template;
  private Token token;
  private CompletableFuture<Token> inflight;

  private record Token(JsonNode response, Instant at, Applied applied) {}

  TokenAuth(CustomSettings s, Sender sender, Jq jq) {
    this(s, sender, jq, Clock.systemUTC());
  }

  TokenAuth(CustomSettings s, Sender sender, Jq jq, Clock clock) {
    this.sender = sender;
    this.jq = jq;
    this.clock = clock;
    JsonNode request = s.customAuthRequest();
    if (request == null) {
      throw new InvalidSettingsException("customAuthRequest", "authType custom needs customAuthRequest", null);
    }
    if (s.customAuthRequestTemplate() == null) {
      throw new InvalidSettingsException("customAuthRequestTemplate",
          "authType custom needs customAuthRequestTemplate", null);
    }
    unknownKeys(request, REQUEST_KEYS, "customAuthRequest");
    unknownKeys(s.customAuthRequestTemplate(), TEMPLATE_KEYS, "customAuthRequestTemplate");
    this.template = (ObjectNode) s.customAuthRequestTemplate();
    if (TEMPLATE_KEYS.stream().allMatch(k -> template.path(k).isEmpty())) {
      throw new InvalidSettingsException("customAuthRequestTemplate",
          "customAuthRequestTemplate needs headers, queryParams or body", null);
    }
    checkPlaceholders(template, "customAuthRequestTemplate");
    int interval = request.path("reauthenticateIntervalSeconds").asInt(0);
    if (request.has("reauthenticateIntervalSeconds") && interval < 1) {
      throw new InvalidSettingsException("customAuthRequest.reauthenticateIntervalSeconds",
          "customAuthRequest.reauthenticateIntervalSeconds must be an integer of at least 1", null);
    }
    // Ocean renews 60 s before the end, so a lifetime of 60 s or less renews on every request; half the lifetime
    // is the earliest renewal here.
    this.lifetime = interval == 0 ? null : Duration.ofSeconds(Math.max(interval - 60, (interval + 1) / 2));
    this.tokenRequest = tokenRequest(s.baseUrl(), request);
  }

  private static HttpRequest tokenRequest(String baseUrl, JsonNode r) {
    String endpoint = r.path("endpoint").asText("");
    if (endpoint.isBlank()) {
      throw new InvalidSettingsException("customAuthRequest.endpoint", "customAuthRequest.endpoint is required", null);
    }
    String method = r.path("method").asText("POST").toUpperCase(java.util.Locale.ROOT);
    if (!EndpointSelector.METHODS.contains(method)) {
      throw new InvalidSettingsException("customAuthRequest.method", "customAuthRequest.method must be one of "
          + EndpointSelector.METHODS, null);
    }
    if (r.hasNonNull("body") && r.hasNonNull("bodyForm")) {
      throw new InvalidSettingsException("customAuthRequest.body",
          "customAuthRequest takes body or bodyForm, not both", null);
    }
    String url = endpoint.startsWith("http://") || endpoint.startsWith("https://") ? endpoint
        : baseUrl + "/" + endpoint.replaceFirst("^/+", "");
    List<Map.Entry<String, String>> params = new ArrayList<>(Auth.strings(r.get("queryParams")).entrySet());
    String query = JsonValues.query(params);
    URI uri;
    try {
      uri = URI.create(query.isEmpty() ? url : url + (url.contains("?") ? "&" : "?") + query);
    } catch (IllegalArgumentException e) {
      throw new InvalidSettingsException("customAuthRequest.endpoint", "customAuthRequest.endpoint is not a URL", e);
    }
    HttpRequest.Builder b = HttpRequest.newBuilder(uri).timeout(AUTH_TIMEOUT);
    Map<String, String> headers = Auth.strings(r.get("headers"));
    boolean hasType = headers.keySet().stream().anyMatch(h -> h.equalsIgnoreCase("Content-Type"));
    HttpRequest.BodyPublisher body = HttpRequest.BodyPublishers.noBody();
    if (r.hasNonNull("bodyForm")) {
      body = HttpRequest.BodyPublishers.ofString(r.get("bodyForm").asText());
      if (!hasType) {
        b.header("Content-Type", "application/x-www-form-urlencoded");
      }
    } else if (r.hasNonNull("body")) {
      body = HttpRequest.BodyPublishers.ofString(r.get("body").toString());
      if (!hasType) {
        b.header("Content-Type", "application/json");
      }
    }
    headers.forEach(b::header);
    return b.method(method, body).build();
  }

  @Override
  public CompletionStage<Applied> current() {
    Token t;
    synchronized (this) {
      t = token;
    }
    if (t != null && !expired(t)) {
      return CompletableFuture.completedFuture(t.applied());
    }
    return renew(t).thenApply(Token::applied);
  }

  @Override
  public CompletionStage<Applied> afterUnauthorized(Applied stale) {
    Token t;
    synchronized (this) {
      t = token;
    }
    // Another request may have renewed the token already: then its credentials serve the resend.
    if (t != null && t.applied() != stale) {
      return CompletableFuture.completedFuture(t.applied());
    }
    return renew(t).thenApply(Token::applied);
  }

  private boolean expired(Token t) {
    return lifetime != null && !clock.instant().isBefore(t.at().plus(lifetime));
  }

  private CompletionStage<Token> renew(Token stale) {
    CompletableFuture<Token> mine;
    synchronized (this) {
      if (token != stale) {
        return CompletableFuture.completedFuture(token);
      }
      if (inflight != null) {
        return inflight;
      }
      inflight = mine = new CompletableFuture<>();
    }
    Instant at = clock.instant();
    sender.send(tokenRequest).thenApply(response -> new Token(response, at, apply(response)))
        .whenComplete((fresh, error) -> {
          synchronized (this) {
            inflight = null;
            if (error == null) {
              token = fresh;
            }
          }
          if (error != null) {
            mine.completeExceptionally(error);
          } else {
            LOG.log(System.Logger.Level.DEBUG, "custom auth: token renewed");
            mine.complete(fresh);
          }
        });
    return mine;
  }

  /** The templates evaluated against {@code response}. */
  Applied apply(JsonNode response) {
    if (response == null || (response.isObject() && response.isEmpty())) {
      return Applied.NONE;
    }
    Map<String, String> headers = new LinkedHashMap<>();
    template.path("headers").fields().forEachRemaining(e -> headers.put(e.getKey(),
        render(e.getValue().asText(), response, "headers." + e.getKey())));
    Map<String, String> params = new LinkedHashMap<>();
    template.path("queryParams").fields().forEachRemaining(e -> params.put(e.getKey(),
        render(JsonValues.queryValue(e.getValue()), response, "queryParams." + e.getKey())));
    ObjectNode body = null;
    if (template.path("body").isObject() && !template.path("body").isEmpty()) {
      body = (ObjectNode) resolve(template.get("body"), response, "body");
    }
    return new Applied(Map.of(), headers, params, body);
  }

  private JsonNode resolve(JsonNode node, JsonNode response, String where) {
    if (node.isTextual()) {
      return TextNode.valueOf(render(node.asText(), response, where));
    }
    if (node.isObject()) {
      ObjectNode out = JsonNodeFactory.instance.objectNode();
      node.fields().forEachRemaining(e -> out.set(e.getKey(), resolve(e.getValue(), response, where + "." + e.getKey())));
      return out;
    }
    if (node.isArray()) {
      ArrayNode out = JsonNodeFactory.instance.arrayNode();
      for (int i = 0; i < node.size(); i++) {
        out.add(resolve(node.get(i), response, where + "[" + i + "]"));
      }
      return out;
    }
    return node;
  }

  private String render(String text, JsonNode response, String where) {
    Matcher m = PLACEHOLDER.matcher(text);
    StringBuilder out = new StringBuilder();
    while (m.find()) {
      String expr = m.group(1).trim();
      JsonNode value;
      try {
        value = jq.compile(expr.startsWith(".") ? expr : "." + expr).first(response);
      } catch (IllegalArgumentException e) {
        value = null;
      }
      if (value == null || value.isNull()) {
        List<String> keys = new ArrayList<>();
        response.fieldNames().forEachRemaining(keys::add);
        throw new IllegalStateException("customAuthRequestTemplate." + where + ": template variable {{" + m.group(1)
            + "}} not found in the auth response (its top-level keys: " + keys + ")");
      }
      m.appendReplacement(out, Matcher.quoteReplacement(JsonValues.pythonStr(value)));
    }
    m.appendTail(out);
    return out.toString();
  }

  private static void checkPlaceholders(JsonNode node, String where) {
    if (node.isTextual()) {
      Matcher m = PLACEHOLDER.matcher(node.asText());
      while (m.find()) {
        if (!m.group(1).startsWith(".")) {
          throw new InvalidSettingsException(where, where + ": placeholder {{" + m.group(1)
              + "}} must start with a dot, e.g. {{.access_token}}", null);
        }
      }
    } else if (node.isObject()) {
      node.fields().forEachRemaining(e -> checkPlaceholders(e.getValue(), where + "." + e.getKey()));
    } else if (node.isArray()) {
      for (int i = 0; i < node.size(); i++) {
        checkPlaceholders(node.get(i), where + "[" + i + "]");
      }
    }
  }

  private static void unknownKeys(JsonNode node, Set<String> allowed, String where) {
    for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
      String key = it.next();
      if (!allowed.contains(key)) {
        throw new InvalidSettingsException(where + "." + key, where + " has an unknown key '" + key + "'; allowed: "
            + new java.util.TreeSet<>(allowed), null);
      }
    }
  }
}
