package dev.oceanj.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.ManagementFactory;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class IdleHeapTrimTest {

  final AtomicLong collections = new AtomicLong(10);
  final AtomicLong unused = new AtomicLong(64L << 20);
  final AtomicInteger collected = new AtomicInteger();
  final IdleHeapTrim trim = new IdleHeapTrim(collections::get, unused::get, () -> {
    collected.incrementAndGet();
    collections.incrementAndGet();
    unused.set(1L << 20);
  }, 8L << 20);

  @Test
  void trimsWhatTheStartLeftAtTheFirstQuietLookThenWaitsForNewCollections() {
    assertTrue(trim.check(), "quiet since it was created, never trimmed");
    unused.set(64L << 20);
    assertFalse(trim.check(), "no collection since the trim");
    assertEquals(1, collected.get());
  }

  @Test
  void collectsOnceAfterABusySpellEndsAndNotWhileBusy() {
    collections.addAndGet(5);
    assertFalse(trim.check(), "collections during the last interval: busy");
    collections.addAndGet(3);
    assertFalse(trim.check(), "still busy");
    assertTrue(trim.check(), "quiet for one interval after collections: trim");
    assertEquals(1, collected.get());
    unused.set(64L << 20);
    assertFalse(trim.check(), "no collection since the trim: nothing to give back again");
    assertFalse(trim.check());
    assertEquals(1, collected.get());
  }

  @Test
  void leavesASmallHeapAlone() {
    unused.set(4L << 20);
    assertFalse(trim.check(), "quiet, but only 4 MB unused");
    collections.addAndGet(2);
    assertFalse(trim.check());
    assertFalse(trim.check(), "quiet again, still only 4 MB unused");
    unused.set(16L << 20);
    assertTrue(trim.check());
  }

  @Test
  void onTheRealJvmAQuietIntervalAfterACollectionRunsOneMore() {
    var memory = ManagementFactory.getMemoryMXBean();
    var real = new IdleHeapTrim(() -> ManagementFactory.getGarbageCollectorMXBeans().stream()
        .mapToLong(gc -> Math.max(0, gc.getCollectionCount())).sum(),
        () -> memory.getHeapMemoryUsage().getCommitted() - memory.getHeapMemoryUsage().getUsed(), System::gc, 0);
    System.gc();
    long before = ManagementFactory.getGarbageCollectorMXBeans().stream().mapToLong(gc -> gc.getCollectionCount()).sum();
    boolean ran = false;
    for (int i = 0; i < 5 && !ran; i++) {   // another collection of this JVM between two looks only delays it
      ran = real.check();
    }
    assertTrue(ran, "a collection happened since start and none during an interval");
    long after = ManagementFactory.getGarbageCollectorMXBeans().stream().mapToLong(gc -> gc.getCollectionCount()).sum();
    assertTrue(after > before, "the trim ran a collection");
  }
}
