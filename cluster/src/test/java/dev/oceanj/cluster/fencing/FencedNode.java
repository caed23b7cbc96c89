package dev.oceanj.cluster.fencing;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import dev.oceanj.actors.resync.IntegrationSupervisor;
import dev.oceanj.actors.resync.ResyncDependencies;
import dev.oceanj.actors.resync.ResyncProtocol.ResyncFinished;
import dev.oceanj.actors.resync.ResyncProtocol.StartResync;
import dev.oceanj.actors.resync.ResyncProtocol.WhenRunning;
import dev.oceanj.core.config.ResyncSettings;
import dev.oceanj.core.jq.JqEngine;
import dev.oceanj.core.port.HttpPortClient;
import dev.oceanj.core.port.PortClient;
import dev.oceanj.core.port.PortClientSettings;
import dev.oceanj.core.port.WriteLimiter;
import dev.oceanj.core.sync.JqMappingCompiler;
import dev.oceanj.emulator.EmulatorSettings;
import dev.oceanj.spi.ResyncSource;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.PostStop;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.cluster.MemberStatus;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.sharding.typed.javadsl.Entity;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityTypeKey;
import org.apache.pekko.cluster.typed.Cluster;

/**
 * A cluster node for {@link ZombieFencingTest}, run in a child JVM: the least wiring that puts one integration
 * instance on exactly one node (a Cluster Sharding entity kept alive from every node) and runs its resyncs behind a
 * {@link ClusterDeleteFence}, with the Split Brain Resolver and {@code exit-jvm} as cluster mode sets them. Its Port
 * client's version is the node name, so the emulator's request log tells the nodes apart by User-Agent.
 *
 * <p>Arguments: node name, Artery port, seed ports (comma-separated), the emulator's base URL, the identifier, how
 * many persons the integration's source holds ({@code p0…}). Prints {@code NODE UP} once Up and
 * {@code RESYNC <outcome> deleted=<n> errors=<errors>} when a resync of the instance ends on this node.
 */
public final class FencedNode {

  static final EntityTypeKey<String> TYPE_KEY = EntityTypeKey.create(String.class, "fenced-instance");
  static final ObjectMapper JSON = new ObjectMapper();

  record Person(String id, String name, String email) {}

  private FencedNode() {}

  public static void main(String[] args) throws Exception {
    String name = args[0];
    int artery = Integer.parseInt(args[1]);
    List<String> seeds = Arrays.stream(args[2].split(",")).map(p -> "\"pekko://fenced@127.0.0.1:" + p + "\"").toList();
    URI portUrl = URI.create(args[3]);
    String identifier = args[4];
    int persons = Integer.parseInt(args[5]);
    Config config = ConfigFactory.parseString("""
        pekko.actor.provider = cluster
        pekko.remote.artery.canonical.hostname = 127.0.0.1
        pekko.remote.artery.canonical.port = %d
        pekko.cluster.seed-nodes = [%s]
        # Not 3: a coordinator that moves after a crash places no shard until that many regions registered.
        pekko.cluster.min-nr-of-members = 2
        pekko.cluster.downing-provider-class = "org.apache.pekko.cluster.sbr.SplitBrainResolverProvider"
        pekko.cluster.split-brain-resolver.active-strategy = keep-majority
        pekko.cluster.split-brain-resolver.stable-after = 5 s
        pekko.cluster.failure-detector.acceptable-heartbeat-pause = 3 s
        pekko.coordinated-shutdown.exit-jvm = on
        """.formatted(artery, String.join(", ", seeds))).withFallback(ConfigFactory.load());
    ExecutorService cpu = Executors.newFixedThreadPool(2);
    ActorSystem<Void> system = ActorSystem.create(Behaviors.empty(), "fenced", config);
    ClusterDeleteFence.init(system);
    ResyncSettings settings = ResyncSettings.fromConfig(ConfigFactory.parseString(
        "ocean.resync { delete-batch-size = 5, upsert-concurrency = 1 }")).withSkipUnchanged(false, Optional.empty());
    JqMappingCompiler compiler = new JqMappingCompiler(JqEngine.create(false));
    ClusterSharding sharding = ClusterSharding.get(system);
    sharding.init(Entity.of(TYPE_KEY, ctx -> instance(system, ctx.getEntityId(), name, portUrl, persons, settings,
        compiler, cpu)));
    while (Cluster.get(system).selfMember().status() != MemberStatus.up()) {
      Thread.sleep(100);
    }
    System.out.println("NODE UP " + name);
    system.scheduler().scheduleAtFixedRate(Duration.ofSeconds(1), Duration.ofSeconds(1),
        () -> sharding.entityRefFor(TYPE_KEY, identifier).tell("ensure-running"), system.executionContext());
    system.getWhenTerminated().toCompletableFuture().join();
    cpu.shutdownNow();
  }

  /** The instance while its entity lives here: a fence, a Port client, a supervisor and one resync. */
  static Behavior<String> instance(ActorSystem<?> system, String identifier, String node, URI portUrl, int persons,
      ResyncSettings settings, JqMappingCompiler compiler, ExecutorService cpu) {
    return Behaviors.setup(ctx -> {
      ClusterDeleteFence fence = ClusterDeleteFence.create(system, identifier);
      HttpPortClient client = HttpPortClient.create(
          PortClientSettings.of(portUrl, EmulatorSettings.DEFAULT_CLIENT_ID, EmulatorSettings.DEFAULT_CLIENT_SECRET),
          new PortClient.PortIdentity("fake", node, identifier), WriteLimiter.unlimited());
      List<Person> items = IntStream.range(0, persons)
          .mapToObj(i -> new Person("p" + i, "Person " + i, "p" + i + "@example.com")).toList();
      var deps = new ResyncDependencies(client,
          kind -> kind.equals("person") ? Optional.<ResyncSource<?>>of(ResyncSource.single(
              () -> CompletableFuture.completedFuture(items))) : Optional.empty(),
          compiler, settings, Optional.empty(), cpu, JSON::valueToTree, Clock.systemUTC(), Duration.ofSeconds(3))
          .withDeleteFence(fence);
      var supervisor = ctx.spawn(IntegrationSupervisor.create(deps), "supervisor");
      var finished = ctx.messageAdapter(ResyncFinished.class, f -> "RESYNC " + f.outcome() + " deleted="
          + f.reconciliation().deleted() + " errors=" + f.errors().stream().collect(Collectors.joining("; ")));
      supervisor.tell(new StartResync("cluster", WhenRunning.SKIP, null, finished));
      System.out.println("INSTANCE " + identifier + " STARTS ON " + node);
      return Behaviors.receive(String.class)
          .onMessage(String.class, msg -> {
            if (msg.startsWith("RESYNC ")) {
              System.out.println(msg);
            }
            return Behaviors.same();
          })
          .onSignal(PostStop.class, signal -> {
            fence.close();
            client.close();
            return Behaviors.same();
          })
          .build();
    });
  }
}
