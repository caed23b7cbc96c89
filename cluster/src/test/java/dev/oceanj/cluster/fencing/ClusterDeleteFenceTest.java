package dev.oceanj.cluster.fencing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import dev.oceanj.core.config.FencingSettings;
import dev.oceanj.testsupport.Await;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.stream.StreamSupport;
import dev.oceanj.actors.resync.DeleteFence;
import org.apache.pekko.actor.Address;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.cluster.MemberStatus;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.cluster.typed.Down;
import org.apache.pekko.cluster.typed.Join;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The cluster deletion fence against real Distributed Data: three ActorSystems in this JVM form a Pekko Cluster on
 * loopback (Artery, free ports); each test claims ownership on one node and asks the fences of the nodes.
 */
class ClusterDeleteFenceTest {

  static final Duration WITHIN = Duration.ofSeconds(30);

  /**
   * No downing provider: an unreachable member stays unreachable until the test downs it. A terminated node does not
   * leave first: it vanishes, as a crashed process would.
   */
  static final Config CONFIG = ConfigFactory.parseString("""
      pekko.actor.provider = cluster
      pekko.remote.artery.canonical.hostname = 127.0.0.1
      pekko.remote.artery.canonical.port = 0
      pekko.cluster.jmx.multi-mbeans-in-same-jvm = on
      pekko.cluster.downing-provider-class = ""
      pekko.cluster.failure-detector.heartbeat-interval = 200 ms
      pekko.cluster.failure-detector.acceptable-heartbeat-pause = 1 s
      pekko.cluster.distributed-data.gossip-interval = 200 ms
      pekko.coordinated-shutdown.run-by-jvm-shutdown-hook = off
      pekko.coordinated-shutdown.run-by-actor-system-terminate = off
      """).withFallback(ConfigFactory.load());

  final List<ActorSystem<Void>> nodes = new ArrayList<>();

  @BeforeEach
  void formCluster() {
    for (int i = 0; i < 3; i++) {
      nodes.add(ActorSystem.create(Behaviors.empty(), "fencing", CONFIG));
    }
    nodes.forEach(ClusterDeleteFence::init);
    Address first = Cluster.get(nodes.get(0)).selfMember().address();
    nodes.forEach(n -> Cluster.get(n).manager().tell(Join.create(first)));
    for (ActorSystem<Void> n : nodes) {
      Await.until("3 members Up as seen by " + n.address(), WITHIN, () -> upMembers(n) == 3);
    }
  }

  @AfterEach
  void stopNodes() {
    nodes.forEach(ActorSystem::terminate);
    for (ActorSystem<Void> n : nodes) {
      await(n.getWhenTerminated());
    }
  }

  static long upMembers(ActorSystem<?> node) {
    return StreamSupport.stream(Cluster.get(node).state().getMembers().spliterator(), false)
        .filter(m -> m.status() == MemberStatus.up()).count();
  }

