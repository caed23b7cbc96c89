package dev.oceanj.core.sync;

import dev.oceanj.core.config.ResyncSettings;
import dev.oceanj.core.port.DeleteGuard;
import dev.oceanj.core.port.PortClient;
import dev.oceanj.core.port.PortClient.EntityRef;
import dev.oceanj.core.port.ResyncPort;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import org.apache.pekko.stream.Materializer;
import org.apache.pekko.stream.javadsl.Sink;
import org.apache.pekko.stream.javadsl.Source;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The deletion phase of a resync: entities this integration owns in Port, last updated before the resync
 * began, that the resync did not see, are deleted in bulk, unless anything makes that unsafe.
 *
 * <p>Safety rules, in order: nothing is deleted when a kind had an extraction or mapping error, or the resync
 * was aborted (the caller passes the reason); when the share of stale entities exceeds
 * {@code entityDeletionThreshold}; and an entity that a seen entity still names as a relation target is kept
 * when {@code createMissingRelatedEntities} is on (Port would just recreate it empty). The share is measured
 * against what the integration owned at resync start, because entities written during the resync drop out of
 * the {@code before}-filtered listing and would otherwise inflate it.
 *
 * <p>Memory stays bounded at any catalog size: the listing is streamed page by page against the compact seen
 * set, and stale references are spooled to a temporary file until the threshold can be decided.
 */
public final class Reconciler {

  private static final Logger log = LoggerFactory.getLogger(Reconciler.class);
  private static final Supplier<CompletionStage<Boolean>> ALWAYS = () -> CompletableFuture.completedFuture(true);

  private final ResyncPort client;
  private final ResyncSettings settings;
  private final Materializer mat;
  private final PortWriter writer;

  /** @param client lists what the integration owns; its bulk deletes go through {@link PortWriter#deletes} */
  public Reconciler(ResyncPort client, ResyncSettings settings, Materializer mat) {
    this.client = client;
    this.writer = PortWriter.forResync(client);
    this.settings = settings;
    this.mat = mat;
  }

  /**
   * What the deletion phase did.
   *
   * @param ran whether deletion was attempted
   * @param skippedBecause why it was not, when it was not
   * @param owned entities the integration owned when the resync began (counted at its start; when that count is
   *     missing, those last updated before it began, which leaves out the ones it rewrote)
   * @param stale those the resync did not see
   * @param protectedTargets stale entities kept because seen entities reference them
   * @param deleted entities Port reports deleted
   * @param errors delete requests that failed
   */
  public record Result(boolean ran, Optional<String> skippedBecause, long owned, long stale, long protectedTargets,
      long deleted, List<String> errors) {
    public Result {
      errors = List.copyOf(errors);
    }

    static Result skipped(String why, long owned, long stale) {
      return new Result(false, Optional.of(why), owned, stale, 0, 0, List.of());
    }

    /** Deletion did not run, for {@code why} (the resync failed or was aborted before it). */
    public static Result skipped(String why) {
      return skipped(why, 0, 0);
    }
  }

  /**
   * Runs the deletion phase for {@code run}.
   *
   * @param blockedBecause a reason that forbids deletion (kind errors, abort); empty when allowed
   */
  public CompletionStage<Result> reconcile(ResyncRun run, Optional<String> blockedBecause) {
    return reconcile(run, blockedBecause, () -> false);
  }

  /**
   * Runs the deletion phase for {@code run}, stopping before the next delete request once {@code cancelled}
   * says so (a newer resync aborted this one).
   *
   * @param blockedBecause a reason that forbids deletion (kind errors, abort); empty when allowed
   */
  public CompletionStage<Result> reconcile(ResyncRun run, Optional<String> blockedBecause, BooleanSupplier cancelled) {
    return reconcile(run, blockedBecause, cancelled, ALWAYS);
  }

  /**
   * Runs the deletion phase for {@code run} as {@link #reconcile(ResyncRun, Optional, BooleanSupplier)} does, and
   * asks {@code mayDelete} before each delete request: a request is sent only when it completes with true (a
   * cluster's deletion fence: this node still owns the integration). A refusal skips the request; the caller stops
   * the rest through {@code cancelled}.
   */
  public CompletionStage<Result> reconcile(ResyncRun run, Optional<String> blockedBecause, BooleanSupplier cancelled,
      Supplier<CompletionStage<Boolean>> mayDelete) {
    return reconcile(run, blockedBecause, cancelled, mayDelete, DeleteGuard.NONE);
  }

