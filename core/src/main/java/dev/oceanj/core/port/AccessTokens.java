package dev.oceanj.core.port;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * The client's access token: fetched once for all concurrent callers, refreshed ahead of expiry, and refreshed
 * when Port rejects it.
 *
 * <p>Expiry is the earliest of what {@code expiresIn} says and what the JWT's {@code exp} says (read without a
 * signature check; from {@code exp − iat} when both are there, so the clocks of Port and this host need not agree).
 * The refresh happens {@code skew} before that, but at most halfway through the token's life, so short-lived
 * tokens are not refreshed on every request.
 */
final class AccessTokens {

  /** A token and when to stop using it (in {@link #nanoClock} time). */
  record Token(String authorization, long refreshAtNanos) {
    @Override
    public String toString() {
      return "Token[****]";
    }
  }

  /** Port's answer to {@code POST /v1/auth/access_token}. */
  record Issued(String accessToken, String tokenType, long expiresInSeconds) {
    @Override
    public String toString() {
      return "Issued[tokenType=" + tokenType + ", expiresIn=" + expiresInSeconds + "]";
    }
  }

  private final Supplier<CompletableFuture<Issued>> fetch;
  private final Duration skew;
  private final LongSupplier nanoClock;
  private final ObjectMapper mapper;
  private final AtomicReference<CompletableFuture<Token>> current = new AtomicReference<>();

  AccessTokens(Supplier<CompletableFuture<Issued>> fetch, Duration skew, LongSupplier nanoClock, ObjectMapper mapper) {
    this.fetch = fetch;
    this.skew = skew;
    this.nanoClock = nanoClock;
    this.mapper = mapper;
  }

  /** A token good for a request now; at most one fetch runs at a time, whatever the number of callers. */
  CompletableFuture<Token> current() {
    while (true) {
      CompletableFuture<Token> f = current.get();
      if (f != null && !needsRefresh(f)) {
        return f;
      }
      CompletableFuture<Token> next = new CompletableFuture<>();
      if (current.compareAndSet(f, next)) {
        start(next);
        return next;
      }
    }
  }

  /**
   * Port rejected {@code rejected}: the next {@link #current()} fetches a new one, unless another caller already
   * replaced it (then nothing happens, so a burst of 401s causes one refresh).
   */
  void rejected(Token rejected) {
    CompletableFuture<Token> f = current.get();
    if (f != null && f.isDone() && !f.isCompletedExceptionally() && f.join() == rejected) {
      current.compareAndSet(f, null);
    }
  }

  private boolean needsRefresh(CompletableFuture<Token> f) {
    if (!f.isDone()) {
      return false;
    }
    if (f.isCompletedExceptionally()) {
      return true;
    }
    return nanoClock.getAsLong() - f.join().refreshAtNanos() >= 0;
  }

  private void start(CompletableFuture<Token> next) {
    long requestedAt = nanoClock.getAsLong();
    CompletableFuture<Issued> issued;
    try {
      issued = fetch.get();
    } catch (RuntimeException e) {
      next.completeExceptionally(e);
      return;
    }
    issued.whenComplete((i, err) -> {
      if (err != null) {
        next.completeExceptionally(err);
      } else {
        next.complete(token(i, requestedAt));
      }
    });
  }

  Token token(Issued i, long requestedAtNanos) {
    long lifetimeMs = i.expiresInSeconds() >= 0 ? i.expiresInSeconds() * 1000 : Long.MAX_VALUE;
    long jwtMs = jwtLifetimeMillis(i.accessToken());
    lifetimeMs = Math.min(lifetimeMs, jwtMs);
    if (lifetimeMs == Long.MAX_VALUE) {
      // Neither expiresIn nor exp: Port documents 3 h; refresh well before.
      lifetimeMs = Duration.ofHours(1).toMillis();
    }
    long margin = Math.min(skew.toMillis(), lifetimeMs / 2);
    long refreshAt = requestedAtNanos + Math.max(0, lifetimeMs - margin) * 1_000_000L;
    String type = i.tokenType() == null || i.tokenType().isBlank() ? "Bearer" : i.tokenType();
    return new Token(type + " " + i.accessToken(), refreshAt);
  }

  /** The token's lifetime per its JWT claims, {@code Long.MAX_VALUE} when it is not a JWT with {@code exp}. */
  long jwtLifetimeMillis(String accessToken) {
    String[] parts = accessToken.split("\\.");
    if (parts.length < 2) {
      return Long.MAX_VALUE;
    }
    try {
      JsonNode claims = mapper.readTree(new String(Base64.getUrlDecoder().decode(parts[1]), StandardCharsets.UTF_8));
      JsonNode exp = claims.get("exp");
      if (exp == null || !exp.isNumber()) {
        return Long.MAX_VALUE;
      }
      JsonNode iat = claims.get("iat");
      if (iat != null && iat.isNumber()) {
        // exp is rounded to whole seconds in JWTs, so exp − iat can exceed the real life by up to a second: the
        // skew margin covers that.
        return Math.max(0, (exp.asLong() - iat.asLong()) * 1000);
      }
      return Math.max(0, exp.asLong() * 1000 - System.currentTimeMillis());
    } catch (Exception e) {
      return Long.MAX_VALUE;
    }
  }
}
