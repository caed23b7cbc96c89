package dev.oceanj.runtime.cluster;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import dev.oceanj.cluster.fencing.ClusterDeleteFence;
import dev.oceanj.cluster.sharding.ClusterConfig;
import dev.oceanj.cluster.sharding.InstanceEntity;
import dev.oceanj.cluster.sharding.InstanceSharding;
import dev.oceanj.core.config.ClusterSettings;
import dev.oceanj.core.config.OceanSettings;
import dev.oceanj.runtime.Instance;
import dev.oceanj.runtime.http.StatusRoutes;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.cluster.Member;
import org.apache.pekko.cluster.typed.Cluster;

/**
 * Cluster mode in the runtime ({@code ocean.cluster.enabled}): the ActorSystem's cluster layer
 * ({@link #pekkoConfig}), then the integration instances as sharded entities ({@link #start}): each runs as an
 * {@link Instance} on the one node that owns it, and moves (its running resync aborted there, a new one started on
 * the new owner) when that node leaves or is downed. {@link #status} is this node's {@code /status}: the instance's
 * own status where it runs here, and on every node the {@code cluster} section (this node, the members, where each
 * instance runs).
 */
public final class ClusterMode {

  private final ClusterSettings settings;
  private final InstanceSharding sharding;
  private final ActorSystem<?> system;
  /** The routes of the instances running on this node, by identifier. */
  private final Map<String, Instance.Routes> local;
  private final Map<String, StatusRoutes.RuntimeInfo> infos;

  private ClusterMode(ClusterSettings settings, InstanceSharding sharding, ActorSystem<?> system,
      Map<String, Instance.Routes> local, Map<String, StatusRoutes.RuntimeInfo> infos) {
    this.settings = settings;
    this.sharding = sharding;
    this.system = system;
    this.local = local;
    this.infos = infos;
  }

  /** The layer above the user's configuration: the cluster's when cluster mode is on, else nothing. */
  public static Config pekkoConfig(OceanSettings settings) {
    return settings.cluster().enabled() ? ClusterConfig.of(settings.cluster()) : ConfigFactory.empty();
  }

  /** This node's tag, for the {@code X-Oceanj-Node} header of Port requests; empty when cluster mode is off. */
  public static Optional<String> nodeTag(OceanSettings settings) {
    return settings.cluster().enabled() ? Optional.of(settings.cluster().nodeName()) : Optional.empty();
  }

  /**
   * Joins the sharding of integration instances and keeps the configured ones alive.
   *
   * @param guardian the guardian (the keep-alive is its child)
   * @param settings the process's settings (cluster mode on)
   * @param instances the configured instances; each activation on this node gets a copy with a fresh sync telemetry
   *     and without live events (in cluster mode every node takes them, not only the owner: see the guardian)
   */
  public static ClusterMode start(ActorContext<?> guardian, OceanSettings settings, List<Instance.Wiring> instances) {
    var ask = settings.timeouts().ask();
    Map<String, Instance.Wiring> byId = new LinkedHashMap<>();
    Map<String, StatusRoutes.RuntimeInfo> infos = new LinkedHashMap<>();
    instances.forEach(i -> {
      byId.put(i.identifier(), i);
      infos.put(i.identifier(), i.info());
    });
    Map<String, Instance.Routes> local = new ConcurrentHashMap<>();
    Set<String> ids = Set.copyOf(byId.keySet());
    ClusterDeleteFence.init(guardian.getSystem());
    InstanceSharding sharding = InstanceSharding.start(guardian, settings.cluster(), () -> ids,
        id -> ClusteredInstance.create(id, reports -> Instance.create(activation(byId.get(id)), reports), local), ask);
    guardian.getLog().info("Cluster mode: node {} at {}:{}, seed nodes {}", settings.cluster().nodeName(),
        settings.cluster().host(), settings.cluster().port(), settings.cluster().seedNodes());
    return new ClusterMode(settings.cluster(), sharding, guardian.getSystem(), local, infos);
  }

