package dev.oceanj.runtime.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.oceanj.actors.resync.ResyncProtocol;
import dev.oceanj.actors.resync.ResyncProtocol.Disposition;
import dev.oceanj.actors.resync.ResyncProtocol.GetStatus;
import dev.oceanj.actors.resync.ResyncProtocol.Outcome;
import dev.oceanj.actors.resync.ResyncProtocol.ResyncAccepted;
import dev.oceanj.actors.resync.ResyncProtocol.ResyncFinished;
import dev.oceanj.actors.resync.ResyncProtocol.ResyncProgress;
import dev.oceanj.actors.resync.ResyncProtocol.StartResync;
import dev.oceanj.actors.resync.ResyncProtocol.Status;
import dev.oceanj.actors.resync.ResyncProtocol.WhenRunning;
import dev.oceanj.actors.trigger.TriggerInfo;
import dev.oceanj.actors.trigger.webhook.WebhookTrigger;
import dev.oceanj.core.config.HttpSettings;
import dev.oceanj.core.config.Secret;
import dev.oceanj.core.sync.KindResult;
import dev.oceanj.core.sync.Reconciler;
import dev.oceanj.runtime.OceanMetrics;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.http.javadsl.ServerBinding;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The runtime's routes on a real server bound to a free port, called with the JDK HTTP client. */
class OceanRoutesTest {

  static final ActorTestKit testKit = ActorTestKit.create();
  static final HttpClient http = HttpClient.newHttpClient();
  static final ObjectMapper json = new ObjectMapper();
  static final Duration WAIT = Duration.ofSeconds(10);

  final TestProbe<ResyncProtocol.Command> supervisor = testKit.createTestProbe();
  final AtomicReference<List<String>> readinessProblems = new AtomicReference<>(List.of());
  final OceanMetrics metrics = new OceanMetrics();
  ServerBinding binding;
  String base;

  @AfterAll
  static void shutdown() {
    testKit.shutdownTestKit();
  }

  @AfterEach
  void unbind() throws Exception {
    if (binding != null) {
      binding.unbind().toCompletableFuture().get(5, TimeUnit.SECONDS);
    }
  }

  /** Starts the server; {@code webhook} false: the listener is POLLING and there is no webhook trigger. */
  void start(boolean webhook, Optional<Secret> token, Optional<String> prefix, Runnable onScrape) throws Exception {
    var trigger = webhook ? Optional.of(testKit.spawn(WebhookTrigger.create(supervisor.ref()))) : Optional.<org.apache.pekko.actor.typed.ActorRef<WebhookTrigger.Command>>empty();
    var scheduler = testKit.system().scheduler();
    var resync = new ResyncRoutes(trigger, webhook ? "WEBHOOK" : "POLLING", token, Duration.ofSeconds(3),
        Duration.ofSeconds(30), 1024, scheduler);
    var health = new HealthRoutes("0.1.0-test");
    var metricsRoutes = new MetricsRoutes(metrics, () -> {
      onScrape.run();
      return CompletableFuture.completedFuture(null);
    });
    var info = new StatusRoutes.RuntimeInfo("fake", "my-fake", "0.1.0", webhook ? "WEBHOOK" : "POLLING", true,
        "http://127.0.0.1:1");
    var status = new StatusRoutes(info, supervisor.ref(),
        () -> CompletableFuture.completedFuture(Optional.of(new TriggerInfo("POLLING", Map.of("polls", 3L)))),
        () -> CompletableFuture.completedFuture(Optional.of(
            new TriggerInfo("SCHEDULE", Map.of("nextResync", "2026-11-27T00:00:00Z")))),
        Duration.ofSeconds(3), scheduler, Clock.systemUTC())
        .withChecks(() -> CompletableFuture.completedFuture(readinessProblems.get()));
    var routes = new OceanRoutes(resync, health, metricsRoutes, status, prefix, metrics);
    binding = OceanServer.start(routes.routes(), new HttpSettings("127.0.0.1", 0, 1024), Duration.ofSeconds(5),
        testKit.system())
        .toCompletableFuture().get(10, TimeUnit.SECONDS);
    base = "http://127.0.0.1:" + binding.localAddress().getPort();
  }

  void start() throws Exception {
    start(true, Optional.empty(), Optional.empty(), () -> {});
  }

