package dev.oceanj.runtime;

import dev.oceanj.actors.resync.ResyncProtocol.ResyncFinished;
import dev.oceanj.actors.resync.ResyncProtocol.ResyncProgress;
import dev.oceanj.core.sync.KindResult;
import dev.oceanj.core.sync.Reconciler;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Human-readable renderings of resyncs: the end-of-run table, and one progress line per kind. */
public final class ResyncSummary {

  private ResyncSummary() {}

  /** Entities the mapping produced, per second of the whole resync (0 for an instant one). */
  public static double entitiesPerSecond(ResyncFinished finished) {
    return perSecond(finished.kinds().stream().mapToLong(KindResult::mapped).sum(), finished.duration());
  }

  static double perSecond(long count, Duration took) {
    double seconds = took.toNanos() / 1e9;
    return seconds <= 0 ? 0 : count / seconds;
  }

  /**
   * The summary printed at the end of a ONCE run: a header (outcome, duration, entities/s), a table with one row
   * per resource of the mapping and a total, the deletion phase, the misconfigured mapping fields, a sample of
   * entities Port rejected, and the errors.
   */
  public static String render(ResyncFinished f) {
    var out = new StringBuilder();
    long entities = f.kinds().stream().mapToLong(KindResult::mapped).sum();
    out.append(String.format(Locale.ROOT, "Resync %s (%s): %s in %s, %,d entities, %,.0f entities/s%n",
        f.resyncId(), f.trigger(), f.outcome(), seconds(f.duration()), entities, entitiesPerSecond(f)));
    List<String[]> rows = new ArrayList<>();
    rows.add(new String[] {"kind", "fetched", "mapped", "upserted", "unchanged", "failed", "misconfigured"});
    long[] total = new long[6];
    for (KindResult k : f.kinds()) {
      long[] v = {k.fetched(), k.mapped(), k.upserted(), k.unchanged(), k.failedTotal(), k.misconfigured().size()};
      for (int i = 0; i < v.length; i++) {
        total[i] += v[i];
      }
      rows.add(row(k.kind() + (k.error().isPresent() ? " (failed)" : ""), v));
    }
    if (f.kinds().size() > 1) {
      rows.add(row("total", total));
    }
    out.append(table(rows));
    Reconciler.Result r = f.reconciliation();
    if (r.ran()) {
      out.append(String.format(Locale.ROOT, "deleted: %,d (owned before the resync: %,d, not seen: %,d)%n",
          r.deleted(), r.owned(), r.stale()));
    } else {
      out.append("deleted: 0 (deletion skipped: ").append(r.skippedBecause().orElse("not run")).append(")\n");
    }
    for (KindResult k : f.kinds()) {
      for (Map.Entry<String, String> m : k.misconfigured().entrySet()) {
        out.append("misconfigured: ").append(k.kind()).append(' ').append(m.getKey()).append(" = ")
            .append(m.getValue()).append('\n');
      }
      for (Map.Entry<String, String> e : k.failedEntities().entrySet()) {
        out.append("rejected by Port: ").append(k.kind()).append(' ').append(e.getKey()).append(": ")
            .append(e.getValue()).append('\n');
      }
      k.error().ifPresent(e -> out.append("kind failed: ").append(k.kind()).append(": ").append(e).append('\n'));
    }
    f.errors().forEach(e -> out.append("error: ").append(e).append('\n'));
    return out.toString();
  }

  /** Where a kind stood at an earlier progress report: entities done (upserted, unchanged or failed), and when. */
  public record Mark(long done, Instant at) {}

  /** One line per kind of a running resync: counts so far and the rate since it started. */
  public static List<String> progressLines(ResyncProgress p, Instant now) {
    return progressLines(p, now, Map.of());
  }

  /**
   * One line per kind of a running resync: counts so far, the rate since {@code previous} (the kind's last report,
   * when there is one: the pace now, which shows a throttled or stalled kind) and the average since the resync began.
   */
  public static List<String> progressLines(ResyncProgress p, Instant now, Map<Integer, Mark> previous) {
    Duration elapsed = Duration.between(p.started(), now);
    List<String> lines = new ArrayList<>();
    for (KindResult k : p.kinds()) {
      long done = k.upserted() + k.unchanged() + k.failedTotal();
      Mark before = previous.get(k.index());
      String rate = before == null || !before.at().isBefore(now)
          ? String.format(Locale.ROOT, "%,.0f entities/s", perSecond(done, elapsed))
          : String.format(Locale.ROOT, "%,.0f entities/s now, %,.0f on average",
              perSecond(done - before.done(), Duration.between(before.at(), now)), perSecond(done, elapsed));
      lines.add(String.format(Locale.ROOT,
          "resync %s: %s: %,d fetched, %,d mapped, %,d upserted, %,d unchanged, %,d failed (%s, %s)",
          p.resyncId(), k.kind(), k.fetched(), k.mapped(), k.upserted(), k.unchanged(), k.failedTotal(), rate,
          seconds(elapsed)));
    }
    return lines;
  }

  static String seconds(Duration d) {
    return String.format(Locale.ROOT, "%.2f s", d.toMillis() / 1000.0);
  }

  private static String[] row(String name, long[] values) {
    String[] row = new String[values.length + 1];
    row[0] = name;
    for (int i = 0; i < values.length; i++) {
      row[i + 1] = String.format(Locale.ROOT, "%,d", values[i]);
    }
    return row;
  }

  private static String table(List<String[]> rows) {
    int columns = rows.get(0).length;
    int[] width = new int[columns];
    for (String[] row : rows) {
      for (int i = 0; i < columns; i++) {
        width[i] = Math.max(width[i], row[i].length());
      }
    }
    var out = new StringBuilder();
    for (String[] row : rows) {
      for (int i = 0; i < columns; i++) {
        String cell = row[i];
        String pad = " ".repeat(width[i] - cell.length());
        out.append(i == 0 ? cell + pad : "  " + pad + cell);
      }
      out.append('\n');
    }
    return out.toString();
  }
}