  private static Instance.Wiring activation(Instance.Wiring w) {
    return new Instance.Wiring(w.settings(), w.port(), w.supervisor(), w.metrics(), w.readiness(), w.info(),
        w.pollingWatermark(), Optional.empty(), w.telemetry().map(t -> t.renewed()), w.print(), w.release());
  }

  /** The routes of {@code identifier} when it runs on this node. */
  public Optional<Instance.Routes> local(String identifier) {
    return Optional.ofNullable(local.get(identifier));
  }

  /**
   * {@code /status} on this node for {@code identifier}: the instance's own document where it runs here, else its
   * fixed facts only, with the {@code cluster} section either way.
   */
  public CompletionStage<ObjectNode> status(String identifier) {
    CompletionStage<ObjectNode> own = local(identifier).map(r -> r.status().status())
        .orElseGet(() -> CompletableFuture.completedFuture(elsewhere(infos.get(identifier))));
    return own.thenCombine(cluster(), (body, section) -> {
      body.set("cluster", section);
      return body;
    });
  }

  private static ObjectNode elsewhere(StatusRoutes.RuntimeInfo info) {
    ObjectNode body = JsonNodeFactory.instance.objectNode();
    ObjectNode integration = body.putObject("integration");
    integration.put("type", info.integrationType());
    integration.put("identifier", info.identifier());
    integration.put("version", info.version());
    body.putObject("listener").put("type", info.listenerType());
    body.putNull("running");
    body.putNull("last");
    return body;
  }

  /**
   * Where the instances run, shared by the {@code /status} calls of one request (host mode's list asks each
   * instance's document, and each carries the section): a placement in flight, or done less than
   * {@link #PLACEMENT_REUSE} ago, is reused, so one {@code GET /status} asks each node once.
   */
  private CompletionStage<InstanceSharding.Placement> placement() {
    long now = System.nanoTime();
    Placement last = placement.get();
    if (last != null && (!last.answer().isDone() || now - last.doneAt() < PLACEMENT_REUSE.toNanos())) {
      return last.answer();
    }
    Placement next = new Placement(new CompletableFuture<>());
    if (!placement.compareAndSet(last, next)) {
      return placement.get().answer();
    }
    sharding.placement().whenComplete((p, failure) -> {
      next.doneAt = System.nanoTime();
      if (failure != null) {
        next.answer().completeExceptionally(failure);
      } else {
        next.answer().complete(p);
      }
    });
    return next.answer();
  }

  /** How long a finished placement answers further {@code /status} calls. */
  static final java.time.Duration PLACEMENT_REUSE = java.time.Duration.ofMillis(250);

  private final java.util.concurrent.atomic.AtomicReference<Placement> placement =
      new java.util.concurrent.atomic.AtomicReference<>();

  /** A placement asked of the nodes, and when it came back. */
  private static final class Placement {
    private final CompletableFuture<InstanceSharding.Placement> answer;
    volatile long doneAt;

    Placement(CompletableFuture<InstanceSharding.Placement> answer) {
      this.answer = answer;
    }

    CompletableFuture<InstanceSharding.Placement> answer() {
      return answer;
    }

    long doneAt() {
      return doneAt;
    }
  }

  /**
   * The {@code cluster} section: this node, the members, where each instance runs ({@code node} null when no node
   * said; {@code unknown} with why when its node did not answer in time).
   */
  private CompletionStage<ObjectNode> cluster() {
    return placement().thenApply(placed -> {
      var owners = placed.owners();
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
        node.put("node", owner.map(InstanceEntity.Owner::node).orElse(null));
        node.put("since", owner.map(o -> Instant.ofEpochMilli(o.since()).toString()).orElse(null));
        Optional.ofNullable(placed.unknown().get(id)).ifPresent(why -> node.put("unknown", why));
      });
      return section;
    });
  }
}
