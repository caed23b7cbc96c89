package dev.oceanj.core.defaults;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.oceanj.core.config.CreatePortResourcesOrigin;
import dev.oceanj.core.port.HttpPortClient;
import dev.oceanj.core.port.PortClient;
import dev.oceanj.core.port.PortClientSettings;
import dev.oceanj.core.port.WriteLimiter;
import dev.oceanj.emulator.EmulatorSettings;
import dev.oceanj.emulator.FaultControl;
import dev.oceanj.emulator.PortEmulator;
import dev.oceanj.testsupport.TestPort;
import dev.oceanj.testsupport.Await;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class DefaultsInitializerTest {

  static PortEmulator emulator;
  static final ObjectMapper JSON = new ObjectMapper();
  static final AtomicInteger ids = new AtomicInteger();
  HttpPortClient client;

  @BeforeAll
  static void start() {
    emulator = TestPort.start();
  }

  @AfterAll
  static void stop() {
    emulator.close();
  }

  @AfterEach
  void reset() {
    client.close();
    emulator.reset();
    emulator.provisionEnabled(List.of());
    emulator.featureFlags(List.of());
  }

  HttpPortClient client() {
    client = HttpPortClient.create(PortClientSettings.of(URI.create(emulator.baseUrl()),
            EmulatorSettings.DEFAULT_CLIENT_ID, EmulatorSettings.DEFAULT_CLIENT_SECRET),
        new PortClient.PortIdentity("fake", "1.2.3", "defaults-" + ids.incrementAndGet()), WriteLimiter.unlimited());
    return client;
  }

  static JsonNode json(String s) {
    try {
      return JSON.readTree(s);
    } catch (Exception e) {
      throw new IllegalArgumentException(e);
    }
  }

  // Two blueprints that relate to each other: only a staged creation can make them.
  static final JsonNode TEAM = json("""
      {"identifier": "team", "title": "Team", "schema": {"properties": {"name": {"type": "string"}}},
       "relations": {"lead": {"title": "Lead", "target": "member", "many": false, "required": false}}}""");
  static final JsonNode MEMBER = json("""
      {"identifier": "member", "title": "Member", "schema": {"properties": {}},
       "relations": {"team": {"title": "Team", "target": "team", "many": false, "required": false}}}""");
  static final JsonNode BROKEN = json("""
      {"identifier": "broken", "title": "Broken", "schema": {"properties": {}},
       "relations": {"x": {"title": "X", "target": "no-such-blueprint", "many": false, "required": false}}}""");
  static final JsonNode LEAF = json("""
      {"identifier": "leaf", "title": "Leaf", "schema": {"properties": {}}}""");
  static final JsonNode BRANCH = json("""
      {"identifier": "branch", "title": "Branch", "schema": {"properties": {}},
       "relations": {"leaf": {"title": "Leaf", "target": "leaf", "many": true, "required": false}}}""");
  static final JsonNode MAPPING = json("""
      {"resources": [{"kind": "team", "selector": {"query": "true"},
        "port": {"entity": {"mappings": {"identifier": ".id", "blueprint": "\\"team\\""}}}}]}""");

  static DefaultsInitializer.Resources resources(JsonNode... blueprints) {
    return new DefaultsInitializer.Resources(Optional.of(MAPPING), List.of(blueprints), List.of(), List.of(), List.of());
  }

  static <T> T await(java.util.concurrent.CompletionStage<T> s) throws Exception {
    return s.toCompletableFuture().get(30, TimeUnit.SECONDS);
  }

  @Test
  void createsTheIntegrationWithTheFileMappingAndBlueprintsThatReferenceEachOther() throws Exception {
    var c = client();
    var outcome = await(new DefaultsInitializer(c, resources(TEAM, MEMBER), true,
        Optional.of(json("{\"type\": \"WEBHOOK\"}"))).run());

    assertTrue(outcome.integrationCreated());
    assertEquals(List.of("member", "team"), outcome.blueprintsCreated().stream().sorted().toList());
    JsonNode integration = emulator.integration(c.identity().identifier()).orElseThrow();
    assertEquals(MAPPING, integration.get("config"));
    assertEquals("WEBHOOK", integration.path("changelogDestination").path("type").asText());
    assertTrue(integration.path("arePortResourcesInitialized").asBoolean());
    assertEquals("member", emulator.blueprint("team").orElseThrow().path("relations").path("lead").path("target")
        .asText());
    assertEquals("team", emulator.blueprint("member").orElseThrow().path("relations").path("team").path("target")
        .asText());
  }

  /** Short waits between attempts: the tests check what is retried, not how long it waits. */
  static final SetupRetry QUICK = new SetupRetry(4, Duration.ofMillis(10), Duration.ofMillis(50));

  @Test
  void aServerErrorWhileCreatingTheIntegrationIsRetried() throws Exception {
    var c = client();
    emulator.faults().failNext("POST", "/v1/integration", 1, FaultControl.Injected.SERVER_ERROR);
    var outcome = await(new DefaultsInitializer(c, resources(TEAM, MEMBER), true, Optional.empty(), QUICK).run());
    assertTrue(outcome.integrationCreated());
    assertEquals(1, emulator.counters().serverErrorsInjected(), "the fault was met");
    assertEquals(2, emulator.counters().requests("POST /v1/integration"));
    assertTrue(emulator.integration(c.identity().identifier()).orElseThrow()
        .path("arePortResourcesInitialized").asBoolean());
    assertEquals(List.of("member", "team"), outcome.blueprintsCreated().stream().sorted().toList());
  }

  @Test
  void aDroppedConnectionAfterPortCreatedTheIntegrationDoesNotCreateItTwice() throws Exception {
    var c = client();
    emulator.faults().failNext("POST", "/v1/integration", 1, FaultControl.Injected.DROP_CONNECTION);
    var outcome = await(new DefaultsInitializer(c, resources(LEAF), true, Optional.empty(), QUICK).run());
    assertTrue(outcome.integrationCreated());
    assertEquals(1, emulator.counters().connectionsDropped(), "the fault was met");
    assertEquals(1, emulator.counters().requests("POST /v1/integration"), "found, not created again");
    assertEquals(MAPPING, emulator.integration(c.identity().identifier()).orElseThrow().get("config"));
  }

  @Test
  void faultsWhileCreatingAndPatchingBlueprintsAreRetriedAndNothingIsCreatedTwice() throws Exception {
    var c = client();
    emulator.faults().failNext("POST", "/v1/blueprints", 1, FaultControl.Injected.DROP_CONNECTION);
    emulator.faults().failNext("POST", "/v1/blueprints", 1, FaultControl.Injected.SERVER_ERROR);
    emulator.faults().failNext("PATCH", "/v1/blueprints/{bp}", 2, FaultControl.Injected.SERVER_ERROR);
    var outcome = await(new DefaultsInitializer(c, resources(TEAM, MEMBER), true, Optional.empty(), QUICK).run());
    assertEquals(1, emulator.counters().connectionsDropped(), "the drop was met");
    assertEquals(3, emulator.counters().serverErrorsInjected(), "the 503s were met");
    assertEquals(List.of("member", "team"), outcome.blueprintsCreated().stream().sorted().toList());
    assertEquals("member", emulator.blueprint("team").orElseThrow().path("relations").path("lead").path("target")
        .asText());
    assertEquals("team", emulator.blueprint("member").orElseThrow().path("relations").path("team").path("target")
        .asText());
    assertTrue(emulator.integration(c.identity().identifier()).orElseThrow()
        .path("arePortResourcesInitialized").asBoolean());
  }

  @Test
  void retriesAreBoundedAndAPermanentRefusalIsNotRetried() throws Exception {
    var c = client();
    emulator.faults().failNext("POST", "/v1/integration", 100, FaultControl.Injected.SERVER_ERROR);
    var error = assertThrows(ExecutionException.class,
        () -> await(new DefaultsInitializer(c, resources(LEAF), true, Optional.empty(), QUICK).run()));
    assertTrue(error.getCause().getMessage().contains("503"), error.toString());
    assertEquals(4, emulator.counters().requests("POST /v1/integration"), "QUICK allows 4 attempts");
    assertTrue(emulator.integration(c.identity().identifier()).isEmpty());
    emulator.reset();
    await(c.createBlueprint(LEAF));
    long before = emulator.counters().requests("POST /v1/blueprints");
    assertThrows(ExecutionException.class, () -> await(new SetupRetry(4, Duration.ofMillis(10), Duration.ofMillis(10))
        .run("creating blueprint leaf again", () -> c.createBlueprint(LEAF))));
    assertEquals(before + 1, emulator.counters().requests("POST /v1/blueprints"), "a 409 is not retried");
  }

  @Test
  void createsNoBlueprintWhenAnyAlreadyExists() throws Exception {
    var c = client();
    await(c.createBlueprint(json("{\"identifier\": \"member\", \"title\": \"Mine\", \"schema\": {\"properties\": {}}}")));
    var outcome = await(new DefaultsInitializer(c, resources(TEAM, MEMBER), true, Optional.empty()).run());
    assertTrue(outcome.skippedBecause().orElseThrow().contains("member"));
    assertTrue(emulator.blueprint("team").isEmpty());
    assertEquals("Mine", emulator.blueprint("member").orElseThrow().path("title").asText());
  }

  @Test
  void aFailingStageDeletesEveryBlueprintItCreated() throws Exception {
    var c = client();
    var error = assertThrows(ExecutionException.class,
        () -> await(new DefaultsInitializer(c, resources(LEAF, BRANCH, BROKEN), true, Optional.empty()).run()));
    assertTrue(error.getCause() instanceof DefaultsInitializer.BlueprintSetupException, error.toString());
    assertTrue(error.getCause().getMessage().contains("broken"), error.getCause().getMessage());
    assertTrue(error.getCause().getMessage().contains("were deleted again"), error.getCause().getMessage());
    assertTrue(emulator.blueprint("leaf").isEmpty());
    assertTrue(emulator.blueprint("branch").isEmpty());
    assertTrue(emulator.blueprint("broken").isEmpty());
    assertFalse(emulator.integration(c.identity().identifier()).orElseThrow()
        .path("arePortResourcesInitialized").asBoolean());
  }

  @Test
  void anInitializedIntegrationIsLeftAlone() throws Exception {
    var c = client();
    await(new DefaultsInitializer(c, resources(LEAF), true, Optional.empty()).run());
    await(c.deleteBlueprint("leaf"));
    var second = await(new DefaultsInitializer(c, resources(LEAF), true, Optional.empty()).run());
    assertTrue(second.alreadyInitialized());
    assertTrue(emulator.blueprint("leaf").isEmpty());
  }

  @Test
  void anExistingIntegrationWithoutMappingGetsTheFileMapping() throws Exception {
    var c = client();
    await(c.createIntegration(JSON.createObjectNode()));
    var outcome = await(new DefaultsInitializer(c, resources(), true, Optional.empty()).run());
    assertTrue(outcome.mappingPatched());
    assertFalse(outcome.integrationCreated());
    assertEquals(MAPPING, emulator.integration(c.identity().identifier()).orElseThrow().get("config"));
  }

  @Test
  void withInitializationOffOnlyTheIntegrationIsCreated() throws Exception {
    var c = client();
    var outcome = await(new DefaultsInitializer(c, resources(TEAM), false, Optional.empty()).run());
    assertTrue(outcome.integrationCreated());
    assertTrue(emulator.blueprint("team").isEmpty());
  }

  // createPortResourcesOrigin Empty, Port and unset.

  DefaultsInitializer initializer(Optional<CreatePortResourcesOrigin> origin) {
    return new DefaultsInitializer(client(), resources(LEAF), true, Optional.empty(), origin, Duration.ofMillis(50));
  }

  String integrationId() {
    return client.identity().identifier();
  }

  @Test
  void emptyGivesAnEmptyMappingAndCreatesNothing() throws Exception {
    DefaultsInitializer init = initializer(Optional.of(CreatePortResourcesOrigin.EMPTY));
    String id = integrationId();
    await(init.run());
    JsonNode integration = emulator.integration(id).orElseThrow();
    assertEquals("Empty", integration.path("createPortResourcesOrigin").asText());
    assertEquals(0, integration.path("config").path("resources").size(), integration.toString());
    assertTrue(integration.path("config").path("deleteDependentEntities").asBoolean());
    assertTrue(integration.path("arePortResourcesInitialized").asBoolean());
    assertTrue(emulator.blueprint("leaf").isEmpty(), "no default blueprint");
  }

  @Test
  void portCreatesWithCreateResourcesAndWaitsForPortsMapping() throws Exception {
    DefaultsInitializer init = initializer(Optional.empty());
    String id = integrationId();
    emulator.provisionEnabled(List.of("fake"));
    emulator.featureFlags(List.of(DefaultsInitializer.USE_PROVISIONED_DEFAULTS));
    CompletableFuture<DefaultsInitializer.Outcome> run = init.run().toCompletableFuture();
    // Port's side: once the integration exists, it provisions the mapping (a few checks later).
    Await.until("the integration created in Port", Duration.ofSeconds(20),
        () -> emulator.integration(id).isPresent());
    JsonNode created = emulator.integration(id).orElseThrow();
    assertEquals("Port", created.path("createPortResourcesOrigin").asText());
    assertEquals(0, created.path("config").size(), "Port origin creates the integration without a mapping");
    assertFalse(run.isDone(), "waits for Port's mapping");
    assertTrue(emulator.counters().requests("GET /v1/integration/provision-enabled") > 0,
        emulator.counters().requestsByRoute().toString());
    emulator.provision(id, MAPPING);
    DefaultsInitializer.Outcome outcome = await(run);
    assertEquals(Optional.of("Port provisions the default resources"), outcome.skippedBecause());
    assertTrue(emulator.blueprint("leaf").isEmpty(), "oceanj created no blueprint itself");
  }

  @Test
  void unsetFallsBackToDefaultWhenPortCannotProvision() throws Exception {
    DefaultsInitializer init = initializer(Optional.empty());
    String id = integrationId();
    emulator.provisionEnabled(List.of("fake"));
    await(init.run());
    assertEquals("Default", emulator.integration(id).orElseThrow().path("createPortResourcesOrigin").asText());
    assertTrue(emulator.blueprint("leaf").isPresent(), "the default blueprints were created");
  }

  @Test
  void oceansBackoffIsThreeFourSixNine() {
    client();
    Duration d = Duration.ofSeconds(3);
    StringBuilder seen = new StringBuilder();
    for (int i = 0; i < 6; i++) {
      seen.append(d.toSeconds()).append(' ');
      d = DefaultsInitializer.next(d);
    }
    assertEquals("3 4 6 9 13 20 ", seen.toString());
  }
}
