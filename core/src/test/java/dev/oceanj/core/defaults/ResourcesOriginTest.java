package dev.oceanj.core.defaults;

import static dev.oceanj.core.defaults.DefaultsInitializerTest.MAPPING;
import static dev.oceanj.core.defaults.DefaultsInitializerTest.LEAF;
import static dev.oceanj.core.defaults.DefaultsInitializerTest.await;
import static dev.oceanj.core.defaults.DefaultsInitializerTest.resources;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.oceanj.core.config.CreatePortResourcesOrigin;
import dev.oceanj.core.port.HttpPortClient;
import dev.oceanj.core.port.PortClient;
import dev.oceanj.core.port.PortClientSettings;
import dev.oceanj.core.port.WriteLimiter;
import dev.oceanj.emulator.EmulatorSettings;
import dev.oceanj.emulator.PortEmulator;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** createPortResourcesOrigin Empty, Port and unset, against the emulator. */
class ResourcesOriginTest {

  static PortEmulator emulator;
  static final AtomicInteger ids = new AtomicInteger();
  HttpPortClient client;

  @BeforeAll
  static void start() {
    emulator = PortEmulator.start(EmulatorSettings.defaults());
  }

  @AfterAll
  static void stop() {
    emulator.close();
  }

  @AfterEach
  void reset() {
    if (client != null) {
      client.close();
    }
    emulator.reset();
    emulator.provisionEnabled(List.of());
    emulator.featureFlags(List.of());
  }

  String client() {
    String id = "origin-" + ids.incrementAndGet();
    client = HttpPortClient.create(PortClientSettings.of(URI.create(emulator.baseUrl()),
            EmulatorSettings.DEFAULT_CLIENT_ID, EmulatorSettings.DEFAULT_CLIENT_SECRET),
        new PortClient.PortIdentity("fake", "1.2.3", id), WriteLimiter.unlimited());
    return id;
  }

  DefaultsInitializer initializer(Optional<CreatePortResourcesOrigin> origin) {
    return new DefaultsInitializer(client, resources(LEAF), true, Optional.empty(), origin, Duration.ofMillis(50));
  }

  @Test
  void emptyGivesAnEmptyMappingAndCreatesNothing() throws Exception {
    String id = client();
    await(initializer(Optional.of(CreatePortResourcesOrigin.EMPTY)).run());
    JsonNode integration = emulator.integration(id).orElseThrow();
    assertEquals("Empty", integration.path("createPortResourcesOrigin").asText());
    assertEquals(0, integration.path("config").path("resources").size(), integration.toString());
    assertTrue(integration.path("config").path("deleteDependentEntities").asBoolean());
    assertTrue(integration.path("arePortResourcesInitialized").asBoolean());
    assertTrue(emulator.blueprint("leaf").isEmpty(), "no default blueprint");
  }

  @Test
  void portCreatesWithCreateResourcesAndWaitsForPortsMapping() throws Exception {
    String id = client();
    emulator.provisionEnabled(List.of("fake"));
    emulator.featureFlags(List.of(DefaultsInitializer.USE_PROVISIONED_DEFAULTS));
    CompletableFuture<DefaultsInitializer.Outcome> run = initializer(Optional.empty()).run().toCompletableFuture();
    // Port's side: once the integration exists, it provisions the mapping (a few checks later).
    long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    while (emulator.integration(id).isEmpty() && System.nanoTime() < deadline) {
      Thread.sleep(20);
    }
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
    String id = client();
    emulator.provisionEnabled(List.of("fake"));
    await(initializer(Optional.empty()).run());
    assertEquals("Default", emulator.integration(id).orElseThrow().path("createPortResourcesOrigin").asText());
    assertTrue(emulator.blueprint("leaf").isPresent(), "the default blueprints were created");
  }

  @Test
  void oceansBackoffIsThreeFourSixNine() {
    Duration d = Duration.ofSeconds(3);
    StringBuilder seen = new StringBuilder();
    for (int i = 0; i < 6; i++) {
      seen.append(d.toSeconds()).append(' ');
      d = DefaultsInitializer.next(d);
    }
    assertEquals("3 4 6 9 13 20 ", seen.toString());
  }
}
