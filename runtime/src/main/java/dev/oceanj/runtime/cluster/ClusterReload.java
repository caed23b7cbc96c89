package dev.oceanj.runtime.cluster;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.typesafe.config.ConfigObject;
import com.typesafe.config.ConfigRenderOptions;
import dev.oceanj.cluster.ClusterMessage;
import dev.oceanj.cluster.sharding.InstanceSharding;
import dev.oceanj.core.config.HostSettings;
import dev.oceanj.core.config.OceanSettings;
import dev.oceanj.runtime.Guardian;
import dev.oceanj.runtime.Instance;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.DispatcherSelector;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;
import org.apache.pekko.actor.typed.receptionist.Receptionist;
import org.apache.pekko.actor.typed.receptionist.ServiceKey;
import org.apache.pekko.cluster.MemberStatus;
import org.apache.pekko.cluster.typed.Cluster;

/**
 * Host mode's reload in cluster mode. Every node reads the same instances dir (one mounted ConfigMap), so a reload
 * (SIGHUP or {@code POST /instances/reload} on any node) is applied by every node from its own files, in two steps
 * driven by the node that received it ({@link Coordinator}):
 *
 * <ol>
 *   <li>{@link Check}: each node re-reads its files and answers a fingerprint per instance ({@link #fingerprint}:
 *       its effective settings less the keys that are the node's own). When the nodes disagree (a file differs, or is
 *       missing on one), or one does not answer, the reload is refused and nothing changes anywhere: the answer says
 *       which node holds which fingerprint. Nodes never fight over an instance's settings.</li>
 *   <li>{@link Apply}: each node applies what it checked, against what it runs: added instances join its set (the
 *       keep-alive starts each on some node), removed ones leave it and are shut down where they run (their running
 *       resync {@code aborted}, nothing deleted; no keep-alive revives them: an entity started on a node whose set
 *       does not hold it runs nothing), changed ones are restarted on the node that owns them with the new settings,
 *       unchanged ones are not touched (same resync, same owner). The answer says, per node, what it did.</li>
 * </ol>
 */
final class ClusterReload extends AbstractBehavior<ClusterReload.Command> {

  /** The receptionist key each node's reload actor is registered under. */
  static final ServiceKey<Command> KEY = ServiceKey.create(Command.class, "oceanj-cluster-reload");

  /** Keys that are each node's own (its address, HTTP port, data dir): not part of an instance's fingerprint. */
  static final List<String> NODE_KEYS = List.of("cluster", "http", "data-dir", "instances-dir");

  /** Messages of a node's reload actor. */
  sealed interface Command extends ClusterMessage {}

  /** Re-read the files and answer a fingerprint per instance; {@link Apply} with the same id applies them. */
  record Check(String reloadId, ActorRef<Checked> replyTo) implements Command {}

  /**
   * A node's instance set as its files say now.
   *
   * @param node the node's tag
   * @param fingerprints by identifier
   * @param error why its files could not be read (then no fingerprints), or null
   */
  record Checked(String node, Map<String, String> fingerprints, String error) implements ClusterMessage {}

  /** Apply what {@link Check} with this id read. */
  record Apply(String reloadId, ActorRef<Applied> replyTo) implements Command {}

  /**
   * What a node did.
   *
   * @param node the node's tag
   * @param failed instances whose set-up failed on this node (an added one is not in its set; a changed one keeps
   *     its old settings), with why
   * @param error why it applied nothing, or null
   */
  record Applied(String node, List<String> added, List<String> removed, List<String> changed, List<String> unchanged,
      Map<String, String> failed, String error) implements ClusterMessage {}

  private record Reread(Check check, HostSettings host, Throwable failure) implements Command {}

  private record Prepared(Apply apply, Diff diff, Map<String, Instance.Wiring> wirings, Map<String, String> failed)
      implements Command {}

  private record ReleaseLater(List<Instance.Wiring> wirings) implements Command {}

  /** The difference between what runs here and what the files say. */
  private record Diff(Map<String, HostSettings.InstanceSettings> wanted, List<String> added, List<String> removed,
      List<String> changed, List<String> unchanged) {}

