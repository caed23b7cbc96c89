package dev.oceanj.integrations.custom.fakeapi;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import dev.oceanj.fakeapi.LoopbackServer;
import java.io.IOException;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The fake REST API: {@code FakeApi.start(settings)} in a test, or {@link Main} in a process of its own.
 *
 * <p>Paths: {@code [/{auth}][/{pagination}]/{resource}}. The optional first segment picks the auth style
 * ({@code open}, {@code bearer}, {@code basic}, {@code apikey}, {@code custom}), the optional next one the pagination
 * style ({@code none}, {@code offset}, {@code page}, {@code cursor}, {@code next_link}, {@code header_link}); without
 * them the settings' defaults apply. So {@code baseUrl = http://127.0.0.1:8080/bearer/cursor} is one API with bearer
 * auth and cursor pages, and one server serves every combination. Resources are in {@link Dataset}, page shapes in
 * {@link Pages}; {@code /items} also takes a {@code status} filter (query parameter, or a JSON body's field when
 * POSTed). {@code .../oauth/token} under any prefix issues tokens for {@code custom} auth.
 *
 * <p>Control, at {@code /_control/} (never logged, never faulted, no auth): {@code GET requests?since=N},
 * {@code DELETE requests}, {@code POST remove {"ids":[..]}}, {@code POST restore},
 * {@code POST version {"version":2}}, {@code POST items {"items":1000}}, {@code POST faults {rule}} (see
 * {@link Faults}), {@code GET faults}, {@code DELETE faults}, {@code POST tokens/expire}, {@code POST reset}. The
 * same operations are methods of this class for in-process tests.
 */
public final class FakeApi implements AutoCloseable {

  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final int MAX_BODY = 1 << 20;

  private final FakeApiSettings settings;
  private final Dataset dataset;
  private final Pages pages;
  private final Faults faults = new Faults();
  private final RequestLog log;
  private final Map<String, TreeSet<Long>> removed = new ConcurrentHashMap<>();
  private final AtomicInteger version = new AtomicInteger(1);
  private final Map<String, Long> tokens = new ConcurrentHashMap<>();
  private final AtomicLong tokenIds = new AtomicLong();
  private final LoopbackServer server;

  private FakeApi(FakeApiSettings settings) throws IOException {
    this.settings = settings;
    this.dataset = new Dataset(settings);
    this.pages = new Pages(settings);
    this.log = new RequestLog(settings.requestLogSize());
    this.server = new LoopbackServer(settings.host(), settings.port(), "fake-api").start(this::handle);
  }

  /** Starts the API; port 0 in the settings picks a free one ({@link #baseUri()} says which). */
  public static FakeApi start(FakeApiSettings settings) throws IOException {
    return new FakeApi(settings);
  }

  public FakeApiSettings settings() {
    return settings;
  }

  public int port() {
    return server.port();
  }

  /** {@code http://host:port}, without a trailing slash. */
  public URI baseUri() {
    return server.baseUri();
  }

  /** {@code baseUri() + path}, e.g. {@code url("/bearer/cursor")}. */
  public URI url(String path) {
    return URI.create(baseUri() + path);
  }

  @Override
  public void close() {
    server.close();
  }

  /** Removes items by id ({@code item-7}, {@code proj-2}, {@code proj-2-issue-1}, …) until {@link #restore()}. */
  public void remove(String... ids) {
    List<Dataset.Position> positions = new ArrayList<>();
    for (String id : ids) {
      positions.add(dataset.position(id).orElseThrow(() -> new BadRequest("remove: no item with id '" + id + "'")));
    }
    positions.forEach(p -> {
      TreeSet<Long> set = removed.computeIfAbsent(p.listing(), k -> new TreeSet<>());
      synchronized (set) {
        set.add(p.index());
      }
    });
  }

  /** Brings every removed item back. */
  public void restore() {
    removed.clear();
  }

  /** Sets the data version: every item's name (or title) and version field change with it, ids stay. */
  public void version(int newVersion) {
    if (newVersion < 1) {
      throw new BadRequest("version must be >= 1, was " + newVersion);
    }
    version.set(newVersion);
  }

  /** Sets the size of {@code /items} (it starts at the settings' {@code items}). */
  public void items(long size) {
    dataset.items(size);
  }

  /** Adds a fault rule (see {@link Faults}), e.g. {@code {"path":"/items","status":429,"retryAfter":1,"times":2}}. */
  public int fault(String ruleJson) {
    try {
      return faults.add(MAPPER.readTree(ruleJson));
    } catch (JsonProcessingException e) {
      throw new BadRequest("fault rule is not JSON: " + e.getOriginalMessage());
    }
  }

  public void clearFaults() {
    faults.clear();
  }

