package dev.oceanj.integrations.pagerduty.fakeapi;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import dev.oceanj.fakeapi.LoopbackServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;

/**
 * A fake PagerDuty REST API (v2) for the {@code pagerduty} integration's tests, examples and benchmarks:
 * {@code FakePagerDuty.start(settings)} in a test, or {@link Main} in a process of its own.
 *
 * <p>It serves the endpoints Ocean's PagerDuty integration calls, with PagerDuty's classic pagination
 * ({@code offset}, {@code limit} up to 100, {@code more}, {@code total}; {@code offset + limit} above 10,000 is a
 * 400), {@code Token token=} and {@code Bearer} auth (401 otherwise), the {@code ratelimit-*} headers on every answer
 * (429 past the per-minute budget), faults on demand (429 with {@code Retry-After}, 5xx bursts), v3 webhook
 * subscriptions and signed webhook events delivered to them, and a request log that records which auth scheme a
 * request presented, never the token. Control routes live under {@code /_control/} (no auth, never logged, never
 * faulted); the same operations are methods of this class.
 */
public final class FakePagerDuty implements AutoCloseable {

  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final int MAX_BODY = 1 << 20;
  private static final int DEFAULT_LIMIT = 25;
  private static final int MAX_LIMIT = 100;
  private static final Map<String, Set<String>> INCLUDES = Map.of(
      "services", Set.of("escalation_policies", "teams", "integrations", "auto_pause_notifications_parameters"),
      "incidents", Set.of("acknowledgers", "agents", "assignees", "conference_bridge", "escalation_policies",
          "first_trigger_log_entries", "priorities", "services", "teams", "users"),
      "schedules", Set.of("schedule_layers", "final_schedule", "overrides_subschedule"),
      "oncalls", Set.of("users", "escalation_policies", "schedules"),
      "escalation_policies", Set.of("services", "teams", "targets"),
      "users", Set.of("contact_methods", "notification_rules", "teams", "subdomains"),
      "teams", Set.of(),
      "priorities", Set.of(),
      "webhook_subscriptions", Set.of());

  private final FakePagerDutySettings settings;
  private final LoopbackServer server;
  private final HttpClient deliveries = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private final RequestLog log;
  private final List<Fault> faults = new CopyOnWriteArrayList<>();
  /** Services that single GETs do not find yet, with how many more times. */
  private final Map<String, AtomicInteger> hidden = new java.util.concurrent.ConcurrentHashMap<>();
  private Account account;
  /** Filtered, sorted incident listings by query; emptied whenever an incident changes (guarded by this). */
  private final Map<String, List<ObjectNode>> incidentQueries = new HashMap<>();
  private volatile Budget perMinute;
  private volatile Budget analyticsPerDay;

  /** A fault rule: requests whose path is {@code path} or below it (and of {@code method}, when set) get {@code status}. */
  private record Fault(String path, String method, int status, AtomicInteger remaining, Integer retryAfter,
      boolean dailyQuota) {
  }

  /**
   * One delivery of a webhook event to a subscription.
   *
   * @param subscriptionId the subscription
   * @param url its delivery URL
   * @param status the HTTP status answered, or -1 when it could not be delivered
   * @param error why it could not be delivered, or null
   * @param event the signed event sent
   */
  public record Delivery(String subscriptionId, String url, int status, String error, WebhookEvent event) {
  }

  private FakePagerDuty(FakePagerDutySettings settings) throws IOException {
    this.settings = settings;
    this.log = new RequestLog(settings.requestLogSize());
    this.server = new LoopbackServer(settings.host(), settings.port(), "fake-pagerduty");
    this.account = new Account(settings, apiRoot());
    budgets();
    server.start(this::handle);
  }

  /** Starts the fake; port 0 in the settings picks a free one ({@link #baseUri()} says which). */
  public static FakePagerDuty start(FakePagerDutySettings settings) throws IOException {
    return new FakePagerDuty(settings);
  }

  public FakePagerDutySettings settings() {
    return settings;
  }

  public int port() {
    return server.port();
  }

  /** The API root to configure as the integration's {@code apiUrl}: {@code http://host:port}, no trailing slash. */
  public URI baseUri() {
    return URI.create(apiRoot());
  }

  private String apiRoot() {
    return server.baseUri().toString();
  }

  @Override
  public void close() {
    server.close();
  }

  // ---- control, for in-process tests (the /_control routes call these) ----

  /** Back to the generated data: no change, no subscription, no fault, an empty request log, a fresh rate window. */
  public synchronized void reset() {
    account = new Account(settings, apiRoot());
    incidentQueries.clear();
    faults.clear();
    hidden.clear();
    log.clear();
    budgets();
  }

  private void budgets() {
    perMinute = new Budget("ratelimit", settings.rateLimit(), 1, TimeUnit.MINUTES);
    analyticsPerDay = new Budget("daily-ratelimit", settings.analyticsDailyLimit(), 1, TimeUnit.DAYS);
  }

  /** The logged requests numbered above {@code since} (0 for all kept), oldest first. */
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

  /**
   * Adds a fault: the next {@code times} requests (forever when {@code times} is 0) whose path is {@code path} or
   * below it get {@code status}; a 429 carries {@code Retry-After: retryAfter} when given, and
   * {@code daily-ratelimit-remaining: 0} when {@code dailyQuota}.
   */
  public void fault(String path, String method, int status, int times, Integer retryAfter, boolean dailyQuota) {
    if (path == null || !path.startsWith("/")) {
      throw new BadRequest("path: required, starts with '/', e.g. \"/incidents\"");
    }
    if (status < 400 || status > 599) {
      throw new BadRequest("status: must be an HTTP error status (400-599), was " + status);
    }
    if (times < 0) {
      throw new BadRequest("times: must be >= 0 (0 = forever), was " + times);
    }
    faults.add(new Fault(path, method, status, new AtomicInteger(times == 0 ? -1 : times), retryAfter, dailyQuota));
  }

