package dev.oceanj.spi.host;

import dev.oceanj.spi.http.BodyReader;
import dev.oceanj.spi.http.HttpOptions;
import dev.oceanj.spi.http.HttpStatusException;
import dev.oceanj.spi.http.ThirdPartyHttp;
import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * The host's {@link ThirdPartyHttp}: retries with backoff and server hints, a concurrency bound, per-attempt
 * timeouts, and body readers run on a thread reserved for blocking work.
 */
final class RetryingHttp implements ThirdPartyHttp {

  private static final System.Logger LOG = System.getLogger(RetryingHttp.class.getName());
  private static final Set<Integer> RETRIED_STATUSES = Set.of(429, 408, 502, 503, 504);
  private static final List<String> RESET_HEADERS = List.of("x-ratelimit-reset", "x-rate-limit-reset",
      "ratelimit-reset");
  /** Reset values above this are UNIX epochs, not seconds to wait (Ocean's rule). */
  private static final long EPOCH_THRESHOLD = 10_000;

  private final HttpClient client;
  private final HttpOptions options;
  private final Executor blocking;
  private final Clock clock;
  private final Permits permits;

  RetryingHttp(HttpClient client, HttpOptions options, Executor blocking, Clock clock) {
    this.client = Objects.requireNonNull(client, "client");
    this.options = Objects.requireNonNull(options, "options");
    this.blocking = Objects.requireNonNull(blocking, "blocking");
    this.clock = clock;
    this.permits = new Permits(options.maxConcurrency());
  }

  @Override
  public <T> CompletionStage<T> send(HttpRequest request, BodyReader<T> reader) {
    Objects.requireNonNull(request, "request");
    Objects.requireNonNull(reader, "reader");
    HttpRequest timed = request.timeout().isPresent() ? request
        : HttpRequest.newBuilder(request, (name, value) -> true).timeout(options.timeout()).build();
    CompletableFuture<T> result = new CompletableFuture<>();
    attempt(timed, reader, 0, result);
    return result;
  }

  private boolean retriable(HttpRequest request) {
    String method = request.method();
    return options.retryNonIdempotent() || !(method.equals("POST") || method.equals("PATCH"));
  }

  /** A certificate the client does not trust: the same on every attempt, so never retried. */
  static boolean untrusted(Throwable error) {
    for (Throwable c = error; c != null; c = c.getCause()) {
      if (c instanceof java.security.cert.CertificateException) {
        return true;
      }
    }
    return false;
  }

  private <T> void attempt(HttpRequest request, BodyReader<T> reader, int retry, CompletableFuture<T> result) {
    permits.acquire().thenRun(() -> {
      CompletableFuture<HttpResponse<InputStream>> sent;
      try {
        sent = client.sendAsync(request, HttpResponse.BodyHandlers.ofInputStream());
      } catch (RuntimeException e) {
        permits.release();
        result.completeExceptionally(e);
        return;
      }
      sent.whenComplete((response, error) -> {
          if (error != null) {
            permits.release();
            Throwable cause = error instanceof CompletionException && error.getCause() != null
                ? error.getCause() : error;
            if (cause instanceof IOException && !untrusted(cause) && retry < options.maxRetries()
                && retriable(request)) {
              retryLater(request, reader, retry, backoff(retry), cause.toString(), result);
            } else {
              result.completeExceptionally(cause);
            }
            return;
          }
          int status = response.statusCode();
          if (RETRIED_STATUSES.contains(status) && retry < options.maxRetries() && retriable(request)) {
            close(response.body());
            permits.release();
            retryLater(request, reader, retry, delay(response.headers(), retry), "HTTP " + status, result);
            return;
          }
          blocking.execute(() -> {
            try (InputStream body = response.body()) {
              result.complete(reader.read(response));
            } catch (Throwable e) {
              result.completeExceptionally(e);
            } finally {
              permits.release();
            }
          });
        });
    });
  }

  private <T> void retryLater(HttpRequest request, BodyReader<T> reader, int retry, Duration wait, String why,
      CompletableFuture<T> result) {
    LOG.log(System.Logger.Level.DEBUG, () -> request.method() + " " + HttpStatusException.withoutQuery(request.uri())
        + ": " + why + ", retry " + (retry + 1) + " of " + options.maxRetries() + " in " + wait.toMillis() + " ms");
    Executor later = CompletableFuture.delayedExecutor(wait.toMillis(), TimeUnit.MILLISECONDS, blocking);
    later.execute(() -> attempt(request, reader, retry + 1, result));
  }

  /** The wait before retry {@code retry + 1}: the server's hint when it gave one, else exponential backoff. */
  Duration delay(HttpHeaders headers, int retry) {
    Optional<Duration> hint = headers.firstValue("retry-after").flatMap(v -> parseWait(v, false));
    for (String name : RESET_HEADERS) {
      if (hint.isPresent()) {
        break;
      }
      hint = headers.firstValue(name).flatMap(v -> parseWait(v, true));
    }
    return hint.map(this::capped).orElseGet(() -> backoff(retry));
  }

  private Duration backoff(int retry) {
    double base = options.initialBackoff().toMillis() * Math.pow(2, Math.min(retry, 30));
    double jittered = base * (0.9 + 0.2 * ThreadLocalRandom.current().nextDouble());
    return capped(Duration.ofMillis((long) jittered));
  }

  private Duration capped(Duration d) {
    if (d.isNegative()) {
      return Duration.ZERO;
    }
    return d.compareTo(options.maxBackoff()) > 0 ? options.maxBackoff() : d;
  }

  /** Seconds ({@code 12}, {@code 1.5}), an epoch when {@code epochAllowed} and above 10,000, or a date. */
  private Optional<Duration> parseWait(String raw, boolean epochAllowed) {
    String v = raw.trim();
    Instant now = clock.instant();
    if (v.matches("\\d+(\\.\\d+)?")) {
      double n = Double.parseDouble(v);
      if (epochAllowed && n > EPOCH_THRESHOLD) {
        return Optional.of(Duration.between(now, Instant.ofEpochMilli((long) (n * 1000))));
      }
      return Optional.of(Duration.ofMillis((long) (n * 1000)));
    }
    try {
      return Optional.of(Duration.between(now, ZonedDateTime.parse(v, DateTimeFormatter.RFC_1123_DATE_TIME)));
    } catch (DateTimeParseException e) {
      // not an HTTP date; maybe ISO-8601
    }
    try {
      return Optional.of(Duration.between(now, OffsetDateTime.parse(v).toInstant()));
    } catch (DateTimeParseException e) {
      return Optional.empty();
    }
  }

  private static void close(InputStream in) {
    try {
      in.close();
    } catch (IOException e) {
      // the body of a response we retry is of no interest
    }
  }

  /** A non-blocking counting semaphore: waiters get their permit in arrival order. */
  private static final class Permits {
    private final Deque<CompletableFuture<Void>> waiters = new ArrayDeque<>();
    private int available;

    Permits(int n) {
      available = n;
    }

    CompletableFuture<Void> acquire() {
      synchronized (this) {
        if (available > 0) {
          available--;
          return CompletableFuture.completedFuture(null);
        }
        CompletableFuture<Void> waiter = new CompletableFuture<>();
        waiters.add(waiter);
        return waiter;
      }
    }

    void release() {
      CompletableFuture<Void> next;
      synchronized (this) {
        next = waiters.poll();
        if (next == null) {
          available++;
          return;
        }
      }
      next.complete(null);
    }
  }
}
