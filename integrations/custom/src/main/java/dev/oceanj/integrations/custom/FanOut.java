package dev.oceanj.integrations.custom;

import com.fasterxml.jackson.databind.JsonNode;
import dev.oceanj.spi.Page;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.BiFunction;

/**
 * The pages of several endpoints, fetched at most {@code concurrency} endpoints at a time (the pages of one
 * endpoint in order), handed out one batch per {@link #next()} call. Fetchers pause while
 * {@code 2 × concurrency} batches wait to be taken, so memory stays bounded. The first failure fails the run.
 *
 * @param <E> an endpoint
 */
final class FanOut<E> {

  /** One fetched page of an endpoint and where the next one is. */
  record Step(List<JsonNode> items, Optional<Paging.Position> next) {}

  private final int concurrency;
  private final BiFunction<E, Paging.Position, CompletionStage<Step>> fetch;
  private final Paging.Position first;
  private final Deque<E> pending = new ArrayDeque<>();
  private final Deque<List<JsonNode>> ready = new ArrayDeque<>();
  private final Deque<Runnable> paused = new ArrayDeque<>();
  private boolean endpointsKnown;
  private int active;
  private Throwable failure;
  private CompletableFuture<Page<JsonNode>> waiter;
  private long handedOut;

  FanOut(CompletionStage<List<E>> endpoints, int concurrency, Paging.Position first,
      BiFunction<E, Paging.Position, CompletionStage<Step>> fetch) {
    this.concurrency = concurrency;
    this.fetch = fetch;
    this.first = first;
    endpoints.whenComplete((list, error) -> {
      synchronized (this) {
        endpointsKnown = true;
        if (error != null) {
          failure = error;
        } else {
          pending.addAll(list);
        }
      }
      startMore();
      wake();
    });
  }

  /** The next batch; an empty last page once every endpoint is done. */
  CompletionStage<Page<JsonNode>> next() {
    Runnable resume;
    Page<JsonNode> page;
    synchronized (this) {
      if (failure != null) {
        return CompletableFuture.failedFuture(failure);
      }
      if (ready.isEmpty()) {
        if (done()) {
          return CompletableFuture.completedFuture(Page.last(List.of()));
        }
        waiter = new CompletableFuture<>();
        return waiter;
      }
      page = Page.of(ready.poll(), "b" + (++handedOut));
      resume = paused.poll();
    }
    if (resume != null) {
      resume.run();
    }
    return CompletableFuture.completedFuture(page);
  }

  private boolean done() {
    return endpointsKnown && pending.isEmpty() && active == 0;
  }

  private void startMore() {
    List<E> starting = new ArrayList<>();
    synchronized (this) {
      while (failure == null && active < concurrency && !pending.isEmpty()) {
        active++;
        starting.add(pending.poll());
      }
    }
    starting.forEach(e -> pump(e, first));
  }

  private void pump(E endpoint, Paging.Position position) {
    CompletionStage<Step> step;
    try {
      step = fetch.apply(endpoint, position);
    } catch (RuntimeException e) {
      step = CompletableFuture.failedFuture(e);
    }
    step.whenComplete((s, error) -> {
      boolean carryOn = false;
      boolean endpointDone = false;
      synchronized (this) {
        if (error != null) {
          if (failure == null) {
            failure = error;
          }
        } else {
          if (!s.items().isEmpty()) {
            ready.add(s.items());
          }
          if (s.next().isPresent()) {
            if (ready.size() < 2 * concurrency) {
              carryOn = true;
            } else {
              Paging.Position next = s.next().get();
              paused.add(() -> pump(endpoint, next));
            }
          } else {
            active--;
            endpointDone = true;
          }
        }
      }
      wake();
      if (carryOn) {
        pump(endpoint, s.next().get());
      } else if (endpointDone) {
        startMore();
        wake();
      }
    });
  }

  /** Answers a waiting {@link #next()} call when there is news. */
  private void wake() {
    CompletableFuture<Page<JsonNode>> w;
    Page<JsonNode> page = null;
    Throwable error = null;
    Runnable resume = null;
    synchronized (this) {
      w = waiter;
      if (w == null) {
        return;
      }
      if (failure != null) {
        error = failure;
      } else if (!ready.isEmpty()) {
        page = Page.of(ready.poll(), "b" + (++handedOut));
        resume = paused.poll();
      } else if (done()) {
        page = Page.last(List.of());
      } else {
        return;
      }
      waiter = null;
    }
    if (resume != null) {
      resume.run();
    }
    if (error != null) {
      w.completeExceptionally(error);
    } else {
      w.complete(page);
    }
  }
}
