package dev.oceanj.cluster.sharding;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.pekko.actor.Address;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.cluster.ddata.Key;
import org.apache.pekko.cluster.ddata.LWWMap;
import org.apache.pekko.cluster.ddata.LWWMapKey;
import org.apache.pekko.cluster.ddata.SelfUniqueAddress;
import org.apache.pekko.cluster.ddata.typed.javadsl.DistributedData;
import org.apache.pekko.cluster.ddata.typed.javadsl.Replicator;
import org.apache.pekko.cluster.typed.Cluster;

/**
 * Which integration instances are resyncing, and on which node: flags in Distributed Data
 * ({@code LWWMap<identifier, "address|since">}, key {@value #KEY_ID}) that the node running a resync sets when it
 * starts and clears when it ends (or when the instance stops there), and that the {@link ResyncAwareAllocation}
 * reads so that a rebalance does not move an instance mid-resync.
 *
 * <p>Flags are written locally and spread by gossip: the allocation strategy needs no majority, a late flag costs
 * at worst one resync restarted elsewhere (today's behaviour). A flag is believed only while younger than the
 * configured age bound and only for the node that holds the shard now, so a flag left by a crashed node pins
 * nothing.
 */
public final class BusyInstances {

  /** The Distributed Data key of the flags. */
  public static final String KEY_ID = "oceanj-resyncing";

  static final Key<LWWMap<String, String>> KEY = LWWMapKey.create(KEY_ID);

  private BusyInstances() {}

  /** A flag: the instance resyncs on the node at {@code address} since {@code sinceMillis} (epoch). */
  record Flag(String address, long sinceMillis) {
    String encode() {
      return address + "|" + sinceMillis;
    }

    static Optional<Flag> parse(String text) {
      int bar = text.lastIndexOf('|');
      if (bar < 1) {
        return Optional.empty();
      }
      try {
        return Optional.of(new Flag(text.substring(0, bar), Long.parseLong(text.substring(bar + 1))));
      } catch (NumberFormatException e) {
        return Optional.empty();
      }
    }

    /** Whether it still counts at {@code nowMillis} for the shard's current home {@code home}. */
    boolean holds(Address home, long nowMillis, Duration maxAge) {
      return address.equals(home.toString()) && nowMillis - sinceMillis < maxAge.toMillis();
    }
  }

  /**
   * Sets ({@code busy}) or clears the flag of {@code identifier} for this node (written locally, spread by gossip;
   * returns at once).
   */
  public static void mark(ActorSystem<?> system, String identifier, boolean busy) {
    DistributedData ddata = DistributedData.get(system);
    SelfUniqueAddress self = ddata.selfUniqueAddress();
    String address = Cluster.get(system).selfMember().address().toString();
    ddata.replicator().tell(new Replicator.Update<>(KEY, LWWMap.<String, String>empty(), Replicator.writeLocal(),
        system.ignoreRef(), map -> {
          if (busy) {
            return map.put(self, identifier, new Flag(address, System.currentTimeMillis()).encode());
          }
          // Only this node's own flag is cleared: another node may have started a resync of it since.
          String current = map.getEntries().get(identifier);
          boolean mine = current != null && Flag.parse(current).map(f -> f.address().equals(address)).orElse(false);
          return mine ? map.remove(self, identifier) : map;
        }));
  }

  /**
   * Keeps {@code into} up to date with the flags as this node's replica holds them (subscribes to the key).
   */
  static Behavior<Replicator.SubscribeResponse<LWWMap<String, String>>> follower(
      AtomicReference<Map<String, String>> into) {
    return Behaviors.setup(context -> {
      DistributedData.get(context.getSystem()).replicator().tell(new Replicator.Subscribe<>(KEY, context.getSelf()));
      return Behaviors.receiveMessage(msg -> {
        if (msg instanceof Replicator.Changed<LWWMap<String, String>> changed) {
          into.set(Map.copyOf(changed.get(KEY).getEntries()));
        } else if (msg instanceof Replicator.Deleted) {
          into.set(Map.of());
        }
        return Behaviors.same();
      });
    });
  }
}