  /** Every issued token is expired from now on: the next request with one gets 401. */
  public void expireTokens() {
    long now = System.nanoTime();
    tokens.replaceAll((k, v) -> now - 1);
  }

  /** The logged requests numbered above {@code since} (0 for all kept). */
  public List<RequestLog.Entry> requests(long since) {
    return log.since(since);
  }

  /** The number of the latest logged request. */
  public long lastRequest() {
    return log.last();
  }

  public void clearRequests() {
    log.clear();
  }

  /** Back to the start state: the settings' item count, no removal, version 1, no fault, no token, an empty request log. */
  public void reset() {
    restore();
    dataset.resetItems();
    version.set(1);
    faults.clear();
    tokens.clear();
    log.clear();
  }

  private void handle(HttpExchange exchange) {
    try {
      byte[] body = exchange.getRequestBody().readNBytes(MAX_BODY);
      Call call = new Call(exchange, body, this::logged);
      if (call.path.equals("/_control") || call.path.startsWith("/_control/")) {
        control(call);
        return;
      }
      try {
        serve(call);
      } catch (BadRequest e) {
        call.error(400, e.getMessage());
      } catch (RuntimeException e) {
        if (call.status == 0) {
          call.error(500, e.getClass().getSimpleName() + ": " + e.getMessage());
        }
      }
    } catch (IOException e) {
      // The client went away mid-response: nothing left to answer.
    } finally {
      exchange.close();
    }
  }

  /** Logs a request as its status is sent, so a client that has its answer finds it in the log. */
  private void logged(Call c) {
    if (!c.path.startsWith("/_control")) {
      log.add(c.method, c.path, c.rawQuery, c.resource, c.presented, c.principal, c.status);
    }
  }

  private void serve(Call c) throws IOException {
    List<String> segments = new ArrayList<>(Arrays.asList(segments(c.path)));
    c.auth = !segments.isEmpty() && FakeApiSettings.AUTH_STYLES.contains(segments.get(0))
        ? segments.remove(0) : settings.auth();
    c.pagination = !segments.isEmpty() && FakeApiSettings.PAGINATION_STYLES.contains(segments.get(0))
        ? segments.remove(0) : settings.pagination();
    c.resource = "/" + String.join("/", segments);
    presented(c);
    Optional<Faults.Answer> fault = faults.check(c.method, segments.toArray(String[]::new));
    if (fault.isPresent()) {
      Faults.Answer a = fault.get();
      c.respond(a.status(), "{\"error\":\"fault rule " + a.rule() + " answers " + a.status() + "\"}", a.headers());
      return;
    }
    if (c.resource.equals("/oauth/token")) {
      token(c);
      return;
    }
    String refused = refusal(c);
    if (refused != null) {
      c.error(401, refused, Map.of("WWW-Authenticate", c.auth.equals("basic") ? "Basic realm=\"fake\"" : "Bearer"));
      return;
    }
    if (c.query.containsKey("None")) {
      throw new BadRequest("query parameter named 'None': the client has no name for its page or size parameter "
          + "(Ocean sends 'None' when paginationParam / sizeParam are unset)");
    }
    if (c.resource.equals("/")) {
      c.respond(200, index(), Map.of());
      return;
    }
    Optional<Dataset.Resource> found = dataset.resource(c.resource);
    if (found.isEmpty() || !parentsPresent(c.resource)) {
      c.error(404, "no resource " + c.resource);
      return;
    }
    if (!c.method.equals("GET") && !c.method.equals("POST")) {
      c.error(405, c.method + " is not served; listings answer GET and POST");
      return;
    }
    Dataset.Resource resource = found.get();
    Listing listing = Listing.of(resource.size(), removedOf(c.resource));
    String status = statusFilter(c);
    if (status != null) {
      listing = listing.filter(index -> resource.hasStatus(index, status));
    }
    int v = version.get();
    pages.serve(c, listing, (g, index) -> resource.write(g, index, v));
  }

  private String statusFilter(Call c) {
    if (c.query.containsKey("status")) {
      return c.query.get("status");
    }
    if (c.body.length > 0) {
      try {
        JsonNode json = MAPPER.readTree(c.body);
        if (json != null && json.hasNonNull("status")) {
          return json.get("status").asText();
        }
      } catch (IOException e) {
        throw new BadRequest("the request body is not JSON: " + e.getMessage());
      }
    }
    return null;
  }

  private boolean parentsPresent(String resource) {
    for (Dataset.Position parent : dataset.parents(resource)) {
      long size = dataset.resource(parent.listing()).orElseThrow().size();
      if (parent.index() < 0 || parent.index() >= size || removedOf(parent.listing()).length > 0
          && Arrays.binarySearch(removedOf(parent.listing()), parent.index()) >= 0) {
        return false;
      }
    }
    return true;
  }

