package dev.oceanj.core.port;

import static dev.oceanj.core.port.Fixtures.ID;
import static dev.oceanj.core.port.Fixtures.M;
import static dev.oceanj.core.port.Fixtures.blueprint;
import static dev.oceanj.core.port.Fixtures.entities;
import static dev.oceanj.core.port.Fixtures.join;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.oceanj.core.port.PortClient.BulkUpsertResult;
import dev.oceanj.core.port.PortClient.EntityOutcome;
import dev.oceanj.core.port.PortClient.UpsertOptions;
import dev.oceanj.emulator.Faults;
import dev.oceanj.emulator.PortEmulator;
import dev.oceanj.testsupport.TestPort;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Expiring tokens, 401s, 429s, 5xx and cut connections: the client's requests still succeed. */
class PortClientResilienceContractTest {

  private static PortEmulator port;
  private WriteLimiter limiter;
  private HttpPortClient client;

  @BeforeAll
  static void startEmulator() {
    port = TestPort.start();
  }

  @AfterAll
  static void stopEmulator() {
    port.close();
  }

  @BeforeEach
  void connect() {
    port.reset();
    port.tokenTtl(Duration.ofHours(3));
    limiter = WriteLimiter.unlimited();
    client = HttpPortClient.create(Fixtures.settings(port), ID, limiter);
    join(client.createBlueprint(blueprint("svc")));
  }

  @AfterEach
  void disconnect() {
    client.close();
    limiter.close();
  }

  private static void assertAllOk(BulkUpsertResult r) {
    assertTrue(r.outcomes().stream().allMatch(EntityOutcome::ok), r.toString());
  }

  @Test
  void tokensExpiringMidRunFailNoRequest() {
    port.tokenTtl(Duration.ofSeconds(1));
    client.close();
    client = HttpPortClient.create(Fixtures.settings(port), ID, limiter);
    long tokensBefore = port.counters().tokensIssued();
    long deadline = System.nanoTime() + Duration.ofMillis(3500).toNanos();
    int batches = 0;
    // Four writers for 3.5 s, tokens living 1 s: several refreshes happen under concurrent load.
    while (System.nanoTime() < deadline) {
      List<CompletableFuture<BulkUpsertResult>> round = new ArrayList<>();
      for (int w = 0; w < 4; w++) {
        round.add(client.bulkUpsert("svc", entities("t" + batches + "-" + w + "-", 0, 20), UpsertOptions.defaults())
            .toCompletableFuture());
      }
      round.forEach(f -> assertAllOk(f.join()));
      batches++;
    }
    assertEquals(batches * 80, port.entities("svc").size());
    assertTrue(port.counters().tokensIssued() - tokensBefore >= 3,
        "tokens issued during the run: " + (port.counters().tokensIssued() - tokensBefore));
  }

  @Test
  void unauthorizedForcesOneRefreshAndTheRequestIsRebuilt() {
    join(client.organization());
    long tokens = port.counters().tokensIssued();
    port.expireTokens();

    List<CompletableFuture<BulkUpsertResult>> writes = new ArrayList<>();
    for (int i = 0; i < 8; i++) {
      writes.add(client.bulkUpsert("svc", entities("u" + i + "-", 0, 5), UpsertOptions.defaults()).toCompletableFuture());
    }
    writes.forEach(f -> assertAllOk(f.join()));

    assertEquals(40, port.entities("svc").size());
    assertTrue(port.counters().unauthorized() >= 1);
    assertEquals(tokens + 1, port.counters().tokensIssued(), "one refresh for every writer that got a 401");
  }

  @Test
  void tooManyRequestsWithRetryAfterIsHonoured() {
    port.faults().set(Faults.none().withTooManyRequestsBurst(1));
    long t0 = System.nanoTime();

    assertAllOk(join(client.bulkUpsert("svc", entities("r-", 0, 3), UpsertOptions.defaults())));

    long ms = (System.nanoTime() - t0) / 1_000_000;
    assertTrue(ms >= 950, "the retry waited the 1 s Retry-After, took " + ms + " ms");
    assertEquals(1, port.counters().tooManyRequestsSent());
    assertEquals(1, client.stats().throttled());
    assertEquals(1, limiter.stats().pauses(), "the 429 paused the org-wide limiter");
    assertEquals(3, port.entities("svc").size());
  }

  @Test
  void serverErrorsAreRetriedUntilTheWritesSucceed() {
    port.faults().set(Faults.none().withServerErrorRate(0.3));
    List<CompletableFuture<BulkUpsertResult>> writes = new ArrayList<>();
    for (int i = 0; i < 30; i++) {
      writes.add(client.bulkUpsert("svc", entities("f" + i + "-", 0, 10), UpsertOptions.defaults()).toCompletableFuture());
    }
    writes.forEach(f -> assertAllOk(f.join()));
    assertTrue(port.counters().serverErrorsInjected() > 0);
    assertEquals(300, port.entities("svc").size());
  }

  @Test
  void cutConnectionsAreRetriedForIdempotentWrites() {
    port.faults().set(Faults.none().withDropConnectionRate(0.3));
    List<CompletableFuture<BulkUpsertResult>> writes = new ArrayList<>();
    for (int i = 0; i < 40; i++) {
      writes.add(client.bulkUpsert("svc", entities("c" + i + "-", 0, 10), UpsertOptions.defaults()).toCompletableFuture());
    }
    writes.forEach(f -> assertAllOk(f.join()));
    assertTrue(port.counters().connectionsDropped() > 0);
    assertEquals(400, port.entities("svc").size());
  }

  @Test
  void patchesAreNotRetriedOnServerErrors() {
    join(client.createIntegration(M.createObjectNode()));
    port.faults().set(Faults.none().withServerErrorRate(1.0));

    CompletionException e = assertThrows(CompletionException.class,
        () -> join(client.patchIntegration(M.createObjectNode().put("actionsProcessingEnabled", true))));

    assertEquals(503, assertInstanceOf(PortApiException.class, e.getCause()).status());
    assertEquals(1, port.counters().requests("PATCH /v1/integration/{id}"));
  }

  @Test
  void absentKafkaCredentialsAreEmpty() {
    assertTrue(join(client.kafkaCredentials()).isEmpty());
    assertEquals(1, port.counters().requests("GET /v1/kafka-credentials"), "a 404 is an answer, not retried");
  }
}