  CompletableFuture<HttpResponse<String>> send(String method, String path, String contentType, String body,
      String... headers) {
    var builder = HttpRequest.newBuilder(URI.create(base + path)).timeout(WAIT)
        .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
    if (contentType != null) {
      builder.header("Content-Type", contentType);
    }
    for (int i = 0; i < headers.length; i += 2) {
      builder.header(headers[i], headers[i + 1]);
    }
    return http.sendAsync(builder.build(), HttpResponse.BodyHandlers.ofString());
  }

  HttpResponse<String> get(String path) throws Exception {
    return send("GET", path, null, null).get(10, TimeUnit.SECONDS);
  }

  static JsonNode body(HttpResponse<String> response) throws Exception {
    assertTrue(response.headers().firstValue("Content-Type").orElse("").startsWith("application/json"),
        "JSON expected, got " + response.headers().firstValue("Content-Type") + ": " + response.body());
    return json.readTree(response.body());
  }

  static ResyncFinished finished(String id) {
    Instant start = Instant.parse("2026-11-26T10:00:00Z");
    var kinds = List.of(
        new KindResult("fake-department", 0, 5, 5, 0, 0, 5, 0, 0, 0, Map.of(), Map.of(), List.of()),
        new KindResult("fake-person", 1, 20, 20, 0, 0, 18, 0, 2, 0, Map.of(".properties.age", ".age"),
            Map.of("p-1", "invalid property"), List.of()));
    return new ResyncFinished(id, "webhook", Outcome.COMPLETED, start, start.plusSeconds(2), kinds,
        new Reconciler.Result(true, Optional.empty(), 30, 4, 0, 4, List.of()), List.of());
  }

  @Test
  void resyncAnswers202WithTheResyncIdAsSoonAsTheSupervisorAccepted() throws Exception {
    start();
    var response = send("POST", "/resync", "application/json", "{\"any\":\"thing\"}");
    StartResync start = supervisor.expectMessageClass(StartResync.class, WAIT);
    assertEquals("webhook", start.trigger());
    assertEquals(WhenRunning.QUEUE, start.whenRunning());
    assertNull(start.finishedTo(), "a 202 caller does not wait for the end");
    start.acceptedTo().tell(new ResyncAccepted("r-42", Disposition.QUEUED));

    var result = response.get(10, TimeUnit.SECONDS);
    assertEquals(202, result.statusCode());
    JsonNode body = body(result);
    assertEquals("r-42", body.path("resyncId").asText());
    assertEquals("queued", body.path("disposition").asText());
  }

  @Test
  void resyncWithWaitAnswersWithTheFinishedResync() throws Exception {
    start();
    var response = send("POST", "/resync?wait=true", null, null);
    StartResync start = supervisor.expectMessageClass(StartResync.class, WAIT);
    start.finishedTo().tell(finished("r-1"));

    var result = response.get(10, TimeUnit.SECONDS);
    assertEquals(200, result.statusCode());
    JsonNode body = body(result);
    assertEquals("completed", body.path("outcome").asText());
    assertEquals(18, body.path("kinds").get(1).path("upserted").asInt());
    assertEquals(4, body.path("reconciliation").path("deleted").asInt());
  }

  @Test
  void aConfiguredTokenIsRequiredAsBearerOrQueryParameter() throws Exception {
    start(true, Optional.of(Secret.of("s3cret")), Optional.empty(), () -> {});

    var missing = send("POST", "/resync", null, null).get(10, TimeUnit.SECONDS);
    assertEquals(401, missing.statusCode());
    assertEquals("unauthorized", body(missing).path("error").asText());
    assertTrue(missing.headers().firstValue("WWW-Authenticate").isPresent());
    var wrong = send("POST", "/resync?token=s3cre", null, null, "Authorization", "Bearer s3cre").get(10, TimeUnit.SECONDS);
    assertEquals(401, wrong.statusCode());
    assertTrue(!wrong.body().contains("s3cret"), "the token never appears in an answer");
    supervisor.expectNoMessage(Duration.ofMillis(100));

    var bearer = send("POST", "/resync", null, null, "Authorization", "Bearer s3cret");
    supervisor.expectMessageClass(StartResync.class, WAIT).acceptedTo().tell(new ResyncAccepted("r1", Disposition.STARTED));
    assertEquals(202, bearer.get(10, TimeUnit.SECONDS).statusCode());

    var query = send("POST", "/resync?token=s3cret", null, null);
    supervisor.expectMessageClass(StartResync.class, WAIT).acceptedTo().tell(new ResyncAccepted("r1", Disposition.QUEUED));
    assertEquals(202, query.get(10, TimeUnit.SECONDS).statusCode());
  }

