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
import dev.oceanj.runtime.Guardian;
import dev.oceanj.runtime.Instance;
import dev.oceanj.runtime.http.StatusRoutes;
import java.time.Instant;
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
 * instance runs). {@link #reload} reloads the instance set on every node ({@link ClusterReload}).
 */
public final class ClusterMode {

  private final ClusterSettings settings;
  private final InstanceSharding sharding;
  private final ActorSystem<?> system;
  /** The routes of the instances running on this node, by identifier. */
  private final Map<String, Instance.Routes> local;
  private final InstanceSet set;
  private final Optional<ClusterReload.Coordinator> reload;

  private ClusterMode(ClusterSettings settings, InstanceSharding sharding, ActorSystem<?> system,
      Map<String, Instance.Routes> local, InstanceSet set, Optional<ClusterReload.Coordinator> reload) {
    this.settings = settings;
    this.sharding = sharding;
    this.system = system;
    this.local = local;
    this.set = set;
    this.reload = reload;
  }

  /**
   * The instance set on this node, changed by a reload: the parts of each instance (what an activation here runs),
   * its fingerprint (the reload's diff) and the identifiers (the keep-alive's and the entities' set).
   */
  static final class InstanceSet {
    final Map<String, Instance.Wiring> byId = new ConcurrentHashMap<>();
    final Map<String, String> fingerprints = new ConcurrentHashMap<>();
    final java.util.concurrent.atomic.AtomicReference<Set<String>> ids =
        new java.util.concurrent.atomic.AtomicReference<>(Set.of());

    void put(String fingerprint, Instance.Wiring wiring) {
      byId.put(wiring.identifier(), wiring);
      fingerprints.put(wiring.identifier(), fingerprint);
    }

    void remove(String identifier) {
      byId.remove(identifier);
      fingerprints.remove(identifier);
    }
  }

  /**
   * What a reload asks of the guardian on each node: the instances whose routes (and live events) go, and the ones
   * mounted anew (added, or changed: their routes are remade with the new settings).
   */
  public record Remount(List<String> unmount, List<Guardian.Hosted> mount) {}

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
   * @param instances the configured instances with their fingerprints; each activation on this node gets a copy with
   *     a fresh sync telemetry and without live events (in cluster mode every node takes them, not only the owner:
   *     see the guardian)
   * @param reloader host mode: re-reads the files on this node when a reload ({@link #reload}) checks them
   * @param remount tells the guardian which instances' routes a reload removed, changed or added on this node
   */
  public static ClusterMode start(ActorContext<?> guardian, OceanSettings settings, List<Guardian.Hosted> instances,
      Optional<Guardian.Reloader> reloader, java.util.function.Consumer<Remount> remount) {
    var ask = settings.timeouts().ask();
    InstanceSet set = new InstanceSet();
    instances.forEach(h -> set.put(h.fingerprint(), h.wiring()));
    set.ids.set(Set.copyOf(set.byId.keySet()));
    Map<String, Instance.Routes> local = new ConcurrentHashMap<>();
    ClusterDeleteFence.init(guardian.getSystem());
    InstanceSharding sharding = InstanceSharding.start(guardian, settings.cluster(), set.ids::get,
        id -> ClusteredInstance.create(id, reports -> Instance.create(activation(set.byId.get(id)), reports), local),
        ask);
    Optional<ClusterReload.Coordinator> reload = reloader.map(r -> {
      guardian.spawn(ClusterReload.create(settings, r, set, sharding, remount), "cluster-reload");
      return new ClusterReload.Coordinator(guardian.getSystem(), settings);
    });
    guardian.getLog().info("Cluster mode: node {} at {}:{}, seed nodes {}", settings.cluster().nodeName(),
        settings.cluster().host(), settings.cluster().port(), settings.cluster().seedNodes());
    return new ClusterMode(settings.cluster(), sharding, guardian.getSystem(), local, set, reload);
  }

  /**
   * Reloads the instance set on every node, or answers why not: {@code error} (nothing changed anywhere) or, per
   * node, what it added, removed, changed and left alone.
   */
  public CompletionStage<ObjectNode> reload(String reason) {
    return reload.map(r -> r.reload(reason)).orElseGet(() -> CompletableFuture.completedFuture(
        JsonNodeFactory.instance.objectNode().put("error", "not in host mode: there is no instance set to reload")));
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
        .orElseGet(() -> Optional.ofNullable(set.byId.get(identifier))
            .map(w -> CompletableFuture.completedFuture(elsewhere(w.info())))
            .orElseGet(() -> CompletableFuture.completedFuture(JsonNodeFactory.instance.objectNode())));
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
   * Where the instances run, shared by the {@code /status} calls of one request (host mode's list asks for each
   * instance's document at once, and each carries the section): a placement still in flight is reused, so one
   * {@code GET /status} asks each node once. A finished one is not: the next request asks anew.
   */
  private CompletionStage<InstanceSharding.Placement> placement() {
    CompletableFuture<InstanceSharding.Placement> last = placement.get();
    if (last != null && !last.isDone()) {
      return last;
    }
    CompletableFuture<InstanceSharding.Placement> next = new CompletableFuture<>();
    if (!placement.compareAndSet(last, next)) {
      return placement.get();
    }
    sharding.placement().whenComplete((p, failure) -> {
      if (failure != null) {
        next.completeExceptionally(failure);
      } else {
        next.complete(p);
      }
    });
    return next;
  }

  private final java.util.concurrent.atomic.AtomicReference<CompletableFuture<InstanceSharding.Placement>> placement =
      new java.util.concurrent.atomic.AtomicReference<>();

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
