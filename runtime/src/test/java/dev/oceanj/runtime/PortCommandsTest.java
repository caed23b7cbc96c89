package dev.oceanj.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.oceanj.core.config.LogLevel;
import dev.oceanj.core.config.OceanSettings;
import dev.oceanj.emulator.EmulatorSettings;
import dev.oceanj.emulator.PortEmulator;
import dev.oceanj.runtime.SystemProperties.Run;
import dev.oceanj.runtime.cli.CliIO;
import dev.oceanj.runtime.cli.RunCommand;
import dev.oceanj.testsupport.TestPort;
import java.io.ByteArrayInputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code sail}, {@code defaults dock} and {@code defaults clean} in-process against the emulator as the configured
 * Port; settings come as system properties, restored after each run.
 */
class PortCommandsTest {

  static PortEmulator port;
  @TempDir Path dataDir;


  @BeforeAll
  static void startPort() {
    port = TestPort.start();
  }

  @AfterAll
  static void stopPort() {
    port.close();
  }

  @AfterEach
  void reset() {
    port.migrationPolls(0);
    port.reset();
  }

  Map<String, String> portProps(String identifier) {
    Map<String, String> p = new HashMap<>();
    p.put("ocean.port.client-id", EmulatorSettings.DEFAULT_CLIENT_ID);
    p.put("ocean.port.client-secret", EmulatorSettings.DEFAULT_CLIENT_SECRET);
    p.put("ocean.port.base-url", port.baseUrl());
    p.put("ocean.integration.identifier", identifier);
    p.put("ocean.data-dir", dataDir.toString());
    p.put("ocean.http.port", "0");
    return p;
  }

  static Run run(Map<String, String> sysProps, String... args) {
    return SystemProperties.run(sysProps, args);
  }

  @Test
  void sailOnceBeatsAConfiguredPollingListenerResyncsAndExitsZero() {
    Map<String, String> props = portProps("sail-once");
    props.put("ocean.event-listener.type", "POLLING");
    Run r = run(props, "sail", "--once");
    assertEquals(0, r.exit(), r.err());
    assertEquals(100, port.entities("fake-person").size());
    assertTrue(port.integration("sail-once").isPresent());
  }

  @Test
  void sailWithInitializePortResourcesNoCreatesNoBlueprint() {
    Run r = run(portProps("sail-no-init"), "sail", "-O", "-i", "no");
    assertTrue(port.integration("sail-no-init").isPresent(), "the run reached Port: " + r.err());
    assertTrue(port.blueprint("fake-person").isEmpty(), "-i no: no default blueprint");
  }

  @Test
  void sailFlagsMapOntoTheSettingsAndApplicationVariablesWin() throws Exception {
    Path folder = dataDir.resolve("my-integration");
    Files.createDirectories(folder.resolve(".port/resources"));
    SailCommand sail = new SailCommand(CliIOs.discard(), Map.of());
    new CommandLine(sail).parseArgs("-p", "8123", "-l", "WARNING", "-i", "yes", folder.toString());
    OceanSettings s = RunCommand.load(sail.overrides());
    assertEquals(8123, s.http().port());
    assertEquals(LogLevel.WARN, s.logLevel());
    assertTrue(s.initializePortResources());
    assertEquals(folder.resolve(".port/resources"), s.resourcesPath());

    SailCommand envWins = new SailCommand(CliIOs.discard(), Map.of("APPLICATION__PORT", "9000",
        "APPLICATION__LOG_LEVEL", "DEBUG"));
    new CommandLine(envWins).parseArgs("-p", "8123", "-l", "ERROR", "-i", "0");
    Properties overrides = envWins.overrides();
    assertFalse(overrides.containsKey("ocean.http.port"));
    assertFalse(overrides.containsKey("ocean.log-level"));
    assertEquals("false", overrides.getProperty("ocean.initialize-port-resources"));

    Run badBool = run(Map.of(), "sail", "-i", "maybe");
    assertEquals(2, badBool.exit());
    assertTrue(badBool.err().contains("'maybe' is not a boolean"), badBool.err());
    Run noFolder = run(Map.of(), "sail", dataDir.resolve("missing").toString());
    assertEquals(2, noFolder.exit());
    assertTrue(noFolder.err().contains("missing does not exist"), noFolder.err());
  }

  @Test
  void defaultsDockSetsUpBlueprintsAndMappingAndResyncsNothing() {
    Run r = run(portProps("dock-1"), "defaults", "dock");
    assertEquals(0, r.exit(), r.err());
    assertTrue(r.out().contains("dock-1 created"), r.out());
    assertTrue(port.blueprint("fake-person").isPresent());
    assertTrue(port.integration("dock-1").orElseThrow().path("config").path("resources").size() > 0);
    assertEquals(0, port.entities("fake-person").size(), "dock runs no resync");
  }

  @Test
  void defaultsCleanForceWaitDestroyRemovesTheCatalogAndTheIntegration() {
    Map<String, String> props = portProps("clean-1");
    assertEquals(0, run(props, "sail", "--once").exit());
    assertEquals(100, port.entities("fake-person").size());
    port.migrationPolls(1);
    Run r = run(props, "defaults", "clean", "-f", "-w", "-d", "--poll-interval", "10ms");
    assertEquals(0, r.exit(), r.out() + r.err());
    for (String bp : new String[] {"fake-department", "fake-person", "fake-office", "fake-team", "fake-project"}) {
      assertTrue(port.blueprint(bp).isEmpty(), bp + " is gone: " + r.out());
      assertEquals(0, port.entities(bp).size(), bp);
    }
    assertTrue(r.out().contains(": RUNNING") && r.out().contains(": COMPLETED"), r.out());
    assertTrue(port.integration("clean-1").isEmpty());
  }

  @Test
  void defaultsCleanWithoutForceKeepsBlueprintsWithEntitiesAndExitsOne() {
    Map<String, String> props = portProps("clean-2");
    assertEquals(0, run(props, "sail", "--once").exit());
    Run r = run(props, "defaults", "clean");
    assertEquals(1, r.exit(), r.out());
    assertTrue(r.err().contains("'fake-person'") && r.err().contains("--force"), r.err());
    assertEquals(100, port.entities("fake-person").size());
    assertTrue(port.integration("clean-2").isPresent());
  }

  @Test
  void defaultsCommandsNeedPortCredentials() {
    Run r = run(Map.of("ocean.data-dir", dataDir.toString()), "defaults", "clean", "-f");
    assertEquals(2, r.exit());
    assertTrue(r.err().contains("no Port credentials") && r.err().contains("OCEAN__PORT__CLIENT_ID"), r.err());
  }

  /** Streams that go nowhere, for commands whose output a test does not read. */
  static final class CliIOs {
    static CliIO discard() {
      PrintStream none = new PrintStream(java.io.OutputStream.nullOutputStream(), true, StandardCharsets.UTF_8);
      return new CliIO(new ByteArrayInputStream(new byte[0]), none, none);
    }
  }
}
