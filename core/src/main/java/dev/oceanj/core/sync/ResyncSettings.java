package dev.oceanj.core.sync;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import dev.oceanj.core.config.ConfigurationException;
import dev.oceanj.core.config.OceanSettings;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/**
 * How a resync runs: parallelism of kinds, mapping and upserts, batch limits, kind restarts and the
 * skip-unchanged store. Read once at boot from {@code ocean.resync} (plus {@code ocean.data-dir} and
 * {@code ocean.send-raw-data-examples}).
 *
 * @param kindParallelism kinds resynced at once; 1 gives Ocean's strict top-to-bottom order
 * @param mappingParallelism chunks of raw items mapped at once on the CPU pool
 * @param upsertConcurrency bulk-upsert requests in flight per kind
 * @param upsertBatchMaxLength entities per bulk upsert (Port allows 20)
 * @param upsertBatchMaxSizeBytes serialized bytes per bulk-upsert body (Port allows 1 MiB)
 * @param deleteBatchSize identifiers per bulk delete (Port allows 100)
 * @param itemsToParseBatchSize raw items per mapping task (Ocean's itemsToParse batch is 200)
 * @param progressInterval how often progress is logged while a resync runs
 * @param kindRestart backoff of a kind whose extraction fails
 * @param skipUnchanged whether entities already in Port as mapped are left alone
 * @param dataDir where the skip-unchanged digests survive restarts; empty keeps them in memory only
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

  /** Port's limits: at most 20 entities and 1 MiB per bulk upsert, 100 identifiers per bulk delete. */
  public static final int PORT_MAX_UPSERT_BATCH = 20;
  public static final long PORT_MAX_UPSERT_BYTES = 1024L * 1024L;
  public static final int PORT_MAX_DELETE_BATCH = 100;

  public ResyncSettings {
    positive("ocean.resync.kind-parallelism", kindParallelism);
    positive("ocean.resync.mapping-parallelism", mappingParallelism);
    positive("ocean.resync.upsert-concurrency", upsertConcurrency);
    positive("ocean.resync.items-to-parse-batch-size", itemsToParseBatchSize);
    if (upsertBatchMaxLength < 1 || upsertBatchMaxLength > PORT_MAX_UPSERT_BATCH) {
      throw new IllegalArgumentException(
          "ocean.resync.upsert-batch-max-length must be 1.." + PORT_MAX_UPSERT_BATCH + ", was " + upsertBatchMaxLength);
    }
    if (upsertBatchMaxSizeBytes < 1024 || upsertBatchMaxSizeBytes > PORT_MAX_UPSERT_BYTES) {
      throw new IllegalArgumentException("ocean.resync.upsert-batch-max-size-bytes must be 1 KiB..1 MiB, was "
          + upsertBatchMaxSizeBytes);
    }
    if (deleteBatchSize < 1 || deleteBatchSize > PORT_MAX_DELETE_BATCH) {
      throw new IllegalArgumentException(
          "ocean.resync.delete-batch-size must be 1.." + PORT_MAX_DELETE_BATCH + ", was " + deleteBatchSize);
    }
    if (progressInterval.isNegative() || progressInterval.isZero()) {
      throw new IllegalArgumentException("ocean.resync.progress-interval must be positive, was " + progressInterval);
    }
  }

  /**
   * Restart-with-backoff of a failed kind.
   *
   * @param maxRestarts restarts before the kind counts as failed (which disables deletion); -1 = no limit
   */
  public record KindRestart(Duration minBackoff, Duration maxBackoff, double randomFactor, int maxRestarts) {

    /** Whether a kind that failed {@code attempts} times has used up its restarts. */
    public boolean exhausted(int attempts) {
      return maxRestarts >= 0 && attempts > maxRestarts;
    }

    public KindRestart {
      if (minBackoff.isNegative() || maxBackoff.compareTo(minBackoff) < 0) {
        throw new IllegalArgumentException("ocean.resync.kind-restart: need 0 <= min-backoff <= max-backoff");
      }
      if (randomFactor < 0 || maxRestarts < -1) {
        throw new IllegalArgumentException(
            "ocean.resync.kind-restart: jitter must be >= 0 and max-restarts >= -1 (-1 = no limit)");
      }
    }
  }

  /** Sensible defaults for tests and embedded use: what {@code config/application.conf} ships. */
  public static ResyncSettings defaults() {
    int cpus = Runtime.getRuntime().availableProcessors();
    return new ResyncSettings(1, cpus, 32, PORT_MAX_UPSERT_BATCH, PORT_MAX_UPSERT_BYTES,
        PORT_MAX_DELETE_BATCH, 200, Duration.ofSeconds(10),
        new KindRestart(Duration.ofSeconds(1), Duration.ofSeconds(30), 0.2, 3), true, Optional.empty(), true);
  }

  /**
   * Reads {@code ocean.resync}: the keys shared with {@link dev.oceanj.core.config.ResyncSettings} are read and
   * validated there (one reader, one set of defaults: {@code config/application.conf}); this record adds what
   * only the engine needs ({@code skip-unchanged}, {@code ocean.data-dir}, {@code ocean.send-raw-data-examples}).
   * A bad value fails naming its key.
   */
  public static ResyncSettings fromConfig(Config root) {
    ResyncSettings d = defaults();
    dev.oceanj.core.config.ResyncSettings base;
    try {
      base = dev.oceanj.core.config.ResyncSettings.fromConfig(root.withFallback(OceanSettings.defaults()));
    } catch (ConfigurationException e) {
      throw new IllegalArgumentException("invalid resync setting: " + e.getMessage(), e);
    }
    try {
      var restart = base.kindRestart();
      // Absent here means "keep digests in memory": only a configured data dir makes them survive restarts.
      Optional<Path> dataDir = root.hasPath("ocean.data-dir") && !root.getIsNull("ocean.data-dir")
          ? Optional.of(Path.of(root.getString("ocean.data-dir"))) : Optional.empty();
      return new ResyncSettings(
          base.kindParallelism(),
          base.mappingParallelism(),
          base.upsertConcurrency(),
          base.upsertBatchMaxLength(),
          base.upsertBatchMaxSizeBytes(),
          base.deleteBatchSize(),
          base.itemsToParseBatchSize(),
          base.progressInterval(),
          new KindRestart(restart.minBackoff(), restart.maxBackoff(), restart.jitter(), restart.maxRestarts()),
          root.hasPath("ocean.resync.skip-unchanged") ? root.getBoolean("ocean.resync.skip-unchanged")
              : d.skipUnchanged,
          dataDir,
          root.hasPath("ocean.send-raw-data-examples") ? root.getBoolean("ocean.send-raw-data-examples")
              : d.sendRawDataExamples);
    } catch (ConfigException e) {
      throw new IllegalArgumentException("invalid resync setting: " + e.getMessage(), e);
    }
  }

  /** A copy with another kind parallelism. */
  public ResyncSettings withKindParallelism(int n) {
    return new ResyncSettings(n, mappingParallelism, upsertConcurrency, upsertBatchMaxLength, upsertBatchMaxSizeBytes,
        deleteBatchSize, itemsToParseBatchSize, progressInterval, kindRestart, skipUnchanged, dataDir,
        sendRawDataExamples);
  }

  /** A copy with another number of bulk upserts in flight. */
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

  /** A copy with skip-unchanged switched on or off and another data directory. */
  public ResyncSettings withSkipUnchanged(boolean skip, Optional<Path> dir) {
    return new ResyncSettings(kindParallelism, mappingParallelism, upsertConcurrency, upsertBatchMaxLength,
        upsertBatchMaxSizeBytes, deleteBatchSize, itemsToParseBatchSize, progressInterval, kindRestart, skip, dir,
        sendRawDataExamples);
  }

  /** A copy with batch limits changed (tests of batching). */
  public ResyncSettings withBatchLimits(int maxLength, long maxBytes) {
    return new ResyncSettings(kindParallelism, mappingParallelism, upsertConcurrency, maxLength, maxBytes,
        deleteBatchSize, itemsToParseBatchSize, progressInterval, kindRestart, skipUnchanged, dataDir,
        sendRawDataExamples);
  }

  private static void positive(String key, int v) {
    if (v < 1) {
      throw new IllegalArgumentException(key + " must be >= 1, was " + v);
    }
  }
}
