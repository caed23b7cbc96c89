package dev.oceanj.core.port;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.oceanj.core.port.AccessTokens.Issued;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class AccessTokensTest {

  private final AtomicLong clock = new AtomicLong(1_000_000_000L);
  private final List<CompletableFuture<Issued>> fetches = new ArrayList<>();

  private AccessTokens tokens(Duration skew) {
    return new AccessTokens(() -> {
      CompletableFuture<Issued> f = new CompletableFuture<>();
      fetches.add(f);
      return f;
    }, skew, clock::get, new ObjectMapper());
  }

  private static String jwt(long iat, long exp) {
    Base64.Encoder b = Base64.getUrlEncoder().withoutPadding();
    return b.encodeToString("{\"alg\":\"none\"}".getBytes(StandardCharsets.UTF_8)) + "."
        + b.encodeToString(("{\"iat\":" + iat + ",\"exp\":" + exp + "}").getBytes(StandardCharsets.UTF_8)) + ".sig";
  }

  private void advance(Duration d) {
    clock.addAndGet(d.toNanos());
  }

  @Test
  void concurrentCallersShareOneFetch() {
    AccessTokens t = tokens(Duration.ofSeconds(60));
    var a = t.current();
    var b = t.current();
    assertSame(a, b);
    assertEquals(1, fetches.size());
    fetches.get(0).complete(new Issued("abc", "Bearer", 3600));
    assertEquals("Bearer abc", a.join().authorization());
    assertSame(a, t.current());
    assertEquals(1, fetches.size());
  }

  @Test
  void refreshesSkewBeforeExpiresIn() {
    AccessTokens t = tokens(Duration.ofSeconds(60));
    t.current();
    fetches.get(0).complete(new Issued("one", "Bearer", 3600));
    advance(Duration.ofSeconds(3539));
    assertEquals("Bearer one", t.current().join().authorization());
    advance(Duration.ofSeconds(1));
    t.current();
    assertEquals(2, fetches.size(), "refreshed 60 s before the hour ran out");
  }

  @Test
  void jwtExpWinsWhenItIsEarlierThanExpiresIn() {
    AccessTokens t = tokens(Duration.ofSeconds(60));
    t.current();
    fetches.get(0).complete(new Issued(jwt(1000, 1600), "Bearer", 3600));
    advance(Duration.ofSeconds(539));
    t.current();
    assertEquals(1, fetches.size());
    advance(Duration.ofSeconds(1));
    t.current();
    assertEquals(2, fetches.size(), "10 min JWT life minus 60 s skew");
  }

  @Test
  void shortLivedTokensAreUsedForHalfTheirLife() {
    AccessTokens t = tokens(Duration.ofSeconds(60));
    t.current();
    fetches.get(0).complete(new Issued("short", "Bearer", 4));
    advance(Duration.ofMillis(1999));
    t.current();
    assertEquals(1, fetches.size());
    advance(Duration.ofMillis(1));
    t.current();
    assertEquals(2, fetches.size());
  }

  @Test
  void aRejectedTokenIsReplacedOnceForAllWhoSawIt() {
    AccessTokens t = tokens(Duration.ofSeconds(60));
    t.current();
    fetches.get(0).complete(new Issued("one", "Bearer", 3600));
    AccessTokens.Token old = t.current().join();
    t.rejected(old);
    var fresh = t.current();
    t.rejected(old);
    assertSame(fresh, t.current());
    assertEquals(2, fetches.size());
    fetches.get(1).complete(new Issued("two", "Bearer", 3600));
    assertNotSame(old, fresh.join());
    assertEquals("Bearer two", fresh.join().authorization());
  }

  @Test
  void aFailedFetchIsRetriedByTheNextCaller() {
    AccessTokens t = tokens(Duration.ofSeconds(60));
    var first = t.current();
    fetches.get(0).completeExceptionally(new IllegalStateException("down"));
    assertTrue(first.isCompletedExceptionally());
    var second = t.current();
    assertFalse(second.isDone());
    assertEquals(2, fetches.size());
  }

  @Test
  void tokenNeverPrints() {
    AccessTokens t = tokens(Duration.ofSeconds(60));
    var token = t.token(new Issued("very-secret-token", "Bearer", 60), 0);
    assertFalse(token.toString().contains("very-secret-token"));
    assertFalse(new Issued("very-secret-token", "Bearer", 60).toString().contains("very-secret-token"));
  }
}
