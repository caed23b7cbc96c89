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

  @Test
  void theFencingKeysComeFromTheEnvironmentAndAreCheckedAgainstEachOtherAndStableAfter() {
    FencingSettings fencing = load(Map.of("OCEAN__CLUSTER__FENCING__READ_TIMEOUT", "4 s",
        "OCEAN__CLUSTER__FENCING__WRITE_TIMEOUT", "5", "OCEAN__CLUSTER__FENCING__CLAIM_RETRY", "500 ms",
        "OCEAN__CLUSTER__FENCING__CHECK_DEADLINE", "3 s", "OCEAN__CLUSTER__FENCING__REUSE_WINDOW", "250 ms"))
        .cluster().fencing();
    assertEquals(new FencingSettings(Duration.ofSeconds(4), Duration.ofSeconds(5), Duration.ofMillis(500),
        Duration.ofSeconds(3), Duration.ofMillis(250)), fencing);
    assertEquals(FencingSettings.defaults(), load(Map.of()).cluster().fencing());

    var reuse = assertThrows(ConfigurationException.class, () -> load(Map.of(
        "OCEAN__CLUSTER__FENCING__REUSE_WINDOW", "2 s")));
    assertTrue(reuse.getMessage().contains("ocean.cluster.fencing.reuse-window"), reuse.getMessage());
    var deadline = assertThrows(ConfigurationException.class, () -> load(Map.of(
        "OCEAN__CLUSTER__STABLE_AFTER", "5 s", "OCEAN__CLUSTER__FENCING__CHECK_DEADLINE", "5 s")));
    assertTrue(deadline.getMessage().contains("ocean.cluster.fencing.check-deadline")
        && deadline.getMessage().contains("stable-after"), deadline.getMessage());
    var negative = assertThrows(ConfigurationException.class, () -> load(Map.of(
        "OCEAN__CLUSTER__FENCING__READ_TIMEOUT", "-1 s")));
    assertTrue(negative.getMessage().contains("ocean.cluster.fencing.read-timeout"), negative.getMessage());
  }
}
