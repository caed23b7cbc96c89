package dev.oceanj.emulator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.oceanj.emulator.RateLimits.RouteFamily;
import dev.oceanj.emulator.store.StoredEntity;
import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.http.javadsl.model.AttributeKeys;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpEntities;
import org.apache.pekko.http.javadsl.model.HttpEntity;
import org.apache.pekko.http.javadsl.model.HttpHeader;
import org.apache.pekko.http.javadsl.model.HttpRequest;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.Query;
import org.apache.pekko.http.javadsl.model.headers.RawHeader;
import org.apache.pekko.japi.Pair;
import org.apache.pekko.japi.function.Function;
import org.apache.pekko.stream.Materializer;
import org.apache.pekko.stream.javadsl.Source;
import org.apache.pekko.util.ByteString;

/**
 * The HTTP face of the emulator: routes {@code /v1/...} requests to {@link PortApi} with Port's envelopes, and
 * {@code /_emulator/...} to the control operations. Per request, in order: read the body (413 above 1 MiB), count
 * the route, inject 429/5xx faults, apply rate limits, check the bearer token, run the operation, then add latency,
 * a dropped connection or a drip as configured.
 */
final class HttpFront implements Function<HttpRequest, CompletionStage<HttpResponse>> {

  static final long MAX_BODY_BYTES = 1024 * 1024;
  private static final long BODY_READ_TIMEOUT_MS = 30_000;

  private final PortEmulator emulator;
  private final PortApi api;
  private final Tokens tokens;
  private final RateLimiter limiter;
  private final FaultControl faults;
  private final Counters counters;
  private final Materializer materializer;
  private final Executor executor;
  private final String clientId;
  private final String clientSecret;

  HttpFront(PortEmulator emulator, PortApi api, Tokens tokens, RateLimiter limiter, FaultControl faults,
      Counters counters, Materializer materializer, Executor executor, EmulatorSettings settings) {
    this.emulator = emulator;
    this.api = api;
    this.tokens = tokens;
    this.limiter = limiter;
    this.faults = faults;
    this.counters = counters;
    this.materializer = materializer;
    this.executor = executor;
    this.clientId = settings.clientId();
    this.clientSecret = settings.clientSecret();
  }

  /** One routed call. */
  record Call(String method, List<String> segs, Query query, byte[] body, String userAgent, String user) {
    JsonNode json() {
      return Json.parseBody(body);
    }

    /** The body of an entity write: {@link Json#parseEntityBody}. */
    JsonNode entityJson() {
      return Json.parseEntityBody(body);
    }

    String seg(int i) {
      return segs.get(i);
    }

    boolean flag(String name, boolean dflt) {
      return query.get(name).map(v -> v.equalsIgnoreCase("true")).orElse(dflt);
    }
  }

  /** An answer: a status and a body that is a JSON tree or pre-serialised JSON (a byte[] or a ByteString). */
  record Answer(int status, Object body) {
    static Answer ok(Object body) {
      return new Answer(200, body);
    }
  }

  private interface Handler {
    Answer handle(Call c);
  }

  private record Route(String template, RouteFamily family, boolean auth, Handler handler) {}

  @Override
  public CompletionStage<HttpResponse> apply(HttpRequest req) {
    String traceId = traceId();
    var contentLength = req.entity().getContentLengthOption();
    if (contentLength.isPresent() && contentLength.getAsLong() > MAX_BODY_BYTES) {
      req.discardEntityBytes(materializer);
      return CompletableFuture.completedFuture(tooLarge(traceId));
    }
    if (req.entity() instanceof HttpEntity.Strict strict) {
      // Bodies that arrived whole (most of them) skip materialising a stream. Bodies are only read, so the array
      // under the ByteString is used without a copy.
      try {
        return handle(req, strict.getData().toArrayUnsafe(), traceId);
      } catch (RuntimeException e) {
        return CompletableFuture.completedFuture(json(500, error("internal_error", "emulator failure: " + e), traceId));
      }
    }
    // Explicit executors: the stage Pekko returns wraps a Scala Future whose non-async callbacks run on the default
    // async pool, which on a 2-core machine is a new thread per task.
    return req.entity().toStrict(BODY_READ_TIMEOUT_MS, MAX_BODY_BYTES, materializer)
        .handleAsync((strict, t) -> {
          if (t == null) {
            try {
              return handle(req, strict.getData().toArrayUnsafe(), traceId);
            } catch (RuntimeException e) {
              t = e;
            }
          }
          Throwable cause = t instanceof CompletionException && t.getCause() != null ? t.getCause() : t;
          if (cause.getClass().getSimpleName().contains("EntityStreamSizeException")) {
            return CompletableFuture.completedFuture(tooLarge(traceId));
          }
          return CompletableFuture.completedFuture(json(500, error("internal_error", "emulator failure: " + cause), traceId));
        }, DIRECT)
        .thenComposeAsync(java.util.function.Function.identity(), DIRECT);
  }