  static <T> T await(CompletionStage<T> stage) {
    try {
      return stage.toCompletableFuture().get(WITHIN.toSeconds(), TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  static String nodeOf(ActorSystem<?> node) {
    return Owner.nodeOf(Cluster.get(node).selfMember().uniqueAddress());
  }

  @Test
  void theOwnersFencePassesUntilAnotherNodeTakesANewerEpoch() {
    ActorSystem<Void> a = nodes.get(0);
    ActorSystem<Void> b = nodes.get(1);
    ClusterDeleteFence onA = ClusterDeleteFence.create(a, "fake-01");
    Owner first = await(onA.claimed());
    assertEquals(new Owner(nodeOf(a), 1), first);
    assertEquals(Optional.empty(), await(onA.check("r1")), "the owner may delete");

    // The instance moves to b (its entity started there): b claims the next epoch.
    ClusterDeleteFence onB = ClusterDeleteFence.create(b, "fake-01");
    Owner second = await(onB.claimed());
    assertEquals(new Owner(nodeOf(b), 2), second);
    Optional<String> refused = await(onA.check("r1"));
    assertTrue(refused.isPresent() && refused.get().contains(second.toString()), refused.toString());
    assertEquals(Optional.empty(), await(onB.check("r2")), "the new owner may delete");

    // Another instance is fenced on its own.
    ClusterDeleteFence other = ClusterDeleteFence.create(a, "fake-02");
    assertEquals(new Owner(nodeOf(a), 1), await(other.claimed()));
    assertEquals(Optional.empty(), await(other.check("r3")));

    // An answer that comes too late (after a pause of this node) is stale: refused even though it names b.
    ClusterDeleteFence slowB = ClusterDeleteFence.create(b, "fake-01",
        FencingSettings.defaults().withCheckDeadline(Duration.ofNanos(1)));
    await(slowB.claimed());
    Optional<String> late = await(slowB.check("r2"));
    assertTrue(late.isPresent() && late.get().contains("was this node paused?"), late.toString());

    onB.close();
    Optional<String> closed = await(onB.check("r2"));
    assertTrue(closed.isPresent() && closed.get().contains("no longer runs on this node"), closed.toString());
  }

  @Test
  void theFenceRefusesWhileAMemberIsUnreachableAndPassesOnceItIsDowned() {
    ActorSystem<Void> a = nodes.get(0);
    ActorSystem<Void> c = nodes.get(2);
    ClusterDeleteFence onA = ClusterDeleteFence.create(a, "fake-03");
    await(onA.claimed());
    assertEquals(Optional.empty(), await(onA.check("r1")));

    Address crashed = Cluster.get(c).selfMember().address();
    c.terminate();
    await(c.getWhenTerminated());
    Await.until("c unreachable as seen by a", WITHIN, () -> !Cluster.get(a).state().getUnreachable().isEmpty());
    Optional<String> refused = await(onA.check("r1"));
    assertTrue(refused.isPresent() && refused.get().contains("unreachable members: " + crashed), refused.toString());

    // Downed (what the Split Brain Resolver does after stable-after), it leaves the cluster: a majority of the two
    // left still names a's claim.
    Cluster.get(a).manager().tell(new Down(crashed));
    Await.until("c removed", WITHIN, () -> upMembers(a) == 2 && Cluster.get(a).state().getUnreachable().isEmpty());
    assertEquals(Optional.empty(), await(onA.check("r1")));
  }

  @Test
  void aFencedBehaviourClaimsWhenSpawnedAndItsFenceClosesWhenItStops() {
    ActorSystem<Void> a = nodes.get(0);
    var given = new java.util.concurrent.CompletableFuture<DeleteFence>();
    var actor = a.systemActorOf(ClusterDeleteFence.<String>fenced("fake-05", fence -> {
      given.complete(fence);
      return Behaviors.receiveMessage(msg -> Behaviors.stopped());
    }), "fenced-supervisor", org.apache.pekko.actor.typed.Props.empty());
    ClusterDeleteFence fence = (ClusterDeleteFence) await(given);
    assertEquals(new Owner(nodeOf(a), 1), await(fence.claimed()));
    assertEquals(Optional.empty(), await(fence.check("r1")));

    actor.tell("stop");
    Await.until("the fence closed with its actor", WITHIN,
        () -> await(fence.check("r1")).map(r -> r.contains("no longer runs on this node")).orElse(false));
  }

  @Test
  void aNodeThatHasNotClaimedOrIsNotUpIsRefused() {
    ActorSystem<Void> b = nodes.get(1);
    ClusterDeleteFence onB = ClusterDeleteFence.create(b, "fake-04");
    await(onB.claimed());
    assertEquals(Optional.empty(), await(onB.check("r1")));

    Cluster.get(b).manager().tell(org.apache.pekko.cluster.typed.Leave.create(Cluster.get(b).selfMember().address()));
    Await.until("b leaving", WITHIN, () -> Cluster.get(b).selfMember().status() != MemberStatus.up());
    Optional<String> refused = await(onB.check("r1"));
    assertTrue(refused.isPresent() && refused.get().contains("not Up"), refused.toString());
  }

  @Test
  void atTheTransportAPositiveCheckIsReusedWithinItsWindowAndBoundsTheSendByItsDeadline() {
    ActorSystem<Void> a = nodes.get(0);
    ActorSystem<Void> b = nodes.get(1);
    var settings = FencingSettings.defaults().withCheckDeadline(Duration.ofSeconds(2))
        .withReuseWindow(Duration.ofMillis(1500));
    ClusterDeleteFence onA = ClusterDeleteFence.create(a, "fake-06", settings);
    await(onA.claimed());
    var guard = onA.lastMoment("r1");

    long before = System.nanoTime();
    var first = await(guard.admit());
    long after = System.nanoTime();
    assertEquals(Optional.empty(), first.refusal());
    long twoSeconds = Duration.ofSeconds(2).toNanos();
    assertTrue(first.sendByNanos() - (before + twoSeconds) >= 0 && first.sendByNanos() - (after + twoSeconds) <= 0,
        "the horizon is the check's start plus the deadline");
    assertEquals(Optional.empty(), guard.lastLook());

    // Within the window the same positive check admits again, with the same horizon (no new majority read).
    var again = await(guard.admit());
    assertEquals(first.sendByNanos(), again.sendByNanos(), "reused");

    // b takes the instance over: a reused admission cannot see that, but it expires with its check's deadline; once
    // the window has passed a new check is made, and refuses.
    await(ClusterDeleteFence.create(b, "fake-06").claimed());
    Await.until("the reuse window passed", WITHIN, () -> System.nanoTime() - first.sendByNanos()
        + Duration.ofMillis(500).toNanos() > 0);
    var refused = await(guard.admit());
    assertTrue(refused.refusal().isPresent() && refused.refusal().get().contains("not by this node's claim"),
        refused.toString());

    // The entity stops here: the I/O thread's last look refuses at once.
    onA.close();
    assertTrue(guard.lastLook().orElse("").contains("no longer runs on this node"), guard.lastLook().toString());
    assertTrue(await(guard.admit()).refusal().isPresent());
  }
}
