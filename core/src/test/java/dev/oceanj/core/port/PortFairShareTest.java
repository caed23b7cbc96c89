package dev.oceanj.core.port;

import static dev.oceanj.core.port.Fixtures.blueprint;
import static dev.oceanj.core.port.Fixtures.entities;
import static dev.oceanj.core.port.Fixtures.join;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.oceanj.core.config.PortSettings;
import dev.oceanj.core.port.PortClient.PortIdentity;
import dev.oceanj.core.port.PortClient.UpsertOptions;
import dev.oceanj.emulator.PortEmulator;
import dev.oceanj.emulator.RateLimits;
import dev.oceanj.emulator.RateLimits.Budget;
import dev.oceanj.emulator.RateLimits.RouteFamily;
import dev.oceanj.emulator.RequestLog;
import dev.oceanj.testsupport.TestPort;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * The scale-out issue's fairness criterion (6), scaled to run in seconds: Port limited to 20 bulk upserts per second,
 * two instances of one org start writing together, a big one with 32 requests in flight that never runs out and a
 * small one with 8 in flight and 60 requests to send. The org limiter's lanes take turns, so the small one gets half
 * the budget and finishes within twice its fair-share time (60 / (20 / 2) = 6 s), with no 429 and the org at ≥ 95 %
 * of the allowed rate. Queued first come, first served, the small one would get 8/40 of it and take about 15 s.
 */
class PortFairShareTest {

  private static final double PORT_RATE = 20.0;
  private static final Budget BUDGET = new Budget(6_000, Duration.ofMinutes(5), 20);
  private static final int SMALL_REQUESTS = 60;

  /** Sends bulk upserts on {@code inFlight} chains until {@code more} says stop; counts the requests answered. */
  private static CompletableFuture<Void> writer(HttpPortClient client, String prefix, int inFlight,
      java.util.function.IntPredicate more, AtomicInteger sent) {
    List<CompletableFuture<Void>> chains = new ArrayList<>();
    for (int c = 0; c < inFlight; c++) {
      chains.add(chain(client, prefix + c + "-", more, sent));
    }
    return CompletableFuture.allOf(chains.toArray(CompletableFuture[]::new));
  }

  private static CompletableFuture<Void> chain(HttpPortClient client, String prefix,
      java.util.function.IntPredicate more, AtomicInteger sent) {
    int n = sent.getAndIncrement();
    if (!more.test(n)) {
      return CompletableFuture.completedFuture(null);
    }
    return client.bulkUpsert("svc", entities(prefix + n + "-", 0, 20), UpsertOptions.defaults()).toCompletableFuture()
        .thenCompose(r -> {
          assertTrue(r.outcomes().stream().allMatch(PortClient.EntityOutcome::ok), "every entity lands");
          return chain(client, prefix, more, sent);
        });
  }

  @Test
  void aSmallResyncFinishesWithinTwiceItsFairShareBesideABigOne() {
    try (PortEmulator port = TestPort.start(); PortConnections connections = PortConnections.create()) {
      PortClientSettings settings = Fixtures.settings(port)
          // Port's rate, and a burst of half Port's: the slack lets a request wait up to 3/4 s between leaving
          // and reaching Port (a busy test machine) without Port seeing more than its burst.
          .withRateLimit(new PortSettings.RateLimit(true, (int) (PORT_RATE * 300), 10, 0.0))
          .withMaxConnections(40);
      HttpPortClient big = connections.client(settings, new PortIdentity("fake", "1.0.0", "fake-big"));
      HttpPortClient small = connections.client(settings, new PortIdentity("fake", "1.0.0", "fake-small"));
      join(big.createBlueprint(blueprint("svc")));
      port.rateLimits(RateLimits.port().with(RouteFamily.BULK_UPSERT, BUDGET));
      port.requestLog().enable(true, false);

      AtomicBoolean smallDone = new AtomicBoolean();
      long start = System.nanoTime();
      long startMillis = System.currentTimeMillis();
      CompletableFuture<Void> bigRun = writer(big, "big-", 32, n -> !smallDone.get(), new AtomicInteger());
      CompletableFuture<Void> smallRun = writer(small, "small-", 8, n -> n < SMALL_REQUESTS, new AtomicInteger());
      smallRun.join();
      double smallSeconds = (System.nanoTime() - start) / 1e9;
      long smallDoneAt = System.currentTimeMillis();
      smallDone.set(true);
      bigRun.join();
      double allSeconds = (System.nanoTime() - start) / 1e9;

      double fairShareSeconds = SMALL_REQUESTS / (PORT_RATE / 2);
      List<RequestLog.Entry> writes = port.requestLog().since(0).stream()
          .filter(e -> e.path().endsWith("/entities/bulk")).toList();
      // The steady rate: from two seconds in (the burst is spent, however late its answers came) to the small one's end.
      long from = startMillis + 2000;
      long steady = writes.stream().filter(e -> e.status() == 200 && e.atMillis() >= from && e.atMillis() < smallDoneAt)
          .count();
      double orgRate = steady / ((smallDoneAt - from) / 1000.0);
      long throttled = port.counters().tooManyRequestsSent();
      System.out.printf("fair share: small finished in %.2f s (fair share %.1f s), org %.2f writes/s of %.0f, 429s %d,"
          + " both done in %.2f s, big %s, small %s%n", smallSeconds, fairShareSeconds, orgRate, PORT_RATE, throttled, allSeconds, big.stats(),
          small.stats());

      assertEquals(0, throttled, "429s from Port");
      assertTrue(smallSeconds <= 2 * fairShareSeconds, "the small instance took " + smallSeconds + " s");
      assertTrue(orgRate >= 0.95 * PORT_RATE, "the org wrote " + orgRate + " writes/s of " + PORT_RATE);
    }
  }
}
