package dev.oceanj.spi.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.oceanj.spi.Integration;
import dev.oceanj.spi.IntegrationDefinition;
import dev.oceanj.spi.Page;
import dev.oceanj.spi.ResyncSource;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Flow;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class ResyncHarnessTest {

  record Widget(int n, String name) {}

  /** Publishes {@code total} numbers in batches of {@code batch}, strictly on demand. */
  static final class RangePublisher implements Flow.Publisher<List<Widget>> {
    private final int total;
    private final int batch;

    RangePublisher(int total, int batch) {
      this.total = total;
      this.batch = batch;
    }

    @Override
    public void subscribe(Flow.Subscriber<? super List<Widget>> subscriber) {
      subscriber.onSubscribe(new Flow.Subscription() {
        private int next;
        private boolean done;

        @Override
        public synchronized void request(long n) {
          for (long i = 0; i < n && !done; i++) {
            if (next >= total) {
              done = true;
              subscriber.onComplete();
              return;
            }
            int end = Math.min(total, next + batch);
            List<Widget> items = new ArrayList<>(end - next);
            for (int k = next; k < end; k++) {
              items.add(new Widget(k, "w" + k));
            }
            next = end;
            subscriber.onNext(items);
          }
        }

        @Override
        public synchronized void cancel() {
          done = true;
        }
      });
    }
  }

  private static Integration integration(Consumer<IntegrationDefinition> body) {
    return new Integration() {
      @Override
      public String type() {
        return "sample";
      }

      @Override
      public void define(IntegrationDefinition ocean) {
        body.accept(ocean);
      }
    };
  }

  /** Three kinds, one per source shape, 10 widgets each; pages and batches of 4. */
  private static Integration sample() {
    return integration(ocean -> {
      ocean.kind("single").resync(ResyncSource.single(() -> CompletableFuture.completedFuture(
          IntStream.range(0, 10).mapToObj(n -> new Widget(n, "w" + n)).toList())));
      ocean.kind("paged").resync(ResyncSource.paged(cursor -> {
        int from = cursor.map(Integer::parseInt).orElse(0);
        int to = Math.min(10, from + 4);
        List<Widget> items = IntStream.range(from, to).mapToObj(n -> new Widget(n, "w" + n)).toList();
        return CompletableFuture.supplyAsync(() -> to < 10 ? Page.of(items, String.valueOf(to)) : Page.last(items));
      }));
      ocean.kind("published").resync(ResyncSource.fromPublisher(() -> new RangePublisher(10, 4)));
    });
  }

  @Test
  void drainsEachSourceShapeInOrder() {
    for (String kind : List.of("single", "paged", "published")) {
      List<JsonNode> items = ResyncHarness.collect(sample(), "{}", kind);
      assertEquals(10, items.size(), kind);
      for (int n = 0; n < 10; n++) {
        assertEquals(n, items.get(n).get("n").asInt(), kind);
        assertEquals("w" + n, items.get(n).get("name").asText(), kind);
      }
    }
  }

  @Test
  void handsOverBatchesAsTheSourceProducedThem() {
    try (var harness = ResyncHarness.start(sample(), "{}")) {
      for (String kind : List.of("paged", "published")) {
        List<Integer> sizes = new ArrayList<>();
        assertEquals(10, harness.forEachBatch(kind, batch -> sizes.add(batch.size())));
        assertEquals(List.of(4, 4, 2), sizes, kind);
      }
    }
  }

  @Test
  void countsWithoutRetainingItems() {
    Integration big = integration(ocean -> ocean.kind("many")
        .resync(ResyncSource.fromPublisher(() -> new RangePublisher(50_000, 1_000))));
    assertEquals(50_000, ResyncHarness.count(big, null, "many"));
  }

  @Test
  void runsStartAndStopHooksAroundTheResync() {
    List<String> calls = new ArrayList<>();
    Integration withHooks = integration(ocean -> {
      ocean.onStart(() -> calls.add("start"));
      ocean.onStop(() -> calls.add("stop"));
      ocean.kind("k").resync(ResyncSource.single(() -> {
        calls.add("fetch");
        return CompletableFuture.completedFuture(List.of(1, 2));
      }));
    });
    assertEquals(2, ResyncHarness.collect(withHooks, "{}", "k").size());
    assertEquals(List.of("start", "fetch", "stop"), calls);
  }

  @Test
  void pageFailureMidwayReportsTheItemsDeliveredBefore() {
    Integration failing = integration(ocean -> ocean.kind("k").resync(ResyncSource.paged(cursor -> cursor.isEmpty()
        ? CompletableFuture.completedFuture(Page.of(List.of(1, 2, 3), "2"))
        : CompletableFuture.failedFuture(new IllegalStateException("3rd party returned 500")))));

    var e = assertThrows(ResyncHarness.KindFailedException.class,
        () -> ResyncHarness.collect(failing, "{}", "k"));
    assertEquals("k", e.kind());
    assertEquals(3, e.itemsBefore());
    assertEquals("3rd party returned 500", e.getCause().getMessage());
  }

  @Test
  void aThrowingFetchIsAFailedKindToo() {
    Integration throwing = integration(ocean -> ocean.kind("k").resync(ResyncSource.single(() -> {
      throw new IllegalArgumentException("bad");
    })));
    var e = assertThrows(ResyncHarness.KindFailedException.class,
        () -> ResyncHarness.collect(throwing, "{}", "k"));
    assertEquals(0, e.itemsBefore());
    assertInstanceOf(IllegalArgumentException.class, e.getCause());
  }

  @Test
  void aCursorThatDoesNotAdvanceFailsInsteadOfLooping() {
    Integration looping = integration(ocean -> ocean.kind("k").resync(ResyncSource.paged(
        cursor -> CompletableFuture.completedFuture(Page.of(List.of("x"), "same")))));
    var e = assertThrows(ResyncHarness.KindFailedException.class,
        () -> ResyncHarness.collect(looping, "{}", "k"));
    assertEquals(2, e.itemsBefore());
    assertTrue(e.getMessage().contains("loop forever"), e.getMessage());
  }

  @Test
  void aPublisherIgnoringDemandFailsAndIsCancelled() {
    AtomicBoolean cancelled = new AtomicBoolean();
    Flow.Publisher<List<String>> flooding = subscriber -> {
      subscriber.onSubscribe(new Flow.Subscription() {
        @Override
        public void request(long n) {
          subscriber.onNext(List.of("a"));
          subscriber.onNext(List.of("b"));
        }

        @Override
        public void cancel() {
          cancelled.set(true);
        }
      });
    };
    Integration integration = integration(ocean -> ocean.kind("k").resync(ResyncSource.fromPublisher(() -> flooding)));

    var e = assertThrows(ResyncHarness.KindFailedException.class,
        () -> ResyncHarness.collect(integration, "{}", "k"));
    assertTrue(e.getMessage().contains("without demand"), e.getMessage());
    assertTrue(cancelled.get());
  }

  @Test
  void aStuckSourceTimesOut() {
    Integration stuck = integration(ocean -> ocean.kind("k").resync(ResyncSource.single(CompletableFuture::new)));
    try (var harness = ResyncHarness.start(stuck, "{}", Duration.ofMillis(200))) {
      var e = assertThrows(ResyncHarness.KindFailedException.class, () -> harness.collect("k"));
      assertTrue(e.getMessage().contains("did not complete within"), e.getMessage());
    }
  }

  @Test
  void anUndeclaredKindListsTheDeclaredOnes() {
    var e = assertThrows(IllegalArgumentException.class, () -> ResyncHarness.collect(sample(), "{}", "nope"));
    assertTrue(e.getMessage().contains("[single, paged, published]"), e.getMessage());
  }

  @Test
  void failingStopHookFailsClose() {
    AtomicLong stops = new AtomicLong();
    Integration integration = integration(ocean -> {
      ocean.onStop(stops::incrementAndGet);
      ocean.onStop(() -> {
        throw new IllegalStateException("leak");
      });
    });
    var harness = ResyncHarness.start(integration, "{}");
    var e = assertThrows(IllegalStateException.class, harness::close);
    assertEquals("leak", e.getCause().getMessage());
    assertEquals(1, stops.get(), "the other hook still ran");
  }

  @Test
  void settingsMustBeAJsonObject() {
    assertThrows(IllegalArgumentException.class, () -> ResyncHarness.start(sample(), "[1]"));
    var e = assertThrows(IllegalArgumentException.class, () -> ResyncHarness.start(sample(), "{oops"));
    assertTrue(e.getMessage().contains("not valid JSON"), e.getMessage());
  }

  @Test
  void pageRecordRejectsNulls() {
    assertThrows(NullPointerException.class, () -> new Page<>(null, Optional.empty()));
    assertEquals(Optional.empty(), Page.of(List.of(), null).next());
  }
}