  public void clearFaults() {
    faults.clear();
  }

  /** A copy of an incident as stored (every reference in its full form), or null. */
  public synchronized ObjectNode incident(String id) {
    ObjectNode incident = account.incidents.get(id);
    return incident == null ? null : incident.deepCopy();
  }

  /** A copy of a service as stored, or null. */
  public synchronized ObjectNode service(String id) {
    ObjectNode service = account.services.get(id);
    return service == null ? null : service.deepCopy();
  }

  /** The ids of the incidents, services, users, schedules or escalation policies (by resource name), in order. */
  public synchronized List<String> ids(String resource) {
    return List.copyOf(listOf(resource).stream().map(n -> n.get("id").asText()).toList());
  }

  /** Moves an incident to {@code triggered}, {@code acknowledged} or {@code resolved}; returns it. */
  public synchronized ObjectNode setIncidentStatus(String id, String status) {
    if (!Account.STATUSES.contains(status)) {
      throw new BadRequest("status: must be one of " + Account.STATUSES + ", was '" + status + "'");
    }
    ObjectNode incident = account.incidents.get(id);
    if (incident == null) {
      throw new BadRequest("id: no incident '" + id + "'");
    }
    Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
    incidentQueries.clear();
    account.setStatus(incident, status, status.equals("triggered") ? now : now.minus(
        status.equals("resolved") ? Duration.ofMinutes(47) : Duration.ofMinutes(5)));
    return incident.deepCopy();
  }

  /** Triggers a new incident on a service; returns it. */
  public synchronized ObjectNode triggerIncident(String serviceId, String title, String urgency) {
    if (title == null || title.isBlank()) {
      throw new BadRequest("title: required");
    }
    if (!List.of("high", "low").contains(urgency)) {
      throw new BadRequest("urgency: must be high or low, was '" + urgency + "'");
    }
    incidentQueries.clear();
    return account.triggerIncident(serviceId, title, urgency, Instant.now().truncatedTo(ChronoUnit.SECONDS))
        .deepCopy();
  }

  /** Adds a service named {@code name}; returns it. */
  public ObjectNode addService(String name) {
    return addService(name, 0);
  }

  /**
   * Adds a service named {@code name} that {@code GET /services/{id}} answers 404 for the first {@code notFoundFor}
   * times, as PagerDuty does just after a creation (Ocean's webhook processor retries for it); returns it.
   */
  public synchronized ObjectNode addService(String name, int notFoundFor) {
    if (name == null || name.isBlank()) {
      throw new BadRequest("name: required");
    }
    if (notFoundFor < 0) {
      throw new BadRequest("notFoundFor: must be >= 0, was " + notFoundFor);
    }
    ObjectNode service = account.addService(name);
    if (notFoundFor > 0) {
      hidden.put(service.get("id").asText(), new AtomicInteger(notFoundFor));
    }
    return service.deepCopy();
  }

  /** Changes a service's {@code name}, {@code description} or {@code status} (the fields given); returns it. */
  public synchronized ObjectNode updateService(String id, JsonNode fields) {
    ObjectNode service = account.services.get(id);
    if (service == null) {
      throw new BadRequest("id: no service '" + id + "'");
    }
    for (var names = fields.fieldNames(); names.hasNext(); ) {
      String name = names.next();
      if (!List.of("name", "description", "status").contains(name)) {
        throw new BadRequest(name + ": cannot be changed (name, description, status can)");
      }
    }
    if (fields.has("name")) {
      service.put("name", fields.get("name").asText());
      service.put("summary", fields.get("name").asText());
      account.shared(service).put("summary", fields.get("name").asText());
    }
    if (fields.has("description")) {
      service.set("description", fields.get("description"));
    }
    if (fields.has("status")) {
      String status = fields.get("status").asText();
      if (!List.of("active", "disabled", "maintenance", "warning", "critical").contains(status)) {
        throw new BadRequest("status: must be active, warning, critical, maintenance or disabled, was '" + status + "'");
      }
      service.put("status", status);
    }
    service.put("updated_at", Instant.now().truncatedTo(ChronoUnit.SECONDS).toString());
    return service.deepCopy();
  }

  /** Removes a service (its incidents stay, as in PagerDuty's API until they are purged). */
  public synchronized void removeService(String id) {
    ObjectNode service = account.services.remove(id);
    if (service == null) {
      throw new BadRequest("id: no service '" + id + "'");
    }
    account.removedServices.put(id, service);
    for (ObjectNode ep : account.escalationPolicies.values()) {
      ArrayNode refs = (ArrayNode) ep.get("services");
      for (int i = refs.size() - 1; i >= 0; i--) {
        if (refs.get(i).get("id").asText().equals(id)) {
          refs.remove(i);
        }
      }
    }
  }

  /** Creates a webhook subscription to {@code url} for the event types, as {@code POST /webhook_subscriptions} does; returns it with its secret. */
  public synchronized ObjectNode subscribe(String url, List<String> events) {
    ObjectNode request = MAPPER.createObjectNode();
    ObjectNode body = request.putObject("webhook_subscription");
    body.put("type", "webhook_subscription");
    body.putObject("delivery_method").put("type", "http_delivery_method").put("url", url);
    ArrayNode types = body.putArray("events");
    events.forEach(types::add);
    return account.subscribe(request).deepCopy();
  }

