package dev.oceanj.core.port;

import static dev.oceanj.core.port.Fixtures.blueprint;
import static dev.oceanj.core.port.Fixtures.join;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.oceanj.core.Failures;
import dev.oceanj.core.port.DeleteGuard.Admission;
import dev.oceanj.core.port.PortClient.UpsertOptions;
import dev.oceanj.emulator.PortEmulator;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The {@link DeleteGuard} at the transport, against the emulator: a bulk delete is written only if the guard admits
 * it, its horizon has not passed and its last look finds nothing; a refused request never reaches Port, is not
 * retried, and the guard hears why.
 */
class DeleteGuardTest {

  static final String BULK_DELETE = "POST /v1/blueprints/{bp}/bulk/entities/delete";

  PortEmulator port;
  WriteLimiter limiter;
  HttpPortClient client;
  final List<String> refusals = new CopyOnWriteArrayList<>();

  @BeforeEach
  void start() {
    port = PortEmulator.start();
    limiter = WriteLimiter.unlimited();
    client = HttpPortClient.create(Fixtures.settings(port).withMaxConnections(2), Fixtures.ID, limiter);
    join(client.createBlueprint(blueprint("svc")));
    join(client.bulkUpsert("svc", Fixtures.entities("e", 0, 3), UpsertOptions.defaults()));
  }

  @AfterEach
  void stop() {
    client.close();
    limiter.close();
    port.close();
  }

  DeleteGuard guard(Supplier<Admission> admit, Supplier<Optional<String>> lastLook) {
    return new DeleteGuard() {
      @Override
      public java.util.concurrent.CompletionStage<Admission> admit() {
        return CompletableFuture.supplyAsync(admit);
      }

      @Override
      public Optional<String> lastLook() {
        return lastLook.get();
      }

      @Override
      public void refused(String reason) {
        refusals.add(reason);
      }
    };
  }

  Throwable refusedDelete(DeleteGuard g) {
    CompletionException e = assertThrows(CompletionException.class,
        () -> client.bulkDelete("svc", List.of("e0", "e1"), false, g).toCompletableFuture().join());
    return Failures.unwrap(e);
  }

  long deletesReceived() {
    return port.counters().requests(BULK_DELETE);
  }

  @Test
  void anAdmittedDeleteWithinItsHorizonIsSent() {
    var g = guard(() -> Admission.until(System.nanoTime() + Duration.ofSeconds(5).toNanos()), Optional::empty);
    assertEquals(List.of("e0", "e1"), join(client.bulkDelete("svc", List.of("e0", "e1"), false, g)));
    assertEquals(1, deletesReceived());
    assertEquals(List.of(), refusals);
  }

  @Test
  void aRefusedAdmissionSendsNothing() {
    Throwable e = refusedDelete(guard(() -> Admission.refused("another node owns it"), Optional::empty));
    assertInstanceOf(DeleteRefusedException.class, e);
    assertEquals("another node owns it", e.getMessage());
    assertEquals(List.of("another node owns it"), refusals);
    assertEquals(0, deletesReceived());
    assertEquals(3, port.entities("svc").size());
  }

  @Test
  void anAdmissionPastItsHorizonWhenTheConnectionIsInHandSendsNothing() {
    // Admitted, but the monotonic horizon has passed by the time the I/O thread would write (a pause in between).
    Throwable e = refusedDelete(guard(() -> Admission.until(System.nanoTime() - 1), Optional::empty));
    assertInstanceOf(DeleteRefusedException.class, e);
    assertTrue(e.getMessage().contains("fence horizon"), e.getMessage());
    assertEquals(1, refusals.size());
    assertEquals(0, deletesReceived());
  }

  @Test
  void theLastLookOnTheIoThreadCanStillRefuse() {
    Throwable e = refusedDelete(guard(() -> Admission.UNBOUNDED, () -> Optional.of("the entity was handed over")));
    assertEquals("the entity was handed over", e.getMessage());
    assertEquals(0, deletesReceived());
  }

  @Test
  void aGuardThatFailsIsARefusalAndTheConnectionPermitIsReturned() {
    Throwable e = refusedDelete(guard(() -> {
      throw new IllegalStateException("replicator unavailable");
    }, Optional::empty));
    assertInstanceOf(DeleteRefusedException.class, e);
    assertTrue(e.getMessage().contains("replicator unavailable"), e.getMessage());
    assertEquals(0, deletesReceived());
    // Refusals returned their connection permits: more requests than the pool has connections still go out.
    for (int i = 0; i < 20; i++) {
      refusedDelete(guard(() -> Admission.refused("no"), Optional::empty));
    }
    assertEquals(List.of("e2"), join(client.bulkDelete("svc", List.of("e2"), false, DeleteGuard.NONE)));
  }
}