  /** Runs callbacks on the thread that completes the stage: a Pekko dispatcher thread here. */
  private static final Executor DIRECT = Runnable::run;

  private static String traceId() {
    // Not security relevant: a cheap random id instead of UUID.randomUUID(), which contends on SecureRandom.
    var r = java.util.concurrent.ThreadLocalRandom.current();
    return Long.toHexString(r.nextLong() | Long.MIN_VALUE) + Long.toHexString(r.nextLong() | Long.MIN_VALUE);
  }

  private HttpResponse tooLarge(String traceId) {
    return json(413, error("request_too_large", "Request body is too large (limit is 1MiB)"), traceId);
  }

  private CompletionStage<HttpResponse> handle(HttpRequest req, byte[] body, String traceId) {
    counters.bytesIn(body.length);
    List<String> segs = new ArrayList<>();
    req.getUri().pathSegments().forEach(s -> {
      if (!s.isEmpty()) {
        segs.add(s);
      }
    });
    String method = req.method().value();
    String ua = req.getHeader("User-Agent").map(HttpHeader::value).orElse(null);
    Call call = new Call(method, segs, req.getUri().query(), body, ua, null);
    if (!segs.isEmpty() && segs.get(0).equals("_emulator")) {
      if (!fromLoopback(req)) {
        return CompletableFuture.completedFuture(json(403, error("forbidden", "control endpoints answer loopback callers only"), traceId));
      }
      return run(() -> control(call), traceId, List.of(), false, false);
    }
    Route route = route(method, segs);
    if (route == null) {
      counters.request(method + " <unknown>");
      return CompletableFuture.completedFuture(json(404, error("not_found",
          "the emulator has no route for " + method + " " + req.getUri().path()), traceId));
    }
    counters.request(method + " " + route.template());
    String node = req.getHeader("X-Oceanj-Node").map(HttpHeader::value).orElse(null);
    Duration slow = faults.methodLatency(method);
    CompletionStage<HttpResponse> answer = slow.isZero() ? routed(req, call, route, traceId)
        : CompletableFuture.supplyAsync(() -> null, CompletableFuture.delayedExecutor(slow.toMillis(), TimeUnit.MILLISECONDS))
            .thenCompose(x -> routed(req, call, route, traceId));
    if (!emulator.requestLog().enabled()) {
      return answer;
    }
    String path = req.getUri().path();
    return answer.thenApply(r -> {
      emulator.requestLog().record(method, route.template(), path, r.status().intValue(), ua, node, body);
      return r;
    });
  }

