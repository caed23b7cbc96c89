package dev.oceanj.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.oceanj.emulator.Faults;
import dev.oceanj.emulator.PortEmulator;
import dev.oceanj.testsupport.TestPort;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Resyncs killed with SIGKILL: the runtime ({@link Main}, ONCE) runs in child JVMs on one data dir, the Port
 * emulator in this one. Whatever a killed resync wrote, the next complete resync leaves Port exactly as a resync
 * from scratch of the current source does (here: the first resync's catalog, minus what the source dropped).
 */
class ResyncCrashTest {

  /** Persons per department: 5 × 400 persons + 65 other entities. */
  static final int AMOUNT = 400;
  static final int ENTITIES = 5 * AMOUNT + 65;
  static final Duration WAIT = Duration.ofSeconds(120);

  @TempDir Path dataDir;
  @TempDir Path logs;

  private Map<String, String> env(PortEmulator port, Map<String, String> config) {
    Map<String, String> extra = new HashMap<>(config);
    extra.put("OCEAN__EVENT_LISTENER__TYPE", "ONCE");
    extra.put("OCEAN__INTEGRATION__CONFIG__ENTITY_AMOUNT", Integer.toString(AMOUNT));
    return ChildRuntimes.env(port, dataDir, "crash", extra);
  }

  /** Runs one ONCE resync to its end and returns the exit code. */
  private int resync(PortEmulator port, Map<String, String> config) throws Exception {
    try (ChildJvm child = ChildJvm.start(Main.class, env(port, config), logs)) {
      return child.awaitExit(WAIT);
    }
  }

  /** Starts a resync, kills it with SIGKILL once Port took {@code writes} more entity writes. */
  private void resyncKilledAfter(PortEmulator port, Map<String, String> config, long writes) throws Exception {
    long base = port.counters().entitiesWritten();
    try (ChildJvm child = ChildJvm.start(Main.class, env(port, config), logs)) {
      ChildRuntimes.await("the resync's writes", WAIT,
          () -> port.counters().entitiesWritten() >= base + writes || !child.isAlive());
      assertTrue(child.isAlive(), "killed while it runs: " + child.output());
      child.kill();
    }
  }

  @Test
  void aResyncOfTheOldSourceAfterAKilledOneRestoresWhatTheKilledOneWrote() throws Exception {
    try (PortEmulator port = TestPort.start()) {
      assertEquals(0, resync(port, Map.of()));
      Map<String, JsonNode> v0 = ChildRuntimes.catalog(port);
      assertEquals(ENTITIES, v0.size());

      resyncKilledAfter(port, Map.of("OCEAN__INTEGRATION__CONFIG__PERSONS_VERSION", "1"), 800);
      long changed = ChildRuntimes.differences(v0, ChildRuntimes.catalog(port));
      assertTrue(changed >= 800 && changed < 5 * AMOUNT, "the killed resync wrote part of v1: " + changed);

      assertEquals(0, resync(port, Map.of()));
      ChildRuntimes.assertSameCatalog(v0, ChildRuntimes.catalog(port));
    }
  }

  /**
   * The chaos run: under server errors, 429 bursts and dropped connections, a resync of changed data is
   * killed midway, then a resync that also drops persons runs to its end. The catalog must be exactly what a
   * resync from scratch of that last source gives (run on a second emulator), entity by entity.
   */
  @Test
  void underFaultsAKilledResyncThenOneThatDeletesLeaveTheExactCatalog() throws Exception {
    Map<String, String> quickRetries = Map.of("OCEAN__PORT__RETRY__BASE_DELAY", "20 ms",
        "OCEAN__PORT__RETRY__MAX_DELAY", "500 ms");
    Map<String, String> last = new HashMap<>(quickRetries);
    last.put("OCEAN__INTEGRATION__CONFIG__REMOVED_PERSONS", "40");
    Map<String, JsonNode> expected;
    try (PortEmulator reference = TestPort.start()) {
      assertEquals(0, resync(reference, last));
      expected = ChildRuntimes.catalog(reference);
    }
    assertEquals(ENTITIES - 5 * 40, expected.size());

    try (PortEmulator port = TestPort.start()) {
      assertEquals(0, resync(port, Map.of()));
      Map<String, JsonNode> v0 = ChildRuntimes.catalog(port);
      assertEquals(ENTITIES, v0.size());

      Faults faults = Faults.none().withServerErrorRate(0.10).withTooManyRequestsBurst(5)
          .withDropConnectionRate(0.08);
      // Faults start once the resync writes (start-up's own calls are another matter than this test's).
      Map<String, String> v1 = new HashMap<>(quickRetries);
      v1.put("OCEAN__INTEGRATION__CONFIG__PERSONS_VERSION", "1");
      long base = port.counters().entitiesWritten();
      try (ChildJvm child = ChildJvm.start(Main.class, env(port, v1), logs)) {
        ChildRuntimes.await("the first writes", WAIT, () -> port.counters().entitiesWritten() > base);
        port.faults().set(faults);
        // Each kind of fault is seen at least once before the kill (faults are random: 600 writes alone may see
        // no server error), so the run below is the second one under faults, not the first.
        ChildRuntimes.await("600 writes under faults, each kind of fault injected", WAIT,
            () -> !child.isAlive() || (port.counters().entitiesWritten() >= base + 600
                && port.counters().serverErrorsInjected() > 0 && port.counters().tooManyRequestsSent() > 0
                && port.counters().connectionsDropped() > 0));
        assertTrue(child.isAlive(), "killed while it runs: " + child.output());
        child.kill();
      }
      port.faults().set(Faults.none());
      // Port counts a retried write twice (a dropped answer hides an applied write), so fewer than 600 persons.
      long changed = ChildRuntimes.differences(v0, ChildRuntimes.catalog(port));
      assertTrue(changed >= 400 && changed < 5 * AMOUNT, "the killed resync wrote part of v1: " + changed);

      long before = port.counters().entitiesWritten();
      try (ChildJvm child = ChildJvm.start(Main.class, env(port, last), logs)) {
        ChildRuntimes.await("the first writes", WAIT, () -> port.counters().entitiesWritten() > before);
        port.faults().set(faults);
        assertEquals(0, child.awaitExit(WAIT), child.output());
      } finally {
        port.faults().set(Faults.none());
      }
      var counters = port.counters();
      assertTrue(counters.serverErrorsInjected() > 0 && counters.tooManyRequestsSent() > 0
          && counters.connectionsDropped() > 0, counters.toString());
      ChildRuntimes.assertSameCatalog(expected, ChildRuntimes.catalog(port));
    }
  }
}
