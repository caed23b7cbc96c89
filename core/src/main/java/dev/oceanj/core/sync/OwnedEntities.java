package dev.oceanj.core.sync;

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
import org.apache.pekko.stream.javadsl.Sink;
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
  public static Source<EntityRef, NotUsed> source(PortClient client, Optional<Instant> before) {
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

  /** The key hashes of every owned entity (what skip-unchanged checks against). */
  public static CompletionStage<LongSet> keys(PortClient client, Materializer mat) {
    return source(client, Optional.empty())
        .runWith(Sink.fold(new LongSet(), (set, ref) -> {
          set.add(KeyHash.key(ref.blueprint(), ref.identifier()));
          return set;
        }), mat);
  }
}
