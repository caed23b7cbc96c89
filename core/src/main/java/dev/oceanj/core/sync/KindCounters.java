package dev.oceanj.core.sync;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Live counters of one kind's pipeline. Stages on several threads update them; the supervisor reads them for
 * progress without a message round-trip, which is why they are atomics rather than actor state.
 */
public final class KindCounters {

  static final int SAMPLE = 20;

  private final String kind;
  private final int index;
  final AtomicLong fetched = new AtomicLong();
  final AtomicLong mapped = new AtomicLong();
  final AtomicLong filteredOut = new AtomicLong();
  final AtomicLong dropped = new AtomicLong();
  final AtomicLong upserted = new AtomicLong();
  final AtomicLong unchanged = new AtomicLong();
  final AtomicLong failed = new AtomicLong();
  final AtomicLong mappingErrors = new AtomicLong();
  private final Map<String, String> misconfigured = new LinkedHashMap<>();
  private final Map<String, String> failedEntities = new LinkedHashMap<>();
  private final List<String> errors = new ArrayList<>();

  public KindCounters(String kind, int index) {
    this.kind = kind;
    this.index = index;
  }

  public String kind() {
    return kind;
  }

  public int index() {
    return index;
  }

  /** Records a misconfigured field once per resync, with the first entity it was seen on. */
  void misconfigured(Map<String, String> fields, String sample) {
    if (fields.isEmpty()) {
      return;
    }
    synchronized (misconfigured) {
      fields.forEach((path, expr) -> {
        if (misconfigured.size() < 100) {
          misconfigured.putIfAbsent(path, expr + (sample == null ? "" : " (e.g. entity '" + sample + "')"));
        }
      });
    }
  }

  void failedEntity(String identifier, String message) {
    failed.incrementAndGet();
    synchronized (failedEntities) {
      if (failedEntities.size() < SAMPLE) {
        failedEntities.putIfAbsent(identifier == null ? "<search identifier>" : identifier, message);
      }
    }
  }

  void mappingError(String message) {
    mappingErrors.incrementAndGet();
    synchronized (errors) {
      if (errors.size() < SAMPLE) {
        errors.add(message);
      }
    }
  }

  /** Zeroes everything: a restarted kind counts its new attempt only, so nothing is counted twice. */
  public void reset() {
    for (AtomicLong a : List.of(fetched, mapped, filteredOut, dropped, upserted, unchanged, failed, mappingErrors)) {
      a.set(0);
    }
    synchronized (misconfigured) {
      misconfigured.clear();
    }
    synchronized (failedEntities) {
      failedEntities.clear();
    }
    synchronized (errors) {
      errors.clear();
    }
  }

  /** A consistent-enough snapshot (each counter is exact; they are not read atomically together). */
  public KindResult snapshot() {
    Map<String, String> mis;
    synchronized (misconfigured) {
      mis = new LinkedHashMap<>(misconfigured);
    }
    Map<String, String> fe;
    synchronized (failedEntities) {
      fe = new LinkedHashMap<>(failedEntities);
    }
    List<String> errs;
    synchronized (errors) {
      errs = new ArrayList<>(errors);
    }
    return new KindResult(kind, index, fetched.get(), mapped.get(), filteredOut.get(), dropped.get(), upserted.get(),
        unchanged.get(), failed.get(), mappingErrors.get(), mis, fe, errs);
  }
}
