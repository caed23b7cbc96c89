package dev.oceanj.core.sync;

import dev.oceanj.core.port.CatalogListing;
import dev.oceanj.core.port.PortClient;
import dev.oceanj.core.port.PortClient.DatasourceQuery;
import dev.oceanj.core.port.PortClient.EntityRef;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.NotUsed;
import org.apache.pekko.japi.Pair;
import org.apache.pekko.stream.Materializer;
import org.apache.pekko.stream.javadsl.Source;

/**
 * The entities this integration owns in Port ({@code datasource-entities} by {@code $datasource} prefix and
 * suffix), streamed page by page so a million-entity catalog is never held as objects.
 */
public final class OwnedEntities {

  /** Port's largest page of the datasource listing. */
  public static final int PAGE = 5000;

  private OwnedEntities() {}

  /** Every owned entity, optionally only those last updated before {@code before}. */
  public static Source<EntityRef, NotUsed> source(CatalogListing client, Optional<Instant> before) {
    PortClient.PortIdentity id = client.identity();
    DatasourceQuery q = new DatasourceQuery(id.datasourcePrefix(), id.datasourceSuffix(), before, PAGE);
    // State: the cursor of the next page (empty for the first); null-equivalent "done" is Optional.empty().
    Optional<Optional<String>> first = Optional.of(Optional.empty());
    return Source.<Optional<Optional<String>>, java.util.List<EntityRef>>unfoldAsync(first, state -> {
      if (state.isEmpty()) {
        return CompletableFuture.completedFuture(Optional.empty());
      }
      return client.datasourceEntities(q, state.get()).thenApply(page -> {
        Optional<Optional<String>> next = page.next().filter(s -> !s.isEmpty()).map(Optional::of);
        return Optional.of(Pair.create(next, page.entities()));
      });
    }).mapConcat(list -> list);
  }

  /**
   * What the listing at resync start found.
   *
   * @param owned entities Port holds for this integration
   * @param unrecorded of which the digest store knew nothing: someone else wrote them under this integration's
   *     datasource, or the store was lost; reconciliation must list Port again to learn what they are
   * @param changedInPort of which Port's {@code updatedAt} shows a change since we wrote them (drift): they are
   *     written again whatever their digest
   */
  public record Presence(long owned, long unrecorded, long changedInPort) {}

  /**
   * Lists every owned entity and marks it present in {@code digests} (what skip-unchanged checks against),
   * dropping the digest of every entity changed in Port since we wrote it; completes with the counts.
   */
  public static CompletionStage<Presence> markPresent(CatalogListing client, DigestStore digests, Materializer mat) {
    digests.clearPresence();
    long[] counts = new long[3];
    return source(client, Optional.empty())
        .runForeach(ref -> {
          counts[0]++;
          DigestStore.Mark mark = digests.markPresent(KeyHash.key(ref.blueprint(), ref.identifier()),
              ref.updatedAtMillis());
          if (mark == DigestStore.Mark.UNRECORDED) {
            counts[1]++;
          } else if (mark == DigestStore.Mark.CHANGED_IN_PORT) {
            counts[2]++;
          }
        }, mat)
        .thenApply(done -> new Presence(counts[0], counts[1], counts[2]));
  }
}