  /** A call to a known {@code /v1} route: faults, rate limit, authentication, then the route's handler. */
  private CompletionStage<HttpResponse> routed(HttpRequest req, Call call, Route route, String traceId) {
    String method = call.method();
    if (faults.takeTooManyRequests()) {
      counters.tooManyRequests();
      return delayed(json(429, error("too_many_requests", "injected 429 burst"), traceId)
          .addHeader(RawHeader.create("Retry-After", "1")));
    }
    FaultControl.Injected injected = faults.takeTargeted(method, route.template());
    if (injected == FaultControl.Injected.SERVER_ERROR || faults.rollServerError()) {
      counters.serverErrorInjected();
      int status = faults.current().serverErrorStatus();
      return delayed(json(status, error("service_unavailable", "injected server error"), traceId));
    }
    List<HttpHeader> limitHeaders = new ArrayList<>();
    RateLimiter.Decision d = limiter.take(route.family());
    if (d != null) {
      limitHeaders.add(RawHeader.create("x-ratelimit-period", String.valueOf(d.budget().period().toSeconds())));
      limitHeaders.add(RawHeader.create("x-ratelimit-limit", String.valueOf(d.budget().limit())));
      limitHeaders.add(RawHeader.create("x-ratelimit-remaining", String.valueOf(d.remaining())));
      limitHeaders.add(RawHeader.create("x-ratelimit-reset", String.valueOf(d.resetEpochSeconds())));
      if (!d.allowed()) {
        counters.tooManyRequests();
        limitHeaders.add(RawHeader.create("Retry-After", String.valueOf(d.retryAfterSeconds())));
        return delayed(json(429, error("too_many_requests", "rate limit of " + d.budget().limit() + " requests per "
            + d.budget().period().toSeconds() + " s exceeded for " + route.family()), traceId).addHeaders(limitHeaders));
      }
    }
    final String user;
    if (route.auth()) {
      String auth = req.getHeader("Authorization").map(HttpHeader::value).orElse("");
      if (!auth.regionMatches(true, 0, "Bearer ", 0, 7)) {
        counters.unauthorized();
        return delayed(json(401, error("unauthorized", "missing bearer token"), traceId).addHeaders(limitHeaders));
      }
      try {
        user = tokens.verify(auth.substring(7).trim());
      } catch (PortError e) {
        counters.unauthorized();
        return delayed(json(401, error(e.error, e.getMessage()), traceId).addHeaders(limitHeaders));
      }
    } else {
      user = null;
    }
    Call authed = new Call(method, call.segs(), call.query(), call.body(), call.userAgent(), user);
    return run(() -> route.handler().handle(authed), traceId, limitHeaders, true,
        injected == FaultControl.Injected.DROP_CONNECTION);
  }

  private boolean fromLoopback(HttpRequest req) {
    Optional<InetAddress> addr = req.getAttribute(AttributeKeys.remoteAddress).flatMap(r -> r.getAddress());
    return addr.map(InetAddress::isLoopbackAddress).orElse(false);
  }

  private CompletionStage<HttpResponse> run(java.util.function.Supplier<Answer> work, String traceId,
      List<HttpHeader> headers, boolean faulty, boolean drop) {
    CompletableFuture<HttpResponse> f = CompletableFuture.supplyAsync(() -> {
      Answer a;
      try {
        a = work.get();
      } catch (PortError e) {
        a = new Answer(e.status, error(e.error, e.getMessage()));
      }
      return respond(a, traceId, faulty, drop).addHeaders(headers);
    }, executor);
    return faulty ? f.thenCompose(this::delayed) : f;
  }

  private CompletionStage<HttpResponse> delayed(HttpResponse r) {
    Duration latency = faults.current().latency();
    if (latency.isZero()) {
      return CompletableFuture.completedFuture(r);
    }
    return CompletableFuture.supplyAsync(() -> r, CompletableFuture.delayedExecutor(latency.toMillis(), TimeUnit.MILLISECONDS));
  }

  private HttpResponse respond(Answer a, String traceId, boolean faulty, boolean drop) {
    // Bytes made for this answer are never touched again: wrap them without the copy ByteString.fromArray makes.
    // Trees are written by the entity writer: Jackson's bytes, with less work per value.
    ByteString data = a.body() instanceof ByteString b ? b
        : ByteString.fromArrayUnsafe(a.body() instanceof byte[] b ? b : Json.entityBytes((JsonNode) a.body()));
    int length = data.length();
    if (faulty && (drop || faults.rollDropConnection())) {
      counters.connectionDropped();
      // Headers and part of the body go out, then the stream fails: pekko-http aborts the connection.
      Source<ByteString, ?> broken = Source.single(data.take(Math.max(1, length / 2)))
          .concat(Source.failed(new IllegalStateException("connection dropped by fault injection")));
      return base(a.status(), traceId).withEntity(HttpEntities.create(ContentTypes.APPLICATION_JSON, length, broken));
    }
    Faults f = faults.current();
    if (faulty && !f.dripInterval().isZero()) {
      List<ByteString> chunks = new ArrayList<>();
      for (int i = 0; i < length; i += f.dripChunkBytes()) {
        chunks.add(data.slice(i, Math.min(i + f.dripChunkBytes(), length)));
      }
      // Paced by the JDK's timer rather than the ActorSystem's scheduler, whose ticks are coarse (see PortEmulator).
      Executor later = CompletableFuture.delayedExecutor(f.dripInterval().toNanos(), TimeUnit.NANOSECONDS);
      Source<ByteString, ?> drip = Source.unfoldAsync(0, i -> i >= chunks.size()
          ? CompletableFuture.completedFuture(Optional.empty())
          : CompletableFuture.supplyAsync(() -> Optional.of(Pair.create(i + 1, chunks.get(i))), i == 0 ? DIRECT : later));
      return base(a.status(), traceId).withEntity(HttpEntities.create(ContentTypes.APPLICATION_JSON, length, drip));
    }
    return base(a.status(), traceId).withEntity(HttpEntities.create(ContentTypes.APPLICATION_JSON, data));
  }

