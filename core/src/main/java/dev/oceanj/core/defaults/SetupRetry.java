package dev.oceanj.core.defaults;

import dev.oceanj.core.Failures;
import dev.oceanj.core.port.PortApiException;
import java.io.IOException;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Bounded retries of one step of setting the integration up in Port (creating the integration, a blueprint,
 * patching them), which the Port client does not retry itself because a create is not idempotent. Only what may
 * pass is retried: no answer (a dropped connection, a refused one), 408, 429 and 5xx, each time with the reason
 * logged. Before a create is sent again, {@code done} asks Port whether the previous attempt took effect after all
 * (Port may have written before the connection dropped): if so, that answer ends the step, so nothing is created
 * twice. A create answered 409 (another process, e.g. a cluster node starting at the same time, created it first) asks
 * {@code done} once too, and what it finds ends the step.
 *
 * @param attempts sends of one step, the first included (at least 1)
 * @param firstDelay wait before the second attempt; doubled for each next one
 * @param maxDelay longest wait between two attempts
 */
public record SetupRetry(int attempts, Duration firstDelay, Duration maxDelay) {

  private static final Logger LOG = LoggerFactory.getLogger(SetupRetry.class);

  public SetupRetry {
    if (attempts < 1 || firstDelay.isNegative() || maxDelay.isNegative()) {
      throw new IllegalArgumentException("attempts must be >= 1 and the delays not negative");
    }
  }

  /** Six attempts over about 15 s (0.5, 1, 2, 4 and 8 s apart): long enough for a Port restart or a proxy hiccup. */
  public static SetupRetry defaults() {
    return new SetupRetry(6, Duration.ofMillis(500), Duration.ofSeconds(8));
  }

  /** Whether a failure may pass when the same request is sent again. */
  public static boolean isTransient(Throwable failure) {
    Throwable t = Failures.unwrap(failure);
    if (t instanceof PortApiException p) {
      int s = p.status();
      return s == 0 || s == 408 || s == 429 || s >= 500;
    }
    return t instanceof IOException;
  }

  /** Runs a step that may simply be sent again (a read, a PATCH). */
  public <T> CompletionStage<T> run(String what, Supplier<CompletionStage<T>> call) {
    return run(what, call, null);
  }

  /**
   * Runs a create.
   *
   * @param what the step, for the log ("creating blueprint team")
   * @param call sends it
   * @param done asked before every new attempt; a present value is the step's result (it took effect already)
   */
  public <T> CompletionStage<T> run(String what, Supplier<CompletionStage<T>> call,
      Supplier<CompletionStage<Optional<T>>> done) {
    CompletableFuture<T> result = new CompletableFuture<>();
    attempt(what, call, done, 1, result);
    return result;
  }

  private <T> void attempt(String what, Supplier<CompletionStage<T>> call, Supplier<CompletionStage<Optional<T>>> done,
      int n, CompletableFuture<T> result) {
    CompletionStage<T> step = n == 1 || done == null ? invoke(call)
        : invoke(done).thenCompose(found -> found.isPresent() ? CompletableFuture.completedFuture(found.get())
            : invoke(call));
    step.whenComplete((value, failure) -> {
      if (failure == null) {
        result.complete(value);
        return;
      }
      Throwable cause = Failures.unwrap(failure);
      if (done != null && cause instanceof PortApiException p && p.status() == 409) {
        // Another process (a cluster node, a second replica) created it first: what it created ends the step.
        invoke(done).whenComplete((found, notFound) -> {
          if (notFound == null && found.isPresent()) {
            LOG.info("Port setup: {}: created meanwhile by another process; using it", what);
            result.complete(found.get());
          } else {
            result.completeExceptionally(cause);
          }
        });
        return;
      }
      if (n >= attempts || !isTransient(cause)) {
        result.completeExceptionally(cause);
        return;
      }
      long shift = Math.min(n - 1, 20);
      Duration delay = firstDelay.multipliedBy(1L << shift);
      if (delay.compareTo(maxDelay) > 0) {
        delay = maxDelay;
      }
      LOG.warn("Port setup: {} failed ({}); attempt {}/{} in {} ms", what, cause.getMessage(), n + 1, attempts,
          delay.toMillis());
      CompletableFuture.delayedExecutor(delay.toMillis(), TimeUnit.MILLISECONDS)
          .execute(() -> attempt(what, call, done, n + 1, result));
    });
  }

  private static <T> CompletionStage<T> invoke(Supplier<CompletionStage<T>> call) {
    try {
      return call.get();
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
  }
}
