package dev.oceanj.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.oceanj.core.config.IntegrationSpec;
import dev.oceanj.core.config.OceanSettings;
import dev.oceanj.core.config.SettingsLoader;
import dev.oceanj.emulator.PortEmulator;
import dev.oceanj.runtime.http.PrometheusText;
import dev.oceanj.spi.host.IntegrationResources;
import dev.oceanj.testsupport.TestPort;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every connection mode end to end, as a user runs it: {@link OceanRuntime} with the fake integration against a
 * real Port emulator (configured as "real Port" through the credentials), driven over HTTP or through the
 * emulator. Catalog sizes: 5 departments × 20 persons by default.
 */
class ModesEndToEndTest {

  static final HttpClient http = HttpClient.newHttpClient();
  static final ObjectMapper json = new ObjectMapper();
  static final Duration WAIT = Duration.ofSeconds(90);
  static final String ID = "my-fake-integration";

  @TempDir Path dataDir;
  PortEmulator port;
  OceanRuntime runtime;
  final List<String> printed = new CopyOnWriteArrayList<>();

  @BeforeEach
  void startPort() {
    port = TestPort.start("test-id", "test-secret");
  }

  @AfterEach
  void stop() {
    if (runtime != null) {
      runtime.close();
    }
    port.close();
  }

  /** Settings as the environment of a deployment sets them, pointing at the emulator as the "real" Port. */
  OceanSettings settings(boolean withCredentials, Map<String, String> env, Map<String, String> properties) {
    Map<String, String> all = new HashMap<>(env);
    if (withCredentials) {
      all.putAll(TestPort.env(port));
    }
    all.put("OCEAN__HTTP__PORT", "0");
    all.put("OCEAN__DATA_DIR", dataDir.toString());
    Properties props = new Properties();
    props.putAll(properties);
    IntegrationSpec spec = IntegrationSpec.fromClasspath(getClass().getClassLoader(),
        IntegrationResources.CLASSPATH_ROOT + "fake/.port").orElseThrow();
    return SettingsLoader.create().environment(all).systemProperties(props).spec(spec).load();
  }

  OceanRuntime start(Map<String, String> env, Map<String, String> properties) {
    runtime = OceanRuntime.start(settings(true, env, properties), printed::add);
    return runtime;
  }

  int exitCode(OceanRuntime r) throws Exception {
    return r.exitCode().toCompletableFuture().get(WAIT.toSeconds(), TimeUnit.SECONDS);
  }

  String base() {
    return "http://127.0.0.1:" + runtime.httpPort().orElseThrow();
  }

  HttpResponse<String> call(String method, String path, String... headers) throws Exception {
    var builder = HttpRequest.newBuilder(URI.create(base() + path)).timeout(Duration.ofSeconds(30))
        .method(method, HttpRequest.BodyPublishers.noBody());
    for (int i = 0; i < headers.length; i += 2) {
      builder.header(headers[i], headers[i + 1]);
    }
    return http.send(builder.build(), HttpResponse.BodyHandlers.ofString());
  }

  JsonNode status() throws Exception {
    return json.readTree(call("GET", "/status").body());
  }

  int persons() {
    return port.entities("fake-person").size();
  }

  String portResyncState() {
    return port.integration(ID).map(i -> i.path("resyncState").path("status").asText()).orElse("");
  }

  static void await(String what, BooleanSupplier condition) {
    dev.oceanj.testsupport.Await.until(what, WAIT, condition);
  }

  interface Check {
    boolean holds() throws Exception;
  }

  static BooleanSupplier quietly(Check check) {
    return () -> {
      try {
        return check.holds();
      } catch (Exception e) {
        return false;
      }
    };
  }

