package dev.oceanj.core.port;

import static dev.oceanj.core.port.Fixtures.blueprint;
import static dev.oceanj.core.port.Fixtures.entities;
import static dev.oceanj.core.port.Fixtures.join;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.oceanj.core.config.PortSettings;
import dev.oceanj.core.port.PortClient.EntityOutcome;
import dev.oceanj.core.port.PortClient.UpsertOptions;
import dev.oceanj.emulator.EmulatorSettings;
import dev.oceanj.emulator.PortEmulator;
import dev.oceanj.emulator.RateLimits;
import dev.oceanj.emulator.RateLimits.Budget;
import dev.oceanj.emulator.RateLimits.RouteFamily;
import dev.oceanj.testsupport.TestPort;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Sixteen concurrent writers against an emulated Port limit of 15 bulk upserts per second (burst 10): the
 * org-wide limiter keeps them under it, so nothing fails and Port hardly ever has to say 429. The limit is low so
 * that the writers would exceed it even on a loaded machine.
 */
class WriteLimiterContractTest {

  private static final int WRITERS = 16;
  private static final int REQUESTS_PER_WRITER = 6;
  private static final int ENTITIES_PER_REQUEST = 5;
  private static final Budget BUDGET = new Budget(150, Duration.ofSeconds(10), 10);

  private static PortEmulator port;

  @BeforeAll
  static void startEmulator() {
    port = TestPort.start();
  }

  @AfterAll
  static void stopEmulator() {
    port.close();
  }

  @BeforeEach
  void reset() {
    port.reset();
    port.rateLimits(RateLimits.off());
  }

  /** Runs the writers; returns the 429s Port sent. Every entity must land. */
  private long run(PortSettings.RateLimit limits, String tag) {
    try (WriteLimiter limiter = WriteLimiter.create(limits);
        HttpPortClient client = HttpPortClient.create(Fixtures.settings(port), Fixtures.ID, limiter)) {
      join(client.createBlueprint(blueprint("svc")));
      join(client.organization());
      port.rateLimits(RateLimits.port().with(RouteFamily.BULK_UPSERT, BUDGET));
      AtomicLong failed = new AtomicLong();
      List<CompletableFuture<Void>> writers = new ArrayList<>();
      for (int w = 0; w < WRITERS; w++) {
        int writer = w;
        CompletableFuture<Void> chain = CompletableFuture.completedFuture(null);
        for (int r = 0; r < REQUESTS_PER_WRITER; r++) {
          String prefix = tag + "-" + writer + "-" + r + "-";
          chain = chain.thenCompose(v -> client.bulkUpsert("svc", entities(prefix, 0, ENTITIES_PER_REQUEST), UpsertOptions.defaults())
              .thenAccept(res -> failed.addAndGet(res.outcomes().stream().filter(o -> !o.ok()).count())));
        }
        writers.add(chain);
      }
      writers.forEach(CompletableFuture::join);
      assertEquals(0, failed.get(), "failed entities");
      assertEquals(WRITERS * REQUESTS_PER_WRITER * ENTITIES_PER_REQUEST, port.entities("svc").size());
      assertTrue(limiter.stats().delayed() > 0, "the limiter held writers back");
      long throttled = port.counters().tooManyRequestsSent();
      System.out.printf("%s: 429s=%d limiter=%s client=%s%n", tag, throttled, limiter.stats(), client.stats());
      return throttled;
    }
  }

  @Test
  void configuredLikePortTheWritersStayUnderTheLimit() {
    long throttled = run(new PortSettings.RateLimit(true, 4_500, 10, 0.0), "matched");
    assertTrue(throttled <= 2, "429s: " + throttled);
  }

  @Test
  void configuredTooHighTheLimiterFollowsPortsHeaders() {
    // Configured with Port's real entities budget (about 117/s, burst 3,500): the x-ratelimit headers bring it
    // down to the emulated 40/s.
    long throttled = run(PortSettings.defaults().rateLimit().withShare(0.0), "adaptive");
    assertTrue(throttled <= WRITERS, "429s: " + throttled);
  }
}
