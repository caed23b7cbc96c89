package dev.oceanj.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.oceanj.core.config.IntegrationSpec;
import dev.oceanj.core.config.OceanSettings;
import dev.oceanj.core.config.SettingsLoader;
import dev.oceanj.emulator.PortEmulator;
import dev.oceanj.integrations.pagerduty.fakeapi.FakePagerDuty;
import dev.oceanj.integrations.pagerduty.fakeapi.FakePagerDutySettings;
import dev.oceanj.spi.host.IntegrationResources;
import dev.oceanj.testsupport.TestPort;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The pagerduty integration as a user runs it: {@link OceanRuntime} with {@code OCEAN__INTEGRATION__TYPE=pagerduty}
 * and Ocean's {@code OCEAN__INTEGRATION__CONFIG__{TOKEN,API_URL,APP_HOST}}, the fake PagerDuty API, and the Port
 * emulator as Port, which gets the integration's default blueprints and mapping: a ONCE resync, then a signed
 * PagerDuty webhook updating an incident live.
 */
class PagerDutyEndToEndTest {

  static final Duration WAIT = Duration.ofSeconds(90);

  @TempDir Path dataDir;
  PortEmulator port;
  FakePagerDuty pd;

  @BeforeEach
  void start() throws Exception {
    port = TestPort.start("id", "secret");
    pd = FakePagerDuty.start(FakePagerDutySettings.builder().build());
  }

  @AfterEach
  void stop() {
    pd.close();
    port.close();
  }

  OceanSettings settings(Map<String, String> moreEnv) throws Exception {
    Map<String, String> env = new HashMap<>(moreEnv);
    env.putAll(Map.of(
        "OCEAN__PORT__CLIENT_ID", "id", "OCEAN__PORT__CLIENT_SECRET", "secret", "OCEAN__PORT__BASE_URL", port.baseUrl(),
        "OCEAN__INTEGRATION__TYPE", "pagerduty", "OCEAN__INTEGRATION__IDENTIFIER", "my-pagerduty",
        "OCEAN__INTEGRATION__CONFIG__TOKEN", pd.settings().token(),
        "OCEAN__INTEGRATION__CONFIG__API_URL", pd.baseUri().toString(),
        "OCEAN__DATA_DIR", dataDir.toString()));
    env.putIfAbsent("OCEAN__HTTP__PORT", "0");
    IntegrationSpec spec = IntegrationSpec.fromClasspath(getClass().getClassLoader(),
        IntegrationResources.CLASSPATH_ROOT + "pagerduty/.port").orElseThrow();
    return SettingsLoader.create().environment(env).systemProperties(new Properties()).spec(spec).load();
  }

  int resyncOnce() throws Exception {
    try (OceanRuntime runtime = OceanRuntime.start(settings(Map.of("OCEAN__EVENT_LISTENER__TYPE", "ONCE")),
        line -> {})) {
      return runtime.exitCode().toCompletableFuture().get(WAIT.toSeconds(), TimeUnit.SECONDS);
    }
  }

  Set<String> identifiers(String blueprint) {
    return port.entities(blueprint).stream().map(e -> e.path("identifier").asText())
        .collect(Collectors.toCollection(TreeSet::new));
  }

  String triggeredIncident() {
    return pd.ids("incidents").stream()
        .filter(i -> pd.incident(i).get("status").asText().equals("triggered")).findFirst().orElseThrow();
  }