  private long[] removedOf(String listing) {
    TreeSet<Long> set = removed.get(listing);
    if (set == null) {
      return new long[0];
    }
    synchronized (set) {
      return set.stream().mapToLong(Long::longValue).toArray();
    }
  }

  /** Records which credentials the request presented, whatever the route asks for. */
  private void presented(Call c) {
    String authorization = c.header("Authorization");
    if (authorization != null && authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
      String token = authorization.substring(7).trim();
      c.presented = "bearer";
      c.principal = tokens.containsKey(token) ? token
          : token.equals(settings.bearerToken()) ? "configured-token" : "unknown-token";
    } else if (authorization != null && authorization.regionMatches(true, 0, "Basic ", 0, 6)) {
      c.presented = "basic";
      String[] pair = basic(authorization);
      c.principal = pair == null ? "malformed" : pair[0];
    } else if (c.header(settings.apiKeyHeader()) != null) {
      c.presented = "apikey";
      c.principal = settings.apiKeyHeader();
    }
  }

  /** Why the request is refused by its route's auth style, or null when it may pass. */
  private String refusal(Call c) {
    String authorization = c.header("Authorization");
    switch (c.auth) {
      case "open":
        return null;
      case "bearer":
        return ("Bearer " + settings.bearerToken()).equals(authorization) ? null
            : "bearer auth: send 'Authorization: Bearer <token>' with the configured token";
      case "basic": {
        String[] pair = authorization == null ? null : basic(authorization);
        return pair != null && pair[0].equals(settings.username()) && pair[1].equals(settings.password()) ? null
            : "basic auth: send 'Authorization: Basic base64(user:password)' with the configured user";
      }
      case "apikey":
        return settings.apiKey().equals(c.header(settings.apiKeyHeader())) ? null
            : "api key auth: send the configured key in the '" + settings.apiKeyHeader() + "' header";
      case "custom": {
        if (authorization == null || !authorization.startsWith("Bearer ")) {
          return "custom auth: send 'Authorization: Bearer <access_token>' with a token from oauth/token";
        }
        Long expiry = tokens.get(authorization.substring(7).trim());
        if (expiry == null) {
          return "custom auth: unknown token";
        }
        return System.nanoTime() - expiry < 0 ? null : "custom auth: the token expired";
      }
      default:
        throw new IllegalStateException("unknown auth style " + c.auth);
    }
  }

  private static String[] basic(String authorization) {
    try {
      String decoded = new String(Base64.getDecoder().decode(authorization.substring(6).trim()), StandardCharsets.UTF_8);
      int colon = decoded.indexOf(':');
      return colon < 0 ? null : new String[] {decoded.substring(0, colon), decoded.substring(colon + 1)};
    } catch (IllegalArgumentException e) {
      return null;
    }
  }

