package dev.oceanj.core.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@code ocean.cluster}: off by default, set from Ocean-style variables, and refused when it cannot work. */
class ClusterSettingsTest {

  private static OceanSettings load(Map<String, String> env) {
    return SettingsLoader.create().spec(Fixtures.spec()).environment(Fixtures.validEnv(env)).load();
  }

  @Test
  void offByDefault() {
    ClusterSettings cluster = load(Map.of()).cluster();
    assertFalse(cluster.enabled());
    assertEquals(List.of(), cluster.seedNodes());
    assertEquals(ClusterSettings.Strategy.KEEP_MAJORITY, cluster.strategy());
    assertEquals(Duration.ofSeconds(20), cluster.stableAfter());
    assertEquals("127.0.0.1:2552", cluster.nodeName());
  }

  @Test
  void theEnvironmentGivesSeedNodesAsACommaList() {
    ClusterSettings cluster = load(Map.of("OCEAN__CLUSTER__ENABLED", "true", "OCEAN__CLUSTER__PORT", "2601",
        "OCEAN__EVENT_LISTENER__TYPE", "POLLING",
        "OCEAN__CLUSTER__SEED_NODES", "127.0.0.1:2601, pekko://oceanj@127.0.0.1:2602",
        "OCEAN__CLUSTER__SPLIT_BRAIN_STRATEGY", "keep-oldest", "OCEAN__CLUSTER__STABLE_AFTER", "7",
        "OCEAN__CLUSTER__NODE_NAME", "node-a")).cluster();
    assertTrue(cluster.enabled());
    assertEquals(List.of("pekko://oceanj@127.0.0.1:2601", "pekko://oceanj@127.0.0.1:2602"), cluster.seedNodes());
    assertEquals(ClusterSettings.Strategy.KEEP_OLDEST, cluster.strategy());
    assertEquals("keep-oldest", cluster.strategy().pekkoName());
    assertEquals(Duration.ofSeconds(7), cluster.stableAfter());
    assertEquals("node-a", cluster.nodeName());
  }

  @Test
  void badValuesAreErrorsNamingTheirKey() {
    var error = assertThrows(ConfigurationException.class, () -> load(Map.of("OCEAN__CLUSTER__ENABLED", "true",
        "OCEAN__CLUSTER__SEED_NODES", "nohost", "OCEAN__CLUSTER__SPLIT_BRAIN_STRATEGY", "static-quorum")));
    assertTrue(error.getMessage().contains("ocean.cluster.seed-nodes"), error.getMessage());
    assertTrue(error.getMessage().contains("\"nohost\" is not host:port"), error.getMessage());
    assertTrue(error.getMessage().contains("ocean.cluster.split-brain-strategy"), error.getMessage());
  }

  @Test
  void clusterModeNeedsSeedsAndAListenerThatKeepsRunning() {
    var noSeeds = assertThrows(ConfigurationException.class, () -> load(Map.of("OCEAN__CLUSTER__ENABLED", "true")));
    assertTrue(noSeeds.getMessage().contains("ocean.cluster.seed-nodes"), noSeeds.getMessage());
    var once = assertThrows(ConfigurationException.class, () -> load(Map.of("OCEAN__CLUSTER__ENABLED", "true",
        "OCEAN__CLUSTER__SEED_NODES", "127.0.0.1:2552", "OCEAN__EVENT_LISTENER__TYPE", "ONCE")));
    assertTrue(once.getMessage().contains("ocean.cluster.enabled"), once.getMessage());
    var webhook = assertThrows(ConfigurationException.class, () -> load(Map.of("OCEAN__CLUSTER__ENABLED", "true",
        "OCEAN__CLUSTER__SEED_NODES", "127.0.0.1:2552", "OCEAN__EVENT_LISTENER__TYPE", "WEBHOOK")));
    assertTrue(webhook.getMessage().contains("WEBHOOK event listener is not supported"), webhook.getMessage());
  }
}
