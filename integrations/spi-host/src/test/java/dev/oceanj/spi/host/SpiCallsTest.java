package dev.oceanj.spi.host;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import dev.oceanj.spi.Page;
import dev.oceanj.spi.ResyncSource;
import dev.oceanj.testsupport.Await;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Flow;
import java.util.concurrent.SubmissionPublisher;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class SpiCallsTest {

  private static final SpiCalls.Limit SHORT = new SpiCalls.Limit(Duration.ofMillis(300), "ocean.host.page-timeout");
  private static final SpiCalls.Limit LONG = new SpiCalls.Limit(Duration.ofSeconds(30), "ocean.host.spi-call-timeout");

  private SpiCalls calls;
  private HttpServer hung;
  private final CountDownLatch release = new CountDownLatch(1);

  @BeforeEach
  void start() throws Exception {
    calls = SpiCalls.create(2);
    // A 3rd party that accepts the request and never answers (until the test ends).
    hung = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    hung.createContext("/", exchange -> {
      try {
        release.await();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      exchange.close();
    });
    hung.setExecutor(java.util.concurrent.Executors.newCachedThreadPool());
    hung.start();
  }

  @AfterEach
  void stop() {
    release.countDown();
    hung.stop(0);
    calls.close();
  }

  @Test
  void aBlockingCallThatHangsFailsNamingTheCallAndItsSettingAndIsInterrupted() throws Exception {
    var interrupted = new CountDownLatch(1);
    long t0 = System.nanoTime();
    var result = calls.call("integration 'fake-03': start hooks", SHORT, () -> {
      try {
        hang();
      } catch (InterruptedException e) {
        interrupted.countDown();
        throw e;
      }
      return "never";
    });
    Throwable cause = failure(result);
    long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
    assertInstanceOf(SpiTimeoutException.class, cause);
    assertEquals("integration 'fake-03': start hooks did not finish within 300 ms (ocean.host.page-timeout)",
        cause.getMessage());
    assertTrue(ms < 5_000, "failed after " + ms + " ms");
    assertTrue(interrupted.await(5, TimeUnit.SECONDS), "the hung call's thread was not interrupted");
    assertEquals(0, waitForNoStuck(), "the interrupted thread came back");
  }

  @Test
  void theExecutorViewInterruptsATaskPastItsLimit() throws Exception {
    var interrupted = new CountDownLatch(1);
    var stage = CompletableFuture.supplyAsync(() -> {
      try {
        hang();
        return "never";
      } catch (InterruptedException e) {
        interrupted.countDown();
        throw new IllegalStateException("interrupted", e);
      }
    }, calls.executor("integration 'x': a live-event processor", SHORT));
    assertTrue(interrupted.await(10, TimeUnit.SECONDS), "the task was not interrupted at its limit");
    assertEquals("interrupted", failure(stage).getMessage());
    assertEquals("ran", CompletableFuture.supplyAsync(() -> "ran", calls.executor("next", SHORT))
        .get(10, TimeUnit.SECONDS));
  }

  @Test
  void aCallsOwnExceptionFailsTheCallUnwrapped() {
    var boom = new IllegalStateException("onStart failed: no token");
    Throwable cause = failure(calls.call("start", LONG, () -> {
      throw boom;
    }));
    assertEquals(boom, cause);
  }

  @Test
  void callsBeyondTheBoundWaitInLineAndAHungCallGivesUpItsPlaceAtItsLimit() throws Exception {
    // Two threads, both taken by calls that ignore interrupts: the third call runs once one of them times out.
    var ignore = new CountDownLatch(1);
    List<CompletableFuture<String>> hungCalls = new ArrayList<>();
    for (int i = 0; i < 2; i++) {
      hungCalls.add(calls.call("hung " + i, SHORT, () -> {
        while (true) {
          try {
            ignore.await();
            return "released";
          } catch (InterruptedException e) {
            // ignores the interrupt, as a blocking socket read would
          }
        }
      }));
    }
    var third = calls.call("third", LONG, () -> "ran");
    assertEquals("ran", third.get(10, TimeUnit.SECONDS));
    for (var h : hungCalls) {
      assertInstanceOf(SpiTimeoutException.class, failure(h));
    }
    assertEquals(2, calls.stuck(), "both hung calls still hold their thread");
    ignore.countDown();
    assertEquals(0, waitForNoStuck());
    // Places are back: two more calls run at once.
    var gate = new CountDownLatch(2);
    var a = calls.call("a", LONG, () -> {
      gate.countDown();
      return gate.await(10, TimeUnit.SECONDS);
    });
    var b = calls.call("b", LONG, () -> {
      gate.countDown();
      return gate.await(10, TimeUnit.SECONDS);
    });
    assertTrue(a.get(15, TimeUnit.SECONDS) && b.get(15, TimeUnit.SECONDS), "two calls did not run at once");
  }

  @Test
  void aPageFromAThirdPartyThatNeverAnswersFailsThePagedSourceNamingThePage() {
    HttpClient http = HttpClient.newHttpClient();
    URI uri = URI.create("http://127.0.0.1:" + hung.getAddress().getPort() + "/persons");
    // Pages 1 and 2 come at once; page 3 is asked of the hung 3rd party.
    ResyncSource<String> source = ResyncSource.paged(cursor -> {
      int page = cursor.map(Integer::parseInt).orElse(1);
      if (page < 3) {
        return CompletableFuture.completedFuture(new Page<>(List.of("p" + page), Optional.of(String.valueOf(page + 1))));
      }
      return http.sendAsync(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.ofString())
          .thenApply(r -> new Page<>(List.of(r.body()), Optional.empty()));
    });
    var guarded = (ResyncSource.Paged<String>) calls.guard(source, "integration 'fake-03', kind 'fake-person'", SHORT);
    List<String> items = new ArrayList<>();
    Optional<String> cursor = Optional.empty();
    Throwable cause = null;
    while (cause == null) {
      CompletableFuture<Page<String>> page = guarded.fetchPage().apply(cursor).toCompletableFuture();
      try {
        Page<String> p = page.get(10, TimeUnit.SECONDS);
        items.addAll(p.items());
        cursor = p.next();
      } catch (ExecutionException e) {
        cause = e.getCause();
      } catch (Exception e) {
        throw new AssertionError(e);
      }
    }
    assertEquals(List.of("p1", "p2"), items);
    assertEquals("integration 'fake-03', kind 'fake-person': page 3 did not finish within 300 ms"
        + " (ocean.host.page-timeout)", cause.getMessage());
  }

  @Test
  void theSingleFetchIsBoundedToo() {
    ResyncSource<String> source = ResyncSource.single(CompletableFuture::new);
    var guarded = (ResyncSource.Single<String>) calls.guard(source, "integration 'x', kind 'dept'", SHORT);
    Throwable cause = failure(guarded.fetch().get().toCompletableFuture());
    assertEquals("integration 'x', kind 'dept': the fetch did not finish within 300 ms (ocean.host.page-timeout)",
        cause.getMessage());
  }

  @Test
  void aPublisherThatStopsDeliveringFailsAtTheRequestedBatchAndIsCancelled() throws Exception {
    var cancelled = new CountDownLatch(1);
    // Delivers one batch, then nothing, although more is requested.
    Flow.Publisher<List<String>> stalls = subscriber -> subscriber.onSubscribe(new Flow.Subscription() {
      boolean sent;

      @Override
      public void request(long n) {
        if (!sent) {
          sent = true;
          subscriber.onNext(List.of("b1"));
        }
      }

      @Override
      public void cancel() {
        cancelled.countDown();
      }
    });
    var guarded = (ResyncSource.Published<String>) calls.guard(ResyncSource.fromPublisher(() -> stalls),
        "integration 'k', kind 'topic'", SHORT);
    List<List<String>> got = new ArrayList<>();
    var error = new AtomicReference<Throwable>();
    var ended = new CountDownLatch(1);
    guarded.publisher().get().subscribe(collector(got, error, ended, Long.MAX_VALUE));
    assertTrue(ended.await(10, TimeUnit.SECONDS));
    assertEquals(List.of(List.of("b1")), got);
    assertEquals("integration 'k', kind 'topic': batch 2 did not finish within 300 ms (ocean.host.page-timeout)",
        error.get().getMessage());
    assertTrue(cancelled.await(5, TimeUnit.SECONDS), "the stalled publisher was not cancelled");
  }

  @Test
  void aSlowConsumerIsNotAStalledPublisher() throws Exception {
    // Nothing requested for longer than the limit is no timeout: the limit runs only while batches are asked for.
    var publisher = new SubmissionPublisher<List<String>>();
    var guarded = (ResyncSource.Published<String>) calls.guard(ResyncSource.fromPublisher(() -> publisher),
        "integration 'k', kind 'topic'", SHORT);
    List<List<String>> got = new ArrayList<>();
    var error = new AtomicReference<Throwable>();
    var ended = new CountDownLatch(1);
    var subscription = new AtomicReference<Flow.Subscription>();
    guarded.publisher().get().subscribe(new Flow.Subscriber<>() {
      @Override
      public void onSubscribe(Flow.Subscription s) {
        subscription.set(s);
      }

      @Override
      public void onNext(List<String> items) {
        got.add(items);
      }

      @Override
      public void onError(Throwable t) {
        error.set(t);
        ended.countDown();
      }

      @Override
      public void onComplete() {
        ended.countDown();
      }
    });
    publisher.submit(List.of("b1"));
    assertTrue(!ended.await(900, TimeUnit.MILLISECONDS), "failed while nothing was requested: " + error.get());
    subscription.get().request(1);
    publisher.close();
    assertTrue(ended.await(10, TimeUnit.SECONDS));
    assertEquals(null, error.get());
    assertEquals(List.of(List.of("b1")), got);
  }

  private static Flow.Subscriber<List<String>> collector(List<List<String>> got, AtomicReference<Throwable> error,
      CountDownLatch ended, long demand) {
    return new Flow.Subscriber<>() {
      @Override
      public void onSubscribe(Flow.Subscription s) {
        s.request(demand);
      }

      @Override
      public void onNext(List<String> items) {
        got.add(items);
      }

      @Override
      public void onError(Throwable t) {
        error.set(t);
        ended.countDown();
      }

      @Override
      public void onComplete() {
        ended.countDown();
      }
    };
  }

  /** Waits until no interrupted call still holds its thread (deadline 5 s), and returns how many still do. */
  private int waitForNoStuck() {
    Await.until("every interrupted call gave its thread back", Duration.ofSeconds(5), () -> calls.stuck() == 0);
    return calls.stuck();
  }

  /** A hung 3rd party: blocks until interrupted, never returns otherwise. */
  private static void hang() throws InterruptedException {
    new CountDownLatch(1).await();
  }

  private static Throwable failure(CompletionStage<?> stage) {
    var e = assertThrows(ExecutionException.class, () -> stage.toCompletableFuture().get(10, TimeUnit.SECONDS));
    return e.getCause();
  }
}