  @Test
  void theEmbeddedDefaultRunsOneResyncAgainstTheInProcessEmulatorPrintsTheSummaryAndExitsZero() throws Exception {
    var embedded = OceanRuntime.start(settings(false, Map.of(), Map.of()), printed::add);
    assertTrue(embedded.emulator().isPresent(), "no credentials: the embedded emulator");
    assertEquals("ONCE", embedded.listenerType().name());
    assertTrue(embedded.httpPort().isEmpty(), "no HTTP server in ONCE mode");
    assertEquals(0, exitCode(embedded));
    String summary = String.join("\n", printed);
    assertTrue(summary.contains("COMPLETED"), summary);
    assertTrue(summary.matches("(?s).*fake-person\\s+100\\s+100\\s+100\\s+0\\s+0\\s+0.*"), summary);
    assertTrue(summary.contains("entities/s"), summary);
  }

  @Test
  void anExplicitListenerTypeIsHonouredWithTheEmbeddedEmulator() {
    OceanSettings polling = settings(false, Map.of("OCEAN__EVENT_LISTENER__TYPE", "POLLING"), Map.of());
    assertEquals("POLLING", polling.effective().listener().name());
    assertEquals("ONCE", settings(false, Map.of(), Map.of()).effective().listener().name());
    assertEquals("POLLING", settings(true, Map.of(), Map.of()).effective().listener().name(),
        "with credentials Ocean's default stays");
  }

  @Test
  void onceAgainstConfiguredPortFillsTheCatalogAndAFailedResyncExitsOne() throws Exception {
    var once = start(Map.of("OCEAN__EVENT_LISTENER__TYPE", "ONCE"), Map.of());
    assertTrue(once.emulator().isEmpty());
    assertEquals(0, exitCode(once));
    assertEquals(100, persons());
    assertEquals(5, port.entities("fake-department").size());
    assertEquals("completed", portResyncState());
    runtime = null;

    printed.clear();
    var failing = start(Map.of("OCEAN__EVENT_LISTENER__TYPE", "ONCE"), Map.of(
        "ocean.integration.config.failKindAfter.kind", "fake-person",
        "ocean.integration.config.failKindAfter.items", "10",
        "ocean.resync.kind-restart.max-restarts", "0"));
    assertEquals(1, exitCode(failing));
    assertTrue(String.join("\n", printed).contains("FAILED"), String.join("\n", printed));
    assertEquals("failed", portResyncState());
    assertEquals(100, persons(), "a failed resync deletes nothing");
    runtime = null;
  }

  @Test
  void webhookAnswers202AndTheCatalogCompletesMetricsAndStatusAgree() throws Exception {
    start(Map.of("OCEAN__EVENT_LISTENER__TYPE", "WEBHOOK", "OCEAN__BASE_URL", "http://127.0.0.1:8000"), Map.of());
    JsonNode destination = port.integration(ID).orElseThrow().path("changelogDestination");
    assertEquals("WEBHOOK", destination.path("type").asText());
    assertEquals("http://127.0.0.1:8000/resync", destination.path("url").asText());

    var accepted = call("POST", "/resync");
    assertEquals(202, accepted.statusCode(), accepted.body());
    String resyncId = json.readTree(accepted.body()).path("resyncId").asText();
    await("the catalog to be complete", () -> persons() == 100);
    await("the resync to finish", quietly(() -> resyncId.equals(status().path("last").path("resyncId").asText())));
    JsonNode last = status().path("last");
    assertEquals("completed", last.path("outcome").asText());

    var samples = PrometheusText.parse(call("GET", "/metrics").body());
    assertEquals((double) persons(), samples.value("object_count",
        Map.of("kind", "fake-person-1", "phase", "load", "object_count_type", "loaded")));
    assertEquals((double) port.entities("fake-department").size(), samples.value("object_count",
        Map.of("kind", "fake-department-0", "phase", "extract", "object_count_type", "raw_extracted")));
    assertEquals(1.0, samples.value("success", Map.of("kind", "__runtime__", "phase", "resync")));
    assertTrue(samples.value("rate_limit_wait_seconds", Map.of("endpoint", "writes")) >= 0.0);
    assertTrue(samples.value("oceanj_port_requests_total", Map.of()) > 5, "the resync talked to Port");
    // One org, one limiter: its one series carries the org's id and counted the resync's writes.
    assertTrue(samples.value("oceanj_port_limiter_acquired_total", Map.of()) > 0);
    assertEquals(samples.value("oceanj_port_limiter_acquired_total", Map.of()),
        samples.value("oceanj_port_limiter_acquired_total", Map.of("org", port.settings().organizationId())));
  }