  static int freePort() throws Exception {
    try (var socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }

  /** A WEBHOOKS_ONLY runtime on {@code httpPort}, once it created its webhook subscription. */
  OceanRuntime webhooksRuntime(int httpPort) throws Exception {
    OceanRuntime runtime = OceanRuntime.start(settings(Map.of("OCEAN__EVENT_LISTENER__TYPE", "WEBHOOKS_ONLY",
        "OCEAN__HTTP__PORT", Integer.toString(httpPort),
        "OCEAN__INTEGRATION__CONFIG__APP_HOST", "http://127.0.0.1:" + httpPort)), line -> {});
    try {
      ModesEndToEndTest.await("the webhook subscription", () -> pd.subscriptions().size() == 1);
    } catch (Exception | AssertionError e) {
      runtime.close();
      throw e;
    }
    return runtime;
  }

  @Test
  void aOnceResyncFillsTheCatalogWithTheAccount() throws Exception {
    assertEquals(0, resyncOnce());
    assertEquals(new TreeSet<>(pd.ids("services")), identifiers("pagerdutyService"));
    assertEquals(new TreeSet<>(pd.ids("incidents")), identifiers("pagerdutyIncident"),
        "open incidents from the first resource, resolved ones from the second");
    assertEquals(new TreeSet<>(pd.ids("schedules")), identifiers("pagerdutySchedule"));
    assertEquals(new TreeSet<>(pd.ids("escalation_policies")), identifiers("pagerdutyEscalationPolicy"));
    assertEquals(new TreeSet<>(pd.ids("users")), identifiers("pagerdutyUser"));
    List<JsonNode> oncalls = port.entities("pagerdutyOncall");
    assertFalse(oncalls.isEmpty());
    for (JsonNode o : oncalls) {
      assertTrue(pd.ids("escalation_policies").contains(o.at("/relations/pagerdutyEscalationPolicy").asText()),
          o.toString());
      assertTrue(o.at("/properties/user").asText().contains("@"), o.toString());
    }
    for (String id : pd.ids("incidents")) {
      JsonNode incident = port.entity("pagerdutyIncident", id).orElseThrow();
      JsonNode raw = pd.incident(id);
      assertEquals(raw.get("status").asText(), incident.at("/properties/status").asText());
      assertEquals(raw.at("/service/id").asText(), incident.at("/relations/pagerdutyService").asText());
    }
    JsonNode service = port.entity("pagerdutyService", pd.ids("services").get(0)).orElseThrow();
    assertTrue(service.at("/properties/oncall").asText().contains("@"), service.toString());
  }

  @Test
  void aSignedWebhookUpdatesAnIncidentLive() throws Exception {
    assertEquals(0, resyncOnce());
    String id = triggeredIncident();
    assertEquals("triggered", port.entity("pagerdutyIncident", id).orElseThrow().at("/properties/status").asText());
    int httpPort = freePort();
    try (OceanRuntime runtime = webhooksRuntime(httpPort)) {
      assertEquals("http://127.0.0.1:" + httpPort + "/integration/webhook",
          pd.subscriptions().get(0).at("/delivery_method/url").asText());
      pd.setIncidentStatus(id, "resolved");
      var deliveries = pd.deliver("incident.resolved", id);
      assertEquals(1, deliveries.size());
      assertEquals(2, deliveries.get(0).status() / 100, deliveries.toString());
      ModesEndToEndTest.await("the incident updated live", () -> port.entity("pagerdutyIncident", id).orElseThrow()
          .at("/properties/status").asText().equals("resolved"));
      // A delivery with a wrong signature is refused and changes nothing.
      var forged = pd.event("incident.acknowledged", id);
      var request = java.net.http.HttpRequest.newBuilder(
              java.net.URI.create("http://127.0.0.1:" + httpPort + "/integration/webhook"))
          .header("Content-Type", "application/json").header("X-PagerDuty-Signature", "v1=" + "0".repeat(64))
          .POST(java.net.http.HttpRequest.BodyPublishers.ofString(forged.body())).build();
      var client = java.net.http.HttpClient.newHttpClient();
      assertEquals(401, client.send(request, java.net.http.HttpResponse.BodyHandlers.discarding()).statusCode());
    }
    try (OceanRuntime again = OceanRuntime.start(settings(Map.of("OCEAN__EVENT_LISTENER__TYPE", "WEBHOOKS_ONLY",
        "OCEAN__HTTP__PORT", "0", "OCEAN__INTEGRATION__CONFIG__APP_HOST", "http://127.0.0.1:" + httpPort)),
        line -> {})) {
      ModesEndToEndTest.await("the restarted runtime's start", () -> again.httpPort().isPresent());
      assertEquals(1, pd.subscriptions().size(), "not duplicated on restart");
    }
  }

  @Test
  void aLiveIncidentIsEnrichedAsItsResourceSelectorAsks() throws Exception {
    assertEquals(0, resyncOnce());
    // The user's mapping asks for the incident's analytics row and custom fields (Ocean's selector options).
    port.provision("my-pagerduty", JSON.readTree("""
        {"resources": [{"kind": "incidents",
          "selector": {"query": "true", "incidentAnalytics": true, "includeCustomFields": true},
          "port": {"entity": {"mappings": {"identifier": ".id", "title": ".title",
            "blueprint": "\\"pagerdutyIncident\\"",
            "properties": {"status": ".status", "description": ".__analytics | tojson",
              "escalation_policy": ".__custom_fields | map(.name) | join(\\",\\")"},
            "relations": {"pagerdutyService": ".service.id"}}}}}]}
        """));
    String id = triggeredIncident();
    int httpPort = freePort();
    try (OceanRuntime runtime = webhooksRuntime(httpPort)) {
      pd.setIncidentStatus(id, "acknowledged");
      var deliveries = pd.deliver("incident.acknowledged", id);
      assertEquals(2, deliveries.get(0).status() / 100, deliveries.toString());
      ModesEndToEndTest.await("the incident updated live", () -> port.entity("pagerdutyIncident", id).orElseThrow()
          .at("/properties/status").asText().equals("acknowledged"));
    }
    JsonNode incident = port.entity("pagerdutyIncident", id).orElseThrow();
    assertEquals(analyticsRow(id), JSON.readTree(incident.at("/properties/description").asText()),
        "the fake PagerDuty's raw analytics row of the incident, as __analytics");
    assertEquals("tier,runbook,regions", incident.at("/properties/escalation_policy").asText(),
        "the incident's custom fields, as __custom_fields");
  }

  static final com.fasterxml.jackson.databind.ObjectMapper JSON = new com.fasterxml.jackson.databind.ObjectMapper();

  /** The fake PagerDuty's raw analytics row of an incident, as its API answers it. */
  JsonNode analyticsRow(String incidentId) throws Exception {
    String service = pd.incident(incidentId).at("/service/id").asText();
    var request = java.net.http.HttpRequest.newBuilder(java.net.URI.create(pd.baseUri() + "/analytics/raw/incidents"))
        .header("Content-Type", "application/json").header("Authorization", "Token token=" + pd.settings().token())
        .POST(java.net.http.HttpRequest.BodyPublishers.ofString(
            "{\"filters\":{\"service_ids\":[\"" + service + "\"]},\"limit\":1000}")).build();
    var response = java.net.http.HttpClient.newHttpClient().send(request,
        java.net.http.HttpResponse.BodyHandlers.ofString());
    assertEquals(200, response.statusCode(), response.body());
    for (JsonNode row : JSON.readTree(response.body()).get("data")) {
      if (row.get("id").asText().equals(incidentId)) {
        return row;
      }
    }
    throw new AssertionError("no analytics row for " + incidentId + ": " + response.body());
  }

  /** {@code <id>.env} in {@code instances}: a pagerduty instance of {@code account}, reached at {@code baseUrl}. */
  static void pagerDutyInstance(Path instances, String id, FakePagerDuty account, String baseUrl, String... more)
      throws Exception {
    List<String> lines = new java.util.ArrayList<>(List.of("OCEAN__INTEGRATION__TYPE=pagerduty",
        "OCEAN__INTEGRATION__CONFIG__TOKEN=" + account.settings().token(),
        "OCEAN__INTEGRATION__CONFIG__API_URL=" + account.baseUri(), "OCEAN__BASE_URL=" + baseUrl));
    lines.addAll(List.of(more));
    java.nio.file.Files.writeString(instances.resolve(id + ".env"), String.join("\n", lines) + "\n");
  }

  /** {@code account}'s incident {@code id} resolved and delivered: it reaches Port through its subscription. */
  void resolvedLive(FakePagerDuty account, String id) throws Exception {
    account.setIncidentStatus(id, "resolved");
    var deliveries = account.deliver("incident.resolved", id);
    assertEquals(1, deliveries.size());
    assertEquals(2, deliveries.get(0).status() / 100, deliveries.toString());
    ModesEndToEndTest.await("the incident written live", () -> port.entity("pagerdutyIncident", id)
        .map(i -> i.at("/properties/status").asText().equals("resolved")).orElse(false));
  }

  @Test
  void inHostModeEachInstanceSubscribesTheUrlThatReachesIt() throws Exception {
    try (FakePagerDuty other = FakePagerDuty.start(FakePagerDutySettings.builder().seed(77).build())) {
      int httpPort = freePort();
      String base = "http://127.0.0.1:" + httpPort;
      Path instances = java.nio.file.Files.createDirectories(dataDir.resolve("instances"));
      pagerDutyInstance(instances, "pd-eu", pd, base);
      pagerDutyInstance(instances, "pd-us", other, base + "/", "OCEAN__PATH_PREFIX=legacy/pd");
      Map<String, String> env = new HashMap<>(Map.of("OCEAN__PORT__CLIENT_ID", "id",
          "OCEAN__PORT__CLIENT_SECRET", "secret", "OCEAN__PORT__BASE_URL", port.baseUrl(),
          "OCEAN__EVENT_LISTENER__TYPE", "WEBHOOKS_ONLY", "OCEAN__HTTP__PORT", Integer.toString(httpPort),
          "OCEAN__DATA_DIR", dataDir.resolve("state").toString(), "OCEAN__INSTANCES_DIR", instances.toString()));
      var host = dev.oceanj.core.config.HostSettings.load(
          SettingsLoader.create().environment(env).systemProperties(new Properties()),
          s -> StartupChecks.spec(s.integration().type(), s.resourcesPath()));
      try (OceanRuntime runtime = OceanRuntime.start(host, line -> { })) {
        ModesEndToEndTest.await("both subscriptions", () -> pd.subscriptions().size() == 1
            && other.subscriptions().size() == 1);
        // pd-eu is served under /pd-eu; pd-us under its own prefix, where its pod was.
        assertEquals(base + "/pd-eu/integration/webhook", pd.subscriptions().get(0).at("/delivery_method/url").asText());
        assertEquals(base + "/legacy/pd/integration/webhook",
            other.subscriptions().get(0).at("/delivery_method/url").asText());
        String eu = triggeredIncident();
        String us = other.ids("incidents").stream()
            .filter(i -> other.incident(i).get("status").asText().equals("triggered"))
            .filter(i -> !pd.ids("incidents").contains(i)).findFirst().orElseThrow();
        resolvedLive(pd, eu);
        resolvedLive(other, us);
      }
    }
  }
}
