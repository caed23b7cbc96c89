package dev.oceanj.core.sync;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.oceanj.core.Failures;
import dev.oceanj.core.config.ResyncSettings;
import dev.oceanj.core.mapping.CompiledResource;
import dev.oceanj.spi.RawFields;
import dev.oceanj.core.mapping.MapResult;
import dev.oceanj.core.port.PortApiException;
import dev.oceanj.core.port.PortClient;
import dev.oceanj.core.port.ResyncPort;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.pekko.Done;
import org.apache.pekko.japi.Pair;
import org.apache.pekko.stream.KillSwitches;
import org.apache.pekko.stream.OverflowStrategy;
import org.apache.pekko.stream.UniqueKillSwitch;
import org.apache.pekko.stream.javadsl.Keep;
import org.apache.pekko.stream.javadsl.RunnableGraph;
import org.apache.pekko.stream.javadsl.Sink;
import org.apache.pekko.stream.javadsl.Source;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One kind's resync as a Pekko stream, back-pressured end to end:
 *
 * <pre>
 * raw batches (SPI, one fetched ahead) → chunks → [CPU pool, mapping-parallelism] itemsToParse + selector
 *   + mapping, serialize, mark seen, skip unchanged → {@link PortWriter}: per-blueprint batches (≤ 20 entities,
 *   ≤ 1 MiB of real bytes) → [upsert-concurrency] bulk upsert through the client's org-wide write limiter, digests
 *   recorded → per-entity outcomes counted
 * </pre>
 *
 * <p>Nothing holds the kind: at most {@code mapping-parallelism} chunks and {@code upsert-concurrency}
 * batches are in flight. Per-item mapping errors and per-entity Port rejections are counted, sampled and
 * never fail the stream; a failing source does (the kind is then restarted or reported as an error). The
 * kill switch right after the source stops the kind when a newer resync aborts this one.
 */
public final class ResyncPipeline {

  private static final Logger log = LoggerFactory.getLogger(ResyncPipeline.class);
  static final int RAW_EXAMPLES = 5;

  private final ResyncSettings settings;
  private final ResyncPort client;
  private final PortWriter writer;
  private final Executor cpu;
  private final ObjectMapper json;

  /**
   * @param cpu a bounded pool for mapping (jq is CPU-bound; never the actor dispatcher)
   * @param client Port; entities are written through a {@link PortWriter} on it
   * @param json the mapper used to serialize entities (must match what the client sends, for byte limits)
   */
  public ResyncPipeline(ResyncSettings settings, ResyncPort client, Executor cpu, ObjectMapper json) {
    this.settings = settings;
    this.client = client;
    this.writer = PortWriter.forResync(client);
    this.cpu = cpu;
    this.json = json;
  }

  /**
   * What the source of {@code resource} must keep of its raw objects: what the mapping reads
   * ({@link CompiledResource#rawReads()}), everything when it may read the whole object; the first objects whole
   * when raw data examples are sent to Port.
   */
  public static RawFields rawFields(CompiledResource resource, ResyncSettings settings) {
    return resource.rawReads()
        .map(r -> RawFields.paths(r.whole(), r.present(), settings.sendRawDataExamples() ? RAW_EXAMPLES : 0))
        .orElse(RawFields.all());
  }

  /**
   * The graph of one kind; materializes to its kill switch and its result. {@code counters} is reset when the
   * graph is materialized, so a restarted kind counts its last attempt only.
   */
  public RunnableGraph<Pair<UniqueKillSwitch, CompletionStage<KindResult>>> graph(
      ResyncRun run, CompiledResource resource, Source<List<JsonNode>, ?> raw, KindCounters counters) {
    RawExamples examples = new RawExamples(resource.kind(), settings.sendRawDataExamples());
    int chunk = settings.itemsToParseBatchSize();
    return Source.lazySource(() -> {
          counters.reset();
          return raw;
        })
        .viaMat(KillSwitches.single(), Keep.right())
        // Fetch the next raw batch while this one is mapped and written: without it the source waits until every
        // chunk of the current batch has been pulled, and the 3rd party's latency adds to the kind's time instead
        // of overlapping it. One batch ahead bounds what is held (a batch is a page of the 3rd party's API).
        .buffer(1, OverflowStrategy.backpressure())
        .map(batch -> {
          counters.fetched.addAndGet(batch.size());
          examples.offer(batch);
          return batch;
        })
        .mapConcat(batch -> chunks(batch, chunk))
        .mapAsyncUnordered(settings.mappingParallelism(),
            items -> CompletableFuture.supplyAsync(() -> prepare(run, resource, items, counters), cpu))
        .mapConcat(list -> list)
        .via(writer.upserts(run, settings))
        .map(written -> counted(run, resource.kind(), written, counters))
        .toMat(Sink.ignore(), Keep.both())
        .mapMaterializedValue(p -> Pair.create(p.first(), p.second().thenApply(done -> {
          examples.finish();
          return counters.snapshot();
        })));
  }

  private static List<List<JsonNode>> chunks(List<JsonNode> batch, int size) {
    if (batch.size() <= size) {
      return List.of(batch);
    }
    List<List<JsonNode>> out = new ArrayList<>(batch.size() / size + 1);
    for (int i = 0; i < batch.size(); i += size) {
      out.add(batch.subList(i, Math.min(batch.size(), i + size)));
    }
    return out;
  }