  /**
   * As {@link #reconcile(ResyncRun, Optional, BooleanSupplier, Supplier)}, each delete request also asking
   * {@code guard} at the last moment before the client writes it (after the write limiter, on its I/O thread): a
   * request refused there is not sent and counts 0; the guard is told, and the caller stops the rest.
   */
  public CompletionStage<Result> reconcile(ResyncRun run, Optional<String> blockedBecause, BooleanSupplier cancelled,
      Supplier<CompletionStage<Boolean>> mayDelete, DeleteGuard guard) {
    if (blockedBecause.isPresent()) {
      return CompletableFuture.completedFuture(Result.skipped(blockedBecause.get(), 0, 0));
    }
    if (run.provablyNothingStale()) {
      // The common steady state (a resync that found what it found last time) costs one listing, not two: at a
      // million entities each listing is 200 requests and the whole catalog downloaded.
      log.debug("Resync {}: every entity Port held at its start was seen; nothing to delete, no second listing",
          run.resyncId());
      return CompletableFuture.completedFuture(
          new Result(true, Optional.empty(), run.ownedAtStart().getAsLong(), 0, 0, 0, List.of()));
    }
    Path spool;
    DataOutputStream out;
    try {
      spool = Files.createTempFile("oceanj-stale-", ".bin");
      out = new DataOutputStream(new BufferedOutputStream(Files.newOutputStream(spool), 1 << 16));
    } catch (IOException e) {
      return CompletableFuture.completedFuture(Result.skipped("cannot spool stale entities: " + e.getMessage(), 0, 0));
    }
    AtomicLong owned = new AtomicLong();
    AtomicLong stale = new AtomicLong();
    AtomicLong protectedCount = new AtomicLong();
    LongSet seen = run.seen();
    Optional<LongSet> referenced = run.referenced();
    CompletionStage<Result> result = OwnedEntities.source(client, Optional.of(run.started()))
        .runForeach(ref -> {
          owned.incrementAndGet();
          if (seen.contains(KeyHash.key(ref.blueprint(), ref.identifier()))) {
            return;
          }
          stale.incrementAndGet();
          if (referenced.isPresent() && referenced.get().contains(KeyHash.identifier(ref.identifier()))) {
            protectedCount.incrementAndGet();
            return;
          }
          out.writeUTF(ref.blueprint());
          out.writeUTF(ref.identifier());
        }, mat)
        .handle((done, error) -> {
          try {
            out.close();
          } catch (IOException e) {
            if (error == null) {
              error = e;
            }
          }
          return error;
        })
        .thenCompose(error -> {
          if (error != null) {
            return CompletableFuture.completedFuture(Result.skipped(
                "listing the owned entities failed: " + ResyncPipeline.describe(error), ownedBefore(run, owned.get()),
                stale.get()));
          }
          if (cancelled.getAsBoolean()) {
            return CompletableFuture.completedFuture(Result.skipped("the resync was aborted",
                ownedBefore(run, owned.get()), stale.get()));
          }
          return decideAndDelete(run, spool, ownedBefore(run, owned.get()), stale.get(), protectedCount.get(),
              cancelled, mayDelete, guard);
        });
    return result.whenComplete((r, e) -> {
      try {
        Files.deleteIfExists(spool);
      } catch (IOException ignored) {
        // a temp file left behind is harmless; the next run uses a fresh one
      }
    });
  }

  /**
   * What the integration owned when the resync began: the count of the listing at its start when there was one. The
   * listing here is filtered by {@code before} (the resync's start), so every entity the resync rewrote drops out of
   * it; without the count from the start, it is the best figure there is (a lower bound).
   */
  private static long ownedBefore(ResyncRun run, long listedNow) {
    return Math.max(listedNow, run.ownedAtStart().orElse(0L));
  }

  private CompletionStage<Result> decideAndDelete(ResyncRun run, Path spool, long owned, long stale, long prot,
      BooleanSupplier cancelled, Supplier<CompletionStage<Boolean>> mayDelete, DeleteGuard guard) {
    if (stale == 0) {
      return CompletableFuture.completedFuture(new Result(true, Optional.empty(), owned, 0, 0, 0, List.of()));
    }
    long base = owned;
    double share = base == 0 ? 1.0 : (double) stale / base;
    double threshold = run.plan().entityDeletionThreshold();
    if (share > threshold) {
      String why = String.format("deleting %d of %d owned entities (%.1f%%) exceeds entityDeletionThreshold %.2f",
          stale, base, share * 100, threshold);
      log.warn("Skipping deletion: {}", why);
      return CompletableFuture.completedFuture(Result.skipped(why, owned, stale));
    }
    boolean dependents = run.plan().deleteDependentEntities();
    List<String> errors = Collections.synchronizedList(new ArrayList<>());
    return Source.fromIterator(() -> new SpoolIterator(spool))
        .via(writer.deletes(run, settings, dependents, cancelled, mayDelete, guard, errors))
        .runWith(Sink.fold(0L, Long::sum), mat)
        .thenApply(deleted -> new Result(true, Optional.empty(), owned, stale, prot, deleted, errors));
  }

  /** Reads back the spooled (blueprint, identifier) pairs. */
  private static final class SpoolIterator implements Iterator<EntityRef> {
    private final DataInputStream in;
    private EntityRef next;

    SpoolIterator(Path spool) {
      try {
        in = new DataInputStream(new BufferedInputStream(Files.newInputStream(spool), 1 << 16));
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      advance();
    }

    private void advance() {
      try {
        next = new EntityRef(in.readUTF(), in.readUTF());
      } catch (EOFException e) {
        next = null;
        close();
      } catch (IOException e) {
        close();
        throw new UncheckedIOException(e);
      }
    }

    private void close() {
      try {
        in.close();
      } catch (IOException ignored) {
        // reading is over either way
      }
    }

    @Override
    public boolean hasNext() {
      return next != null;
    }

    @Override
    public EntityRef next() {
      if (next == null) {
        throw new NoSuchElementException();
      }
      EntityRef r = next;
      advance();
      return r;
    }
  }
}
