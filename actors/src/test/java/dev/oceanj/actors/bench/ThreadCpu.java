package dev.oceanj.actors.bench;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * CPU time of this process's threads by name, read from {@code /proc/self/task/<tid>/schedstat} (nanoseconds on the
 * CPU), so the JIT compiler and GC threads, which the management beans report only as wall time or not at all, are
 * counted like the others. Names are grouped with their trailing digits dropped ({@code C1 CompilerThre},
 * {@code bench-pekko.actor.default-dispatcher-}). Linux only; elsewhere a snapshot is empty.
 */
final class ThreadCpu {

  private final Map<Long, Sample> byTid;

  private record Sample(String group, long nanos) {}

  private ThreadCpu(Map<Long, Sample> byTid) {
    this.byTid = byTid;
  }

  static ThreadCpu snapshot() {
    Map<Long, Sample> out = new HashMap<>();
    try (DirectoryStream<Path> tasks = Files.newDirectoryStream(Path.of("/proc/self/task"))) {
      for (Path task : tasks) {
        try {
          String name = Files.readString(task.resolve("comm")).strip();
          String nanos = Files.readString(task.resolve("schedstat")).strip().split(" ")[0];
          out.put(Long.parseLong(task.getFileName().toString()),
              new Sample(name.replaceAll("[0-9]+$", ""), Long.parseLong(nanos)));
        } catch (IOException | RuntimeException e) {
          // the thread ended while being read: its time shows up as "ended threads"
        }
      }
    } catch (IOException e) {
      return new ThreadCpu(Map.of());
    }
    return new ThreadCpu(out);
  }

  /**
   * The CPU seconds each thread group used since {@code before}, the largest first, as one line; threads that ended
   * meanwhile are counted from {@code processCpuSeconds}, the process's CPU over the same window.
   */
  String since(ThreadCpu before, double processCpuSeconds) {
    Map<String, Long> groups = new HashMap<>();
    long total = 0;
    for (var e : byTid.entrySet()) {
      long was = before.byTid.containsKey(e.getKey()) ? before.byTid.get(e.getKey()).nanos() : 0;
      long used = e.getValue().nanos() - was;
      groups.merge(e.getValue().group(), used, Long::sum);
      total += used;
    }
    double ended = processCpuSeconds - total / 1e9;
    String line = groups.entrySet().stream().filter(e -> e.getValue() >= 5_000_000)
        .sorted(Map.Entry.<String, Long>comparingByValue().reversed())
        .map(e -> String.format("%s %.2f", e.getKey().strip(), e.getValue() / 1e9))
        .collect(Collectors.joining(", "));
    return line + (ended >= 0.01 ? String.format(", ended threads %.2f", ended) : "");
  }
}
