package dev.oceanj.runtime;

import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.time.Duration;
import java.util.function.LongSupplier;
import org.apache.pekko.actor.Cancellable;
import org.apache.pekko.actor.typed.ActorSystem;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Gives the heap back to the system once a long-running process has gone idle. The serial collector, the one a
 * container of one CPU or under 1.8 GB gets, grows the heap for a resync and shrinks it only after a full
 * collection, which an idle process never has: without this a pod keeps its resync-sized heap until the next one.
 *
 * <p>Every {@code interval} it looks at the number of collections: when none happened during the last interval (no
 * resync or burst of live events is allocating) but some happened since the last trim (or it never trimmed: the
 * start-up's garbage), and more than {@code slack} of the committed heap is unused, it asks for one full collection
 * ({@link System#gc()}), after which the JVM shrinks the heap as {@code -XX:MaxHeapFreeRatio} says. A busy process
 * is never interrupted, and an idle one is trimmed once, not every interval.
 */
final class IdleHeapTrim {

  private static final Logger LOG = LoggerFactory.getLogger(IdleHeapTrim.class);

  private final LongSupplier collections;
  private final LongSupplier unusedHeap;
  private final Runnable collect;
  private final long slack;
  private long lastSeen;
  private long atLastTrim = -1;

  IdleHeapTrim(LongSupplier collections, LongSupplier unusedHeap, Runnable collect, long slack) {
    this.collections = collections;
    this.unusedHeap = unusedHeap;
    this.collect = collect;
    this.slack = slack;
    this.lastSeen = collections.getAsLong();
  }

  /** Starts checking every {@code interval} on the system's scheduler; cancelled with the system. */
  static Cancellable start(ActorSystem<?> system, Duration interval) {
    MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
    var trim = new IdleHeapTrim(IdleHeapTrim::collectionCount,
        () -> memory.getHeapMemoryUsage().getCommitted() - memory.getHeapMemoryUsage().getUsed(),
        System::gc, 1L << 20);
    return system.scheduler().scheduleWithFixedDelay(interval, interval, trim::check, system.executionContext());
  }

  /** One look; true when it collected. */
  boolean check() {
    long now = collections.getAsLong();
    boolean quiet = now == lastSeen;
    lastSeen = now;
    if (!quiet || now == atLastTrim || unusedHeap.getAsLong() <= slack) {
      return false;
    }
    long unused = unusedHeap.getAsLong();
    collect.run();
    atLastTrim = collections.getAsLong();
    lastSeen = atLastTrim;
    LOG.debug("Idle: collected to give back the unused heap ({} MB unused before)", unused >> 20);
    return true;
  }

  private static long collectionCount() {
    long total = 0;
    for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
      total += Math.max(0, gc.getCollectionCount());
    }
    return total;
  }
}