  @Test
  void switchingToWebhookRegistersTheNewChangelogDestinationInPort() throws Exception {
    start(Map.of("OCEAN__EVENT_LISTENER__TYPE", "POLLING", "OCEAN__EVENT_LISTENER__RESYNC_ON_START", "false"), Map.of());
    assertTrue(port.integration(ID).orElseThrow().path("changelogDestination").path("type").isMissingNode());
    runtime.close();
    start(Map.of("OCEAN__EVENT_LISTENER__TYPE", "WEBHOOK", "OCEAN__BASE_URL", "https://ocean.example.com"), Map.of());
    JsonNode destination = port.integration(ID).orElseThrow().path("changelogDestination");
    assertEquals("WEBHOOK", destination.path("type").asText());
    assertEquals("https://ocean.example.com/resync", destination.path("url").asText());
  }

  @Test
  void webhookWithATokenRefusesCallsWithoutIt() throws Exception {
    start(Map.of("OCEAN__EVENT_LISTENER__TYPE", "WEBHOOK", "OCEAN__BASE_URL", "http://127.0.0.1:8000",
        "OCEAN__EVENT_LISTENER__WEBHOOK__TOKEN", "t0ken"), Map.of());
    assertTrue(port.integration(ID).orElseThrow().path("changelogDestination").path("url").asText()
        .endsWith("/resync?token=t0ken"), "Port is told to call with the token");
    assertEquals(401, call("POST", "/resync").statusCode());
    assertEquals(0, persons());
    var accepted = call("POST", "/resync?wait=true", "Authorization", "Bearer t0ken");
    assertEquals(200, accepted.statusCode(), accepted.body());
    assertEquals("completed", json.readTree(accepted.body()).path("outcome").asText());
    assertEquals(100, persons());
  }

  @Test
  void twoQuickRequestsWhileAResyncRunsMakeOneMoreResyncNotTwo() throws Exception {
    start(Map.of("OCEAN__EVENT_LISTENER__TYPE", "WEBHOOK", "OCEAN__BASE_URL", "http://127.0.0.1:8000"),
        Map.of("ocean.integration.config.thirdPartyLatencyMS", "300"));
    JsonNode first = json.readTree(call("POST", "/resync").body());
    JsonNode second = json.readTree(call("POST", "/resync").body());
    JsonNode third = json.readTree(call("POST", "/resync").body());
    assertEquals("started", first.path("disposition").asText());
    assertEquals("queued", second.path("disposition").asText());
    assertEquals("queued", third.path("disposition").asText());
    assertEquals(second.path("resyncId").asText(), third.path("resyncId").asText(), "collapsed into one resync");
    assertNotEquals(first.path("resyncId").asText(), second.path("resyncId").asText());

    String queuedId = second.path("resyncId").asText();
    await("the queued resync to finish", quietly(() -> queuedId.equals(status().path("last").path("resyncId").asText())));
    JsonNode now = status();
    assertTrue(now.path("running").isNull(), "no third resync: " + now.path("running"));
    var samples = PrometheusText.parse(call("GET", "/metrics").body());
    assertEquals(100.0, samples.value("object_count",
        Map.of("kind", "fake-person-1", "phase", "load", "object_count_type", "skipped")),
        "the second resync found everything unchanged");
  }