  private final String node;
  private final Guardian.Reloader reloader;
  private final ClusterMode.InstanceSet set;
  private final InstanceSharding sharding;
  private final Consumer<ClusterMode.Remount> remount;
  private final Executor blocking;
  private final Duration releaseAfter;
  private String pendingId;
  private HostSettings pending;
  /** Between an {@link Apply} and its {@link Prepared}: a check now would diff against a set about to change. */
  private boolean applying;

  private ClusterReload(ActorContext<Command> context, OceanSettings settings, Guardian.Reloader reloader,
      ClusterMode.InstanceSet set, InstanceSharding sharding, Consumer<ClusterMode.Remount> remount) {
    super(context);
    this.node = settings.cluster().nodeName();
    this.reloader = reloader;
    this.set = set;
    this.sharding = sharding;
    this.remount = remount;
    this.blocking = context.getSystem().dispatchers().lookup(DispatcherSelector.blocking());
    // A replaced instance's parts are given back once its shutdown is over (it waits at most the ask timeout).
    this.releaseAfter = settings.timeouts().ask().multipliedBy(2);
    context.getSystem().receptionist().tell(Receptionist.register(KEY, context.getSelf()));
  }

  static Behavior<Command> create(OceanSettings settings, Guardian.Reloader reloader, ClusterMode.InstanceSet set,
      InstanceSharding sharding, Consumer<ClusterMode.Remount> remount) {
    return Behaviors.setup(context -> new ClusterReload(context, settings, reloader, set, sharding, remount));
  }