  /** The webhook subscriptions, secrets included. */
  public synchronized List<ObjectNode> subscriptions() {
    return account.subscriptions.values().stream().map(ObjectNode::deepCopy).toList();
  }

  /**
   * A signed webhook event about an incident ({@code incident.*}) or a service ({@code service.*}) as it is now (a
   * removed service as it was), signed with the settings' {@code webhookSecret}.
   */
  public WebhookEvent event(String eventType, String id) {
    return WebhookEvent.of(eventType, eventData(eventType, id), agent(), settings.webhookSecret(), "PFAKESUB");
  }

  /**
   * Delivers an event to every active subscription that asked for its type, signed with each one's secret, and waits
   * for the answers. Only loopback URLs are delivered to; others are reported as not delivered.
   */
  public List<Delivery> deliver(String eventType, String id) {
    JsonNode data = eventData(eventType, id);
    List<ObjectNode> targets;
    synchronized (this) {
      targets = account.subscriptions.values().stream()
          .filter(s -> s.path("active").asBoolean(true))
          .filter(s -> containsText(s.get("events"), eventType))
          .map(ObjectNode::deepCopy).toList();
    }
    List<Delivery> result = new ArrayList<>();
    for (ObjectNode subscription : targets) {
      String url = subscription.at("/delivery_method/url").asText();
      WebhookEvent event = WebhookEvent.of(eventType, data.deepCopy(), agent(),
          subscription.at("/delivery_method/secret").asText(), subscription.get("id").asText());
      result.add(post(subscription.get("id").asText(), url, event));
    }
    return result;
  }

