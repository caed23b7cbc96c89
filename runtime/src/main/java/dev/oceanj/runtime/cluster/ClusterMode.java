package dev.oceanj.runtime.cluster;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import dev.oceanj.actors.resync.ResyncProtocol;
import dev.oceanj.cluster.sharding.ClusterConfig;
import dev.oceanj.cluster.sharding.InstanceSharding;
import dev.oceanj.core.config.ClusterSettings;
import dev.oceanj.core.config.OceanSettings;
import java.time.Instant;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletionStage;
import java.util.function.Consumer;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.cluster.Member;
import org.apache.pekko.cluster.typed.Cluster;

/**
 * Cluster mode in the runtime ({@code ocean.cluster.enabled}): the ActorSystem's cluster layer
 * ({@link #pekkoConfig}), then the instance as a sharded entity ({@link #start}): every node keeps its integration
 * supervisor, but only the node that owns the instance runs its triggers, so one node at a time resyncs it.
 * {@link #status()} is the {@code cluster} section of {@code /status}: this node, the members and where each
 * instance runs.
 */
public final class ClusterMode {

  private final ClusterSettings settings;
  private final InstanceSharding sharding;
  private final ActorSystem<?> system;

  private ClusterMode(ClusterSettings settings, InstanceSharding sharding, ActorSystem<?> system) {
    this.settings = settings;
    this.sharding = sharding;
    this.system = system;
  }

  /** The layer above the user's configuration: the cluster's when cluster mode is on, else nothing. */
  public static Config pekkoConfig(OceanSettings settings) {
    return settings.cluster().enabled() ? ClusterConfig.of(settings.cluster()) : ConfigFactory.empty();
  }

  /**
   * Joins the sharding of integration instances and keeps this node's configured instance alive.
   *
   * @param guardian the guardian (the keep-alive is its child)
   * @param settings the settings (cluster mode on)
   * @param supervisor this node's integration supervisor
   * @param startTriggers spawns the instance's triggers under the given context (on the owning node)
   */
  public static ClusterMode start(ActorContext<?> guardian, OceanSettings settings,
      ActorRef<ResyncProtocol.Command> supervisor, Consumer<ActorContext<?>> startTriggers) {
    var ask = settings.timeouts().ask();
    Set<String> instances = Set.of(settings.integration().identifier());
    InstanceSharding sharding = InstanceSharding.start(guardian, settings.cluster(), () -> instances,
        id -> ClusteredInstance.create(supervisor, startTriggers, ask), ask);
    guardian.getLog().info("Cluster mode: node {} at {}:{}, seed nodes {}", settings.cluster().nodeName(),
        settings.cluster().host(), settings.cluster().port(), settings.cluster().seedNodes());
    return new ClusterMode(settings.cluster(), sharding, guardian.getSystem());
  }

  /** {@code /status}'s {@code cluster} section. */
  public CompletionStage<ObjectNode> status() {
    return sharding.owners().thenApply(owners -> {
      ObjectNode section = JsonNodeFactory.instance.objectNode();
      section.put("node", settings.nodeName());
      var members = section.putArray("members");
      for (Member m : Cluster.get(system).state().getMembers()) {
        ObjectNode member = members.addObject();
        member.put("address", m.address().toString());
        member.put("node", m.getRoles().stream()
            .filter(r -> !r.startsWith("dc-") && !r.equals(ClusterConfig.INSTANCES_ROLE)).findFirst().orElse(null));
        member.put("status", m.status().toString());
      }
      ObjectNode instances = section.putObject("instances");
      owners.forEach((id, owner) -> {
        ObjectNode node = instances.putObject(id);
        node.put("node", owner.map(o -> o.node()).orElse(null));
        node.put("since", owner.map(o -> Instant.ofEpochMilli(o.since()).toString()).orElse(null));
      });
      return section;
    });
  }

  /** This node's tag, for the {@code X-Oceanj-Node} header of Port requests; empty when cluster mode is off. */
  public static Optional<String> nodeTag(OceanSettings settings) {
    return settings.cluster().enabled() ? Optional.of(settings.cluster().nodeName()) : Optional.empty();
  }
}
