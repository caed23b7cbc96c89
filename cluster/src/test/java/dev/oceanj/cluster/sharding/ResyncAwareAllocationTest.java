package dev.oceanj.cluster.sharding;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import dev.oceanj.core.config.ClusterSettings;
import dev.oceanj.testsupport.Await;
import java.io.IOException;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.pekko.Done;
import org.apache.pekko.actor.AddressFromURIString;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.PostStop;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The allocation guard with real Cluster Sharding in one JVM: node-1 runs four stand-in instances, three of them
 * resyncing (marked busy as a resync marks its instance); node-2 joins. The rebalance moves the idle instance and
 * leaves the busy ones where they are, round after round; once one's resync ends, it moves too. And two nodes started
 * together place two instances each at once, none moved after (the first placement waits for both regions).
 */
class ResyncAwareAllocationTest {

  private static final Set<String> IDS = Set.of("fake-1", "fake-2", "fake-3", "fake-4");
  private static final Duration ASK = Duration.ofSeconds(5);
  private static final Duration WITHIN = Duration.ofSeconds(60);

  /** Instance id → node it runs on. */
  private final Map<String, String> running = new ConcurrentHashMap<>();
  /** Instance id → the nodes it started on, in order. */
  private final Map<String, List<String>> starts = new ConcurrentHashMap<>();
  /** Instances whose stand-in marks them busy when it starts (a resync starts at once). */
  private final Set<String> resyncing = ConcurrentHashMap.newKeySet();
  private final List<ActorSystem<Void>> nodes = new ArrayList<>();
  private final List<InstanceSharding> shardings = new ArrayList<>();

  private record ShutDown(ActorRef<Done> replyTo) {}

  private InstanceFactory.Instance<ShutDown> standIn(String id, String node) {
    Behavior<ShutDown> behavior = Behaviors.setup(context -> {
      running.put(id, node);
      starts.computeIfAbsent(id, k -> new java.util.concurrent.CopyOnWriteArrayList<>()).add(node);
      if (resyncing.contains(id)) {
        BusyInstances.mark(context.getSystem(), id, true);
      }
      return Behaviors.receive(ShutDown.class)
          .onMessage(ShutDown.class, msg -> {
            msg.replyTo().tell(Done.getInstance());
            return Behaviors.stopped();
          })
          .onSignal(PostStop.class, signal -> {
            running.remove(id, node);
            return Behaviors.same();
          })
          .build();
    });
    return new InstanceFactory.Instance<>(behavior, ShutDown::new);
  }

  private void startNode(int port, int seedPort, String node) {
    startNode(port, seedPort, node, 1);
  }

  private void startNode(int port, int seedPort, String node, int minMembers) {
    var settings = new ClusterSettings(true, "127.0.0.1", port, List.of("pekko://oceanj@127.0.0.1:" + seedPort),
        Optional.empty(), minMembers, ClusterSettings.Strategy.KEEP_MAJORITY, Duration.ofSeconds(7), node,
        Duration.ofMillis(300));
    var sharding = new AtomicReference<InstanceSharding>();
    Behavior<Void> guardian = Behaviors.setup(context -> {
      sharding.set(InstanceSharding.start(context, settings, () -> IDS, id -> standIn(id, node), ASK));
      return Behaviors.empty();
    });
    nodes.add(ActorSystem.create(guardian, ClusterSettings.SYSTEM_NAME,
        ConfigFactory.parseString("""
            pekko.coordinated-shutdown.exit-jvm = off
            pekko.cluster.sharding.rebalance-interval = 500 ms
            pekko.cluster.distributed-data.notify-subscribers-interval = 100 ms
            """).withFallback(ClusterConfig.of(settings)).withFallback(ConfigFactory.load())));
    Await.until(node + " started its sharding", WITHIN, () -> sharding.get() != null);
    shardings.add(sharding.get());
  }

  @AfterEach
  void stopNodes() throws Exception {
    for (ActorSystem<Void> node : nodes) {
      node.terminate();
    }
    for (ActorSystem<Void> node : nodes) {
      node.getWhenTerminated().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }
  }

