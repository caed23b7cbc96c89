package dev.oceanj.core.port;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.oceanj.core.Failures;
import dev.oceanj.core.net.ProxyRules;
import dev.oceanj.core.port.AccessTokens.Issued;
import dev.oceanj.core.port.AccessTokens.Token;
import java.io.IOException;
import java.net.ConnectException;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpHeaders;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import javax.net.ssl.SSLContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One client's way to Port: a {@link PortChannel} (its own, or one shared by every client of the base URL), its
 * credential's access tokens (its own, or shared), retries and the write limiter (or its own lane of a shared one);
 * knows nothing of endpoints.
 *
 * <p>What is retried (ocean-reference.md §1.2): 401 (after a token refresh, the request rebuilt with the new
 * header), 429, connection failures before the request left, for any method, since Port did not act on the
 * request; 408, 502, 503, 504 and I/O errors after sending only for calls marked idempotent. Waits honour
 * {@code Retry-After} (and {@code x-ratelimit-reset} on a 429), else back off exponentially with jitter.
 *
 * <p>Each exchange runs on one of the channel's I/O threads, blocked on a kept-alive connection of its
 * {@link Http1Pool}.
 */
final class PortTransport implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(PortTransport.class);
  static final String TOKEN_PATH = "/v1/auth/access_token";
  private static final int MAX_RECORDED_BODY = 4096;

  /**
   * One logical request.
   *
   * @param method     HTTP method
   * @param path       path from the API root, e.g. {@code /v1/blueprints/x}, segments already encoded
   * @param query      query string without {@code ?}, or empty
   * @param body       JSON body, or null
   * @param idempotent whether Port's semantics make a repeat harmless (upserts, deletes, reads, search)
   * @param write      whether the call draws from the org-wide write budget
   * @param priority   whose budget share it draws from
   * @param exporter   whether the User-Agent carries {@code /exporter} (entity writes: Port's {@code $datasource})
   * @param guard      asked at the last moment before the request is written ({@link DeleteGuard#NONE}: never)
   */
  record Call(String method, String path, String query, byte[] body, boolean idempotent, boolean write,
      WriteLimiter.Priority priority, boolean exporter, DeleteGuard guard) {

    /** A call with no {@link DeleteGuard}. */
    Call(String method, String path, String query, byte[] body, boolean idempotent, boolean write,
        WriteLimiter.Priority priority, boolean exporter) {
      this(method, path, query, body, idempotent, write, priority, exporter, DeleteGuard.NONE);
    }

    /** This call, guarded by {@code g}. */
    Call guardedBy(DeleteGuard g) {
      return new Call(method, path, query, body, idempotent, write, priority, exporter, g);
    }

    String target() {
      return query.isEmpty() ? path : path + "?" + query;
    }

    boolean authenticated() {
      return !path.equals(TOKEN_PATH);
    }
  }

  /** Port's answer (any status). */
  record Reply(int status, byte[] body, HttpHeaders headers) {
    boolean ok() {
      return status >= 200 && status < 300;
    }

    String traceId() {
      return headers.firstValue("x-trace-id").orElse(null);
    }

    String text() {
      return new String(body, StandardCharsets.UTF_8);
    }
  }

  /**
   * Request figures since start.
   *
   * @param sent       HTTP exchanges attempted, retries included
   * @param retries    of which were retries
   * @param throttled  429 answers received
   * @param unauthorized 401 answers received (refreshes forced)
   * @param tokens     access tokens fetched
   */
  record Stats(long sent, long retries, long throttled, long unauthorized, long tokens) {}

  private final PortClientSettings settings;
  private final String userAgent;
  private final String exporterUserAgent;
  /** Cluster mode's node tag, sent as {@code X-Oceanj-Node}; null outside cluster mode. */
  private final String node;
  private final WriteLimiter limiter;
  /** The lane writes wait in: the limiter's default one, or this client's own when it shares the limiter. */
  private final WriteLimiter.Lane lane;
  private final ObjectMapper mapper;
  private final RetryTiming timing;
  private final PortChannel channel;
  private final boolean ownsChannel;
  private final AccessTokens tokens;
  private final LongAdder sent = new LongAdder();
  private final LongAdder retries = new LongAdder();
  private final LongAdder throttled = new LongAdder();
  private final LongAdder unauthorized = new LongAdder();
  private final LongAdder tokensFetched = new LongAdder();

  PortTransport(PortClientSettings settings, PortClient.PortIdentity identity, WriteLimiter limiter, ObjectMapper mapper) {
    this(settings, identity, limiter, mapper, null);
  }

  /** With {@code tls} for an {@code https} base URL (null: the JVM's default context). */
  PortTransport(PortClientSettings settings, PortClient.PortIdentity identity, WriteLimiter limiter, ObjectMapper mapper,
      SSLContext tls) {
    this(settings, identity, limiter, mapper, tls, null);
  }

  /** With {@code tls} (null: the JVM's default context) and {@code proxy} (null: direct): a channel of its own. */
  PortTransport(PortClientSettings settings, PortClient.PortIdentity identity, WriteLimiter limiter, ObjectMapper mapper,
      SSLContext tls, ProxyRules.Proxy proxy) {
    this(settings, identity, limiter, null, mapper, new PortChannel(settings, tls, proxy), true, null);
  }

  /**
   * Over a shared channel, drawing from a lane of a shared limiter, with the tokens of a shared credential.
   *
   * @param lane   the lane writes wait in (null: no write budget)
   * @param tokens the credential's tokens, or null for tokens of this transport's own
   */
  PortTransport(PortClientSettings settings, PortClient.PortIdentity identity, WriteLimiter.Lane lane,
      ObjectMapper mapper, PortChannel channel, AccessTokens tokens) {
    this(settings, identity, lane == null ? null : lane.limiter(), lane, mapper, channel, false, tokens);
  }

  private PortTransport(PortClientSettings settings, PortClient.PortIdentity identity, WriteLimiter limiter,
      WriteLimiter.Lane lane, ObjectMapper mapper, PortChannel channel, boolean ownsChannel, AccessTokens tokens) {
    this.settings = settings;
    this.userAgent = "port-ocean/" + identity.type() + "/" + identity.version() + "/" + identity.identifier();
    this.exporterUserAgent = userAgent + "/exporter";
    this.node = identity.node().orElse(null);
    this.limiter = limiter;
    this.lane = lane;
    this.mapper = mapper;
    this.timing = new RetryTiming(settings.retry());
    this.channel = channel;
    this.ownsChannel = ownsChannel;
    this.tokens = tokens != null ? tokens : newTokens();
  }

  /** This transport's access tokens (its own, or its credential's shared ones). */
  AccessTokens tokens() {
    return tokens;
  }

  /** Tokens of this transport's credential, fetched through it. */
  AccessTokens newTokens() {
    return new AccessTokens(this::fetchToken, settings.tokenRefreshSkew(), System::nanoTime, mapper);
  }

  Stats stats() {
    return new Stats(sent.sum(), retries.sum(), throttled.sum(), unauthorized.sum(), tokensFetched.sum());
  }

  WriteLimiter limiter() {
    return limiter;
  }

  /** The current access token's {@code Authorization} value. */
  CompletableFuture<String> authorization() {
    return tokens.current().thenApply(Token::authorization);
  }

  /**
   * Sends {@code call}, retrying what may be retried; completes with Port's last answer, whatever its status.
   *
   * <p>Completes on the I/O thread that read the answer (on the retry timer or the closing thread only when the
   * client closes), and callers' continuations run there: they must not block. That costs no other request
   * anything, since an I/O thread serves one exchange at a time and a new exchange never waits for a busy one, and
   * it is cheaper than a hop to another pool (measured with {@code ClientBench}: about 10 % of the client's CPU).
   */
  CompletableFuture<Reply> send(Call call) {
    CompletableFuture<Reply> result = new CompletableFuture<>();
    attempt(call, 0, result);
    return result;
  }

  /** The error a failed call completes with. The token endpoint's body is not recorded. */
  PortApiException error(Call call, Reply reply) {
    String body = call.authenticated() ? truncate(reply.text()) : "";
    return new PortApiException(call.method(), call.target(), reply.status(), body, reply.traceId(), null);
  }

  private void attempt(Call call, int retry, CompletableFuture<Reply> result) {
    CompletableFuture<Void> gate = call.write() && limiter != null
        ? (lane != null ? lane.acquire(call.priority()) : limiter.acquire(call.priority())).toCompletableFuture()
        : CompletableFuture.completedFuture(null);
    gate.thenCompose(v -> call.authenticated() ? tokens.current() : CompletableFuture.<Token>completedFuture(null))
        .thenCompose(token -> channel.permit().thenApply(v -> token))
        .thenCompose(token -> call.guard() == DeleteGuard.NONE ? exchange(call, token, DeleteGuard.Admission.UNBOUNDED)
            : admit(call).thenCompose(admission -> exchange(call, token, admission)))
        .whenComplete((outcome, err) -> {
          if (err != null && Failures.unwrap(err) instanceof DeleteRefusedException refused) {
            result.completeExceptionally(refused);
          } else if (err != null) {
            // The limiter closed or the token could not be fetched: nothing more to try.
            Throwable cause = Failures.unwrap(err);
            result.completeExceptionally(cause instanceof PortApiException ? cause
                : new PortApiException(call.method(), call.target(), 0, cause.getMessage() != null
                    && cause instanceof IOException ? cause.getMessage() : cause.toString(), null, cause));
          } else {
            decide(call, retry, outcome, result);
          }
        });
  }

  private record Outcome(Token token, Reply reply, Throwable failure) {}

  /**
   * Asks the call's {@link DeleteGuard} (the permits are taken: nothing but the I/O thread lies between this and the
   * write). A refusal, or a guard that fails, returns the connection permit, tells the guard and fails with
   * {@link DeleteRefusedException}: the request is not sent, and not retried.
   */
  private CompletableFuture<DeleteGuard.Admission> admit(Call call) {
    CompletableFuture<DeleteGuard.Admission> asked;
    try {
      asked = call.guard().admit().toCompletableFuture();
    } catch (RuntimeException e) {
      asked = CompletableFuture.failedFuture(e);
    }
    return asked.handle((admission, error) -> {
      String refusal = error != null
          ? "the delete guard could not be checked: " + Failures.unwrap(error)
          : admission == null ? "the delete guard gave no answer" : admission.refusal().orElse(null);
      if (refusal == null) {
        return admission;
      }
      channel.release();
      throw refuse(call, refusal);
    });
  }

  private DeleteRefusedException refuse(Call call, String reason) {
    LOG.warn("{} {} not sent: {}", call.method(), call.path(), reason);
    call.guard().refused(reason);
    return new DeleteRefusedException(reason);
  }

  /** Runs one exchange on the channel's I/O threads (the permit is taken). */
  private CompletableFuture<Outcome> exchange(Call call, Token token, DeleteGuard.Admission admission) {
    sent.increment();
    // Read on the I/O thread with a connection in hand, right before the bytes are written.
    java.util.function.Supplier<Optional<String>> veto = call.guard() == DeleteGuard.NONE ? null
        : () -> admission.lateAt(System.nanoTime()).or(call.guard()::lastLook);
    return channel.exchange(call.method(), call.target(), call.exporter() ? exporterUserAgent : userAgent,
        token == null ? null : token.authorization(), call.body(), call.idempotent(), node, veto)
        .thenApply(e -> new Outcome(token, e.reply(), e.failure()));
  }

  private void decide(Call call, int retry, Outcome o, CompletableFuture<Reply> result) {
    int max = settings.retry().maxAttempts();
    if (o.failure() instanceof Http1Pool.Vetoed vetoed) {
      result.completeExceptionally(refuse(call, vetoed.getMessage()));
      return;
    }
    if (o.failure() != null) {
      Throwable cause = o.failure();
      // Http1Pool fails with these only while opening a connection (or waiting for one), before the request left.
      // A stale pooled connection is retried inside it for idempotent calls; for others its failure lands below.
      boolean notSent = cause instanceof ConnectException || cause instanceof HttpConnectTimeoutException;
      boolean retryable = cause instanceof IOException && (call.idempotent() || notSent) && !permanent(cause);
      if (retryable && retry < max) {
        Duration d = timing.delay(retry + 1, Optional.empty());
        LOG.debug("{} {} failed ({}); retry {}/{} in {} ms", call.method(), call.path(), cause.toString(), retry + 1,
            max, d.toMillis());
        schedule(call, retry + 1, d, result);
      } else {
        result.completeExceptionally(new PortApiException(call.method(), call.target(), 0,
            permanent(cause) ? cause.getMessage() : cause.toString(), null, cause));
      }
      return;
    }
    Reply reply = o.reply();
    HttpHeaders h = reply.headers();
    if (call.write() && limiter != null) {
      limiter.observe(header(h, "x-ratelimit-limit"), header(h, "x-ratelimit-remaining"),
          header(h, "x-ratelimit-reset"), header(h, "x-ratelimit-period"));
    }
    int status = reply.status();
    boolean retryable;
    if (status == 401 && call.authenticated()) {
      unauthorized.increment();
      tokens.rejected(o.token());
      retryable = true;
    } else if (status == 429) {
      throttled.increment();
      retryable = true;
    } else if (status == 408 || status == 502 || status == 503 || status == 504) {
      retryable = call.idempotent();
    } else {
      retryable = false;
    }
    if (!retryable || retry >= max) {
      result.complete(reply);
      return;
    }
    Instant now = Instant.now();
    Optional<Duration> hint = RetryTiming.parseWait(h.firstValue("retry-after").orElse(null), now);
    if (hint.isEmpty() && status == 429) {
      hint = RetryTiming.parseWait(h.firstValue("x-ratelimit-reset").orElse(null), now);
    }
    Duration d = status == 401 && retry == 0 ? Duration.ZERO : timing.delay(retry + 1, hint);
    if (status == 429 && call.write() && limiter != null) {
      limiter.pauseFor(d);
    }
    LOG.debug("{} {} answered {} (x-trace-id {}); retry {}/{} in {} ms", call.method(), call.path(), status,
        h.firstValue("x-trace-id").orElse("-"), retry + 1, max, d.toMillis());
    schedule(call, retry + 1, d, result);
  }

  private void schedule(Call call, int retry, Duration delay, CompletableFuture<Reply> result) {
    retries.increment();
    Runnable again = () -> attempt(call, retry, result);
    try {
      if (delay.isZero()) {
        channel.scheduler().execute(again);
      } else {
        channel.scheduler().schedule(again, delay.toNanos(), TimeUnit.NANOSECONDS);
      }
    } catch (RuntimeException e) {
      result.completeExceptionally(new PortApiException(call.method(), call.target(), 0, "client closed", null, e));
    }
  }

  private CompletableFuture<Issued> fetchToken() {
    byte[] body;
    try {
      body = mapper.writeValueAsBytes(mapper.createObjectNode()
          .put("clientId", settings.clientId())
          .put("clientSecret", settings.clientSecret()));
    } catch (IOException e) {
      return CompletableFuture.failedFuture(e);
    }
    Call call = new Call("POST", TOKEN_PATH, "", body, true, false, WriteLimiter.Priority.RESYNC, false);
    return send(call).thenApply(reply -> {
      if (!reply.ok()) {
        throw error(call, reply);
      }
      JsonNode n;
      try {
        n = mapper.readTree(reply.body());
      } catch (IOException e) {
        throw new PortApiException("POST", TOKEN_PATH, reply.status(), "unreadable token response", reply.traceId(), e);
      }
      String token = n.path("accessToken").asText("");
      if (token.isEmpty()) {
        throw new PortApiException("POST", TOKEN_PATH, reply.status(), "no accessToken in Port's answer",
            reply.traceId(), null);
      }
      tokensFetched.increment();
      return new Issued(token, n.path("tokenType").asText("Bearer"), n.path("expiresIn").asLong(-1));
    });
  }

  /**
   * Failures no retry can cure: a certificate that is not trusted (or names another host), and a proxy that wants
   * credentials. They fail the call at once, with the reason.
   */
  static boolean permanent(Throwable cause) {
    return cause instanceof Http1Connection.ProxyRefusedException
        || cause instanceof javax.net.ssl.SSLHandshakeException && Http1Connection.certificateProblem(cause) != null;
  }

  private static OptionalLong header(HttpHeaders h, String name) {
    Optional<String> v = h.firstValue(name);
    if (v.isEmpty()) {
      return OptionalLong.empty();
    }
    try {
      return OptionalLong.of((long) Double.parseDouble(v.get().trim()));
    } catch (NumberFormatException e) {
      return OptionalLong.empty();
    }
  }

  private static String truncate(String s) {
    return s.length() <= MAX_RECORDED_BODY ? s : s.substring(0, MAX_RECORDED_BODY) + "…";
  }

  /**
   * Closes the channel if it is this transport's own; a shared one stays open for its other clients, and this
   * transport's lane of a shared limiter closes.
   */
  @Override
  public void close() {
    if (ownsChannel) {
      channel.close();
    } else if (lane != null) {
      lane.close();
    }
  }
}
