package dev.oceanj.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.oceanj.core.config.ConfigurationException;
import dev.oceanj.core.config.HostSettings;
import dev.oceanj.core.config.SettingsLoader;
import dev.oceanj.emulator.PortEmulator;
import dev.oceanj.testsupport.Await;
import dev.oceanj.testsupport.TestPort;
import dev.oceanj.testsupport.process.ChildJvm;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Host mode end to end: one {@link OceanRuntime} runs several fake integration instances from a folder of
 * {@code *.env} files (an Ocean pod's environment each) against one Port emulator. Each instance maps its persons
 * to {@code <identifier>-<person id>} (its own {@code .port/resources}), so the emulator shows whose entity is whose.
 */
class HostModeEndToEndTest {

  static final HttpClient HTTP = HttpClient.newHttpClient();
  static final ObjectMapper JSON = new ObjectMapper();
  static final Duration WAIT = Duration.ofSeconds(120);
  /** 5 departments × 4 persons. */
  static final int PERSONS = 20;

  @TempDir Path dir;
  Path instances;
  PortEmulator port;
  OceanRuntime runtime;
  final List<String> printed = new CopyOnWriteArrayList<>();

  @BeforeEach
  void start() throws Exception {
    port = TestPort.start("test-id", "test-secret");
    instances = Files.createDirectories(dir.resolve("instances"));
  }

  @AfterEach
  void stop() {
    if (runtime != null) {
      runtime.close();
    }
    port.close();
  }

  /** Writes {@code <id>.env}: the fake integration with 20 persons mapped to {@code <id>-<person id>}. */
  void instance(String id, String... moreLines) throws Exception {
    Path resources = dev.oceanj.runtime.cluster.ClusterNodes.personMapping(dir, id);
    List<String> lines = new ArrayList<>(List.of(
        "# " + id + "'s pod environment",
        "OCEAN__INTEGRATION__TYPE=fake",
        "OCEAN__INTEGRATION__CONFIG__ENTITY_AMOUNT=\"4\"",
        "OCEAN__RESOURCES_PATH=" + resources));
    lines.addAll(List.of(moreLines));
    Files.writeString(instances.resolve(id + ".env"), String.join("\n", lines) + "\n");
  }

  /** The process environment: Port's credentials (shared by every instance), the server, the folder. */
  Supplier<HostSettings> host(String listener) {
    Map<String, String> env = new HashMap<>(TestPort.env(port));
    env.put("OCEAN__HTTP__PORT", "0");
    env.put("OCEAN__DATA_DIR", dir.resolve("state").toString());
    env.put("OCEAN__INSTANCES_DIR", instances.toString());
    env.put("OCEAN__EVENT_LISTENER__TYPE", listener);
    return () -> HostSettings.load(SettingsLoader.create().environment(env),
        s -> StartupChecks.spec(s.integration().type(), s.resourcesPath()));
  }

  OceanRuntime run(String listener) {
    Supplier<HostSettings> host = host(listener);
    runtime = OceanRuntime.start(host.get(), host, printed::add);
    return runtime;
  }

  HttpResponse<String> call(String method, String path, String body) throws Exception {
    var request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + runtime.httpPort().orElseThrow() + path))
        .timeout(Duration.ofSeconds(30)).header("Content-Type", "application/json")
        .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
    return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  JsonNode status() throws Exception {
    HttpResponse<String> r = call("GET", "/status", null);
    assertEquals(200, r.statusCode(), r.body());
    return JSON.readTree(r.body());
  }

  Optional<JsonNode> instanceStatus(String id) throws Exception {
    for (JsonNode i : status().path("instances")) {
      if (i.path("identifier").asText().equals(id)) {
        return Optional.of(i);
      }
    }
    return Optional.empty();
  }

  boolean resynced(String id) {
    try {
      return instanceStatus(id).map(s -> s.path("last").path("outcome").asText().equals("completed")).orElse(false);
    } catch (Exception e) {
      return false;
    }
  }

  long owned(String id) {
    return port.entities("fake-person").stream()
        .filter(e -> e.path("identifier").asText().startsWith(id + "-")).count();
  }

  @Test
  void instancesFromEnvFilesResyncIntoOnePortEachUnderItsOwnIdentifier() throws Exception {
    List<String> ids = List.of("fake-01", "fake-02", "fake-03");
    for (String id : ids) {
      instance(id);
    }
    run("POLLING");
    for (String id : ids) {
      Await.until(id + "'s resync to complete", WAIT, () -> resynced(id));
    }
    for (String id : ids) {
      assertEquals(PERSONS, owned(id), id + "'s persons");
      String datasource = port.datasource("fake-person", id + "-eng-0").orElse(
          port.datasource("fake-person", port.entities("fake-person").stream()
              .map(e -> e.path("identifier").asText()).filter(i -> i.startsWith(id + "-")).findFirst().orElseThrow())
              .orElseThrow());
      assertTrue(datasource.contains(id), datasource);
      assertTrue(port.integration(id).isPresent(), id + " registered in Port");
    }
    JsonNode status = status();
    assertEquals(3, status.path("instances").size(), status.toString());
    assertEquals("running", status.path("instances").get(0).path("state").asText());
    assertEquals("POLLING", status.path("instances").get(0).path("listener").path("type").asText());

    // The webhook of one instance changes only its entities (the fake's one-statement webhook).
    String person = "{\"action\":\"upsert\",\"person\":{\"id\":\"hook-1\",\"name\":\"Grace\",\"email\":\"g@example.com\","
        + "\"status\":\"WORKING\",\"age\":85,\"department\":{\"id\":\"eng\",\"name\":\"Engineering\"},\"bio\":\"b\"}}";
    HttpResponse<String> accepted = call("POST", "/fake-02/integration/webhook", person);
    assertEquals(202, accepted.statusCode(), accepted.body());
    Await.until("the webhook's person to reach Port", WAIT, () -> port.entity("fake-person", "fake-02-hook-1").isPresent());
    assertEquals(85, port.entity("fake-person", "fake-02-hook-1").orElseThrow().path("properties").path("age").asInt());
    assertFalse(port.entity("fake-person", "fake-01-hook-1").isPresent());
    assertFalse(port.entity("fake-person", "fake-03-hook-1").isPresent());
    assertEquals(PERSONS, owned("fake-01"));
    assertEquals(PERSONS + 1, owned("fake-02"));

    HttpResponse<String> one = call("GET", "/fake-02/status", null);
    assertEquals(200, one.statusCode(), one.body());
    assertEquals("fake-02", JSON.readTree(one.body()).path("integration").path("identifier").asText());
    assertEquals(1, JSON.readTree(one.body()).path("liveEvents").path("acknowledged").asInt(), one.body());

    HttpResponse<String> unknown = call("POST", "/fake-99/integration/webhook", person);
    assertEquals(404, unknown.statusCode());
    assertTrue(unknown.body().contains("no integration instance \\\"fake-99\\\" runs here"), unknown.body());

    assertEquals(200, call("GET", "/health/live", null).statusCode());
    String metrics = call("GET", "/metrics", null).body();
    for (String id : ids) {
      assertTrue(metrics.contains("oceanj_resyncs_total{integration=\"" + id + "\",outcome=\"completed\""), metrics);
    }
  }

  @Test
  void aReloadStartsAddedStopsRemovedAndLeavesUnchangedInstancesUntouched() throws Exception {
    port.requestLog().enable(true, false);
    instance("fake-01");
    instance("fake-02");
    // fake-03's 3rd party is slow: its resync still runs when the reload removes it.
    instance("fake-03", "OCEAN__INTEGRATION__CONFIG__THIRD_PARTY_LATENCY_MS=3000",
        "OCEAN__INTEGRATION__CONFIG__THIRD_PARTY_BATCH_SIZE=2");
    run("POLLING");
    for (String id : List.of("fake-01", "fake-02")) {
      Await.until(id + "'s resync to complete", WAIT, () -> resynced(id));
    }
    Await.until("fake-03's resync to run in Port", WAIT, () -> port.integration("fake-03")
        .map(i -> i.path("resyncState").path("status").asText().equals("running")).orElse(false));
    String firstResync = instanceStatus("fake-01").orElseThrow().path("last").path("resyncId").asText();

    instance("fake-04");
    Files.delete(instances.resolve("fake-03.env"));
    instance("fake-02", "OCEAN__RESYNC__UPSERT_CONCURRENCY=2");
    HttpResponse<String> reload = call("POST", "/instances/reload", null);
    assertEquals(200, reload.statusCode(), reload.body());
    JsonNode what = JSON.readTree(reload.body());
    assertEquals("[\"fake-04\"]", what.path("added").toString());
    assertEquals("[\"fake-03\"]", what.path("removed").toString());
    assertEquals("[\"fake-02\"]", what.path("changed").toString());
    assertEquals("[\"fake-01\"]", what.path("unchanged").toString());

    Await.until("fake-04's resync to complete", WAIT, () -> resynced("fake-04"));
    Await.until("fake-02 to restart and resync", WAIT, () -> resynced("fake-02"));
    Await.until("fake-03 to be gone", WAIT, () -> {
      try {
        return instanceStatus("fake-03").isEmpty();
      } catch (Exception e) {
        return false;
      }
    });
    assertEquals(404, call("GET", "/fake-03/status", null).statusCode());
    assertEquals("aborted", port.integration("fake-03").orElseThrow().path("resyncState").path("status").asText(),
        "the removed instance's running resync is reported aborted");
    assertEquals(List.of(), port.requestLog().since(0).stream().filter(e -> e.method().equals("DELETE"))
        .map(e -> e.path()).toList(), "nothing deleted");
    assertEquals(PERSONS, owned("fake-04"));
    JsonNode untouched = instanceStatus("fake-01").orElseThrow();
    assertEquals(firstResync, untouched.path("last").path("resyncId").asText(), "fake-01 was not restarted");
    String metrics = call("GET", "/metrics", null).body();
    assertTrue(metrics.contains("oceanj_resyncs_total{integration=\"fake-01\",outcome=\"completed\",trigger=")
        && metrics.matches("(?s).*oceanj_resyncs_total\\{integration=\"fake-01\"[^}]*} 1\\.0.*"), metrics);
    assertFalse(metrics.contains("integration=\"fake-03\""), "a removed instance's series are gone");

    // A file that does not load: the reload is refused, nothing changes.
    Files.writeString(instances.resolve("fake-05.env"), "OCEAN__INTEGRATION__IDENTIFIER=other\n");
    HttpResponse<String> refused = call("POST", "/instances/reload", null);
    assertEquals(409, refused.statusCode(), refused.body());
    assertTrue(refused.body().contains("fake-05.env"), refused.body());
    assertEquals(3, status().path("instances").size());
  }

  @Test
  void sighupReloadsTheFolderOfARunningProcess() throws Exception {
    instance("fake-01");
    Map<String, String> env = new HashMap<>(TestPort.env(port));
    env.put("OCEAN__HTTP__HOST", "127.0.0.1");
    env.put("OCEAN__HTTP__PORT", "0");
    env.put("OCEAN__DATA_DIR", dir.resolve("state").toString());
    env.put("OCEAN__INSTANCES_DIR", instances.toString());
    env.put("OCEAN__EVENT_LISTENER__TYPE", "POLLING");
    try (ChildJvm child = ChildJvm.builder("host", Main.class.getName(), dir).withoutEnv("OCEAN__").env(env)
        .jvmArgs("-Xmx256m").start()) {
      String listening = child.awaitOutput(line -> line.contains("HTTP server listening on"), WAIT);
      String base = "http://" + listening.substring(listening.indexOf("listening on ") + "listening on ".length())
          .trim();
      Await.until("fake-01 to be set up in Port", WAIT, () -> port.integration("fake-01").isPresent());
      instance("fake-02");
      child.hangUp();
      Await.until("fake-02 to start after SIGHUP", WAIT, () -> port.integration("fake-02").isPresent());
      String status = HTTP.send(HttpRequest.newBuilder(URI.create(base + "/status")).build(),
          HttpResponse.BodyHandlers.ofString()).body();
      assertTrue(status.contains("\"identifier\":\"fake-01\"") && status.contains("\"identifier\":\"fake-02\""),
          status);
      assertTrue(child.alive(), "SIGHUP reloads, it does not stop the process");
    }
  }

  @Test
  void onceInHostModeExitsWhenEveryInstanceEndedAndFailsWhenOneFailed() throws Exception {
    instance("fake-01");
    instance("fake-02", "OCEAN__INTEGRATION__CONFIG__FAIL_KIND_AFTER={\"kind\":\"fake-person\",\"items\":0}");
    run("ONCE");
    assertEquals(1, runtime.exitCode().toCompletableFuture().get(WAIT.toSeconds(), TimeUnit.SECONDS));
    String out = String.join("\n", printed);
    assertTrue(out.contains("fake-01: ") && out.contains("fake-02: "), out);
    assertEquals(PERSONS, owned("fake-01"));
    runtime = null;
  }

  @Test
  void aBadFileStopsTheStartNamingIt() throws Exception {
    instance("fake-01");
    instance("fake-02", "OCEAN__INTEGRATION__TYPE=nope");
    var e = assertThrows(ConfigurationException.class, () -> run("POLLING"));
    assertTrue(e.getMessage().contains(instances.resolve("fake-02.env").toString())
        && e.getMessage().contains("unknown integration type 'nope'"), e.getMessage());
    assertTrue(port.integration("fake-01").isEmpty(), "nothing started");
  }

  @Test
  void anInstancesOwnPathPrefixStillReachesItWhereThePodWas() throws Exception {
    instance("fake-01");
    instance("fake-02", "OCEAN__PATH_PREFIX=/legacy/pd/");
    run("POLLING");
    for (String id : List.of("fake-01", "fake-02")) {
      Await.until(id + "'s resync to complete", WAIT, () -> resynced(id));
    }
    String person = "{\"action\":\"upsert\",\"person\":{\"id\":\"hook-1\",\"name\":\"Ada\",\"email\":\"a@example.com\","
        + "\"status\":\"WORKING\",\"age\":36,\"department\":{\"id\":\"eng\",\"name\":\"Engineering\"},\"bio\":\"b\"}}";
    // The pod's live-event URL: <base-url><prefix>/integration/webhook.
    HttpResponse<String> accepted = call("POST", "/legacy/pd/integration/webhook", person);
    assertEquals(202, accepted.statusCode(), accepted.body());
    Await.until("the webhook's person to reach Port", WAIT, () -> port.entity("fake-person", "fake-02-hook-1").isPresent());
    assertFalse(port.entity("fake-person", "fake-01-hook-1").isPresent(), "the prefix reaches fake-02 only");
    HttpResponse<String> one = call("GET", "/legacy/pd/status", null);
    assertEquals(200, one.statusCode(), one.body());
    assertEquals("fake-02", JSON.readTree(one.body()).path("integration").path("identifier").asText());
    // The host's own routes for it still work, and the instance without a prefix is where it always was.
    assertEquals(202, call("POST", "/fake-02/integration/webhook", person).statusCode());
    assertEquals(202, call("POST", "/fake-01/integration/webhook", person).statusCode());
    Await.until("fake-01's webhook person to reach Port", WAIT,
        () -> port.entity("fake-person", "fake-01-hook-1").isPresent());
    assertEquals(404, call("POST", "/legacy/integration/webhook", person).statusCode(), "only the whole prefix");
    assertEquals(404, call("POST", "/integration/webhook", person).statusCode(), "no instance at the root");
    assertEquals(200, call("GET", "/health/live", null).statusCode());
  }

  @Test
  void aPathPrefixThatClashesIsRefusedBeforeStartNamingBothFiles() throws Exception {
    instance("fake-01", "OCEAN__PATH_PREFIX=/pd");
    instance("fake-02", "OCEAN__PATH_PREFIX=/pd/eu");
    instance("fake-03", "OCEAN__PATH_PREFIX=/fake-01");
    instance("fake-04", "OCEAN__PATH_PREFIX=/metrics");
    var e = assertThrows(ConfigurationException.class, () -> run("POLLING"));
    String message = e.getMessage();
    String f1 = instances.resolve("fake-01.env").toString();
    String f2 = instances.resolve("fake-02.env").toString();
    String f3 = instances.resolve("fake-03.env").toString();
    String f4 = instances.resolve("fake-04.env").toString();
    assertTrue(message.contains(f2 + ": ocean.path-prefix \"/pd/eu\"") && message.contains("of " + f1), message);
    assertTrue(message.contains(f3 + ": ocean.path-prefix \"/fake-01\"")
        && message.contains("the routes of instance \"fake-01\" (" + f1 + ")"), message);
    assertTrue(message.contains(f4 + ": ocean.path-prefix \"/metrics\"")
        && message.contains("the process's route /metrics"), message);
    assertTrue(port.integration("fake-01").isEmpty(), "nothing started");
    runtime = null;
  }

  /** Every log line Port's ingest received for {@code integration} (its own log URL). */
  List<JsonNode> shippedLogs(String integration) {
    List<JsonNode> out = new ArrayList<>();
    for (JsonNode batch : port.ingested().path("logs")) {
      if (batch.path("integration").asText().equals(integration)) {
        assertTrue(batch.path("body").path("logs").size() <= 100, "Ocean's batch size");
        batch.path("body").path("logs").forEach(out::add);
      }
    }
    return out;
  }

  static boolean says(List<JsonNode> lines, String text) {
    return lines.stream().anyMatch(l -> l.path("message").asText().contains(text));
  }

  @Test
  void eachInstancesLogLinesReachItsOwnIntegrationsLogsOnly() throws Exception {
    instance("fake-01");
    instance("fake-02");
    run("POLLING");
    for (String id : List.of("fake-01", "fake-02")) {
      Await.until(id + "'s resync to complete", WAIT, () -> resynced(id));
    }
    var log = org.slf4j.LoggerFactory.getLogger("dev.oceanj.integrations.fake.FakeOrgClient");
    try (var mdc = org.slf4j.MDC.putCloseable("integration", "fake-01")) {
      log.warn("fake-01 calls its API with client secret test-secret");
    }
    try (var mdc = org.slf4j.MDC.putCloseable("integration", "fake-02")) {
      log.warn("fake-02 calls its API");
    }
    log.warn("a host line of no instance");
    Map<String, String> resyncs = new HashMap<>();
    for (String id : List.of("fake-01", "fake-02")) {
      resyncs.put(id, "Resync " + instanceStatus(id).orElseThrow().path("last").path("resyncId").asText() + " ");
      Await.until(id + "'s lines in its logs", WAIT, () -> says(shippedLogs(id), id + " calls its API")
          && says(shippedLogs(id), resyncs.get(id)));
    }
    List<JsonNode> one = shippedLogs("fake-01");
    List<JsonNode> two = shippedLogs("fake-02");
    // The resync's own actors' lines (Pekko's actor path) and the lines logged for it: its own logs only.
    assertFalse(says(one, "fake-02 calls its API") || says(one, resyncs.get("fake-02")), one.toString());
    assertFalse(says(two, "fake-01 calls its API") || says(two, resyncs.get("fake-01")), two.toString());
    for (var entry : Map.of("fake-01", one, "fake-02", two).entrySet()) {
      String other = entry.getKey().equals("fake-01") ? "fake-02" : "fake-01";
      for (JsonNode line : entry.getValue()) {
        JsonNode extra = line.path("extra");
        assertTrue(extra.path("integration").asText().equals(entry.getKey())
            || extra.path("pekkoSource").asText().contains("/user/instance-" + entry.getKey()), line.toString());
        assertFalse(line.toString().contains("instance-" + other) || line.toString().contains(other + " "),
            line.toString());
      }
    }
    assertFalse(says(one, "a host line") || says(two, "a host line"), "host lines go to no instance");
    assertTrue(says(one, "with client secret [REDACTED]") && !one.toString().contains("test-secret"), one.toString());
  }

  @Test
  void portCallsEachWebhookInstanceWhereItIsServed() throws Exception {
    String base = "https://oceanj.example.test";
    instance("fake-01", "OCEAN__EVENT_LISTENER__TYPE=WEBHOOK", "OCEAN__BASE_URL=" + base);
    instance("fake-02", "OCEAN__EVENT_LISTENER__TYPE=WEBHOOK", "OCEAN__BASE_URL=" + base, "OCEAN__PATH_PREFIX=/legacy");
    run("POLLING");
    Map<String, String> paths = Map.of("fake-01", "/fake-01/resync", "fake-02", "/legacy/resync");
    for (var entry : paths.entrySet()) {
      String url = port.integration(entry.getKey()).orElseThrow().path("changelogDestination").path("url").asText();
      assertEquals(base + entry.getValue(), url, "where Port sends " + entry.getKey() + "'s resync requests");
      HttpResponse<String> resync = call("POST", entry.getValue(), null);
      assertEquals(2, resync.statusCode() / 100, resync.body());
      Await.until(entry.getKey() + "'s requested resync", WAIT, () -> resynced(entry.getKey()));
      assertEquals(PERSONS, owned(entry.getKey()));
    }
  }
}