  private static HttpResponse base(int status, String traceId) {
    return HttpResponse.create().withStatus(status).addHeader(RawHeader.create("x-trace-id", traceId));
  }

  private static HttpResponse json(int status, JsonNode body, String traceId) {
    return base(status, traceId).withEntity(HttpEntities.create(ContentTypes.APPLICATION_JSON, Json.bytes(body)));
  }

  static ObjectNode error(String error, String message) {
    return Json.MAPPER.createObjectNode().put("ok", false).put("error", error).put("message", message);
  }

  // --------------------------------------------------------------------------------------------------- routing

  private PortApi.WriteOptions writeOptions(Call c) {
    return new PortApi.WriteOptions(c.flag("upsert", false), c.flag("merge", false),
        c.flag("create_missing_related_entities", false), c.flag("validation_only", false));
  }

  private static boolean is(List<String> segs, String... pattern) {
    if (segs.size() != pattern.length) {
      return false;
    }
    for (int i = 0; i < pattern.length; i++) {
      if (!pattern[i].equals("*") && !pattern[i].equals(segs.get(i))) {
        return false;
      }
    }
    return true;
  }

  private Route route(String m, List<String> s) {
    if (s.isEmpty() || !s.get(0).equals("v1")) {
      return null;
    }
    boolean get = m.equals("GET");
    boolean post = m.equals("POST");
    boolean patch = m.equals("PATCH");
    boolean delete = m.equals("DELETE");
    RouteFamily e = RouteFamily.ENTITIES;
    RouteFamily b = RouteFamily.BLUEPRINTS;
    RouteFamily o = RouteFamily.OTHER;
    if (post && is(s, "v1", "auth", "access_token")) {
      return new Route("/v1/auth/access_token", RouteFamily.UNAUTHENTICATED, false, this::token);
    }
    if (get && is(s, "v1", "organization")) {
      return new Route("/v1/organization", o, true, c -> Answer.ok(api.organization()));
    }
    if (get && is(s, "v1", "kafka-credentials")) {
      return new Route("/v1/kafka-credentials", o, true, c -> Answer.ok(api.kafkaCredentials()));
    }
    // Blueprints and entities.
    if (post && is(s, "v1", "blueprints", "entities", "datasource-entities")) {
      return new Route("/v1/blueprints/entities/datasource-entities", e, true, c -> Answer.ok(api.datasourceEntities(c.json())));
    }
    if (post && is(s, "v1", "entities", "search")) {
      return new Route("/v1/entities/search", RouteFamily.SEARCH, true,
          c -> Answer.ok(api.searchEntities(c.json(), c.query().getAll("include"), c.query().getAll("exclude"))));
    }
    if (get && is(s, "v1", "blueprints")) {
      return new Route("/v1/blueprints", b, true, c -> Answer.ok(api.listBlueprints()));
    }
    if (post && is(s, "v1", "blueprints")) {
      return new Route("/v1/blueprints", b, true, c -> created(api.createBlueprint(c.json(), c.user())));
    }
    if (is(s, "v1", "blueprints", "*")) {
      if (get) {
        return new Route("/v1/blueprints/{bp}", b, true, c -> Answer.ok(api.getBlueprint(c.seg(2))));
      }
      if (patch || m.equals("PUT")) {
        return new Route("/v1/blueprints/{bp}", b, true, c -> Answer.ok(api.patchBlueprint(c.seg(2), c.json(), c.user())));
      }
      if (delete) {
        return new Route("/v1/blueprints/{bp}", b, true, c -> Answer.ok(api.deleteBlueprint(c.seg(2))));
      }
    }
    if (delete && is(s, "v1", "blueprints", "*", "all-entities")) {
      return new Route("/v1/blueprints/{bp}/all-entities", b, true,
          c -> Answer.ok(api.deleteAllEntities(c.seg(2), c.flag("delete_blueprint", false))));
    }
    if (post && is(s, "v1", "blueprints", "*", "scorecards")) {
      return new Route("/v1/blueprints/{bp}/scorecards", b, true, c -> created(api.createScorecard(c.seg(2), c.json(), c.user())));
    }
    if (post && is(s, "v1", "blueprints", "*", "entities")) {
      return new Route("/v1/blueprints/{bp}/entities", RouteFamily.SINGLE_UPSERT, true, c -> {
        ObjectNode out = api.upsertOne(c.seg(2), c.entityJson(), writeOptions(c), c.userAgent(), c.user());
        boolean wasCreated = out.remove("created").asBoolean();
        return new Answer(wasCreated ? 201 : 200, out);
      });
    }
    if (get && is(s, "v1", "blueprints", "*", "entities")) {
      return new Route("/v1/blueprints/{bp}/entities", e, true, c -> Answer.ok(api.listEntities(c.seg(2))));
    }
    if (post && is(s, "v1", "blueprints", "*", "entities", "bulk")) {
      return new Route("/v1/blueprints/{bp}/entities/bulk", RouteFamily.BULK_UPSERT, true, c -> {
        ObjectNode out = api.upsertBulk(c.seg(2), c.entityJson(), writeOptions(c), c.userAgent(), c.user());
        boolean partial = !out.get("errors").isEmpty();
        return new Answer(partial ? 207 : 200, out);
      });
    }
    if (is(s, "v1", "blueprints", "*", "entities", "*")) {
      if (get) {
        return new Route("/v1/blueprints/{bp}/entities/{id}", e, true, c -> Answer.ok(api.getEntity(c.seg(2), c.seg(4))));
      }
      if (delete) {
        return new Route("/v1/blueprints/{bp}/entities/{id}", e, true,
            c -> Answer.ok(api.deleteEntity(c.seg(2), c.seg(4), c.flag("delete_dependents", false))));
      }
    }
    if (post && is(s, "v1", "blueprints", "*", "bulk", "entities", "delete")) {
      return new Route("/v1/blueprints/{bp}/bulk/entities/delete", e, true,
          c -> Answer.ok(api.deleteBulk(c.seg(2), c.json(), c.flag("delete_dependents", false))));
    }
    if (get && is(s, "v1", "migrations", "*")) {
      return new Route("/v1/migrations/{id}", o, true, c -> Answer.ok(api.migration(c.seg(2))));
    }
    if (post && is(s, "v1", "actions")) {
      return new Route("/v1/actions", o, true, c -> created(api.createAction(c.json(), c.user())));
    }
    if (post && is(s, "v1", "pages")) {
      return new Route("/v1/pages", o, true, c -> created(api.createPage(c.json(), c.user())));
    }
    if (delete && is(s, "v1", "pages", "*")) {
      return new Route("/v1/pages/{id}", o, true, c -> Answer.ok(api.deletePage(c.seg(2))));
    }
    // Integrations.
    if (get && is(s, "v1", "integration", "provision-enabled")) {
      return new Route("/v1/integration/provision-enabled", o, true, c -> Answer.ok(api.provisionEnabledTypes()));
    }
    // Ingest endpoints (the integration's metricAttributes / logAttributes.ingestUrl point here).
    if (post && is(s, "v1", "ingest", "metrics", "syncMetrics")) {
      return new Route("/v1/ingest/metrics/syncMetrics", o, true, c -> Answer.ok(api.ingest().syncMetrics(c.json())));
    }
    if (m.equals("PUT") && is(s, "v1", "ingest", "metrics", "syncMetrics", "resync", "*", "kind", "*")) {
      return new Route("/v1/ingest/metrics/syncMetrics/resync/{eventId}/kind/{kind}", o, true,
          c -> Answer.ok(api.ingest().syncKindMetrics(c.seg(5), c.seg(7), c.json())));
    }
    if (post && is(s, "v1", "ingest", "metrics", "heartbeat")) {
      return new Route("/v1/ingest/metrics/heartbeat", o, true, c -> Answer.ok(api.ingest().heartbeat(c.json())));
    }
    if (post && is(s, "v1", "ingest", "logs")) {
      return new Route("/v1/ingest/logs", o, true, c -> Answer.ok(api.ingest().logs(c.json())));
    }
    if (post && is(s, "v1", "ingest", "logs", "*")) {
      return new Route("/v1/ingest/logs/{integration}", o, true,
          c -> Answer.ok(api.ingest().logs(c.seg(3), c.json())));
    }
    if (post && is(s, "v1", "integration")) {
      return new Route("/v1/integration", o, true, c -> Answer.ok(api.createIntegration(c.json())));
    }
    if (is(s, "v1", "integration", "*")) {
      if (get) {
        return new Route("/v1/integration/{id}", o, true, c -> Answer.ok(api.getIntegration(c.seg(2))));
      }
      if (patch) {
        return new Route("/v1/integration/{id}", o, true, c -> Answer.ok(api.patchIntegration(c.seg(2), c.json())));
      }
      if (delete) {
        return new Route("/v1/integration/{id}", o, true, c -> Answer.ok(api.deleteIntegration(c.seg(2))));
      }
    }
    if (patch && is(s, "v1", "integration", "*", "config")) {
      return new Route("/v1/integration/{id}/config", o, true, c -> Answer.ok(api.patchIntegrationConfig(c.seg(2), c.json())));
    }
    if (patch && is(s, "v1", "integration", "*", "resync-state")) {
      return new Route("/v1/integration/{id}/resync-state", o, true, c -> Answer.ok(api.patchResyncState(c.seg(2), c.json())));
    }
    if (get && is(s, "v1", "integration", "*", "resync-request")) {
      return new Route("/v1/integration/{id}/resync-request", o, true, c -> Answer.ok(api.resyncRequest(c.seg(2))));
    }
    if (post && is(s, "v1", "integration", "*", "kinds", "*", "examples")) {
      return new Route("/v1/integration/{id}/kinds/{kind}/examples", o, true,
          c -> Answer.ok(api.postExamples(c.seg(2), c.seg(4), c.json())));
    }
    return null;
  }

