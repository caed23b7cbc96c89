package dev.oceanj.cluster.sharding;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigUtil;
import com.typesafe.config.ConfigValueFactory;
import dev.oceanj.cluster.ClusterMessage;
import dev.oceanj.core.config.ClusterSettings;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Pekko settings of cluster mode, from {@code ocean.cluster}: the cluster provider on Artery at the configured
 * host and port, the static seed nodes, {@code min-nr-of-members}, the Split Brain Resolver (a downed node runs
 * CoordinatedShutdown and the JVM exits), one-at-a-time rebalancing and the serialization of {@link ClusterMessage}.
 * Only used when cluster mode is on: otherwise the ActorSystem stays local and nothing of Pekko Cluster loads.
 */
public final class ClusterConfig {

  private static final Logger LOG = LoggerFactory.getLogger(ClusterConfig.class);

  /**
   * The role every node has and the sharding of instances runs on. Through it the shard coordinator does not wait
   * for {@code min-nr-of-members} regions (a role without its own minimum needs 1): the cluster's minimum already
   * holds the first placement back until enough nodes are up, but a coordinator that moved after its node crashed
   * would wait again for that many regions, which the survivors may never be.
   */
  public static final String INSTANCES_ROLE = "oceanj-instances";

  private ClusterConfig() {}

  /** The layer to put above the user's configuration when the ActorSystem is created. */
  public static Config of(ClusterSettings cluster) {
    List<String> all = new ArrayList<>(cluster.seedNodes());
    cluster.seedDnsName().ifPresent(name -> all.addAll(resolve(name, cluster.port())));
    String seeds = all.stream().map(ConfigUtil::quoteString).collect(Collectors.joining(", "));
    Config dns = cluster.seedDnsName().isEmpty() ? ConfigFactory.empty()
        // The name was resolved once: a node that found no one to join exits, and is started again to look anew.
        : ConfigFactory.parseString("pekko.cluster.shutdown-after-unsuccessful-join-seed-nodes = 60 s");
    return dns.withFallback(ConfigFactory.parseString(String.join("\n",
            "pekko.actor.provider = cluster",
            "pekko.remote.artery.canonical.port = " + cluster.port(),
            "pekko.cluster.seed-nodes = [" + seeds + "]",
            "pekko.cluster.min-nr-of-members = " + cluster.minNrOfMembers(),
            "pekko.cluster.downing-provider-class = \"org.apache.pekko.cluster.sbr.SplitBrainResolverProvider\"",
            "pekko.cluster.split-brain-resolver.active-strategy = " + cluster.strategy().pekkoName(),
            "pekko.cluster.split-brain-resolver.stable-after = " + cluster.stableAfter().toMillis() + " ms",
            "pekko.cluster.split-brain-resolver.keep-oldest.down-if-alone = on",
            // A downed (or removed) node stops its system and exits; its supervisor starts a fresh one.
            "pekko.cluster.run-coordinated-shutdown-when-down = on",
            "pekko.coordinated-shutdown.exit-jvm = on",
            // Several systems in one JVM (tests); harmless with one.
            "pekko.cluster.jmx.multi-mbeans-in-same-jvm = on",
            // Move one instance at a time when nodes join; no remember-entities: the keep-alive restarts them.
            "pekko.cluster.sharding.least-shard-allocation-strategy.rebalance-absolute-limit = 1",
            "pekko.cluster.sharding.remember-entities = off",
            // An instance runs until it moves: never stopped for being idle (that would abort a running resync).
            "pekko.cluster.sharding.passivation.strategy = none",
            "pekko.actor.serialization-bindings { " + ConfigUtil.quoteString(ClusterMessage.class.getName())
                + " = jackson-cbor }"))
        .withValue("pekko.remote.artery.canonical.hostname", ConfigValueFactory.fromAnyRef(cluster.host()))
        // The node's tag as a role too: /status names the members by it.
        .withValue("pekko.cluster.roles", ConfigValueFactory.fromIterable(List.of(INSTANCES_ROLE, cluster.nodeName()))));
  }

  /**
   * Every address of {@code name} as a seed node on {@code port}, sorted so that every node lists the same first
   * seed (the one that forms the cluster when none exists yet); none when the name does not resolve.
   */
  static List<String> resolve(String name, int port) {
    try {
      return Arrays.stream(InetAddress.getAllByName(name)).map(InetAddress::getHostAddress).distinct().sorted()
          .map(ip -> "pekko://" + ClusterSettings.SYSTEM_NAME + "@" + (ip.contains(":") ? "[" + ip + "]" : ip) + ":"
              + port)
          .toList();
    } catch (UnknownHostException e) {
      LOG.warn("ocean.cluster.seed-dns-name {} does not resolve (yet): no seed node from it", name);
      return List.of();
    }
  }
}
