package dev.oceanj.runtime.http;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.oceanj.actors.resync.ResyncProtocol;
import dev.oceanj.actors.resync.ResyncProtocol.ResyncFinished;
import dev.oceanj.actors.resync.ResyncProtocol.ResyncProgress;
import dev.oceanj.actors.trigger.TriggerInfo;
import dev.oceanj.core.sync.KindResult;
import dev.oceanj.core.sync.Reconciler;
import dev.oceanj.runtime.ResyncSummary;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.Map;

/** JSON renderings of resyncs and triggers for {@code /status} and {@code /resync?wait=true}. */
final class ResyncJson {

  static final ObjectMapper MAPPER = new ObjectMapper();
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  private ResyncJson() {}

  /** A resync waiting for its turn ({@code ocean.host.max-concurrent-resyncs}): neither running nor failed. */
  static ObjectNode pending(ResyncProtocol.ResyncPending p) {
    ObjectNode node = NODES.objectNode();
    node.put("resyncId", p.resyncId());
    node.put("trigger", p.trigger());
    node.put("since", p.since().toString());
    node.put("placeInLine", p.position());
    node.put("maxConcurrentResyncs", p.limit());
    return node;
  }

  static ObjectNode running(ResyncProgress p, Instant now) {
    Duration elapsed = Duration.between(p.started(), now);
    ObjectNode node = NODES.objectNode();
    node.put("resyncId", p.resyncId());
    node.put("trigger", p.trigger());
    node.put("started", p.started().toString());
    node.put("elapsedSeconds", round(elapsed.toMillis() / 1000.0));
    ArrayNode kinds = node.putArray("kinds");
    for (KindResult k : p.kinds()) {
      ObjectNode kind = kind(k);
      // An ended kind's counts are final; its rate is averaged over the whole resync so far, not its own run.
      kind.put("ended", p.finished().contains(k.index()));
      kind.put("ratePerSecond", round(rate(k.upserted() + k.unchanged() + k.failedTotal(), elapsed)));
      kinds.add(kind);
    }
    return node;
  }

  static ObjectNode finished(ResyncFinished f) {
    ObjectNode node = NODES.objectNode();
    node.put("resyncId", f.resyncId());
    node.put("trigger", f.trigger());
    node.put("outcome", f.outcome().name().toLowerCase(Locale.ROOT));
    node.put("started", f.started().toString());
    node.put("finished", f.finished().toString());
    node.put("durationSeconds", round(f.duration().toMillis() / 1000.0));
    node.put("entitiesPerSecond", round(ResyncSummary.entitiesPerSecond(f)));
    ArrayNode kinds = node.putArray("kinds");
    f.kinds().forEach(k -> kinds.add(kind(k)));
    Reconciler.Result r = f.reconciliation();
    ObjectNode rec = node.putObject("reconciliation");
    rec.put("ran", r.ran());
    r.skippedBecause().ifPresent(why -> rec.put("skippedBecause", why));
    rec.put("owned", r.owned());
    rec.put("stale", r.stale());
    rec.put("deleted", r.deleted());
    ArrayNode errors = node.putArray("errors");
    f.errors().forEach(errors::add);
    return node;
  }

  static ObjectNode trigger(TriggerInfo info) {
    ObjectNode node = NODES.objectNode();
    node.put("type", info.mode());
    for (Map.Entry<String, Object> e : info.details().entrySet()) {
      node.set(e.getKey(), MAPPER.valueToTree(e.getValue()));
    }
    return node;
  }

  private static ObjectNode kind(KindResult k) {
    ObjectNode kind = NODES.objectNode();
    kind.put("kind", k.kind());
    kind.put("index", k.index());
    kind.put("fetched", k.fetched());
    kind.put("mapped", k.mapped());
    kind.put("filteredOut", k.filteredOut());
    kind.put("upserted", k.upserted());
    kind.put("unchanged", k.unchanged());
    kind.put("failed", k.failedTotal());
    ObjectNode misconfigured = kind.putObject("misconfigured");
    k.misconfigured().forEach(misconfigured::put);
    ObjectNode rejected = kind.putObject("failedEntities");
    k.failedEntities().forEach(rejected::put);
    k.error().ifPresent(e -> kind.put("error", e));
    return kind;
  }

  private static double rate(long count, Duration took) {
    double seconds = took.toNanos() / 1e9;
    return seconds <= 0 ? 0 : count / seconds;
  }

  private static double round(double value) {
    return Math.round(value * 100) / 100.0;
  }
}