  private Delivery post(String subscriptionId, String url, WebhookEvent event) {
    try {
      URI uri = URI.create(url);
      if (uri.getHost() == null || !InetAddress.getByName(uri.getHost()).isLoopbackAddress()) {
        return new Delivery(subscriptionId, url, -1, "not a loopback address: the fake delivers on this machine only", event);
      }
      HttpRequest.Builder request = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10))
          .POST(HttpRequest.BodyPublishers.ofString(event.body()));
      event.headers().forEach((name, value) -> {
        if (!name.equals("User-Agent")) {
          request.header(name, value);
        }
      });
      request.header("User-Agent", event.headers().get("User-Agent"));
      HttpResponse<Void> response = deliveries.send(request.build(), HttpResponse.BodyHandlers.discarding());
      return new Delivery(subscriptionId, url, response.statusCode(), null, event);
    } catch (IOException | IllegalArgumentException e) {
      return new Delivery(subscriptionId, url, -1, e.getClass().getSimpleName() + ": " + e.getMessage(), event);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return new Delivery(subscriptionId, url, -1, "interrupted", event);
    }
  }

  private static boolean containsText(JsonNode array, String text) {
    if (array != null) {
      for (JsonNode item : array) {
        if (item.asText().equals(text)) {
          return true;
        }
      }
    }
    return false;
  }

  private synchronized JsonNode agent() {
    return Account.reference(account.userAt(0));
  }

  /** The {@code data} of a v3 event: the incident or service in the shape PagerDuty's webhooks give it. */
  private synchronized JsonNode eventData(String eventType, String id) {
    if (eventType == null || !(eventType.startsWith("incident.") || eventType.startsWith("service."))) {
      throw new BadRequest("event_type: must be an incident.* or service.* event type, was '" + eventType + "'");
    }
    ObjectNode data = MAPPER.createObjectNode();
    if (eventType.startsWith("incident.")) {
      ObjectNode incident = account.incidents.get(id);
      if (incident == null) {
        throw new BadRequest("id: no incident '" + id + "'");
      }
      data.put("id", id);
      data.put("type", "incident");
      data.set("self", incident.get("self"));
      data.set("html_url", incident.get("html_url"));
      data.set("number", incident.get("incident_number"));
      data.set("status", incident.get("status"));
      data.set("incident_key", incident.get("incident_key"));
      data.set("created_at", incident.get("created_at"));
      data.set("title", incident.get("title"));
      data.set("service", incident.get("service").deepCopy());
      ArrayNode assignees = data.putArray("assignees");
      incident.get("assignments").forEach(a -> assignees.add(a.get("assignee").deepCopy()));
      data.set("escalation_policy", incident.get("escalation_policy").deepCopy());
      data.set("teams", incident.get("teams").deepCopy());
      data.set("priority", incident.get("priority").isNull() ? null : Account.reference(incident.get("priority")));
      data.set("urgency", incident.get("urgency"));
      data.putNull("conference_bridge");
      data.set("resolve_reason", incident.get("resolve_reason"));
      return data;
    }
    ObjectNode service = account.services.containsKey(id) ? account.services.get(id) : account.removedServices.get(id);
    if (service == null) {
      throw new BadRequest("id: no service '" + id + "'");
    }
    for (String field : List.of("id", "type", "summary", "self", "html_url", "name", "description", "status",
        "created_at", "updated_at")) {
      data.set(field, service.get(field));
    }
    data.put("status", serviceStatuses().getOrDefault(id, service.get("status").asText()));
    data.set("escalation_policy", service.get("escalation_policy").deepCopy());
    data.set("teams", service.get("teams").deepCopy());
    return data;
  }

  // ---- HTTP ----

  private void handle(HttpExchange http) {
    try {
      Exchange x = new Exchange(http, http.getRequestBody().readNBytes(MAX_BODY));
      if (x.path.equals("/_control") || x.path.startsWith("/_control/")) {
        try {
          control(x);
        } catch (BadRequest e) {
          x.error(400, 2001, "Invalid Input Provided", e.getMessage());
        }
        return;
      }
      x.onStatus = done -> log.add(done.method, done.path, done.rawQuery, done.auth, done.authorized, done.status,
          done.method.equals("GET") || done.body.length == 0 ? null : new String(done.body, StandardCharsets.UTF_8));
      try {
        serve(x);
      } catch (BadRequest e) {
        x.error(400, 2001, "Invalid Input Provided", e.getMessage());
      } catch (RuntimeException e) {
        if (x.status == 0) {
          x.error(500, 2000, "Internal Server Error", e.getClass().getSimpleName() + ": " + e.getMessage());
        }
      }
    } catch (IOException e) {
      // The client went away mid-response.
    } finally {
      http.close();
    }
  }

  /** A request budget over a fixed window, answered in PagerDuty's {@code <prefix>-limit/-remaining/-reset} headers. */
  private static final class Budget {
    private final String prefix;
    private final int limit;
    private final long window;
    private long start = System.nanoTime();
    private int count;

    Budget(String prefix, int limit, long window, TimeUnit unit) {
      this.prefix = prefix;
      this.limit = limit;
      this.window = unit.toNanos(window);
    }

    /** Counts one request and sets the headers (reset in whole seconds, at least 1); false when over the budget. */
    synchronized boolean take(com.sun.net.httpserver.Headers headers) {
      long now = System.nanoTime();
      if (now - start >= window) {
        start = now;
        count = 0;
      }
      count++;
      headers.set(prefix + "-limit", Integer.toString(limit));
      headers.set(prefix + "-remaining", Integer.toString(Math.max(0, limit - count)));
      headers.set(prefix + "-reset", Long.toString(Math.max(1,
          TimeUnit.NANOSECONDS.toSeconds(start + window - now + 999_999_999L))));
      return count <= limit;
    }
  }

  private void serve(Exchange x) throws IOException {
    boolean withinBudget = perMinute.take(x.http.getResponseHeaders());
    if (!authorize(x)) {
      x.http.getResponseHeaders().set("WWW-Authenticate", "Token realm=\"pagerduty\"");
      x.error(401, 2006, "Authentication failed",
          "send 'Authorization: Token token=<API key>' or 'Authorization: Bearer <OAuth token>'");
      return;
    }
    for (Fault fault : faults) {
      if ((x.path.equals(fault.path()) || x.path.startsWith(fault.path() + "/"))
          && (fault.method() == null || fault.method().equalsIgnoreCase(x.method))
          && fault.remaining().getAndUpdate(n -> n > 0 ? n - 1 : n) != 0) {
        if (fault.retryAfter() != null) {
          x.http.getResponseHeaders().set("Retry-After", Integer.toString(fault.retryAfter()));
        }
        if (fault.dailyQuota()) {
          x.http.getResponseHeaders().set("daily-ratelimit-limit", "10000");
          x.http.getResponseHeaders().set("daily-ratelimit-remaining", "0");
          x.http.getResponseHeaders().set("daily-ratelimit-reset", "3600");
        }
        if (fault.status() == 429) {
          x.error(429, 2020, "Rate Limit Exceeded");
        } else {
          x.error(fault.status(), 2000, "Fault injected: " + fault.status());
        }
        return;
      }
    }
    if (x.path.startsWith("/analytics/") && !analyticsPerDay.take(x.http.getResponseHeaders())) {
      x.error(429, 2020, "Daily analytics rate limit exceeded");
      return;
    }
    if (!withinBudget) {
      x.http.getResponseHeaders().set("Retry-After", x.http.getResponseHeaders().getFirst("ratelimit-reset"));
      x.error(429, 2020, "Rate Limit Exceeded");
      return;
    }
    route(x);
  }

  /** Reads the Authorization header: the scheme presented goes to the log, the token never does. */
  private boolean authorize(Exchange x) {
    String authorization = x.header("Authorization");
    if (authorization == null) {
      x.auth = "none";
      return false;
    }
    if (authorization.startsWith("Token token=")) {
      x.auth = "token";
      x.authorized = authorization.substring("Token token=".length()).trim().equals(settings.token());
    } else if (authorization.startsWith("Bearer ")) {
      x.auth = "bearer";
      x.authorized = authorization.substring("Bearer ".length()).trim().equals(settings.oauthToken());
    } else {
      x.auth = "other";
    }
    return x.authorized;
  }

  private void route(Exchange x) throws IOException {
    String[] s = Arrays.stream(x.path.split("/")).filter(p -> !p.isEmpty()).toArray(String[]::new);
    String route = x.method + " " + String.join("/", s.length > 1 && !List.of("analytics").contains(s[0])
        ? withIdPlaceholder(s) : s);
    switch (route) {
      case "GET services", "GET incidents", "GET schedules", "GET escalation_policies", "GET users", "GET teams",
          "GET priorities", "GET oncalls", "GET webhook_subscriptions" -> list(x, s[0]);
      case "GET services/{id}", "GET incidents/{id}", "GET schedules/{id}", "GET escalation_policies/{id}",
          "GET users/{id}", "GET teams/{id}", "GET webhook_subscriptions/{id}" -> one(x, s[0], s[1]);
      case "GET services/{id}/custom_fields/values", "GET incidents/{id}/custom_fields/values" ->
          customFields(x, s[0], s[1]);
      case "POST analytics/metrics/incidents/services" -> analytics(x, Analytics::serviceMetrics);
      case "POST analytics/raw/incidents" -> analytics(x, Analytics::rawIncidents);
      case "POST webhook_subscriptions" -> {
        ObjectNode subscription;
        synchronized (this) {
          subscription = account.subscribe(x.json());
        }
        x.respond(201, MAPPER.createObjectNode().set("webhook_subscription", subscription));
      }
      case "DELETE webhook_subscriptions/{id}" -> {
        boolean removed;
        synchronized (this) {
          removed = account.subscriptions.remove(s[1]) != null;
        }
        if (removed) {
          x.respond(204, null);
        } else {
          x.error(404, 2100, "Not Found");
        }
      }
      default -> x.error(404, 2100, "Not Found", "no route " + x.method + " " + x.path);
    }
  }

  private void analytics(Exchange x, java.util.function.BiFunction<Account, JsonNode, ObjectNode> endpoint)
      throws IOException {
    JsonNode body = x.json();
    ObjectNode answer;
    synchronized (this) {
      answer = endpoint.apply(account, body);
    }
    x.respond(200, answer);
  }

  private static String[] withIdPlaceholder(String[] s) {
    String[] copy = s.clone();
    copy[1] = "{id}";
    return copy;
  }

  private synchronized List<ObjectNode> listOf(String resource) {
    return switch (resource) {
      case "services" -> new ArrayList<>(account.services.values());
      case "incidents" -> new ArrayList<>(account.incidents.values());
      case "schedules" -> new ArrayList<>(account.schedules.values());
      case "escalation_policies" -> new ArrayList<>(account.escalationPolicies.values());
      case "users" -> new ArrayList<>(account.users.values());
      case "teams" -> new ArrayList<>(account.teams.values());
      case "priorities" -> new ArrayList<>(account.priorities);
      case "oncalls" -> account.oncalls();
      case "webhook_subscriptions" -> new ArrayList<>(account.subscriptions.values());
      default -> throw new BadRequest("resource: unknown '" + resource + "'");
    };
  }

  private void list(Exchange x, String resource) throws IOException {
    Set<String> include = includes(x, resource);
    int offset = x.integer("offset", 0);
    int limit = Math.min(MAX_LIMIT, Math.max(1, x.integer("limit", DEFAULT_LIMIT)));
    if (offset + limit > FakePagerDutySettings.MAX_OFFSET) {
      x.error(400, 2001, "Invalid Input Provided", "Offset must be less than " + FakePagerDutySettings.MAX_OFFSET
          + " (offset + limit was " + (offset + limit) + "); classic pagination cannot go further");
      return;
    }
    List<ObjectNode> page = new ArrayList<>();
    int total;
    synchronized (this) {
      List<ObjectNode> items = resource.equals("incidents") ? incidents(x) : listOf(resource);
      if (!resource.equals("incidents")) {
        items.removeIf(filter(x, resource).negate());
      }
      total = items.size();
      Map<String, String> statuses = resource.equals("services") ? serviceStatuses() : Map.of();
      for (int i = offset; i < Math.min(total, offset + limit); i++) {
        page.add(render(resource, items.get(i), include, statuses));
      }
    }
    ObjectNode answer = MAPPER.createObjectNode();
    answer.putArray(resource).addAll(page);
    answer.put("limit", limit);
    answer.put("offset", offset);
    if ("true".equals(x.param("total"))) {
      answer.put("total", total);
    } else {
      answer.putNull("total");
    }
    answer.put("more", offset + limit < total);
    x.respond(200, answer);
  }

  private void one(Exchange x, String resource, String id) throws IOException {
    Set<String> include = includes(x, resource);
    AtomicInteger lag = hidden.get(id);
    if (lag != null && lag.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
      x.error(404, 2100, "Not Found");
      return;
    }
    ObjectNode found;
    synchronized (this) {
      found = listOf(resource).stream().filter(n -> n.get("id").asText().equals(id)).findFirst()
          .map(n -> render(resource, n, include, resource.equals("services") ? serviceStatuses() : Map.of()))
          .orElse(null);
    }
    if (found == null) {
      x.error(404, 2100, "Not Found");
      return;
    }
    String key = resource.equals("escalation_policies") ? "escalation_policy"
        : resource.substring(0, resource.length() - 1);
    x.respond(200, MAPPER.createObjectNode().set(key, found));
  }

  /**
   * The incidents a listing matches, filtered and sorted once per query (its parameters but the page's) and kept
   * until an incident changes, so that each page costs what the page holds, not the whole account: the fake must
   * not be the bottleneck of a benchmark of 30,000 incidents. Read only; caller holds the lock.
   */
  private List<ObjectNode> incidents(Exchange x) {
    Map<String, List<String>> query = new java.util.TreeMap<>(x.params);
    query.keySet().removeAll(List.of("offset", "limit", "total"));
    String key = query.toString();
    List<ObjectNode> items = incidentQueries.get(key);
    if (items == null) {
      List<ObjectNode> all = listOf("incidents");
      all.removeIf(filter(x, "incidents").negate());
      sortIncidents(x, all);
      items = java.util.Collections.unmodifiableList(all);
      if (incidentQueries.size() >= 16) {
        incidentQueries.clear();
      }
      incidentQueries.put(key, items);
    }
    return items;
  }

  private Set<String> includes(Exchange x, String resource) {
    Set<String> allowed = INCLUDES.get(resource);
    Set<String> include = new HashSet<>(x.list("include"));
    for (String value : include) {
      if (!allowed.contains(value)) {
        throw new BadRequest("include[]: '" + value + "' is not valid for " + resource + " (valid: "
            + allowed.stream().sorted().toList() + ")");
      }
    }
    return include;
  }

  private Predicate<ObjectNode> filter(Exchange x, String resource) {
    Predicate<ObjectNode> filter = n -> true;
    switch (resource) {
      case "incidents" -> {
        List<String> statuses = x.list("statuses");
        for (String status : statuses) {
          if (!Account.STATUSES.contains(status)) {
            throw new BadRequest("statuses[]: must be triggered, acknowledged or resolved, was '" + status + "'");
          }
        }
        List<String> urgencies = x.list("urgencies");
        for (String urgency : urgencies) {
          if (!List.of("high", "low").contains(urgency)) {
            throw new BadRequest("urgencies[]: must be high or low, was '" + urgency + "'");
          }
        }
        filter = filter.and(oneOf(statuses, n -> n.get("status").asText()))
            .and(oneOf(urgencies, n -> n.get("urgency").asText()))
            .and(oneOf(x.list("service_ids"), n -> n.at("/service/id").asText()))
            .and(anyOf(x.list("team_ids"), n -> n.get("teams")))
            .and(anyOf(x.list("user_ids"), n -> assigneeRefs(n)));
        String key = x.param("incident_key");
        if (key != null) {
          filter = filter.and(n -> n.get("incident_key").asText().equals(key));
        }
        if (!"all".equals(x.param("date_range"))) {
          Instant since = date(x, "since");
          Instant until = date(x, "until");
          if (since != null && until != null && !since.isBefore(until)) {
            throw new BadRequest("since: must be before until");
          }
          if (since != null || until != null) {
            filter = filter.and(n -> {
              Instant created = Instant.parse(n.get("created_at").asText());
              return (since == null || !created.isBefore(since)) && (until == null || created.isBefore(until));
            });
          }
        }
      }
      case "services", "escalation_policies", "schedules" -> {
        filter = filter.and(anyOf(x.list("team_ids"), n -> n.get("teams")));
        if (resource.equals("escalation_policies")) {
          filter = filter.and(anyOf(x.list("user_ids"), n -> targetUsers(n)));
        }
        String query = x.param("query");
        if (query != null) {
          filter = filter.and(n -> n.get("name").asText().toLowerCase().contains(query.toLowerCase()));
        }
      }
      case "oncalls" -> {
        Instant since = date(x, "since");
        Instant until = date(x, "until");
        Instant from = since == null ? account.clock : since;
        Instant to = until == null ? from : until;
        if (to.isBefore(from)) {
          throw new BadRequest("until: must not be before since");
        }
        filter = filter.and(oneOf(x.list("escalation_policy_ids"), n -> n.at("/escalation_policy/id").asText()))
            .and(oneOf(x.list("schedule_ids"), n -> n.at("/schedule/id").asText()))
            .and(oneOf(x.list("user_ids"), n -> n.at("/user/id").asText()))
            .and(n -> Instant.parse(n.get("end").asText()).isAfter(from)
                && !Instant.parse(n.get("start").asText()).isAfter(to));
      }
      case "users" -> {
        filter = filter.and(anyOf(x.list("team_ids"), n -> n.get("teams")));
        String query = x.param("query");
        if (query != null) {
          filter = filter.and(n -> (n.get("name").asText() + " " + n.get("email").asText()).toLowerCase()
              .contains(query.toLowerCase()));
        }
      }
      default -> {
      }
    }
    return filter;
  }

  private static Predicate<ObjectNode> oneOf(List<String> wanted, java.util.function.Function<ObjectNode, String> value) {
    return wanted.isEmpty() ? n -> true : n -> wanted.contains(value.apply(n));
  }

  private static Predicate<ObjectNode> anyOf(List<String> wanted, java.util.function.Function<ObjectNode, JsonNode> refs) {
    return wanted.isEmpty() ? n -> true : n -> {
      for (JsonNode ref : refs.apply(n)) {
        if (wanted.contains(ref.path("id").asText())) {
          return true;
        }
      }
      return false;
    };
  }

  private static JsonNode assigneeRefs(ObjectNode incident) {
    ArrayNode refs = MAPPER.createArrayNode();
    incident.get("assignments").forEach(a -> refs.add(a.get("assignee")));
    return refs;
  }

  private JsonNode targetUsers(ObjectNode ep) {
    ArrayNode refs = MAPPER.createArrayNode();
    for (JsonNode rule : ep.get("escalation_rules")) {
      ObjectNode schedule = account.schedules.get(rule.at("/targets/0/id").asText());
      if (schedule != null) {
        schedule.get("users").forEach(refs::add);
      }
    }
    return refs;
  }

  private static void sortIncidents(Exchange x, List<ObjectNode> items) {
    String sortBy = x.param("sort_by");
    if (sortBy == null || sortBy.isEmpty()) {
      return;
    }
    String[] parts = sortBy.split(":");
    Comparator<ObjectNode> order = switch (parts[0]) {
      case "created_at" -> Comparator.comparing(n -> n.get("created_at").asText());
      case "incident_number" -> Comparator.comparingInt(n -> n.get("incident_number").asInt());
      case "resolved_at" -> Comparator.comparing(n -> n.get("resolved_at").asText(""));
      case "urgency" -> Comparator.comparing(n -> n.get("urgency").asText());
      default -> throw new BadRequest("sort_by: must be created_at, incident_number, resolved_at or urgency "
          + "(with :asc or :desc), was '" + sortBy + "'");
    };
    if (parts.length > 1 && parts[1].equals("desc")) {
      order = order.reversed();
    } else if (parts.length > 1 && !parts[1].equals("asc")) {
      throw new BadRequest("sort_by: direction must be asc or desc, was '" + parts[1] + "'");
    }
    items.sort(order);
  }

  private static Instant date(Exchange x, String name) {
    String value = x.param(name);
    if (value == null || value.isEmpty()) {
      return null;
    }
    try {
      return OffsetDateTime.parse(value).toInstant();
    } catch (DateTimeParseException e) {
      try {
        return LocalDate.parse(value).atStartOfDay(ZoneOffset.UTC).toInstant();
      } catch (DateTimeParseException e2) {
        throw new BadRequest(name + ": must be an ISO-8601 date or date-time, was '" + value + "'");
      }
    }
  }

  /** An object as the API answers it: references expanded per {@code include[]}, computed fields filled in. */
  private ObjectNode render(String resource, ObjectNode stored, Set<String> include, Map<String, String> statuses) {
    ObjectNode n = stored.deepCopy();
    switch (resource) {
      case "incidents" -> {
        boolean users = include.contains("users");
        if (include.contains("assignees") || users) {
          n.get("assignments").forEach(a -> expand((ObjectNode) a, true, "assignee", account.users));
        }
        if (include.contains("acknowledgers") || users) {
          n.get("acknowledgements").forEach(a -> expand((ObjectNode) a, true, "acknowledger", account.users));
        }
        if (!include.contains("first_trigger_log_entries")) {
          n.set("first_trigger_log_entry", Account.reference(n.get("first_trigger_log_entry")));
        }
        expand(n, include.contains("services"), "service", account.services);
        expand(n, include.contains("escalation_policies"), "escalation_policy", account.escalationPolicies);
        expand(n, include.contains("teams"), "teams", account.teams);
      }
      case "services" -> {
        n.put("status", statuses.getOrDefault(n.get("id").asText(), n.get("status").asText()));
        expand(n, include.contains("escalation_policies"), "escalation_policy", account.escalationPolicies);
        expand(n, include.contains("teams"), "teams", account.teams);
      }
      case "oncalls" -> {
        expand(n, include.contains("users"), "user", account.users);
        expand(n, include.contains("escalation_policies"), "escalation_policy", account.escalationPolicies);
        expand(n, include.contains("schedules"), "schedule", account.schedules);
      }
      case "escalation_policies" -> {
        expand(n, include.contains("services"), "services", account.services);
        expand(n, include.contains("teams"), "teams", account.teams);
        if (include.contains("targets")) {
          n.get("escalation_rules").forEach(r -> expand((ObjectNode) r, true, "targets", account.schedules));
        }
      }
      case "schedules" -> {
        if (include.contains("schedule_layers")) {
          ObjectNode layer = n.putArray("schedule_layers").addObject();
          layer.put("id", "L" + n.get("id").asText().substring(1));
          layer.put("name", "Layer 1");
          layer.put("start", account.clock.minus(Duration.ofDays(90)).truncatedTo(ChronoUnit.DAYS).toString());
          layer.putNull("end");
          layer.put("rotation_virtual_start", account.clock.minus(Duration.ofDays(90)).truncatedTo(ChronoUnit.DAYS).toString());
          layer.put("rotation_turn_length_seconds", 604_800);
          ArrayNode layerUsers = layer.putArray("users");
          n.get("users").forEach(u -> layerUsers.addObject().set("user", u.deepCopy()));
          layer.putArray("restrictions");
        }
        if (include.contains("final_schedule")) {
          ObjectNode fin = n.putObject("final_schedule");
          fin.put("name", "Final Schedule");
          fin.put("rendered_coverage_percentage", 100.0);
          fin.putArray("rendered_schedule_entries");
        }
      }
      case "users" -> expand(n, include.contains("teams"), "teams", account.teams);
      case "webhook_subscriptions" -> ((ObjectNode) n.get("delivery_method")).putNull("secret");
      default -> {
      }
    }
    return n;
  }

  /**
   * The computed status of every active service with open incidents: {@code critical} with a triggered one,
   * {@code warning} with an acknowledged one. Stored statuses other than {@code active} (disabled, maintenance, or
   * one set through control) win.
   */
  private Map<String, String> serviceStatuses() {
    Map<String, String> statuses = new HashMap<>();
    for (ObjectNode incident : account.incidents.values()) {
      String status = incident.get("status").asText();
      if (!status.equals("resolved")) {
        statuses.merge(incident.at("/service/id").asText(), status.equals("triggered") ? "critical" : "warning",
            (a, b) -> a.equals("critical") || b.equals("critical") ? "critical" : "warning");
      }
    }
    for (ObjectNode service : account.services.values()) {
      if (!service.get("status").asText().equals("active")) {
        statuses.put(service.get("id").asText(), service.get("status").asText());
      }
    }
    return statuses;
  }

  /** Replaces the reference (or array of references) in {@code field} by the full objects, when {@code on}. */
  private static void expand(ObjectNode node, boolean on, String field, Map<String, ObjectNode> objects) {
    JsonNode value = node.get(field);
    if (!on || value == null || value.isNull()) {
      return;
    }
    if (value.isArray()) {
      ArrayNode result = MAPPER.createArrayNode();
      value.forEach(ref -> result.add(full(objects, ref)));
      node.set(field, result);
    } else {
      node.set(field, full(objects, value));
    }
  }

  private static JsonNode full(Map<String, ObjectNode> objects, JsonNode ref) {
    ObjectNode object = objects.get(ref.path("id").asText());
    return object == null ? ref : object.deepCopy();
  }

  private void customFields(Exchange x, String resource, String id) throws IOException {
    ObjectNode owner;
    synchronized (this) {
      owner = resource.equals("services") ? account.services.get(id) : account.incidents.get(id);
    }
    if (owner == null) {
      x.error(404, 2100, "Not Found");
      return;
    }
    int n = Math.abs(id.hashCode());
    ObjectNode answer = MAPPER.createObjectNode();
    ArrayNode fields = answer.putArray("custom_fields");
    fields.add(field("PCF0001", "tier", "Tier", "string", "single_value_fixed",
        MAPPER.getNodeFactory().textNode("tier-" + (n % 3 + 1))));
    fields.add(field("PCF0002", "runbook", "Runbook", "url", "single_value",
        MAPPER.getNodeFactory().textNode("https://runbooks.example.com/" + id)));
    fields.add(field("PCF0003", "regions", "Regions", "string", "multi_value",
        MAPPER.createArrayNode().add("eu-west-1").add(n % 2 == 0 ? "us-east-1" : "ap-south-1")));
    x.respond(200, answer);
  }

  private static ObjectNode field(String id, String name, String display, String dataType, String fieldType,
      JsonNode value) {
    ObjectNode field = MAPPER.createObjectNode();
    field.put("id", id);
    field.put("name", name);
    field.put("display_name", display);
    field.putNull("description");
    field.put("data_type", dataType);
    field.put("field_type", fieldType);
    field.put("type", "field_value");
    field.set("value", value);
    return field;
  }

  // ---- control routes ----

  private void control(Exchange x) throws IOException {
    String[] s = Arrays.stream(x.path.substring("/_control".length()).split("/")).filter(p -> !p.isEmpty())
        .toArray(String[]::new);
    String route = x.method + " " + String.join("/", s.length > 1 && !s[0].equals("requests") ? withIdPlaceholder(s) : s);
    switch (route) {
      case "GET requests" -> {
        ObjectNode answer = MAPPER.createObjectNode();
        ArrayNode list = answer.putArray("requests");
        log.since(x.integer("since", 0)).forEach(e -> list.add(MAPPER.valueToTree(e)));
        answer.put("last", log.last());
        answer.put("dropped", log.dropped());
        x.respond(200, answer);
      }
      case "DELETE requests" -> {
        log.clear();
        x.respond(204, null);
      }
      case "POST faults" -> {
        JsonNode rule = x.json();
        fault(rule.path("path").asText(null), rule.path("method").asText(null), rule.path("status").asInt(500),
            rule.path("times").asInt(0), rule.hasNonNull("retryAfter") ? rule.get("retryAfter").asInt() : null,
            rule.path("dailyQuota").asBoolean(false));
        x.respond(201, "{\"faults\":" + faults.size() + "}");
      }
      case "DELETE faults" -> {
        clearFaults();
        x.respond(204, null);
      }
      case "POST incidents" -> {
        JsonNode body = x.json();
        x.respond(201, MAPPER.createObjectNode().set("incident", triggerIncident(body.path("service_id").asText(null),
            body.path("title").asText(null), body.path("urgency").asText("high"))));
      }
      case "POST incidents/{id}/status" ->
          x.respond(200, MAPPER.createObjectNode().set("incident", setIncidentStatus(s[1], x.json().path("status").asText(null))));
      case "POST services" ->
          x.respond(201, MAPPER.createObjectNode().set("service", addService(x.json().path("name").asText(null),
              x.json().path("notFoundFor").asInt(0))));
      case "PUT services/{id}" -> x.respond(200, MAPPER.createObjectNode().set("service", updateService(s[1], x.json())));
      case "DELETE services/{id}" -> {
        removeService(s[1]);
        x.respond(204, null);
      }
      case "GET subscriptions" -> {
        ObjectNode answer = MAPPER.createObjectNode();
        answer.putArray("webhook_subscriptions").addAll(subscriptions());
        x.respond(200, answer);
      }
      case "POST events" -> {
        JsonNode body = x.json();
        String type = body.path("event_type").asText(null);
        String id = body.path("id").asText(null);
        ObjectNode answer = MAPPER.createObjectNode();
        if (body.path("deliver").asBoolean(false)) {
          ArrayNode list = answer.putArray("deliveries");
          for (Delivery d : deliver(type, id)) {
            ObjectNode item = list.addObject();
            item.put("subscription_id", d.subscriptionId());
            item.put("url", d.url());
            item.put("status", d.status());
            item.put("error", d.error());
            item.put("signature", d.event().signature());
          }
        } else {
          WebhookEvent event = event(type, id);
          answer.set("payload", event.json());
          answer.put("body", event.body());
          answer.putPOJO("headers", event.headers());
        }
        x.respond(200, answer);
      }
      case "POST reset" -> {
        reset();
        x.respond(204, null);
      }
      default -> x.error(404, 2100, "Not Found", "no control route " + x.method + " " + x.path);
    }
  }

  /** A request the fake refuses with 400 and this message (naming the field). */
  public static final class BadRequest extends RuntimeException {
    private static final long serialVersionUID = 1L;

    BadRequest(String message) {
      super(message, null, false, false);
    }
  }
}