  @Test
  void malformedRequestsGetClearJsonErrorsAndNoResync() throws Exception {
    start();
    var badWait = send("POST", "/resync?wait=maybe", null, null).get(10, TimeUnit.SECONDS);
    assertEquals(400, badWait.statusCode());
    assertTrue(body(badWait).path("message").asText().contains("wait"));

    var badJson = send("POST", "/resync", "application/json", "{\"unclosed\": ").get(10, TimeUnit.SECONDS);
    assertEquals(400, badJson.statusCode());
    assertTrue(body(badJson).path("message").asText().startsWith("malformed JSON body"), badJson.body());

    var tooBig = send("POST", "/resync", "application/json", "[" + "1,".repeat(2000) + "1]").get(10, TimeUnit.SECONDS);
    assertEquals(413, tooBig.statusCode());
    body(tooBig);

    var wrongMethod = get("/resync");
    assertEquals(405, wrongMethod.statusCode());
    assertEquals("method_not_allowed", body(wrongMethod).path("error").asText());

    var unknown = get("/nothing/here");
    assertEquals(404, unknown.statusCode());
    assertTrue(!unknown.body().contains("Exception"), unknown.body());
    supervisor.expectNoMessage(Duration.ofMillis(100));
  }

  @Test
  void resyncIsNotServedByOtherListeners() throws Exception {
    start(false, Optional.empty(), Optional.empty(), () -> {});
    var response = send("POST", "/resync", null, null).get(10, TimeUnit.SECONDS);
    assertEquals(404, response.statusCode());
    assertTrue(body(response).path("message").asText().contains("POLLING"));
    supervisor.expectNoMessage(Duration.ofMillis(100));
  }

  @Test
  void healthIsLiveAndReadyOnceServingAndPortProblemsShowOnStatus() throws Exception {
    start();
    var live = get("/health/live");
    assertEquals(200, live.statusCode());
    assertEquals("healthy", body(live).path("status").asText());
    assertEquals("live", body(live).path("check").asText());
    assertEquals("0.1.0-test", body(live).path("core_version").asText());

    assertEquals(200, get("/health/ready").statusCode());
    // Ocean's contract: neither an empty mapping nor an unreachable Port holds readiness; /status says so.
    readinessProblems.set(List.of("Port is not reachable: connection refused"));
    var ready = get("/health/ready");
    assertEquals(200, ready.statusCode());
    assertEquals("healthy", body(ready).path("status").asText());
    assertEquals("ready", body(ready).path("check").asText());
    var response = send("GET", "/status", null, null);
    supervisor.expectMessageClass(GetStatus.class, WAIT).replyTo().tell(new Status(Optional.empty(), Optional.empty()));
    JsonNode port = body(response.get(10, TimeUnit.SECONDS)).path("port");
    assertFalse(port.path("reachable").asBoolean(true), port.toString());
    assertEquals("Port is not reachable: connection refused", port.path("problems").get(0).asText());
  }

  @Test
  void statusShowsTheListenerTheRunningAndLastResyncAndTheNextScheduledOne() throws Exception {
    start();
    var response = send("GET", "/status", null, null);
    GetStatus ask = supervisor.expectMessageClass(GetStatus.class, WAIT);
    var running = new ResyncProgress("r-2", "schedule", Instant.now().minusSeconds(10), List.of(
        new KindResult("fake-person", 0, 100, 100, 0, 0, 90, 5, 5, 0, Map.of(), Map.of(), List.of()),
        new KindResult("fake-team", 1, 12, 12, 0, 0, 12, 0, 0, 0, Map.of(), Map.of(), List.of())), Set.of(1));
    ask.replyTo().tell(new Status(Optional.of(running), Optional.of(finished("r-1"))));

    JsonNode body = body(response.get(10, TimeUnit.SECONDS));
    assertEquals("fake", body.path("integration").path("type").asText());
    assertEquals("WEBHOOK", body.path("listener").path("type").asText());
    assertEquals(3, body.path("listener").path("polls").asInt());
    JsonNode kind = body.path("running").path("kinds").get(0);
    assertEquals(90, kind.path("upserted").asInt());
    assertEquals(5, kind.path("unchanged").asInt());
    assertTrue(kind.path("ratePerSecond").asDouble() > 5 && kind.path("ratePerSecond").asDouble() < 20,
        "100 entities in about 10 s: " + kind);
    assertFalse(kind.path("ended").asBoolean(true), kind.toString());
    assertTrue(body.path("running").path("kinds").get(1).path("ended").asBoolean(false), body.toString());
    assertEquals("r-1", body.path("last").path("resyncId").asText());
    assertEquals(12.5, body.path("last").path("entitiesPerSecond").asDouble());
    assertEquals("2026-11-27T00:00:00Z", body.path("nextResync").asText());
  }