  /** Maps a chunk of raw items; runs on the CPU pool. */
  List<PreparedEntity> prepare(ResyncRun run, CompiledResource resource, List<JsonNode> items, KindCounters counters) {
    List<PreparedEntity> out = new ArrayList<>(items.size());
    for (JsonNode raw : items) {
      try {
        resource.expandItems(raw, item -> prepareItem(run, resource, item, counters, out));
      } catch (RuntimeException e) {
        counters.mappingError("itemsToParse failed: " + e.getMessage());
      }
    }
    return out;
  }

  private void prepareItem(ResyncRun run, CompiledResource resource, JsonNode item, KindCounters counters,
      List<PreparedEntity> out) {
    MapResult outcome;
    try {
      outcome = resource.map(item);
    } catch (RuntimeException e) {
      outcome = new MapResult.SelectorError(String.valueOf(e.getMessage()));
    }
    if (outcome instanceof MapResult.FilteredOut) {
      counters.filteredOut.incrementAndGet();
    } else if (outcome instanceof MapResult.Dropped d) {
      counters.dropped.incrementAndGet();
      counters.misconfigured(d.misconfigured(), null);
    } else if (outcome instanceof MapResult.SelectorError f) {
      counters.mappingError(f.message());
    } else if (outcome instanceof MapResult.Mapped m) {
      counters.mapped.incrementAndGet();
      counters.misconfigured(m.misconfigured(), m.identifier());
      run.referenced().ifPresent(refs -> relationTargets(m.entity(), refs));
      byte[] bytes;
      try {
        bytes = json.writeValueAsBytes(m.entity());
      } catch (JsonProcessingException e) {
        counters.mappingError("entity '" + m.identifier() + "' cannot be serialized: " + e.getOriginalMessage());
        return;
      }
      long key = 0;
      long digest = 0;
      if (m.identifier() != null) {
        key = KeyHash.key(m.blueprint(), m.identifier());
        run.seen().add(key);
        digest = KeyHash.digest(KeyHash.identifier(m.blueprint()), bytes);
        // Skip only what Port has now (listing at resync start) and what we last wrote identically.
        if (run.skipping() && run.digests().get().unchanged(key, digest)) {
          counters.unchanged.incrementAndGet();
          return;
        }
      }
      out.add(new PreparedEntity(m.blueprint(), m.identifier(), key, m.entity(), bytes, digest));
    }
  }

  /** Relation values that name an entity (strings, or arrays of strings); search-query relations are skipped. */
  private static void relationTargets(ObjectNode entity, LongSet refs) {
    JsonNode relations = entity.get("relations");
    if (relations == null || !relations.isObject()) {
      return;
    }
    relations.forEach(v -> {
      if (v.isTextual()) {
        refs.add(KeyHash.identifier(v.textValue()));
      } else if (v.isArray()) {
        v.forEach(e -> {
          if (e.isTextual()) {
            refs.add(KeyHash.identifier(e.textValue()));
          }
        });
      }
    });
  }

  /** Counts what the write stage reports; failed entities are kept for the retry after the kinds. */
  private static Done counted(ResyncRun run, String kind, List<PortWriter.Written> written, KindCounters counters) {
    for (PortWriter.Written w : written) {
      PreparedEntity e = w.entity();
      if (w.failure() != null) {
        counters.failedEntity(e.identifier(), w.failure());
        if (!run.plan().createMissingRelatedEntities()) {
          run.retainFailed(w.blueprint(), e.entity(), kind);
        }
      } else if (w.outcome().ok()) {
        counters.upserted.incrementAndGet();
        if (e.identifier() == null && w.outcome().identifier() != null) {
          // A search identifier: Port resolved it, so reconciliation must know the entity as seen.
          run.seen().add(KeyHash.key(w.blueprint(), w.outcome().identifier()));
        }
      } else {
        counters.dropped.incrementAndGet(); // the search identifier matched nothing: Ocean drops it too
      }
    }
    return Done.getInstance();
  }

  static String describe(Throwable error) {
    return Failures.unwrap(error) instanceof PortApiException pe ? pe.getMessage() : Failures.describe(error);
  }

  /** The first raw items of a kind, masked and sent once per resync (failures only logged, as in Ocean). */
  private final class RawExamples {
    private final String kind;
    private final boolean enabled;
    private final List<JsonNode> items = new ArrayList<>(RAW_EXAMPLES);
    private final AtomicBoolean sent = new AtomicBoolean();

    RawExamples(String kind, boolean enabled) {
      this.kind = kind;
      this.enabled = enabled;
    }

    void offer(List<JsonNode> batch) {
      if (!enabled || sent.get()) {
        return;
      }
      for (JsonNode n : batch) {
        if (items.size() >= RAW_EXAMPLES) {
          break;
        }
        items.add(SecretMasker.mask(n));
      }
      if (items.size() >= RAW_EXAMPLES) {
        send();
      }
    }

    void finish() {
      if (enabled && !items.isEmpty()) {
        send();
      }
    }

    private void send() {
      if (sent.compareAndSet(false, true)) {
        List<JsonNode> copy = List.copyOf(items);
        try {
          client.sendRawDataExamples(kind, copy).whenComplete((v, e) -> {
            if (e != null) {
              log.warn("Could not send raw data examples of kind {}: {}", kind, describe(e));
            }
          });
        } catch (RuntimeException e) {
          log.warn("Could not send raw data examples of kind {}: {}", kind, describe(e));
        }
      }
    }
  }
}
