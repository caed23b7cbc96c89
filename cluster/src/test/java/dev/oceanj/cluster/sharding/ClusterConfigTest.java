package dev.oceanj.cluster.sharding;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.oceanj.core.config.ClusterSettings;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The Pekko layer of cluster mode: provider, Artery address, seeds (static and from DNS), the SBR, exit on down. */
class ClusterConfigTest {

  private static ClusterSettings settings(List<String> seeds, Optional<String> dns) {
    return new ClusterSettings(true, "127.0.0.1", 2601, seeds, dns, 2, ClusterSettings.Strategy.KEEP_OLDEST,
        Duration.ofSeconds(7), "node-a", Duration.ofSeconds(3));
  }

  @Test
  void theClusterLayerCarriesTheSettings() {
    var config = ClusterConfig.of(settings(List.of("pekko://oceanj@127.0.0.1:2601"), Optional.empty()));
    assertEquals("cluster", config.getString("pekko.actor.provider"));
    assertEquals("127.0.0.1", config.getString("pekko.remote.artery.canonical.hostname"));
    assertEquals(2601, config.getInt("pekko.remote.artery.canonical.port"));
    assertEquals(List.of("pekko://oceanj@127.0.0.1:2601"), config.getStringList("pekko.cluster.seed-nodes"));
    assertEquals(2, config.getInt("pekko.cluster.min-nr-of-members"));
    assertEquals("keep-oldest", config.getString("pekko.cluster.split-brain-resolver.active-strategy"));
    assertEquals(Duration.ofSeconds(7), config.getDuration("pekko.cluster.split-brain-resolver.stable-after"));
    assertTrue(config.getBoolean("pekko.coordinated-shutdown.exit-jvm"));
    assertEquals(List.of(ClusterConfig.INSTANCES_ROLE, "node-a"), config.getStringList("pekko.cluster.roles"));
    assertEquals("jackson-cbor",
        config.getString("pekko.actor.serialization-bindings.\"dev.oceanj.cluster.ClusterMessage\""));
    assertFalse(config.hasPath("pekko.cluster.shutdown-after-unsuccessful-join-seed-nodes"));
    assertEquals("none", config.getString("pekko.cluster.sharding.passivation.strategy"));
  }

  @Test
  void everyAddressOfTheSeedDnsNameIsASeed() {
    var config = ClusterConfig.of(settings(List.of(), Optional.of("localhost")));
    List<String> seeds = config.getStringList("pekko.cluster.seed-nodes");
    assertTrue(seeds.contains("pekko://oceanj@127.0.0.1:2601"), seeds.toString());
    assertEquals(seeds.stream().sorted().toList(), seeds, "the same order on every node");
    assertEquals(Duration.ofSeconds(60),
        config.getDuration("pekko.cluster.shutdown-after-unsuccessful-join-seed-nodes"));
    assertEquals(List.of(), ClusterConfig.resolve("no-such-host.invalid", 2601));
  }
}
