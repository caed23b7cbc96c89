package dev.oceanj.cluster.sharding;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import dev.oceanj.core.config.ClusterSettings;
import dev.oceanj.testsupport.Await;
import java.io.IOException;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import org.apache.pekko.Done;
import org.apache.pekko.actor.CoordinatedShutdown;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.PostStop;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Three cluster nodes in one JVM (distinct Artery ports on loopback) shard six stand-in instances: they settle two
 * per node, every node can say where each runs, each runs on one node at a time, and a node that leaves hands its
 * instances over after shutting them down (the stand-in of "its running resync is aborted"). Where the instances
 * run costs one ask per node.
 */
class InstanceShardingTest {

  private static final Set<String> IDS = Set.of("fake-1", "fake-2", "fake-3", "fake-4", "fake-5", "fake-6");
  private static final Duration ASK = Duration.ofSeconds(5);

  /** Instance id → node it runs on, as the stand-ins report it. */
  private static final Map<String, String> RUNNING = new ConcurrentHashMap<>();
  /** "id@node" of the stand-ins told to shut down. */
  private static final Set<String> SHUT_DOWN = ConcurrentHashMap.newKeySet();
  /** An instance started while it ran on another node. */
  private static final List<String> OVERLAPS = new CopyOnWriteArrayList<>();

  private static final List<ActorSystem<Void>> NODES = new ArrayList<>();
  private static final List<AtomicReference<InstanceSharding>> SHARDINGS = new ArrayList<>();

  /** The stand-in instance's protocol. */
  private record ShutDown(ActorRef<Done> replyTo) {}

  private static InstanceFactory.Instance<ShutDown> standIn(String id, String node) {
    Behavior<ShutDown> behavior = Behaviors.setup(context -> {
      String other = RUNNING.putIfAbsent(id, node);
      if (other != null) {
        OVERLAPS.add(id + " started on " + node + " while running on " + other);
      }
      return Behaviors.receive(ShutDown.class)
          .onMessage(ShutDown.class, msg -> {
            SHUT_DOWN.add(id + "@" + node);
            msg.replyTo().tell(Done.getInstance());
            return Behaviors.stopped();
          })
          .onSignal(PostStop.class, signal -> {
            RUNNING.remove(id, node);
            return Behaviors.same();
          })
          .build();
    });
    return new InstanceFactory.Instance<>(behavior, ShutDown::new);
  }

  @BeforeAll
  static void startThreeNodes() throws IOException {
    int[] ports = {freePort(), freePort(), freePort()};
    for (int i = 0; i < 3; i++) {
      String node = "node-" + (i + 1);
      var settings = new ClusterSettings(true, "127.0.0.1", ports[i],
          List.of("pekko://oceanj@127.0.0.1:" + ports[0]), Optional.empty(), 3, ClusterSettings.Strategy.KEEP_MAJORITY,
          Duration.ofSeconds(7), node, Duration.ofMillis(500));
      var sharding = new AtomicReference<InstanceSharding>();
      Behavior<Void> guardian = Behaviors.setup(context -> {
        sharding.set(InstanceSharding.start(context, settings, () -> IDS, id -> standIn(id, node), ASK));
        return Behaviors.empty();
      });
      NODES.add(ActorSystem.create(guardian, ClusterSettings.SYSTEM_NAME,
          ConfigFactory.parseString("pekko.coordinated-shutdown.exit-jvm = off\n"
              + "pekko.coordinated-shutdown.phases.cluster-exiting.timeout = 2 s")
              .withFallback(ClusterConfig.of(settings)).withFallback(ConfigFactory.load())));
      SHARDINGS.add(sharding);
    }
  }

  @AfterAll
  static void stopNodes() throws Exception {
    for (ActorSystem<Void> node : NODES) {
      node.terminate();
    }
    for (ActorSystem<Void> node : NODES) {
      node.getWhenTerminated().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }
  }

  private static int freePort() throws IOException {
    try (var socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }

  private static Map<String, Long> perNode(Collection<String> nodes) {
    return new TreeMap<>(nodes.stream().collect(Collectors.groupingBy(n -> n, Collectors.counting())));
  }

  private static Map<String, String> owners(int node) {
    Map<String, Optional<InstanceEntity.Owner>> owners =
        SHARDINGS.get(node).get().owners().toCompletableFuture().join();
    Map<String, String> out = new TreeMap<>();
    owners.forEach((id, owner) -> out.put(id, owner.map(InstanceEntity.Owner::node).orElse("?")));
    return out;
  }

  @Test
  void instancesSettleTwoPerNodeAndMoveOffALeavingNode() {
    Await.until("six instances running, two per node", Duration.ofSeconds(60), () -> RUNNING.size() == 6
        && perNode(RUNNING.values()).equals(Map.of("node-1", 2L, "node-2", 2L, "node-3", 2L)));
    Map<String, String> placed = new TreeMap<>(RUNNING);
    // Right after the first placement a node may not know the others' placement actors yet (the receptionist
    // replicates them): their instances show as unknown ("?") until it does.
    Await.until("every node to see the owners " + placed, Duration.ofSeconds(30),
        () -> owners(0).equals(placed) && owners(1).equals(placed) && owners(2).equals(placed));
    for (int node = 0; node < 3; node++) {
      assertEquals(placed, owners(node), "owners as node-" + (node + 1) + " sees them");
    }
    // Where the six run costs one ask per node, not one per instance.
    long asked = SHARDINGS.stream().mapToLong(s -> s.get().placementAnswers()).sum();
    owners(0);
    assertEquals(3, SHARDINGS.stream().mapToLong(s -> s.get().placementAnswers()).sum() - asked,
        "asks answered for one placement of six instances on three nodes");

    Set<String> onThird = placed.entrySet().stream().filter(e -> e.getValue().equals("node-3"))
        .map(Map.Entry::getKey).collect(Collectors.toSet());
    CoordinatedShutdown.get(NODES.get(2)).run(CoordinatedShutdown.unknownReason());
    Await.until("node-3's instances running on the two others", Duration.ofSeconds(30), () -> RUNNING.size() == 6
        && !RUNNING.containsValue("node-3"));
    for (String id : onThird) {
      assertTrue(SHUT_DOWN.contains(id + "@node-3"), id + " was shut down on node-3 before it moved: " + SHUT_DOWN);
    }
    Map<String, Long> after = perNode(RUNNING.values());
    assertEquals(Set.of("node-1", "node-2"), after.keySet());
    assertEquals(List.of(3L, 3L), List.copyOf(after.values()));
    placed.forEach((id, node) -> {
      if (!node.equals("node-3")) {
        assertEquals(node, RUNNING.get(id), id + " did not move: only node-3's instances do");
      }
    });
    assertEquals(List.of(), OVERLAPS, "an instance ran on two nodes at once");
  }
}
