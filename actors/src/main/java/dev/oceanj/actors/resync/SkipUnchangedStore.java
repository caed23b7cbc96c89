package dev.oceanj.actors.resync;

import dev.oceanj.core.Failures;
import dev.oceanj.actors.resync.ResyncProtocol.Outcome;
import dev.oceanj.core.sync.DigestStore;
import dev.oceanj.core.sync.LiveWrites;
import dev.oceanj.core.sync.LongSet;
import dev.oceanj.core.sync.ResyncRun;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The skip-unchanged memory of one integration ({@code <data-dir>/resync/<identifier>.digests}): loaded at the
 * first resync and then kept, told about the live-event path's writes from then on, pruned after a complete
 * resync and saved after every one. Used by the {@link IntegrationSupervisor} only, from its own thread; loading
 * and saving run on the mapping pool.
 */
final class SkipUnchangedStore {

  private static final Logger log = LoggerFactory.getLogger(SkipUnchangedStore.class);

  private final boolean enabled;
  private final Optional<Path> file;
  private final LiveWrites liveWrites;
  private final Executor pool;
  private CompletableFuture<DigestStore> loaded;

  /**
   * @param enabled {@code ocean.resync.skip-unchanged}
   * @param dataDir {@code ocean.data-dir}; without it the store lives in memory only
   */
  SkipUnchangedStore(boolean enabled, Optional<Path> dataDir, String identifier, LiveWrites liveWrites,
      Executor pool) {
    this.enabled = enabled;
    this.file = dataDir.map(d -> d.resolve("resync").resolve(identifier.replaceAll("[^A-Za-z0-9._-]", "_")
        + ".digests"));
    this.liveWrites = liveWrites;
    this.pool = pool;
  }

  /** The store for the next resync; completed with null when skip-unchanged is off. */
  CompletionStage<DigestStore> forNextResync() {
    if (!enabled) {
      return CompletableFuture.completedFuture(null);
    }
    if (loaded == null || loaded.isCompletedExceptionally()) {
      loaded = CompletableFuture.supplyAsync(() -> {
        DigestStore store = file.map(DigestStore::load).orElseGet(DigestStore::new);
        liveWrites.attach(store);
        return store;
      }, pool);
    }
    return loaded;
  }

  /**
   * Keeps what a finished resync learnt; completes when it is on disk.
   *
   * @param run the resync's run, empty when it ended before its kinds started (then there is nothing to keep)
   */
  CompletionStage<Void> save(Outcome outcome, Optional<ResyncRun> run) {
    Optional<DigestStore> store = run.flatMap(ResyncRun::digests);
    boolean prune = outcome == Outcome.COMPLETED;
    if (store.isEmpty() || (!prune && file.isEmpty())) {
      return CompletableFuture.completedFuture(null);
    }
    LongSet seen = run.get().seen();
    // Pruning to what this complete resync saw keeps the store the size of the catalog; an aborted or failed
    // resync saw only part of it, so its store is kept whole.
    CompletableFuture<Void> work = CompletableFuture.runAsync(() -> {
      if (prune) {
        store.get().retain(seen::contains);
      }
      if (file.isPresent()) {
        try {
          store.get().save(file.get());
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      }
    }, pool);
    work.whenComplete((v, e) -> {
      if (e != null) {
        log.warn("Could not save the skip-unchanged store {}: {}", file.orElse(null), Failures.message(e));
      }
    });
    return work;
  }
}