  private Map<String, String> placement() {
    return new TreeMap<>(running);
  }

  @Test
  void aRebalanceMovesTheIdleInstanceAndLeavesTheResyncingOnesUntilTheirResyncEnds() throws IOException {
    resyncing.addAll(Set.of("fake-1", "fake-2", "fake-3"));
    int first = freePort();
    startNode(first, first, "node-1");
    Await.until("four instances on node-1", WITHIN, () -> running.size() == 4);
    ResyncAwareAllocation coordinator = shardings.get(0).allocation();
    Await.until("node-1's coordinator sees the three resyncs", WITHIN,
        () -> coordinator.flags().keySet().equals(Set.of("fake-1", "fake-2", "fake-3")));

    startNode(freePort(), first, "node-2");
    Await.until("the idle instance moved to node-2", WITHIN, () -> "node-2".equals(running.get("fake-4")));
    long rounds = coordinator.rebalances();
    Await.until("three more rebalance rounds", WITHIN, () -> coordinator.rebalances() >= rounds + 3);
    assertEquals(Map.of("fake-1", "node-1", "fake-2", "node-1", "fake-3", "node-1", "fake-4", "node-2"), placement(),
        "node-1 holds three and node-2 one, yet no resyncing instance moved");

    // fake-1's resync ends: it is the one to move now.
    resyncing.remove("fake-1");
    BusyInstances.mark(nodes.get(0), "fake-1", false);
    Await.until("fake-1 moved to node-2 once its resync ended", WITHIN,
        () -> "node-2".equals(running.get("fake-1")) && running.size() == 4);
    assertEquals(Map.of("fake-1", "node-2", "fake-2", "node-1", "fake-3", "node-1", "fake-4", "node-2"), placement());
  }

  @Test
  void theFirstPlacementWaitsForEveryMembersRegionSoNoInstanceMovesAtStart() throws IOException {
    // Two nodes started together (min-nr-of-members 2): node-1's region reaches the coordinator (on node-1) at once,
    // node-2's up to a retry interval later. Without waiting for it, node-1 would take all four and a rebalance would
    // then move two, each started twice.
    int first = freePort();
    startNode(first, first, "node-1", 2);
    startNode(freePort(), first, "node-2", 2);
    Await.until("four instances running", WITHIN, () -> running.size() == 4);
    // The coordinator runs on the oldest node, either one here (both became up together).
    long rounds = shardings.stream().mapToLong(n -> n.allocation().rebalances()).sum();
    Await.until("three rebalance rounds after the placement", WITHIN,
        () -> shardings.stream().mapToLong(n -> n.allocation().rebalances()).sum() >= rounds + 3);
    Map<String, Integer> perNode = new TreeMap<>();
    starts.values().forEach(nodes -> perNode.merge(nodes.get(0), 1, Integer::sum));
    assertEquals(Map.of("node-1", 2, "node-2", 2), perNode, "where each instance first started: " + starts);
    starts.forEach((id, nodes) -> assertEquals(1, nodes.size(), id + " started once, then stayed: " + nodes));
  }

  @Test
  void aFlagCountsOnlyForTheNodeThatHoldsTheShardAndOnlyWhileYoungerThanTheBound() {
    var home = AddressFromURIString.parse("pekko://oceanj@127.0.0.1:2551");
    var flag = BusyInstances.Flag.parse("pekko://oceanj@127.0.0.1:2551|1000").orElseThrow();
    Duration bound = Duration.ofMinutes(1);
    assertTrue(flag.holds(home, 1000 + 59_999, bound));
    assertFalse(flag.holds(home, 1000 + 60_000, bound), "a flag as old as the bound pins nothing");
    assertFalse(flag.holds(AddressFromURIString.parse("pekko://oceanj@127.0.0.1:2552"), 1001, bound),
        "a flag of another node (one that crashed mid-resync) pins nothing where the shard is now");
    assertTrue(BusyInstances.Flag.parse("garbage").isEmpty());
  }

  private static int freePort() throws IOException {
    try (var socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }
}
