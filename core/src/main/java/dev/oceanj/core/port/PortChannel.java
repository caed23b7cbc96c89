package dev.oceanj.core.port;

import dev.oceanj.core.net.ProxyRules;
import dev.oceanj.core.port.PortTransport.Reply;
import java.util.ArrayDeque;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import javax.net.ssl.SSLContext;

/**
 * The connections to one Port base URL: a {@link Http1Pool} of kept-alive HTTP/1.1 connections, the I/O threads
 * that block on them, the timer of retries and the permits that keep exchanges in flight to the pool's size.
 * Knows nothing of tokens, identities or the write budget, so one channel can serve every client of a base URL
 * ({@link PortConnections}) as well as one client alone.
 *
 * <p>Each exchange runs on an {@code oceanj-port-io-N} thread, blocked on a connection; {@link Permits} keep the
 * exchanges in flight to {@code maxConnections} without blocking a thread.
 */
final class PortChannel implements AutoCloseable {

  /** What one exchange gave: Port's answer, or the failure that stopped it. */
  record Exchanged(Reply reply, Throwable failure) {}

  private final ExecutorService io;
  private final ScheduledExecutorService scheduler;
  private final Http1Pool http;
  private final Permits permits;

  /** With {@code tls} (null: the JVM's default context) and {@code proxy} (null: direct). */
  PortChannel(PortClientSettings settings, SSLContext tls, ProxyRules.Proxy proxy) {
    AtomicInteger n = new AtomicInteger();
    // One thread per exchange in flight, blocked in its socket: the permits keep them to maxConnections. A thread
    // is taken from the idle ones (the most recently idle first) or started; idle ones end after 30 s. It has no
    // hard cap, so that a thread still running a caller's continuation never makes another exchange wait.
    this.io = new ThreadPoolExecutor(0, Integer.MAX_VALUE, 30, TimeUnit.SECONDS, new SynchronousQueue<>(), r -> {
      Thread t = new Thread(r, "oceanj-port-io-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    });
    this.scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "oceanj-port-client-retry");
      t.setDaemon(true);
      return t;
    });
    this.http = new Http1Pool(settings.baseUrl(), settings.connectTimeout(), settings.requestTimeout(),
        settings.maxConnections(), tls, proxy, Http1Pool.IDLE_LIMIT, scheduler);
    this.permits = new Permits(settings.maxConnections());
  }

  /** The timer retries wait on. */
  ScheduledExecutorService scheduler() {
    return scheduler;
  }

  /** Completes when an exchange may start (fewer than {@code maxConnections} in flight). */
  CompletableFuture<Void> permit() {
    return permits.acquire();
  }

  /**
   * Runs one exchange on an I/O thread, holding a permit taken with {@link #permit()}, which is returned once the
   * answer is read.
   *
   * @param node cluster mode's node tag, sent as {@code X-Oceanj-Node}; null outside cluster mode
   * @param veto read with a connection in hand right before the request is written: a reason stops it unsent
   *     ({@link Http1Pool.Vetoed}); null for none
   */
  CompletableFuture<Exchanged> exchange(String method, String target, String userAgent, String authorization,
      byte[] body, boolean idempotent, String node, Supplier<Optional<String>> veto) {
    CompletableFuture<Exchanged> f = new CompletableFuture<>();
    try {
      io.execute(() -> {
        Exchanged o;
        try {
          o = new Exchanged(http.exchange(method, target, userAgent, authorization, body, idempotent, node, veto), null);
        } catch (Throwable e) {
          o = new Exchanged(null, e);
        }
        permits.release();
        f.complete(o);
      });
    } catch (RejectedExecutionException e) {
      permits.release();
      f.complete(new Exchanged(null, e));
    }
    return f;
  }

  /** Returns a permit taken with {@link #permit()} for an exchange that will not run. */
  void release() {
    permits.release();
  }

  @Override
  public void close() {
    permits.close();
    scheduler.shutdownNow();
    http.close();
    io.shutdown();
  }

  /** Bounds exchanges in flight (so connections and I/O threads busy) to the pool's size, without blocking a thread. */
  private static final class Permits {
    private final ArrayDeque<CompletableFuture<Void>> waiting = new ArrayDeque<>();
    private int free;
    private boolean closed;

    Permits(int n) {
      this.free = n;
    }

    CompletableFuture<Void> acquire() {
      synchronized (this) {
        if (closed) {
          return CompletableFuture.failedFuture(new IllegalStateException("Port client closed"));
        }
        if (free > 0) {
          free--;
          return CompletableFuture.completedFuture(null);
        }
        CompletableFuture<Void> f = new CompletableFuture<>();
        waiting.addLast(f);
        return f;
      }
    }

    void release() {
      CompletableFuture<Void> next;
      synchronized (this) {
        next = waiting.pollFirst();
        if (next == null) {
          free++;
          return;
        }
      }
      next.complete(null);
    }

    void close() {
      ArrayDeque<CompletableFuture<Void>> dropped;
      synchronized (this) {
        closed = true;
        dropped = new ArrayDeque<>(waiting);
        waiting.clear();
      }
      dropped.forEach(f -> f.completeExceptionally(new IllegalStateException("Port client closed")));
    }
  }
}
