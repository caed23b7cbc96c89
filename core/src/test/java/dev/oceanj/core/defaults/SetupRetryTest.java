package dev.oceanj.core.defaults;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.oceanj.core.port.PortApiException;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class SetupRetryTest {

  private static final SetupRetry RETRY = new SetupRetry(3, Duration.ofMillis(1), Duration.ofMillis(5));

  private static CompletableFuture<String> conflict() {
    return CompletableFuture.failedFuture(new PortApiException("POST", "/v1/integration", 409,
        "{\"error\":\"identifier_taken\"}", null, null));
  }

  /** Cluster nodes started together all create the integration; the ones answered 409 use what the first made. */
  @Test
  void aCreateAnsweredConflictEndsWithWhatAnotherProcessCreated() throws Exception {
    AtomicInteger sends = new AtomicInteger();
    String result = RETRY.run("creating the integration", () -> {
      sends.incrementAndGet();
      return conflict();
    }, () -> CompletableFuture.completedFuture(Optional.of("theirs"))).toCompletableFuture().get(10, TimeUnit.SECONDS);
    assertEquals("theirs", result);
    assertEquals(1, sends.get(), "a conflict is not sent again");
  }

  @Test
  void aConflictWithNothingToFindStaysAFailure() {
    var failed = assertThrows(ExecutionException.class, () -> RETRY.run("creating the integration",
        SetupRetryTest::conflict, () -> CompletableFuture.completedFuture(Optional.<String>empty()))
        .toCompletableFuture().get(10, TimeUnit.SECONDS));
    assertEquals(409, ((PortApiException) failed.getCause()).status());
  }

  @Test
  void aConflictOfAStepWithoutACheckFailsAtOnce() {
    AtomicInteger sends = new AtomicInteger();
    var failed = assertThrows(ExecutionException.class, () -> RETRY.run("patching", () -> {
      sends.incrementAndGet();
      return conflict();
    }).toCompletableFuture().get(10, TimeUnit.SECONDS));
    assertSame(PortApiException.class, failed.getCause().getClass());
    assertEquals(1, sends.get());
  }
}