  /**
   * An instance's fingerprint as the nodes compare it: its effective {@code ocean} settings less {@link #NODE_KEYS},
   * hashed (SHA-256, first 16 hex digits).
   */
  static String fingerprint(HostSettings.InstanceSettings instance) {
    ConfigObject ocean = instance.settings().config().getObject("ocean");
    for (String key : NODE_KEYS) {
      ocean = ocean.withoutKey(key);
    }
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256")
          .digest(ocean.render(ConfigRenderOptions.concise()).getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(digest, 0, 8);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  @Override
  public Receive<Command> createReceive() {
    return newReceiveBuilder()
        .onMessage(Check.class, this::onCheck)
        .onMessage(Reread.class, this::onReread)
        .onMessage(Apply.class, this::onApply)
        .onMessage(Prepared.class, this::onPrepared)
        .onMessage(ReleaseLater.class, this::onReleaseLater)
        .build();
  }

  private Behavior<Command> onCheck(Check check) {
    if (applying) {
      check.replyTo().tell(new Checked(node, Map.of(), "this node is applying another reload; try again when it"
          + " finished"));
      return this;
    }
    getContext().pipeToSelf(CompletableFuture.supplyAsync(reloader::reread, blocking),
        (host, failure) -> new Reread(check, host, failure));
    return this;
  }

  private Behavior<Command> onReread(Reread reread) {
    if (reread.failure() != null) {
      Throwable cause = reread.failure() instanceof CompletionException c && c.getCause() != null
          ? c.getCause() : reread.failure();
      getContext().getLog().error("Reload: this node's instance files cannot be read: {}", cause.getMessage());
      reread.check().replyTo().tell(new Checked(node, Map.of(), String.valueOf(cause.getMessage())));
      return this;
    }
    pendingId = reread.check().reloadId();
    pending = reread.host();
    Map<String, String> fingerprints = new TreeMap<>();
    pending.instances().forEach(i -> fingerprints.put(i.identifier(), fingerprint(i)));
    reread.check().replyTo().tell(new Checked(node, fingerprints, null));
    return this;
  }

  private Behavior<Command> onApply(Apply apply) {
    if (!apply.reloadId().equals(pendingId)) {
      apply.replyTo().tell(new Applied(node, List.of(), List.of(), List.of(), List.of(), Map.of(),
          "a later reload checked this node's files in between; nothing applied here"));
      return this;
    }
    HostSettings host = pending;
    pending = null;
    pendingId = null;
    applying = true;
    Diff diff = diff(host);
    List<HostSettings.InstanceSettings> toPrepare = new ArrayList<>();
    diff.added().forEach(id -> toPrepare.add(diff.wanted().get(id)));
    diff.changed().forEach(id -> toPrepare.add(diff.wanted().get(id)));
    getContext().pipeToSelf(CompletableFuture.supplyAsync(() -> {
      Map<String, Instance.Wiring> wirings = new LinkedHashMap<>();
      Map<String, String> failed = new TreeMap<>();
      for (HostSettings.InstanceSettings instance : toPrepare) {
        try {
          wirings.put(instance.identifier(), reloader.prepare(instance));
        } catch (Exception e) {
          failed.put(instance.identifier(), e.getMessage() == null ? e.toString() : e.getMessage());
        }
      }
      return new Prepared(apply, diff, wirings, failed);
    }, blocking), (prepared, failure) -> prepared != null ? prepared
        : new Prepared(apply, diff, Map.of(), failedAll(toPrepare, failure)));
    return this;
  }

  private static Map<String, String> failedAll(List<HostSettings.InstanceSettings> instances, Throwable failure) {
    Map<String, String> failed = new TreeMap<>();
    instances.forEach(i -> failed.put(i.identifier(), String.valueOf(failure.getMessage())));
    return failed;
  }

  private Diff diff(HostSettings host) {
    Map<String, HostSettings.InstanceSettings> wanted = new LinkedHashMap<>();
    host.instances().forEach(i -> wanted.put(i.identifier(), i));
    List<String> added = new ArrayList<>();
    List<String> removed = new ArrayList<>();
    List<String> changed = new ArrayList<>();
    List<String> unchanged = new ArrayList<>();
    for (String id : new TreeSet<>(set.fingerprints.keySet())) {
      HostSettings.InstanceSettings next = wanted.get(id);
      if (next == null) {
        removed.add(id);
      } else if (!next.fingerprint().equals(set.fingerprints.get(id))) {
        changed.add(id);
      } else {
        unchanged.add(id);
      }
    }
    wanted.keySet().stream().filter(id -> !set.fingerprints.containsKey(id)).forEach(added::add);
    return new Diff(wanted, added, removed, changed, unchanged);
  }

  /**
   * The set changes first (the parts, then the identifiers the keep-alive and the entities read), then the
   * instances that run here are told: a removed one retires, a changed one restarts (from the new parts).
   */
  private Behavior<Command> onPrepared(Prepared prepared) {
    applying = false;
    Diff diff = prepared.diff();
    List<Instance.Wiring> replaced = new ArrayList<>();
    List<Guardian.Hosted> mount = new ArrayList<>();
    List<String> unmount = new ArrayList<>(diff.removed());
    List<String> changed = new ArrayList<>();
    prepared.wirings().forEach((id, wiring) -> {
      String fingerprint = diff.wanted().get(id).fingerprint();
      Optional.ofNullable(set.byId.get(id)).ifPresent(replaced::add);
      if (diff.changed().contains(id)) {
        changed.add(id);
        unmount.add(id);
      }
      set.put(fingerprint, wiring);
      mount.add(new Guardian.Hosted(fingerprint, wiring));
    });
    for (String id : diff.removed()) {
      Optional.ofNullable(set.byId.get(id)).ifPresent(replaced::add);
      set.remove(id);
    }
    Set<String> ids = new LinkedHashSet<>(set.byId.keySet());
    set.ids.set(Set.copyOf(ids));
    diff.removed().forEach(sharding::retire);
    changed.forEach(sharding::restart);
    remount.accept(new ClusterMode.Remount(unmount, mount));
    if (!replaced.isEmpty()) {
      getContext().scheduleOnce(releaseAfter, getContext().getSelf(), new ReleaseLater(replaced));
    }
    List<String> added = diff.added().stream().filter(prepared.wirings()::containsKey).toList();
    getContext().getLog().info("Reload on this node ({}): added {}, removed {}, changed {}, unchanged {}, failed {}",
        node, added, diff.removed(), changed, diff.unchanged().size(), prepared.failed());
    prepared.apply().replyTo().tell(new Applied(node, added, diff.removed(), changed, diff.unchanged(),
        prepared.failed(), null));
    return this;
  }

  private Behavior<Command> onReleaseLater(ReleaseLater release) {
    release.wirings().forEach(w -> w.release().run());
    return this;
  }

  /**
   * Drives a reload from the node that received it: {@link Check} on every node, then {@link Apply} on every node
   * when they all agree. One at a time per node.
   */
  static final class Coordinator {

    private final ActorSystem<?> system;
    private final String node;
    private final Duration checkTimeout;
    private final Duration applyTimeout;
    private final AtomicBoolean running = new AtomicBoolean();

    Coordinator(ActorSystem<?> system, OceanSettings settings) {
      this.system = system;
      this.node = settings.cluster().nodeName();
      this.checkTimeout = settings.timeouts().ask();
      // Each added or changed instance is set up in Port on every node.
      this.applyTimeout = settings.timeouts().setup().plus(settings.timeouts().ask());
    }

    CompletionStage<ObjectNode> reload(String reason) {
      if (!running.compareAndSet(false, true)) {
        return CompletableFuture.completedFuture(error("a reload is already running on this node; try again when it"
            + " finished"));
      }
      system.log().info("Reloading the integration instances on every node ({})", reason);
      String reloadId = node + "-" + UUID.randomUUID();
      return agents(System.nanoTime() + checkTimeout.toNanos())
          .thenCompose(nodes -> {
            long up = upMembers();
            if (nodes.size() < up) {
              return CompletableFuture.completedFuture(error("only " + nodes.size() + " of the " + up + " nodes"
                  + " are ready to reload (one is starting); nothing changed, try again"));
            }
            return askAll(nodes, ref -> AskPattern.<Command, Checked>ask(ref, r -> new Check(reloadId, r),
                checkTimeout, system.scheduler())).thenCompose(checked -> afterCheck(reloadId, nodes, checked));
          })
          .exceptionally(e -> error("the reload failed: " + e.getMessage()))
          .whenComplete((body, e) -> {
            running.set(false);
            system.log().info("Reload ({}): {}", reason, body);
          });
    }

    private long upMembers() {
      return Cluster.get(system).state().members().count(m -> m.status() == MemberStatus.up());
    }

    /**
     * Every node's reload actor, as the receptionist lists them; a node that just joined may not be listed yet, so
     * this asks again every 200 ms until each member that is up is, or the deadline passed.
     */
    private CompletionStage<List<ActorRef<Command>>> agents(long deadline) {
      return AskPattern.<Receptionist.Command, Receptionist.Listing>ask(system.receptionist(),
              replyTo -> Receptionist.find(KEY, replyTo), checkTimeout, system.scheduler())
          .thenCompose(listing -> {
            List<ActorRef<Command>> nodes = List.copyOf(listing.getServiceInstances(KEY));
            if (nodes.size() >= upMembers() || System.nanoTime() > deadline) {
              return CompletableFuture.completedFuture(nodes);
            }
            return CompletableFuture.supplyAsync(() -> null,
                    CompletableFuture.delayedExecutor(200, java.util.concurrent.TimeUnit.MILLISECONDS))
                .thenCompose(v -> agents(deadline));
          });
    }

    private CompletionStage<ObjectNode> afterCheck(String reloadId, List<ActorRef<Command>> nodes,
        List<Optional<Checked>> checked) {
      List<String> silent = new ArrayList<>();
      Map<String, String> unreadable = new TreeMap<>();
      Map<String, Map<String, String>> byNode = new TreeMap<>();
      for (int i = 0; i < nodes.size(); i++) {
        Optional<Checked> c = checked.get(i);
        if (c.isEmpty()) {
          silent.add(nodes.get(i).path().address().toString());
        } else if (c.get().error() != null) {
          unreadable.put(c.get().node(), c.get().error());
        } else {
          byNode.put(c.get().node(), c.get().fingerprints());
        }
      }
      if (!silent.isEmpty()) {
        return CompletableFuture.completedFuture(error("node(s) " + silent + " did not answer within "
            + checkTimeout.toMillis() + " ms; nothing changed on any node"));
      }
      if (!unreadable.isEmpty()) {
        ObjectNode body = error("a node cannot check its instance files (see nodes); nothing changed on any node");
        unreadable.forEach(body.putObject("nodes")::put);
        return CompletableFuture.completedFuture(body);
      }
      Map<String, Map<String, String>> disagree = disagreements(byNode);
      if (!disagree.isEmpty()) {
        ObjectNode body = error("the nodes' instance files disagree (see fingerprints: instance → node →"
            + " fingerprint, \"absent\" where a node has no such instance); nothing changed on any node: make the"
            + " files the same everywhere, then reload again");
        ObjectNode fingerprints = body.putObject("fingerprints");
        disagree.forEach((id, nodesOf) -> nodesOf.forEach(fingerprints.putObject(id)::put));
        return CompletableFuture.completedFuture(body);
      }
      return askAll(nodes, ref -> AskPattern.<Command, Applied>ask(ref, r -> new Apply(reloadId, r), applyTimeout,
          system.scheduler())).thenApply(applied -> answer(nodes, applied));
    }

    /** The instances whose fingerprint is not the same on every node, each with every node's (or "absent"). */
    static Map<String, Map<String, String>> disagreements(Map<String, Map<String, String>> byNode) {
      Set<String> ids = new TreeSet<>();
      byNode.values().forEach(f -> ids.addAll(f.keySet()));
      Map<String, Map<String, String>> out = new TreeMap<>();
      for (String id : ids) {
        Map<String, String> of = new TreeMap<>();
        byNode.forEach((n, f) -> of.put(n, f.getOrDefault(id, "absent")));
        if (new TreeSet<>(of.values()).size() > 1) {
          out.put(id, of);
        }
      }
      return out;
    }

    private ObjectNode answer(List<ActorRef<Command>> nodes, List<Optional<Applied>> applied) {
      ObjectNode body = JsonNodeFactory.instance.objectNode();
      Map<String, ObjectNode> perNode = new TreeMap<>();
      for (int i = 0; i < nodes.size(); i++) {
        Optional<Applied> a = applied.get(i);
        if (a.isEmpty()) {
          perNode.put(nodes.get(i).path().address().toString(), error("did not answer within "
              + applyTimeout.toMillis() + " ms; it applies the reload by itself"));
          continue;
        }
        ObjectNode n = JsonNodeFactory.instance.objectNode();
        perNode.put(a.get().node(), n);
        lists(n, a.get());
        if (!a.get().failed().isEmpty()) {
          a.get().failed().forEach(n.putObject("failed")::put);
        }
        if (a.get().error() != null) {
          n.put("error", a.get().error());
        }
        if (a.get().node().equals(node)) {
          lists(body, a.get());
        }
      }
      perNode.forEach(body.putObject("nodes")::set);
      return body;
    }

    private static void lists(ObjectNode into, Applied a) {
      a.added().forEach(into.putArray("added")::add);
      a.removed().forEach(into.putArray("removed")::add);
      a.changed().forEach(into.putArray("changed")::add);
      a.unchanged().forEach(into.putArray("unchanged")::add);
    }

    private static <R> CompletionStage<List<Optional<R>>> askAll(List<ActorRef<Command>> nodes,
        java.util.function.Function<ActorRef<Command>, CompletionStage<R>> ask) {
      List<CompletableFuture<Optional<R>>> asks = nodes.stream()
          .map(ref -> ask.apply(ref).handle((r, failure) -> Optional.ofNullable(failure == null ? r : null))
              .toCompletableFuture())
          .toList();
      return CompletableFuture.allOf(asks.toArray(CompletableFuture[]::new))
          .thenApply(v -> asks.stream().map(CompletableFuture::join).toList());
    }

    private static ObjectNode error(String message) {
      return JsonNodeFactory.instance.objectNode().put("error", message);
    }
  }
}
