package dev.oceanj.integrations.pagerduty;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.oceanj.spi.AccessToken;
import dev.oceanj.spi.Page;
import dev.oceanj.spi.RawFields;
import dev.oceanj.spi.http.HttpStatusException;
import dev.oceanj.spi.http.JsonItems;
import dev.oceanj.spi.http.ThirdPartyHttp;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * PagerDuty's REST API as Ocean calls it: {@code {apiUrl}/{path}}, {@code Content-Type: application/json} on every
 * request, {@code Authorization: Bearer} for OAuth tokens ({@code pd…}, with PagerDuty's v2 {@code Accept}) and
 * {@code Token token=} otherwise, classic offset pagination, and PagerDuty's rate-limit headers: after each response
 * the per-minute budget ({@code ratelimit-limit/-remaining/-reset}) and the analytics daily quota
 * ({@code daily-ratelimit-*}) are recorded; a request waits {@code ratelimit-reset} seconds while 90 % or more of the
 * budget is used, and an analytics request fails fast while the daily quota is exhausted. Retries (429, 408, 5xx,
 * {@code Retry-After}, {@code ratelimit-reset}) are the HTTP helper's. One per installation, so the budget is shared
 * by every kind (it is per API key at PagerDuty anyway).
 */
final class PagerDutyClient {

  /** PagerDuty's classic pagination cannot read past this offset. */
  static final int MAX_OFFSET = 10_000;
  static final int PAGE_LIMIT = 100;

  private static final Logger LOG = LoggerFactory.getLogger(PagerDutyClient.class);
  static final ObjectMapper JSON = new ObjectMapper();
  private static final Duration MAX_WAIT = Duration.ofSeconds(60);

  private final String apiUrl;
  private final String token;
  private final Optional<AccessToken> tokenFile;
  private final ThirdPartyHttp http;
  private final Object limits = new Object();
  private long limit = -1;
  private long remaining = -1;
  private long resetSeconds = -1;
  private long dailyRemaining = Long.MAX_VALUE;

  PagerDutyClient(PagerDutySettings settings, ThirdPartyHttp http, Optional<AccessToken> tokenFile) {
    this.apiUrl = settings.apiUrl();
    this.token = settings.token();
    this.http = http;
    this.tokenFile = tokenFile;
  }

  /** The analytics daily quota is exhausted (PagerDuty's {@code daily-ratelimit-remaining} ≤ 0). */
  static final class QuotaExhaustedException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    QuotaExhaustedException(String path) {
      super("PagerDuty's daily analytics quota is exhausted (" + path + "); analytics resume when it resets");
    }
  }

  /** A query string under construction; list values repeat their key ({@code include[]=a&include[]=b}). */
  static final class Query {
    private final StringBuilder q = new StringBuilder();

    Query add(String key, Object value) {
      if (value != null) {
        q.append(q.isEmpty() ? "" : "&").append(enc(key)).append('=').append(enc(String.valueOf(value)));
      }
      return this;
    }

    Query addAll(String key, List<?> values) {
      if (values != null) {
        values.forEach(v -> add(key + "[]", v));
      }
      return this;
    }

    Query copy() {
      Query c = new Query();
      c.q.append(q);
      return c;
    }

    @Override
    public String toString() {
      return q.toString();
    }

    private static String enc(String s) {
      return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
  }

  String authorization() {
    String t = tokenFile.flatMap(AccessToken::current).orElse(token);
    return t.startsWith("pd") ? "Bearer " + t : "Token token=" + t;
  }

  private HttpRequest.Builder request(String path, Query query) {
    String qs = query == null || query.toString().isEmpty() ? "" : "?" + query;
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(apiUrl + "/" + path + qs))
        .header("Content-Type", "application/json")
        .header("Authorization", authorization());
    if (authorization().startsWith("Bearer ")) {
      b.header("Accept", "application/vnd.pagerduty+json;version=2");
    }
    return b;
  }

  /** {@code GET {apiUrl}/{path}?{query}}; empty on 404 (Ocean's "not found"), failing on any other non-2xx. */
  CompletionStage<Optional<JsonNode>> get(String path, Query query) {
    return get(path, query, JSON::readTree);
  }

  /** How a 2xx body becomes JSON. */
  @FunctionalInterface
  private interface Body {
    JsonNode parse(InputStream in) throws IOException;
  }

  private CompletionStage<Optional<JsonNode>> get(String path, Query query, Body body) {
    return send(() -> request(path, query).GET().build(), path, 0, body);
  }

  /** {@code POST {apiUrl}/{path}} with a JSON body; empty on 404. */
  CompletionStage<Optional<JsonNode>> post(String path, JsonNode body) {
    String json;
    try {
      json = JSON.writeValueAsString(body);
    } catch (IOException e) {
      return CompletableFuture.failedFuture(e);
    }
    boolean retried = path.startsWith("analytics/");
    return send(() -> request(path, null).POST(HttpRequest.BodyPublishers.ofString(json)).build(), path,
        retried ? 0 : STATUS_RETRIES, JSON::readTree);
  }

  /** Ocean also retries 500 and 401 (a token file may have been renewed), which the HTTP helper does not. */
  static final int STATUS_RETRIES = 3;
  private static final java.util.Set<Integer> STATUSES_RETRIED_HERE = java.util.Set.of(401, 500);

  private static final class RetryStatus extends RuntimeException {
    private static final long serialVersionUID = 1L;
    final transient HttpStatusException failure;

    RetryStatus(HttpStatusException failure) {
      super(failure.getMessage(), null, false, false);
      this.failure = failure;
    }
  }

  private CompletionStage<Optional<JsonNode>> send(java.util.function.Supplier<HttpRequest> build, String path,
      int retry, Body body) {
    return once(build.get(), path, retry < STATUS_RETRIES, body).handle((r, e) -> {
      Throwable cause = PagerDutyKinds.cause(e);
      if (cause instanceof RetryStatus rs) {
        if (rs.failure.status() == 401) {
          tokenFile.ifPresent(AccessToken::refresh);
        }
        long ms = 100L << retry;
        LOG.debug("{}; retrying in {} ms", rs.failure.getMessage(), ms);
        return CompletableFuture.supplyAsync(() -> null, CompletableFuture.delayedExecutor(ms, TimeUnit.MILLISECONDS))
            .thenCompose(v -> send(build, path, retry + 1, body));
      }
      return e == null ? CompletableFuture.completedFuture(r) : CompletableFuture.<Optional<JsonNode>>failedFuture(cause);
    }).thenCompose(x -> x);
  }

  private CompletionStage<Optional<JsonNode>> once(HttpRequest request, String path, boolean mayRetry, Body body) {
    boolean analytics = path.startsWith("analytics/");
    long wait;
    synchronized (limits) {
      if (analytics && dailyRemaining <= 0) {
        return CompletableFuture.failedFuture(new QuotaExhaustedException(path));
      }
      wait = limit > 0 && remaining >= 0 && resetSeconds > 0 && (limit - remaining) * 10 >= limit * 9
          ? Math.min(resetSeconds, MAX_WAIT.toSeconds()) : 0;
    }
    CompletionStage<Void> ready = CompletableFuture.completedFuture(null);
    if (wait > 0) {
      LOG.info("PagerDuty rate limit: 90% of the per-minute budget used, waiting {} s before the next request", wait);
      ready = CompletableFuture.runAsync(() -> { }, CompletableFuture.delayedExecutor(wait, TimeUnit.SECONDS));
    }
    return ready.thenCompose(v -> http.send(request, response -> read(request, response, path, analytics,
        mayRetry, body)));
  }

  private Optional<JsonNode> read(HttpRequest request, HttpResponse<InputStream> response, String path,
      boolean analytics, boolean mayRetry, Body body) throws IOException {
    record(response.headers());
    int status = response.statusCode();
    if (status == 404) {
      LOG.debug("{} {} answered 404", request.method(), HttpStatusException.withoutQuery(request.uri()));
      return Optional.empty();
    }
    if (status == 429 && analytics && daily(response.headers()).orElse(1) <= 0) {
      throw new QuotaExhaustedException(path);
    }
    if (status / 100 != 2) {
      HttpStatusException failure = new HttpStatusException(request.method(), request.uri(), status);
      throw mayRetry && STATUSES_RETRIED_HERE.contains(status) ? new RetryStatus(failure) : failure;
    }
    try (var in = response.body()) {
      return Optional.of(body.parse(in));
    }
  }

  private void record(HttpHeaders headers) {
    OptionalLong l = number(headers, "ratelimit-limit");
    OptionalLong r = number(headers, "ratelimit-remaining");
    OptionalLong s = number(headers, "ratelimit-reset");
    OptionalLong d = daily(headers);
    synchronized (limits) {
      if (l.isPresent() && r.isPresent()) {
        limit = l.getAsLong();
        remaining = r.getAsLong();
        resetSeconds = s.orElse(0);
      }
      if (d.isPresent()) {
        dailyRemaining = d.getAsLong();
      }
    }
  }

  private static OptionalLong daily(HttpHeaders headers) {
    return number(headers, "daily-ratelimit-remaining");
  }

  private static OptionalLong number(HttpHeaders headers, String name) {
    try {
      return headers.firstValue(name).map(v -> OptionalLong.of(Long.parseLong(v.trim()))).orElse(OptionalLong.empty());
    } catch (NumberFormatException e) {
      return OptionalLong.empty();
    }
  }

  /**
   * One page of {@code GET {apiUrl}/{resource}?offset=…&limit=100&{query}}: the items of the key {@code resource}
   * and the next offset while {@code more} is true. Reaching PagerDuty's offset cap with more items left fails
   * (instead of Ocean's silent truncation, which then deletes the unread entities): narrow the listing.
   */
  CompletionStage<Page<JsonNode>> page(String resource, Query query, Optional<String> cursor) {
    return page(resource, query, RawFields.all(), cursor);
  }

  /** {@link #page(String, Query, Optional)} with the items' top-level fields limited to {@code fields}. */
  CompletionStage<Page<JsonNode>> page(String resource, Query query, RawFields fields, Optional<String> cursor) {
    return list(resource, query, cursor.map(Integer::parseInt).orElse(0), fields).thenApply(p -> {
      if (p.capped()) {
        throw new OffsetCapException(resource);
      }
      return p.next().isEmpty() ? Page.last(p.items()) : Page.of(p.items(), Integer.toString(p.next().getAsInt()));
    });
  }

  /**
   * One page of a classic listing.
   *
   * @param next the next page's offset, empty on the last page or at the cap
   * @param capped PagerDuty has more items that the offset cap keeps out of reach
   */
  record ListPage(List<JsonNode> items, java.util.OptionalInt next, boolean capped) {}

  /**
   * {@code GET {apiUrl}/{resource}?{query}&offset={offset}&limit=100}, items from the key {@code resource}, streamed
   * from the page as it arrives, each with only the top-level fields {@code fields} reads.
   */
  CompletionStage<ListPage> list(String resource, Query query, int offset, RawFields fields) {
    Query q = query.copy().add("offset", offset).add("limit", PAGE_LIMIT);
    return get(resource, q, in -> listBody(in, resource, fields)).thenApply(body -> {
      JsonNode r = body.orElseThrow(() -> new IllegalStateException(
          "GET " + apiUrl + "/" + resource + " answered 404: not a PagerDuty list"));
      JsonNode items = r.get(resource);
      if (items == null || !items.isArray()) {
        throw new IllegalStateException("GET " + apiUrl + "/" + resource + " has no '" + resource
            + "' list: only lists whose path equals their response key can be kinds");
      }
      List<JsonNode> out = new ArrayList<>(items.size());
      items.forEach(out::add);
      if (!r.path("more").asBoolean(false)) {
        return new ListPage(out, java.util.OptionalInt.empty(), false);
      }
      int next = offset + Math.max(1, r.path("limit").asInt(PAGE_LIMIT));
      if (next + PAGE_LIMIT > MAX_OFFSET) {
        return new ListPage(out, java.util.OptionalInt.empty(), true);
      }
      return new ListPage(out, java.util.OptionalInt.of(next), false);
    });
  }

  private static JsonNode listBody(InputStream in, String resource, RawFields fields) throws IOException {
    List<JsonNode> items = new ArrayList<>(PAGE_LIMIT);
    // A page (100 objects, some 360 KB with the incidents' includes) is held as bytes, so what the mapping does not
    // read is skipped without being tokenized.
    JsonItems.Envelope page = JsonItems.read(in.readAllBytes(), JSON, List.of(resource), fields, items::add);
    if (page.streamed() && page.envelope() instanceof ObjectNode envelope) {
      envelope.set(resource, new ArrayNode(JSON.getNodeFactory(), items));
    }
    return page.envelope();
  }


  /** Every item of a list, all pages (for enrichment lists such as on-calls and users). */
  CompletionStage<List<JsonNode>> all(String resource, Query query) {
    List<JsonNode> out = new ArrayList<>();
    return all(resource, query, Optional.empty(), out).thenApply(v -> out);
  }

  private CompletionStage<Void> all(String resource, Query query, Optional<String> cursor, List<JsonNode> out) {
    return page(resource, query, cursor).thenCompose(p -> {
      out.addAll(p.items());
      return p.next().isPresent() ? all(resource, query, p.next(), out) : CompletableFuture.completedFuture(null);
    });
  }

  /** PagerDuty's classic pagination stopped at its offset cap with items left. */
  static final class OffsetCapException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    OffsetCapException(String resource) {
      super("Reached PagerDuty's pagination cap (offset " + MAX_OFFSET + ") while listing '" + resource
          + "' with more items left; the kind fails so that nothing unread is deleted. Narrow the selector's "
          + "apiQueryParams (e.g. since/until, statuses, team_ids)");
    }
  }

  static ObjectNode object() {
    return JSON.createObjectNode();
  }
}