  @Test
  void pollingPicksUpARequestRaisedInPortExactlyOnce() throws Exception {
    start(Map.of("OCEAN__EVENT_LISTENER__TYPE", "POLLING", "OCEAN__EVENT_LISTENER__INTERVAL", "1",
        "OCEAN__EVENT_LISTENER__RESYNC_ON_START", "false"), Map.of());
    await("a few polls", quietly(() -> status().path("listener").path("polls").asInt() >= 2));
    assertEquals(0, persons(), "no request, no resync");

    port.raiseResyncRequest(ID);
    await("the catalog to be complete", () -> persons() == 100);
    await("the resync to finish", quietly(() -> status().path("last").path("outcome").asText().equals("completed")));
    String resyncId = status().path("last").path("resyncId").asText();
    int polls = status().path("listener").path("polls").asInt();
    await("three more polls", quietly(() -> status().path("listener").path("polls").asInt() >= polls + 3));
    JsonNode after = status();
    assertEquals(resyncId, after.path("last").path("resyncId").asText());
    assertTrue(after.path("running").isNull());
    assertEquals(1, after.path("listener").path("resyncsRequested").asInt());
  }

  @Test
  void pollingResyncsOnStartWhenAsked() throws Exception {
    start(Map.of("OCEAN__EVENT_LISTENER__TYPE", "POLLING", "OCEAN__EVENT_LISTENER__INTERVAL", "1"), Map.of());
    await("the start-up resync to fill the catalog", () -> persons() == 100);
  }

  @Test
  void theScheduleStartsResyncsBesideTheModeAndStatusShowsTheNextOne() throws Exception {
    start(Map.of("OCEAN__EVENT_LISTENER__TYPE", "WEBHOOK", "OCEAN__BASE_URL", "http://127.0.0.1:8000",
        "OCEAN__SCHEDULED_RESYNC_INTERVAL", "2 s"), Map.of());
    await("a scheduled resync", quietly(() -> status().path("last").path("trigger").asText().equals("schedule")));
    assertEquals(100, persons());
    JsonNode now = status();
    assertEquals(2, now.path("schedule").path("intervalSeconds").asInt());
    assertTrue(java.time.Instant.parse(now.path("nextResync").asText()).isAfter(java.time.Instant.now().minusSeconds(1)),
        now.path("nextResync").asText());
    assertTrue(port.integration(ID).orElseThrow().path("resyncState").has("nextResync"),
        "the resync state carries nextResync: " + port.integration(ID).orElseThrow().path("resyncState"));
  }

  @Test
  void statusReportsPortUnreachableWhileReadinessKeepsOceansContract() throws Exception {
    start(Map.of("OCEAN__EVENT_LISTENER__TYPE", "WEBHOOKS_ONLY"), Map.of());
    await("ready", quietly(() -> call("GET", "/health/ready").statusCode() == 200));
    assertTrue(status().path("port").path("reachable").asBoolean(false), status().toString());
    assertEquals(200, call("GET", "/health/live").statusCode());
    port.close();
    await("Port unreachable on /status", quietly(() -> !status().path("port").path("reachable").asBoolean(true)));
    JsonNode problems = status().path("port").path("problems");
    assertTrue(problems.get(0).asText().startsWith("Port is not reachable"), problems.toString());
    assertEquals(200, call("GET", "/health/ready").statusCode());
    assertEquals(200, call("GET", "/health/live").statusCode());
    port = TestPort.start("test-id", "test-secret");
  }

  @Test
  void gracefulShutdownAbortsTheRunningResync() throws Exception {
    start(Map.of("OCEAN__EVENT_LISTENER__TYPE", "WEBHOOK", "OCEAN__BASE_URL", "http://127.0.0.1:8000"),
        Map.of("ocean.integration.config.thirdPartyLatencyMS", "2000"));
    assertEquals(202, call("POST", "/resync").statusCode());
    await("the resync to run", quietly(() -> !status().path("running").isNull()));
    await("Port to show it running", () -> portResyncState().equals("running"));
    runtime.close();
    runtime = null;
    assertEquals("aborted", portResyncState());
  }
}
