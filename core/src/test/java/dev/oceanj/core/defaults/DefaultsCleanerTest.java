package dev.oceanj.core.defaults;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.oceanj.core.port.HttpPortClient;
import dev.oceanj.core.port.PortClient;
import dev.oceanj.core.port.PortClientSettings;
import dev.oceanj.core.port.WriteLimiter;
import dev.oceanj.emulator.EmulatorSettings;
import dev.oceanj.emulator.PortEmulator;
import dev.oceanj.testsupport.TestPort;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** {@code defaults clean} against the emulator: the Port calls of each flag and what is left in Port. */
class DefaultsCleanerTest {

  static final ObjectMapper JSON = new ObjectMapper();
  static PortEmulator emulator;
  HttpPortClient client;
  final List<String> log = new ArrayList<>();

  @BeforeAll
  static void start() {
    emulator = TestPort.start();
  }

  @AfterAll
  static void stop() {
    emulator.close();
  }

  @BeforeEach
  void setUp() throws Exception {
    client = HttpPortClient.create(PortClientSettings.of(URI.create(emulator.baseUrl()),
            EmulatorSettings.DEFAULT_CLIENT_ID, EmulatorSettings.DEFAULT_CLIENT_SECRET),
        new PortClient.PortIdentity("fake", "1.2.3", "clean-me"), WriteLimiter.unlimited());
    var resources = new DefaultsInitializer.Resources(Optional.empty(), List.of(blueprint("alpha"),
        blueprint("beta"), relating("gamma", "alpha")), List.of(), List.of(), List.of());
    new DefaultsInitializer(client, resources, true, Optional.empty()).run().toCompletableFuture()
        .get(30, TimeUnit.SECONDS);
    ObjectNode entity = JSON.createObjectNode().put("identifier", "a1").put("title", "A1");
    var result = client.bulkUpsert("alpha", List.of(entity), PortClient.UpsertOptions.defaults())
        .toCompletableFuture().get(30, TimeUnit.SECONDS);
    assertTrue(result.outcomes().get(0).ok(), result.toString());
    assertEquals(1, emulator.entities("alpha").size());
  }

  @AfterEach
  void tearDown() {
    client.close();
    emulator.migrationPolls(0);
    emulator.reset();
  }

  static ObjectNode blueprint(String id) {
    ObjectNode bp = JSON.createObjectNode().put("identifier", id).put("title", id);
    bp.putObject("schema").putObject("properties");
    return bp;
  }

  /** {@code from} with a relation to {@code to}. */
  static ObjectNode relating(String from, String to) {
    ObjectNode bp = blueprint(from);
    bp.putObject("relations").putObject("to").put("title", "To").put("target", to).put("many", false)
        .put("required", false);
    return bp;
  }

  DefaultsCleaner cleaner(List<String> blueprints) {
    return new DefaultsCleaner(client, blueprints.stream().map(id -> id.equals("gamma") ? relating("gamma", "alpha")
        : blueprint(id)).toList(), Duration.ofMillis(10), log::add);
  }

  @Test
  void withoutForceOnlyTheEmptyBlueprintGoesAndTheOtherIsAnErrorNamingIt() throws Exception {
    var out = cleaner(List.of("alpha", "beta")).run(false, false, false);
    assertTrue(out.integrationFound());
    assertEquals(List.of("beta"), out.blueprintsDeleted());
    assertTrue(emulator.blueprint("beta").isEmpty());
    assertTrue(emulator.blueprint("alpha").isPresent(), "a blueprint with entities stays");
    assertEquals(1, emulator.entities("alpha").size());
    assertEquals(1, out.errors().size(), out.errors().toString());
    assertTrue(out.errors().get(0).contains("'alpha'") && out.errors().get(0).contains("--force"), out.errors().get(0));
    assertTrue(emulator.integration("clean-me").isPresent(), "no --destroy: the integration stays");
  }

  @Test
  void forceWaitDestroyPollsTheMigrationsUntilDoneThenDeletesTheIntegration() throws Exception {
    emulator.migrationPolls(2);
    var out = cleaner(List.of("alpha", "beta", "gamma")).run(true, true, true);
    assertEquals(List.of(), out.errors());
    assertEquals(3, out.migrations().size());
    out.migrations().values().forEach(m -> assertEquals("COMPLETED", out.migrationStatus().get(m)));
    assertEquals(6, log.stream().filter(l -> l.contains(": RUNNING")).count(), "two polls each: " + log);
    assertTrue(emulator.blueprint("alpha").isEmpty());
    assertTrue(emulator.blueprint("beta").isEmpty());
    assertEquals(0, emulator.entities("alpha").size());
    assertTrue(out.integrationDeleted());
    assertTrue(emulator.integration("clean-me").isEmpty());
  }

  @Test
  void forceWithoutWaitOnlyStartsTheMigrationsAndNamesThem() throws Exception {
    emulator.migrationPolls(5);
    var out = cleaner(List.of("beta")).run(true, false, false);
    assertEquals(Map.of(), out.migrationStatus());
    String id = out.migrations().get("beta");
    assertTrue(id != null && !id.isBlank(), out.toString());
    assertTrue(log.stream().anyMatch(l -> l.contains("not waited for") && l.contains(id)), log.toString());
    assertFalse(out.integrationDeleted());
  }

  @Test
  void anUnknownIntegrationIsLeftAloneAndItsBlueprintsStay() throws Exception {
    client.close();
    client = HttpPortClient.create(PortClientSettings.of(URI.create(emulator.baseUrl()),
            EmulatorSettings.DEFAULT_CLIENT_ID, EmulatorSettings.DEFAULT_CLIENT_SECRET),
        new PortClient.PortIdentity("fake", "1.2.3", "never-installed"), WriteLimiter.unlimited());
    var out = cleaner(List.of("alpha", "beta")).run(true, true, true);
    assertFalse(out.integrationFound());
    assertTrue(emulator.blueprint("alpha").isPresent());
    assertTrue(emulator.blueprint("beta").isPresent());
    assertTrue(emulator.integration("clean-me").isPresent());
  }

  @Test
  void aRelationTargetGoesOnlyAfterItsReferrersMigrationEvenWithoutWait() throws Exception {
    assertEquals(List.of(List.of("beta", "gamma"), List.of("alpha")),
        DefaultsCleaner.waves(List.of(blueprint("alpha"), blueprint("beta"), relating("gamma", "alpha"))));
    emulator.migrationPolls(2);
    var out = new DefaultsCleaner(client, List.of(blueprint("alpha"), relating("gamma", "alpha")),
        Duration.ofMillis(10), log::add).run(true, false, false);
    assertEquals(List.of(), out.errors());
    assertEquals("COMPLETED", out.migrationStatus().get(out.migrations().get("gamma")), out.toString());
    assertTrue(emulator.blueprint("gamma").isEmpty());
    assertTrue(emulator.blueprint("alpha").isEmpty(), "the target went after its referrer");
    assertEquals(0, emulator.entities("alpha").size());
    assertTrue(log.stream().anyMatch(l -> l.contains("not waited for") && l.contains(out.migrations().get("alpha"))),
        log.toString());
  }

  @Test
  void blueprintsInACycleGoInOneLastWave() {
    assertEquals(List.of(List.of("solo"), List.of("a", "b")),
        DefaultsCleaner.waves(List.of(relating("a", "b"), relating("b", "a"), blueprint("solo"))));
    var e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
        () -> DefaultsCleaner.waves(List.of(JSON.createObjectNode().put("title", "nameless"))));
    assertTrue(e.getMessage().contains("no \"identifier\"") && e.getMessage().contains("nameless"), e.getMessage());
  }
}
