package dev.oceanj.core.sync;

import com.fasterxml.jackson.databind.JsonNode;
import dev.oceanj.spi.Page;
import dev.oceanj.spi.ResyncSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;
import org.apache.pekko.NotUsed;
import org.apache.pekko.japi.Pair;
import org.apache.pekko.stream.javadsl.JavaFlowSupport;
import org.apache.pekko.stream.javadsl.Source;

/**
 * Adapts an integration's {@link ResyncSource} to a back-pressured stream of raw batches: the next page or
 * batch is requested only when the pipeline has room, so a kind is never held in memory as a whole.
 */
public final class RawSources {

  private RawSources() {}

  /**
   * A fresh stream of {@code source}'s batches, items converted with {@code toJson} (e.g. the host's
   * {@code DefinedIntegration::toJson}); nothing is fetched until it is materialized.
   */
  public static Source<List<JsonNode>, NotUsed> of(ResyncSource<?> source, Function<Object, JsonNode> json) {
    if (source instanceof ResyncSource.Single<?> single) {
      return Source.lazyCompletionStage(() -> {
        CompletionStage<? extends List<?>> stage = single.fetch().get();
        return stage.thenApply(items -> toJson(items, json));
      });
    }
    if (source instanceof ResyncSource.Paged<?> paged) {
      return paged(paged, json);
    }
    if (source instanceof ResyncSource.Published<?> published) {
      return Source.lazySource(() -> JavaFlowSupport.Source.fromPublisher(published.publisher().get()))
          .map(items -> toJson(items, json))
          .mapMaterializedValue(m -> NotUsed.getInstance());
    }
    throw new IllegalArgumentException("unknown ResyncSource " + source.getClass().getName());
  }

  private static <T> Source<List<JsonNode>, NotUsed> paged(ResyncSource.Paged<T> paged,
      Function<Object, JsonNode> json) {
    // State: the cursor of the page to fetch; null once the last page has been emitted.
    Optional<Optional<String>> first = Optional.of(Optional.empty());
    return Source.unfoldAsync(first, state -> {
      if (state.isEmpty()) {
        return CompletableFuture.completedFuture(Optional.empty());
      }
      CompletionStage<Page<T>> page = paged.fetchPage().apply(state.get());
      return page.thenApply(p -> {
        Optional<Optional<String>> next = p.next().map(Optional::of);
        return Optional.of(Pair.create(next, toJson(p.items(), json)));
      });
    });
  }

  private static List<JsonNode> toJson(List<?> items, Function<Object, JsonNode> json) {
    List<JsonNode> out = new ArrayList<>(items.size());
    for (Object item : items) {
      out.add(json.apply(item));
    }
    return out;
  }
}
