package dev.oceanj.cluster.budget;

import dev.oceanj.core.port.WriteLimiter;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.PostStop;
import org.apache.pekko.actor.typed.Props;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;
import org.apache.pekko.cluster.Member;
import org.apache.pekko.cluster.MemberStatus;
import org.apache.pekko.cluster.ddata.Key;
import org.apache.pekko.cluster.ddata.LWWMap;
import org.apache.pekko.cluster.ddata.LWWMapKey;
import org.apache.pekko.cluster.ddata.SelfUniqueAddress;
import org.apache.pekko.cluster.ddata.typed.javadsl.DistributedData;
import org.apache.pekko.cluster.ddata.typed.javadsl.Replicator;
import org.apache.pekko.cluster.ddata.typed.javadsl.ReplicatorMessageAdapter;
import org.apache.pekko.cluster.typed.Cluster;

/**
 * Shares one Port organisation's write budget between the nodes of a cluster, demand-weighted, with no singleton
 * on the write path. One per node and org, started by {@link #start} next to the org's {@link WriteLimiter}.
 *
 * <p>Every {@code interval} (1 s) the node publishes its demand in a Distributed Data {@code LWWMap<node, demand>}
 * (written to all reachable nodes at once): the most writes that waited at once for its limiter since the last round
 * ({@link WriteLimiter#demand()}: a node held back by its share has a queue, one its share serves has none; the
 * writes it got are not counted, or a bigger share would earn a bigger share), with the end of any pause Port asked
 * for. On every change of that map, and every round, it sets its
 * limiter's {@link WriteLimiter#share share} of the org's budget ({@link BudgetShares}): demand-weighted with a
 * floor of {@code 1 / (2 × members)}, or the static split {@code 1 / members} while a member is unreachable, a
 * publication did not reach every node, or a new member's demand is not known yet (a member silent for three rounds
 * wants nothing). Port's {@code x-ratelimit-*} headers, which are org-wide, still shape each limiter.
 *
 * <p>A 429 pauses the local limiter (the Port client does that) and is published at once; the other nodes pause
 * until the same instant ({@link WriteLimiter#followPause}), so they do not meet the 429 themselves.
 *
 * <p>The map's values are strings ({@code "demand;pausedUntilEpochMillis"}), which Pekko serializes without any
 * serialization binding to configure. Protocol: only its own timer, the replicator's answers and the limiter's
 * pause reports; nobody else sends to it. It stops with its parent (or the system), and then stops listening to the
 * limiter's pauses.
 */
public final class ClusterWriteBudget extends AbstractBehavior<ClusterWriteBudget.Command> {

  /**
   * How the budget is shared.
   *
   * @param org      the Port organisation whose budget this is (names the ddata key: one map per org)
   * @param interval how often demand is published and shares are recomputed
   */
  public record Settings(String org, Duration interval) {
    public Settings {
      if (org == null || org.isBlank()) {
        throw new IllegalArgumentException("the cluster write budget needs the Port organization id");
      }
      if (interval == null || interval.isNegative() || interval.isZero()) {
        throw new IllegalArgumentException("the cluster write budget's interval must be positive, was " + interval);
      }
    }

    /** Publishing once a second. */
    public static Settings of(String org) {
      return new Settings(org, Duration.ofSeconds(1));
    }
  }

  /** The actor's protocol: its own messages only. */
  public sealed interface Command {}

  private enum Tick implements Command { INSTANCE }

  private record PausedByPort(Duration pause) implements Command {}

  private record Published(Replicator.UpdateResponse<LWWMap<String, String>> response) implements Command {}

  private record MapChanged(Replicator.SubscribeResponse<LWWMap<String, String>> response) implements Command {}

  private static final AtomicInteger NAMES = new AtomicInteger();
  /** Rounds a member may stay silent before it counts as wanting nothing. */
  private static final int SILENT_ROUNDS = 3;

  private final ActorContext<Command> context;
  private final WriteLimiter limiter;
  private final Settings settings;
  private final ReplicatorMessageAdapter<Command, LWWMap<String, String>> replicator;
  private final Key<LWWMap<String, String>> key;
  private final SelfUniqueAddress selfAddress;
  private final Cluster cluster;
  private final String self;
  private Map<String, String> latest = Map.of();
  private long pausedUntilMillis;
  private final Map<String, Long> followedPauses = new HashMap<>();
  private final Map<String, Long> firstSeen = new HashMap<>();
  private boolean publishFailed;

  private ClusterWriteBudget(ActorContext<Command> context, TimerScheduler<Command> timers,
      ReplicatorMessageAdapter<Command, LWWMap<String, String>> replicator, WriteLimiter limiter, Settings settings) {
    super(context);
    this.context = context;
    this.limiter = limiter;
    this.settings = settings;
    this.replicator = replicator;
    this.key = LWWMapKey.create("oceanj-write-budget-" + settings.org());
    this.selfAddress = DistributedData.get(context.getSystem()).selfUniqueAddress();
    this.cluster = Cluster.get(context.getSystem());
    this.self = nodeKey(cluster.selfMember());
    ActorRef<Command> me = context.getSelf();
    limiter.onPause(d -> me.tell(new PausedByPort(d)));
    replicator.subscribe(key, MapChanged::new);
    // Until the first round, the static split: every node may start at once without exceeding the org's burst.
    limiter.share(BudgetShares.staticSplit(members().size()));
    timers.startTimerWithFixedDelay(Tick.INSTANCE, settings.interval());
  }

