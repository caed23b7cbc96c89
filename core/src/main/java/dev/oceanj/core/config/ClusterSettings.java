package dev.oceanj.core.config;

import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Cluster mode ({@code ocean.cluster}, opt-in): several oceanj JVMs on Pekko Cluster, each integration instance a
 * sharded entity running on exactly one node. Off by default, and then nothing of Pekko Cluster is loaded.
 *
 * @param enabled whether this process joins a cluster
 * @param host the address other nodes reach this one at (Artery's canonical hostname)
 * @param port Artery's canonical port (0 = any free port, for tests only)
 * @param seedNodes the nodes a starting node contacts to join, as Pekko addresses ({@code pekko://oceanj@host:port})
 * @param seedDnsName a DNS name (Kubernetes: a headless Service) every address of which, on {@code port}, is a seed
 *     node too, resolved once at start
 * @param minNrOfMembers members that must be up before instances are placed (so the first node does not take all)
 * @param strategy the Split Brain Resolver's strategy
 * @param stableAfter how long membership must be stable before the Split Brain Resolver downs unreachable nodes; the
 *     delay before a crashed node's instances move
 * @param nodeName this node's tag: in {@code /status}, in the {@code X-Oceanj-Node} header of Port requests and a
 *     Pekko role ({@code host:port} when not set)
 * @param keepAliveInterval how often every node asks for each configured instance to be running
 * @param fencing the deletion fence's timeouts ({@code ocean.cluster.fencing})
 * @param busyMaxAge how long a resync in flight keeps a rebalance from moving its instance, at most (a flag older
 *     than this, left by a lost clear, no longer counts)
 */
public record ClusterSettings(boolean enabled, String host, int port, List<String> seedNodes,
    Optional<String> seedDnsName, int minNrOfMembers, Strategy strategy, Duration stableAfter, String nodeName,
    Duration keepAliveInterval, FencingSettings fencing, Duration busyMaxAge) {

  /** The default of {@code ocean.cluster.busy-max-age}. */
  public static final Duration DEFAULT_BUSY_MAX_AGE = Duration.ofHours(1);

  /** With the default {@link FencingSettings} and busy age bound. */
  public ClusterSettings(boolean enabled, String host, int port, List<String> seedNodes, Optional<String> seedDnsName,
      int minNrOfMembers, Strategy strategy, Duration stableAfter, String nodeName, Duration keepAliveInterval) {
    this(enabled, host, port, seedNodes, seedDnsName, minNrOfMembers, strategy, stableAfter, nodeName,
        keepAliveInterval, FencingSettings.defaults(), DEFAULT_BUSY_MAX_AGE);
  }

  /** The actor system's name, part of every node's address. */
  public static final String SYSTEM_NAME = "oceanj";

  private static final Pattern HOST_PORT = Pattern.compile("([^:/@\\s]+|\\[[0-9a-fA-F:.]+\\]):(\\d{1,5})");
  private static final Pattern ADDRESS = Pattern.compile("pekko://" + SYSTEM_NAME + "@" + HOST_PORT.pattern());

  /**
   * The Split Brain Resolver's strategies oceanj offers: {@code keep-majority} for 3 or more nodes; for 2 nodes
   * {@code keep-oldest} with {@code down-if-alone} (the oldest is downed when it is alone on its side).
   */
  public enum Strategy {
    KEEP_MAJORITY, KEEP_OLDEST;

    /** Pekko's name of the strategy ({@code keep-majority}). */
    public String pekkoName() {
      return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    /** The strategy of {@code KEEP_MAJORITY} or {@code keep-majority}, or null. */
    static Strategy parse(String s) {
      String name = s.trim().toUpperCase(Locale.ROOT).replace('-', '_');
      for (Strategy st : values()) {
        if (st.name().equals(name)) {
          return st;
        }
      }
      return null;
    }
  }

  /** Copies the list. */
  public ClusterSettings {
    seedNodes = List.copyOf(seedNodes);
  }

  static ClusterSettings read(ConfigReader r, EventListenerType listener) {
    String c = "ocean.cluster.";
    boolean enabled = r.bool(c + "enabled", false);
    String host = r.string(c + "host", "127.0.0.1");
    int port = r.integer(c + "port", 0, 65_535, 2552);
    List<String> seeds = new ArrayList<>();
    for (String seed : r.stringList(c + "seed-nodes")) {
      Optional<String> address = address(seed.trim());
      if (address.isEmpty()) {
        r.problem(c + "seed-nodes", "\"" + seed.trim() + "\" is not host:port nor pekko://" + SYSTEM_NAME
            + "@host:port");
      }
      address.ifPresent(seeds::add);
    }
    Optional<String> seedDns = r.optionalString(c + "seed-dns-name");
    Duration stableAfter = r.duration(c + "stable-after", ChronoUnit.SECONDS, Duration.ofSeconds(20));
    var settings = new ClusterSettings(enabled, host, port, seeds, seedDns,
        r.integer(c + "min-nr-of-members", 1, 1000, 1),
        r.choice(c + "split-brain-strategy", Strategy::parse, List.of("keep-majority", "keep-oldest"),
            Strategy.KEEP_MAJORITY),
        stableAfter,
        r.optionalString(c + "node-name").orElse(host + ":" + port),
        r.duration(c + "keep-alive-interval", ChronoUnit.SECONDS, Duration.ofSeconds(3)),
        FencingSettings.read(r, stableAfter),
        r.duration(c + "busy-max-age", ChronoUnit.SECONDS, DEFAULT_BUSY_MAX_AGE));
    if (enabled && seeds.isEmpty() && seedDns.isEmpty()) {
      r.problem(c + "seed-nodes", "cluster mode needs at least one seed node (host:port; a node may name itself), or"
          + " ocean.cluster.seed-dns-name");
    }
    if (enabled && listener == EventListenerType.ONCE) {
      r.problem(c + "enabled", "cluster mode runs instances until the node leaves; the ONCE event listener would end"
          + " after one resync (choose POLLING or KAFKA)");
    }
    if (enabled && listener == EventListenerType.WEBHOOK) {
      // Port would call /resync on whichever node its URL reaches, not on the one that runs the instance.
      r.problem(c + "enabled", "the WEBHOOK event listener is not supported in cluster mode yet (choose POLLING or"
          + " KAFKA)");
    }
    return settings;
  }

  /** {@code host:port} or a full address as a Pekko address of this system; empty when it is neither. */
  static Optional<String> address(String seed) {
    if (ADDRESS.matcher(seed).matches()) {
      return Optional.of(seed);
    }
    Matcher m = HOST_PORT.matcher(seed);
    return m.matches() ? Optional.of("pekko://" + SYSTEM_NAME + "@" + seed) : Optional.empty();
  }
}