  @Test
  void metricsShowOceansGaugesJvmAndHttpMetrics() throws Exception {
    start(true, Optional.empty(), Optional.empty(), () -> metrics.recordFinished(finished("r-1")));
    get("/health/live");
    var response = get("/metrics");
    assertEquals(200, response.statusCode());
    var samples = PrometheusText.parse(response.body());
    assertEquals(5.0, samples.value("object_count", Map.of("kind", "fake-department-0", "phase", "extract",
        "object_count_type", "raw_extracted")));
    assertEquals(18.0, samples.value("object_count", Map.of("kind", "fake-person-1", "phase", "load",
        "object_count_type", "loaded")));
    assertEquals(2.0, samples.value("object_count", Map.of("kind", "fake-person-1", "phase", "load",
        "object_count_type", "failed")));
    assertEquals(4.0, samples.value("object_count", Map.of("kind", "__reconciliation__", "phase", "delete",
        "object_count_type", "deleted")));
    assertEquals(1.0, samples.value("success", Map.of("kind", "__runtime__", "phase", "resync")));
    assertEquals(2.0, samples.value("duration_seconds", Map.of("kind", "__runtime__", "phase", "resync")));
    assertEquals(1.0, samples.value("oceanj_resyncs_total", Map.of("trigger", "webhook", "outcome", "completed")));
    assertTrue(samples.has("jvm_memory_used_bytes"), "JVM metrics");
    assertTrue(samples.value("http_server_requests_seconds_count",
        Map.of("method", "GET", "route", "/health/live", "status", "200")) >= 1.0, "HTTP metrics");

    // Recording the same resync again (every scrape does) does not count it twice.
    var again = PrometheusText.parse(get("/metrics/").body());
    assertEquals(1.0, again.value("oceanj_resyncs_total", Map.of("trigger", "webhook", "outcome", "completed")));
  }

  @Test
  void thePathPrefixMovesEverythingButResync() throws Exception {
    start(true, Optional.empty(), Optional.of("/ocean"), () -> {});
    assertEquals(200, get("/ocean/health/live").statusCode());
    assertEquals(404, get("/health/live").statusCode());
    var response = send("POST", "/resync", null, null);
    supervisor.expectMessageClass(StartResync.class, WAIT).acceptedTo().tell(new ResyncAccepted("r", Disposition.STARTED));
    assertEquals(202, response.get(10, TimeUnit.SECONDS).statusCode());
  }

  @Test
  void docsAnswersAtTheRootWithThePrefixedRoutesListed() throws Exception {
    start(true, Optional.empty(), Optional.of("/ocean"), () -> {});
    var docs = get("/docs");
    assertEquals(200, docs.statusCode());
    assertTrue(docs.headers().firstValue("Content-Type").orElse("").startsWith("text/html"), docs.headers().toString());
    assertTrue(docs.body().contains("<code>/ocean/health/live</code>"), docs.body());
    assertTrue(docs.body().contains("<code>/resync</code>"), docs.body());
    assertTrue(docs.body().contains("<code>/ocean/integration/&lt;path&gt;</code>"), docs.body());
    assertEquals(404, get("/ocean/docs").statusCode());
    assertEquals(1.0, PrometheusText.parse(get("/ocean/metrics").body())
        .value("http_server_requests_seconds_count", Map.of("route", "/docs", "status", "200", "method", "GET")));
  }
}