  /** The behaviour: one per node and org. */
  public static Behavior<Command> create(WriteLimiter limiter, Settings settings) {
    return Behaviors.setup(ctx -> Behaviors.withTimers(timers -> DistributedData.withReplicatorMessageAdapter(
        (ReplicatorMessageAdapter<Command, LWWMap<String, String>> r) ->
            new ClusterWriteBudget(ctx, timers, r, limiter, settings))));
  }

  /** Starts the budget of one org's limiter on this node, as a system actor. */
  public static ActorRef<Command> start(ActorSystem<?> system, WriteLimiter limiter, Settings settings) {
    return system.systemActorOf(create(limiter, settings), actorName(settings), Props.empty());
  }

  /** Starts the budget of one org's limiter on this node, as a child of {@code parent}. */
  public static ActorRef<Command> start(ActorContext<?> parent, WriteLimiter limiter, Settings settings) {
    return parent.spawn(create(limiter, settings), actorName(settings));
  }

  private static String actorName(Settings settings) {
    return "write-budget-" + NAMES.incrementAndGet();
  }

  @Override
  public Receive<Command> createReceive() {
    return newReceiveBuilder()
        .onMessageEquals(Tick.INSTANCE, this::onTick)
        .onMessage(PausedByPort.class, this::onPausedByPort)
        .onMessage(Published.class, this::onPublished)
        .onMessage(MapChanged.class, this::onMapChanged)
        .onSignal(PostStop.class, this::onPostStop)
        .build();
  }

  private Behavior<Command> onTick() {
    publish(limiter.demand().total());
    adjust();
    return this;
  }

  private Behavior<Command> onPostStop(PostStop stop) {
    limiter.onPause(null);
    return this;
  }

  private Behavior<Command> onPausedByPort(PausedByPort p) {
    pausedUntilMillis = Math.max(pausedUntilMillis, System.currentTimeMillis() + p.pause().toMillis());
    publish(demandOf(latest.get(self)));
    return this;
  }

  private Behavior<Command> onPublished(Published p) {
    // A write that did not reach every node (one is unreachable or slow) means the others may not see our demand.
    publishFailed = !(p.response() instanceof Replicator.UpdateSuccess);
    return this;
  }

  private Behavior<Command> onMapChanged(MapChanged c) {
    if (c.response() instanceof Replicator.Changed<LWWMap<String, String>> changed) {
      latest = changed.get(key).getEntries();
      followPauses();
      adjust();
    }
    return this;
  }

  private void publish(double demand) {
    String value = demand + ";" + pausedUntilMillis;
    replicator.askUpdate(replyTo -> new Replicator.Update<>(key, LWWMap.create(), new Replicator.WriteAll(
        settings.interval()), replyTo, m -> m.put(selfAddress, self, value)), Published::new);
  }

  /** Sets the limiter's share from what is known now. */
  private void adjust() {
    Set<String> members = members();
    boolean unsure = publishFailed || !cluster.state().getUnreachable().isEmpty() || awaitingDemand(members);
    double share;
    if (unsure) {
      share = BudgetShares.staticSplit(members.size());
    } else {
      Map<String, Double> demand = new HashMap<>();
      latest.forEach((node, v) -> demand.put(node, demandOf(v)));
      share = BudgetShares.share(self, members, demand);
    }
    if (Math.abs(share - limiter.share()) > 1e-9) {
      limiter.share(share);
      context.getLog().debug("write budget of org {}: share {} of {} members", settings.org(), share, members.size());
    }
  }

  /**
   * Whether a member that has not published yet may still do so: a share computed without its demand could hand out
   * the budget twice. A member silent for {@link #SILENT_ROUNDS} rounds wants nothing (a node that writes nothing
   * to this org has no budget actor for it).
   */
  private boolean awaitingDemand(Set<String> members) {
    long now = System.nanoTime();
    long grace = settings.interval().toNanos() * SILENT_ROUNDS;
    firstSeen.keySet().retainAll(members);
    boolean awaiting = false;
    for (String m : members) {
      long seen = firstSeen.computeIfAbsent(m, k -> now);
      if (!latest.containsKey(m) && now - seen < grace) {
        awaiting = true;
      }
    }
    return awaiting;
  }

  /** Pauses the local limiter until the end of any newer pause another node published. */
  private void followPauses() {
    long now = System.currentTimeMillis();
    latest.forEach((node, v) -> {
      if (node.equals(self)) {
        return;
      }
      long until = pausedUntilOf(v);
      if (until > now && until > followedPauses.getOrDefault(node, 0L)) {
        followedPauses.put(node, until);
        limiter.followPause(Duration.ofMillis(until - now));
      }
    });
  }

  private Set<String> members() {
    Set<String> out = new HashSet<>();
    for (Member m : cluster.state().getMembers()) {
      if (m.status() == MemberStatus.up() || m.status() == MemberStatus.weaklyUp()) {
        out.add(nodeKey(m));
      }
    }
    out.add(self);
    return out;
  }

  private static String nodeKey(Member m) {
    return m.uniqueAddress().address() + "#" + m.uniqueAddress().longUid();
  }

  private static double demandOf(String value) {
    if (value == null) {
      return 0.0;
    }
    try {
      return Double.parseDouble(value.substring(0, value.indexOf(';')));
    } catch (RuntimeException e) {
      return 0.0;
    }
  }

  private static long pausedUntilOf(String value) {
    try {
      return Long.parseLong(value.substring(value.indexOf(';') + 1));
    } catch (RuntimeException e) {
      return 0L;
    }
  }
}
