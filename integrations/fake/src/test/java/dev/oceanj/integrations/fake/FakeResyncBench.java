package dev.oceanj.integrations.fake;

import dev.oceanj.spi.testing.ResyncHarness;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.util.List;
import java.util.Locale;

/**
 * Drains the fake integration through the harness and prints figures: items, seconds, items/s and the heap.
 * No item is retained, so the heap it needs does not depend on the entity count.
 *
 * <pre>
 * java -Xmx64m -cp ... dev.oceanj.integrations.fake.FakeResyncBench [entityAmount] [entityKbSize] [batchSize] [kind...]
 * </pre>
 * Prints one {@code kind=N} line per kind, then a {@code total ...} line.
 */
public final class FakeResyncBench {

  private FakeResyncBench() {}

  public static void main(String[] args) {
    int entityAmount = args.length > 0 ? Integer.parseInt(args[0]) : 4000;
    int kbSize = args.length > 1 ? Integer.parseInt(args[1]) : 1;
    int batch = args.length > 2 ? Integer.parseInt(args[2]) : 1000;
    List<String> kinds = args.length > 3 ? List.of(args).subList(3, args.length) : FakeIntegration.KINDS;
    String settings = String.format(Locale.ROOT,
        "{\"entityAmount\": %d, \"entityKbSize\": %d, \"thirdPartyBatchSize\": %d}", entityAmount, kbSize, batch);

    var os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
    if (Boolean.getBoolean("bench.warmup")) {
      ResyncHarness.count(new FakeIntegration(), settings, FakeIntegration.PERSON);
    }
    long total = 0;
    long cpuStart = os.getProcessCpuTime();
    long start = System.nanoTime();
    try (var harness = ResyncHarness.start(new FakeIntegration(), settings)) {
      for (String kind : kinds) {
        long n = harness.count(kind);
        total += n;
        System.out.println(kind + "=" + n);
      }
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    double cpuMicrosPerItem = (os.getProcessCpuTime() - cpuStart) / 1e3 / Math.max(1, total);
    long peakHeap = 0;
    for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
      if (pool.getType() == MemoryType.HEAP) {
        peakHeap += pool.getPeakUsage().getUsed();
      }
    }
    System.out.printf(Locale.ROOT, "total items=%d seconds=%.2f items/s=%.0f cpuMicros/item=%.1f maxHeapMB=%d"
        + " peakHeapMB(sum of pools)=%d%n", total, seconds, total / seconds, cpuMicrosPerItem, Runtime.getRuntime().maxMemory() >> 20, peakHeap >> 20);
  }
}
