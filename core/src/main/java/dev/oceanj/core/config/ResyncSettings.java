package dev.oceanj.core.config;

import com.typesafe.config.Config;
import dev.oceanj.core.port.PortLimits;
import java.nio.file.Path;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.Optional;

/**
 * How a resync runs ({@code ocean.resync}, plus {@code ocean.data-dir} and {@code ocean.send-raw-data-examples}):
 * parallelism of kinds, mapping and upserts, batch limits, kind restarts and the skip-unchanged store. Read once at
 * boot by {@link OceanSettings}; the defaults are those of {@code config/application.conf}.
 *
 * @param kindParallelism kinds resynced at once (1 = Ocean's top-to-bottom order)
 * @param mappingParallelism threads mapping items with jq per kind (the configured 0 is resolved to the CPU count)
 * @param upsertConcurrency bulk-upsert requests in flight in each running kind (and bulk deletes in flight while
 *     reconciling); the write limiter still paces them to Port's rate limit
 * @param upsertBatchMaxLength entities per bulk upsert, 1..{@value PortLimits#MAX_UPSERT_ENTITIES}
 * @param upsertBatchMaxSizeBytes serialized bytes per bulk-upsert body, 1 KiB..{@value PortLimits#MAX_BODY_BYTES}
 * @param deleteBatchSize identifiers per bulk delete, 1..{@value PortLimits#MAX_DELETE_IDENTIFIERS}
 * @param itemsToParseBatchSize items per batch when itemsToParse expands a raw object
 * @param progressInterval time between progress reports of a running resync
 * @param kindRestart backoff of a failing kind
 * @param skipUnchanged whether entities already in Port as mapped are left alone
 * @param dataDir where the skip-unchanged digests survive restarts ({@code ocean.data-dir}); empty keeps them in
 *     memory only (tests)
 * @param sendRawDataExamples whether the first raw items of each kind are sent to Port
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
    KindRestart kindRestart,
    boolean skipUnchanged,
    Optional<Path> dataDir,
    boolean sendRawDataExamples) {

  /**
   * Restart-with-backoff of a failing kind.
   *
   * @param minBackoff first wait
   * @param maxBackoff longest wait
   * @param jitter random spread, as a fraction in [0, 1]
   * @param maxRestarts restarts before the kind is reported failed, which disables deletion (-1 = no limit)
   */
  public record KindRestart(Duration minBackoff, Duration maxBackoff, double jitter, int maxRestarts) {

    /** Whether a kind that failed {@code attempts} times has used up its restarts. */
    public boolean exhausted(int attempts) {
      return maxRestarts >= 0 && attempts > maxRestarts;
    }

    /** {@link #jitter()} under Pekko's name ({@code restartWithBackoff(min, max, randomFactor)}). */
    public double randomFactor() {
      return jitter;
    }
  }

  /**
   * The shipped defaults ({@code config/application.conf}) with the digests kept in memory instead of under
   * {@code ocean.data-dir}: for tests and embedded use.
   */
  public static ResyncSettings defaults() {
    return OceanSettings.fromConfig(OceanSettings.defaults()).resync().withSkipUnchanged(true, Optional.empty());
  }

  /** Reads {@code ocean.resync} (and the two root keys) from {@code config} over the shipped defaults. */
  public static ResyncSettings fromConfig(Config config) {
    ConfigReader r = new ConfigReader(OceanKeys.normalize(config.withFallback(OceanSettings.defaults()), null)
        .resolve());
    ResyncSettings s = read(r, Optional.of(Path.of(r.string("ocean.data-dir", ".oceanj"))));
    r.throwIfProblems();
    return s;
  }

  static ResyncSettings read(ConfigReader r, Optional<Path> dataDir) {
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
    int kinds = r.integer(p + "kind-parallelism", 1, 1024, 1);
    int upserts = r.integer(p + "upsert-concurrency", 1, 1024, 32);
    int maxLength = r.integer(p + "upsert-batch-max-length", 1, PortLimits.MAX_UPSERT_ENTITIES,
        PortLimits.MAX_UPSERT_ENTITIES);
    long maxBytes = r.bytes(p + "upsert-batch-max-size-bytes", 1024, PortLimits.MAX_BODY_BYTES);
    if (maxBytes > PortLimits.MAX_BODY_BYTES) {
      r.problem(p + "upsert-batch-max-size-bytes", "expected at most Port's " + PortLimits.MAX_BODY_BYTES
          + " bytes, got " + maxBytes);
    }
    return new ResyncSettings(
        kinds,
        mapping == 0 ? Runtime.getRuntime().availableProcessors() : mapping,
        upserts,
        maxLength,
        Math.min(maxBytes, PortLimits.MAX_BODY_BYTES),
        // Ocean lowers larger values to Port's cap instead of failing; an Ocean deployment must keep starting.
        Math.min(PortLimits.MAX_DELETE_IDENTIFIERS,
            r.integer(p + "delete-batch-size", 1, Integer.MAX_VALUE, PortLimits.MAX_DELETE_IDENTIFIERS)),
        r.integer(p + "items-to-parse-batch-size", 1, Integer.MAX_VALUE, 200),
        r.duration(p + "progress-interval", ChronoUnit.SECONDS, Duration.ofSeconds(5)),
        restart,
        r.bool(p + "skip-unchanged", true),
        dataDir,
        r.bool("ocean.send-raw-data-examples", true));
  }

  /** A copy with another number of bulk upserts in flight per kind. */
  public ResyncSettings withUpsertConcurrency(int n) {
    return new ResyncSettings(kindParallelism, mappingParallelism, n, upsertBatchMaxLength, upsertBatchMaxSizeBytes,
        deleteBatchSize, itemsToParseBatchSize, progressInterval, kindRestart, skipUnchanged, dataDir,
        sendRawDataExamples);
  }

  /** A copy with another kind-restart policy. */
  public ResyncSettings withKindRestart(KindRestart k) {
    return new ResyncSettings(kindParallelism, mappingParallelism, upsertConcurrency, upsertBatchMaxLength,
        upsertBatchMaxSizeBytes, deleteBatchSize, itemsToParseBatchSize, progressInterval, k, skipUnchanged, dataDir,
        sendRawDataExamples);
  }

  /** A copy with skip-unchanged switched on or off and another digest folder (empty = in memory). */
  public ResyncSettings withSkipUnchanged(boolean skip, Optional<Path> dir) {
    return new ResyncSettings(kindParallelism, mappingParallelism, upsertConcurrency, upsertBatchMaxLength,
        upsertBatchMaxSizeBytes, deleteBatchSize, itemsToParseBatchSize, progressInterval, kindRestart, skip, dir,
        sendRawDataExamples);
  }
}