  /** The token endpoint: client credentials in a form body, a JSON body, the query or basic auth. */
  private void token(Call c) throws IOException {
    String id = c.query.get("client_id");
    String secret = c.query.get("client_secret");
    String contentType = String.valueOf(c.header("Content-Type"));
    if (c.body.length > 0 && contentType.contains("json")) {
      JsonNode json;
      try {
        json = MAPPER.readTree(c.body);
      } catch (IOException e) {
        throw new BadRequest("token request: the body is not JSON: " + e.getMessage());
      }
      id = text(json, "client_id", text(json, "clientId", id));
      secret = text(json, "client_secret", text(json, "clientSecret", secret));
    } else if (c.body.length > 0) {
      for (String pair : new String(c.body, StandardCharsets.UTF_8).split("&")) {
        int eq = pair.indexOf('=');
        if (eq < 0) {
          continue;
        }
        String name = URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8);
        String value = URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
        if (name.equals("client_id")) {
          id = value;
        } else if (name.equals("client_secret")) {
          secret = value;
        }
      }
    }
    String authorization = c.header("Authorization");
    if (id == null && authorization != null && authorization.regionMatches(true, 0, "Basic ", 0, 6)) {
      String[] pair = basic(authorization);
      if (pair != null) {
        id = pair[0];
        secret = pair[1];
      }
    }
    c.presented = "client_credentials";
    c.principal = id;
    if (!settings.clientId().equals(id) || !settings.clientSecret().equals(secret)) {
      c.respond(401, "{\"error\":\"invalid_client\",\"error_description\":\"unknown client id or wrong secret\"}",
          Map.of());
      return;
    }
    String token = "at-" + tokenIds.incrementAndGet();
    tokens.put(token, System.nanoTime() + TimeUnit.SECONDS.toNanos(settings.tokenTtlSeconds()));
    ObjectNode answer = MAPPER.createObjectNode();
    answer.put("access_token", token);
    answer.put("token_type", "Bearer");
    answer.put("expires_in", settings.tokenTtlSeconds());
    answer.putObject("tenant").put("id", "tenant-1");
    c.respond(200, answer.toString(), Map.of());
  }

  private static String text(JsonNode json, String field, String fallback) {
    return json != null && json.hasNonNull(field) ? json.get(field).asText() : fallback;
  }

  private String index() {
    ObjectNode node = MAPPER.createObjectNode();
    node.put("api", "oceanj fake REST API for the custom integration");
    node.put("paths", "[/{auth}][/{pagination}]/{resource}");
    node.putPOJO("auth", List.copyOf(new TreeSet<>(FakeApiSettings.AUTH_STYLES)));
    node.putPOJO("pagination", List.copyOf(new TreeSet<>(FakeApiSettings.PAGINATION_STYLES)));
    node.putPOJO("resources", List.of("/items", "/projects", "/projects/{projectId}/issues",
        "/projects/{projectId}/issues/{number}/comments", "/oauth/token"));
    node.put("control", "/_control/requests, /_control/remove, /_control/restore, /_control/version, "
        + "/_control/items, /_control/faults, /_control/tokens/expire, /_control/reset");
    return node.toString();
  }

  private void control(Call c) throws IOException {
    String route = c.method + " " + c.path.substring("/_control".length());
    try {
      switch (route) {
        case "GET /requests" -> {
          ObjectNode answer = MAPPER.createObjectNode();
          ArrayNode list = answer.putArray("requests");
          log.since(c.number("since", 0)).forEach(e -> list.add(MAPPER.valueToTree(e)));
          answer.put("last", log.last());
          answer.put("dropped", log.dropped());
          c.respond(200, answer.toString(), Map.of());
        }
        case "DELETE /requests" -> {
          log.clear();
          c.respond(204, "", Map.of());
        }
        case "POST /remove" -> {
          JsonNode ids = readJson(c).get("ids");
          if (ids == null || !ids.isArray()) {
            throw new BadRequest("remove: the body is {\"ids\": [\"item-1\", \"proj-2\", ...]}");
          }
          List<String> list = new ArrayList<>();
          ids.forEach(id -> list.add(id.asText()));
          remove(list.toArray(String[]::new));
          c.respond(200, "{\"removed\":" + list.size() + "}", Map.of());
        }
        case "POST /restore" -> {
          restore();
          c.respond(204, "", Map.of());
        }
        case "POST /version" -> {
          JsonNode v = readJson(c).get("version");
          if (v == null || !v.canConvertToInt()) {
            throw new BadRequest("version: the body is {\"version\": 2}");
          }
          version(v.asInt());
          c.respond(204, "", Map.of());
        }
        case "POST /items" -> {
          JsonNode n = readJson(c).get("items");
          if (n == null || !n.canConvertToLong()) {
            throw new BadRequest("items: the body is {\"items\": 1000}");
          }
          items(n.asLong());
          c.respond(204, "", Map.of());
        }
        case "POST /faults" -> c.respond(201, "{\"id\":" + faults.add(readJson(c)) + "}", Map.of());
        case "GET /faults" -> c.respond(200, MAPPER.writeValueAsString(Map.of("faults", faults.list())), Map.of());
        case "DELETE /faults" -> {
          clearFaults();
          c.respond(204, "", Map.of());
        }
        case "POST /tokens/expire" -> {
          expireTokens();
          c.respond(204, "", Map.of());
        }
        case "POST /reset" -> {
          reset();
          c.respond(204, "", Map.of());
        }
        default -> c.error(404, "no control route " + route);
      }
    } catch (BadRequest e) {
      c.error(400, e.getMessage());
    }
  }

  private static JsonNode readJson(Call c) {
    try {
      JsonNode json = MAPPER.readTree(c.body);
      if (json == null || !json.isObject()) {
        throw new BadRequest(c.path + ": the body must be a JSON object");
      }
      return json;
    } catch (IOException e) {
      throw new BadRequest(c.path + ": the body is not JSON: " + e.getMessage());
    }
  }

  static String[] segments(String path) {
    return Arrays.stream(path.split("/")).filter(s -> !s.isEmpty()).toArray(String[]::new);
  }

  static String quote(String text) {
    try {
      return MAPPER.writeValueAsString(text);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  /** A request the API refuses with 400 and this message. */
  public static final class BadRequest extends RuntimeException {
    private static final long serialVersionUID = 1L;

    BadRequest(String message) {
      super(message, null, false, false);
    }
  }
}