  private static Answer created(ObjectNode out) {
    return new Answer(200, out);
  }

  private Answer token(Call c) {
    JsonNode body = c.json();
    String id = body.path("clientId").asText("");
    String secret = body.path("clientSecret").asText("");
    // Constant-time comparison: the emulator may listen beyond loopback when started with --host.
    boolean good = java.security.MessageDigest.isEqual(id.getBytes(), clientId.getBytes())
        && java.security.MessageDigest.isEqual(secret.getBytes(), clientSecret.getBytes());
    if (!good) {
      counters.unauthorized();
      return new Answer(401, error("invalid_credentials", "invalid clientId or clientSecret"));
    }
    counters.tokenIssued();
    ObjectNode out = Json.ok();
    out.put("accessToken", tokens.issue(id));
    out.put("expiresIn", Math.max(1, tokens.ttl().toSeconds()));
    out.put("tokenType", "Bearer");
    return Answer.ok(out);
  }

  // --------------------------------------------------------------------------------------------------- control

  private Answer control(Call c) {
    List<String> s = c.segs();
    String m = c.method();
    if (m.equals("GET") && is(s, "_emulator", "counters")) {
      return Answer.ok(Json.MAPPER.valueToTree(counters.snapshot()));
    }
    if (is(s, "_emulator", "faults")) {
      if (m.equals("POST")) {
        faults.set(ControlJson.faults(c.json()));
      }
      return Answer.ok(ControlJson.faults(faults.current(), faults.tooManyRequestsLeft()));
    }
    if (is(s, "_emulator", "request-log")) {
      RequestLog log = emulator.requestLog();
      if (m.equals("POST")) {
        JsonNode on = c.json();
        log.enable(on.path("enabled").asBoolean(true), on.path("bodies").asBoolean(false));
      } else if (m.equals("DELETE")) {
        log.clear();
      }
      return Answer.ok(log.toJson(c.query().get("since").map(Long::parseLong).orElse(0L)));
    }
    if (m.equals("POST") && is(s, "_emulator", "method-latency")) {
      JsonNode body = c.json();
      String method = body.path("method").asText("");
      if (method.isEmpty() || !body.path("ms").canConvertToLong()) {
        throw PortError.badRequest("method-latency needs {\"method\": \"DELETE\", \"ms\": 500}");
      }
      faults.slowDown(method, Duration.ofMillis(body.path("ms").asLong()));
      return Answer.ok(Json.ok());
    }
    if (m.equals("POST") && is(s, "_emulator", "reset")) {
      emulator.reset();
      return Answer.ok(Json.ok());
    }
    if (m.equals("POST") && is(s, "_emulator", "integrations", "*", "resync-request")) {
      return Answer.ok(api.raiseResyncRequest(c.seg(2)));
    }
    if (m.equals("GET") && is(s, "_emulator", "integrations", "*", "kinds", "*", "examples")) {
      ArrayNode arr = Json.MAPPER.createArrayNode();
      api.examples(c.seg(2), c.seg(4)).forEach(arr::add);
      return Answer.ok(Json.ok().set("examples", arr));
    }
    if (m.equals("POST") && is(s, "_emulator", "token-ttl")) {
      JsonNode b = c.json();
      if (b.has("millis") || b.has("seconds")) {
        tokens.ttl(b.has("millis") ? Duration.ofMillis(b.get("millis").asLong()) : Duration.ofSeconds(b.get("seconds").asLong()));
      }
      if (b.path("expireAll").asBoolean(false)) {
        tokens.expireAll();
      }
      return Answer.ok(Json.ok().put("tokenTtlMillis", tokens.ttl().toMillis()));
    }
    if (is(s, "_emulator", "rate-limits")) {
      if (m.equals("POST")) {
        limiter.set(ControlJson.rateLimits(c.json(), limiter.limits()));
      }
      return Answer.ok(ControlJson.rateLimits(limiter.limits()));
    }
    if (m.equals("GET") && is(s, "_emulator", "entities")) {
      String bp = c.query().get("blueprint").orElseThrow(() -> PortError.badRequest("query parameter \"blueprint\" is required"));
      ArrayNode arr = Json.MAPPER.createArrayNode();
      for (StoredEntity e : api.store().entities(bp)) {
        ObjectNode o = Json.object(e.json());
        o.put("$datasource", e.datasource());
        arr.add(o);
      }
      return Answer.ok(Json.ok().put("count", arr.size()).set("entities", arr));
    }
    if (m.equals("GET") && is(s, "_emulator", "ingest")) {
      return Answer.ok(api.ingest().received());
    }
    if (m.equals("POST") && is(s, "_emulator", "integrations", "*", "provision")) {
      return Answer.ok(api.provision(c.seg(2), c.json().path("config")));
    }
    if (is(s, "_emulator", "provision-enabled")) {
      if (m.equals("POST")) {
        List<String> types = new ArrayList<>();
        c.json().path("integrations").forEach(t -> types.add(t.asText()));
        api.provisionEnabled(types);
      }
      return Answer.ok(api.provisionEnabledTypes());
    }
    if (is(s, "_emulator", "feature-flags")) {
      if (m.equals("POST")) {
        List<String> flags = new ArrayList<>();
        c.json().path("featureFlags").forEach(f -> flags.add(f.asText()));
        api.featureFlags(flags);
      }
      ArrayNode arr = Json.MAPPER.createArrayNode();
      api.featureFlags().forEach(arr::add);
      return Answer.ok(Json.ok().set("featureFlags", arr));
    }
    throw PortError.notFound("not_found", "no control endpoint " + m + " /" + String.join("/", s));
  }
}
