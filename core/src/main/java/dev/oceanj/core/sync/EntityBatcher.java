package dev.oceanj.core.sync;

import dev.oceanj.core.port.PortLimits;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Groups entities per blueprint into bulk-upsert batches of at most {@code maxLength} entities and
 * {@code maxBytes} of request body, measured on the real serialized entities (Ocean estimates from the first
 * ten). Used as the state of a {@code statefulMap} stage: not thread-safe, one instance per stream.
 */
final class EntityBatcher {

  private final int maxLength;
  private final long maxBytes;
  private final Map<String, Pending> pending = new LinkedHashMap<>();

  EntityBatcher(int maxLength, long maxBytes) {
    this.maxLength = maxLength;
    this.maxBytes = maxBytes;
  }

  /** Adds {@code e}; answers the batches it completed (usually none, at most two). */
  List<UpsertBatch> add(PreparedEntity e) {
    List<UpsertBatch> out = List.of();
    Pending p = pending.computeIfAbsent(e.blueprint(), bp -> new Pending());
    long withE = p.bytes + e.bytes() + (p.entities.isEmpty() ? 0 : 1);
    if (!p.entities.isEmpty() && PortLimits.BULK_ENVELOPE_BYTES + withE > maxBytes) {
      out = new ArrayList<>(2);
      out.add(p.take(e.blueprint()));
    }
    p.entities.add(e);
    p.bytes += e.bytes() + (p.entities.size() == 1 ? 0 : 1);
    // One entity larger than the limit still goes out alone: Port answers for it, and the client splits on 413.
    if (p.entities.size() >= maxLength || PortLimits.BULK_ENVELOPE_BYTES + p.bytes >= maxBytes) {
      if (out.isEmpty()) {
        out = new ArrayList<>(1);
      }
      out.add(p.take(e.blueprint()));
    }
    return out;
  }

  /** Every partial batch left, at the end of the stream. */
  List<UpsertBatch> flush() {
    List<UpsertBatch> out = new ArrayList<>();
    pending.forEach((bp, p) -> {
      if (!p.entities.isEmpty()) {
        out.add(p.take(bp));
      }
    });
    pending.clear();
    return out;
  }

  private static final class Pending {
    List<PreparedEntity> entities = new ArrayList<>();
    long bytes;

    UpsertBatch take(String blueprint) {
      UpsertBatch b = new UpsertBatch(blueprint, entities, PortLimits.BULK_ENVELOPE_BYTES + bytes);
      entities = new ArrayList<>();
      bytes = 0;
      return b;
    }
  }
}
