package dev.oceanj.core.config;

import com.typesafe.config.Config;
import java.time.Duration;
import java.time.temporal.ChronoUnit;

/**
 * How a resync runs ({@code ocean.resync}).
 *
 * @param kindParallelism kinds resynced at once (1 = Ocean's top-to-bottom order)
 * @param mappingParallelism threads mapping items with jq per kind (the configured 0 is resolved to the CPU count)
 * @param upsertConcurrency bulk upserts in flight across all kinds
 * @param upsertBatchMaxLength entities per bulk upsert, 1..20
 * @param upsertBatchMaxSizeBytes estimated JSON bytes per bulk upsert
 * @param deleteBatchSize identifiers per bulk delete, 1..100
 * @param itemsToParseBatchSize items per batch when itemsToParse expands a raw object
 * @param progressInterval time between progress reports
 * @param kindRestart backoff of a failing kind
 */
public record ResyncSettings(
    int kindParallelism,
    int mappingParallelism,
    int upsertConcurrency,
    int upsertBatchMaxLength,
    long upsertBatchMaxSizeBytes,
    int deleteBatchSize,
    int itemsToParseBatchSize,
    Duration progressInterval,
    KindRestart kindRestart) {

  /** Port's bulk upsert accepts at most this many entities. */
  public static final int PORT_MAX_UPSERT_BATCH = 20;
  /** Port's bulk delete accepts at most this many identifiers. */
  public static final int PORT_MAX_DELETE_BATCH = 100;

  /**
   * Restart-with-backoff of a failing kind.
   *
   * @param minBackoff first wait
   * @param maxBackoff longest wait
   * @param jitter random spread, as a fraction in [0, 1]
   * @param maxRestarts restarts before the kind is reported failed (-1 = no limit)
   */
  public record KindRestart(Duration minBackoff, Duration maxBackoff, double jitter, int maxRestarts) {}

  /** Reads {@code ocean.resync} from a root config (defaults already merged in). */
  public static ResyncSettings fromConfig(Config config) {
    ConfigReader r = new ConfigReader(OceanKeys.normalize(config, null));
    ResyncSettings s = read(r);
    r.throwIfProblems();
    return s;
  }

  static ResyncSettings read(ConfigReader r) {
    String p = "ocean.resync.";
    int mapping = r.integer(p + "mapping-parallelism", 0, 1024, 0);
    Duration one = Duration.ofSeconds(1);
    KindRestart restart = new KindRestart(
        r.duration(p + "kind-restart.min-backoff", ChronoUnit.SECONDS, one),
        r.duration(p + "kind-restart.max-backoff", ChronoUnit.SECONDS, one),
        r.decimal(p + "kind-restart.jitter", 0, 1, 0.2),
        r.integer(p + "kind-restart.max-restarts", -1, Integer.MAX_VALUE, 3));
    if (restart.minBackoff().compareTo(restart.maxBackoff()) > 0) {
      r.problem(p + "kind-restart.min-backoff", "expected at most ocean.resync.kind-restart.max-backoff ("
          + restart.maxBackoff() + ")");
    }
    return new ResyncSettings(
        r.integer(p + "kind-parallelism", 1, 1024, 1),
        mapping == 0 ? Runtime.getRuntime().availableProcessors() : mapping,
        r.integer(p + "upsert-concurrency", 1, 1024, 1),
        r.integer(p + "upsert-batch-max-length", 1, PORT_MAX_UPSERT_BATCH, PORT_MAX_UPSERT_BATCH),
        r.bytes(p + "upsert-batch-max-size-bytes", 1, 1_048_576),
        // Ocean lowers larger values to Port's cap instead of failing; an Ocean deployment must keep starting.
        Math.min(PORT_MAX_DELETE_BATCH, r.integer(p + "delete-batch-size", 1, Integer.MAX_VALUE, PORT_MAX_DELETE_BATCH)),
        r.integer(p + "items-to-parse-batch-size", 1, Integer.MAX_VALUE, 200),
        r.duration(p + "progress-interval", ChronoUnit.SECONDS, Duration.ofSeconds(5)),
        restart);
  }
}
