package dev.oceanj.core.port;

import dev.oceanj.core.config.NetworkSettings;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Requests to absolute URLs outside Port's API (the integration's ingest URLs: sync metrics, log lines), over the
 * Port client's own HTTP/1.1 stack ({@link Http1Pool}): one small pool per origin, with the Port client's proxy
 * rules and trust ({@code ocean.ssl.port.*}). Nothing is built until the first request, and plain {@code http}
 * never loads the TLS stack (the JDK's HTTP client sets up TLS for every client it builds).
 *
 * <p>No retries: a caller that sends telemetry drops what fails. The one exception is the pool's own: a kept-alive
 * connection the server closed while it sat idle, and which failed before a byte of the answer came, is retried once
 * on a fresh connection (a repeated metrics or log batch is harmless; a lost one is what the retry avoids).
 */
public final class IngestTransport implements AutoCloseable {

  /** Connections kept per ingest origin: telemetry sends a few requests at a time. */
  static final int CONNECTIONS_PER_ORIGIN = 2;

  /** An answer, whatever its status. */
  public record Answer(int status, String body) {
    public boolean ok() {
      return status / 100 == 2;
    }
  }

  private final NetworkSettings network;
  private final Duration timeout;
  /** Cluster mode's node tag, sent as {@code X-Oceanj-Node} like the Port client's; null outside cluster mode. */
  private final String node;
  private final Map<String, Http1Pool> pools = new ConcurrentHashMap<>();
  private final AtomicInteger threads = new AtomicInteger();
  private ExecutorService io;
  private ScheduledExecutorService sweeper;
  private boolean closed;

  /**
   * @param network proxies and the trust used for Port ({@link NetworkSettings#portTls()})
   * @param timeout of opening a connection, and of each exchange
   */
  public IngestTransport(NetworkSettings network, Duration timeout) {
    this(network, timeout, null);
  }

  /**
   * @param network proxies and the trust used for Port ({@link NetworkSettings#portTls()})
   * @param timeout of opening a connection, and of each exchange
   * @param node cluster mode's node tag, sent as {@code X-Oceanj-Node}; null for none
   */
  public IngestTransport(NetworkSettings network, Duration timeout, String node) {
    this.network = network;
    this.timeout = timeout;
    this.node = node;
  }

  /**
   * Sends {@code body} (JSON, or null) with {@code method} to {@code url}; completes with the answer, or fails with
   * the I/O error (the request named, none of its headers). Never blocks the caller.
   */
  public CompletableFuture<Answer> send(String method, String url, String userAgent, String authorization,
      byte[] body) {
    URI uri;
    Http1Pool pool;
    try {
      uri = URI.create(url);
      pool = pool(uri);
    } catch (IllegalArgumentException | IllegalStateException e) {
      return CompletableFuture.failedFuture(e);
    }
    String target = (uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath())
        + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery());
    CompletableFuture<Answer> answer = new CompletableFuture<>();
    try {
      io().execute(() -> {
        try {
          PortTransport.Reply r = pool.exchange(method, target, userAgent, authorization, body, true, node);
          answer.complete(new Answer(r.status(), new String(r.body(), StandardCharsets.UTF_8)));
        } catch (IOException | RuntimeException e) {
          answer.completeExceptionally(e);
        }
      });
    } catch (RejectedExecutionException | IllegalStateException e) {
      answer.completeExceptionally(new IOException("closed; " + method + " " + url + " not sent", e));
    }
    return answer;
  }

  private Http1Pool pool(URI uri) {
    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
    if (!scheme.equals("http") && !scheme.equals("https") || uri.getHost() == null) {
      throw new IllegalArgumentException("not an http(s) URL: " + uri);
    }
    String origin = scheme + "://" + uri.getRawAuthority();
    return pools.computeIfAbsent(origin, o -> {
      URI base = URI.create(o);
      return new Http1Pool(base, timeout, timeout, CONNECTIONS_PER_ORIGIN,
          scheme.equals("https") ? network.portTls() : null, network.proxies().proxyFor(base).orElse(null),
          Http1Pool.IDLE_LIMIT, sweeper());
    });
  }

  /** One thread per exchange in flight (few), idle ones end after 30 s. */
  private synchronized ExecutorService io() {
    if (closed) {
      throw new IllegalStateException("closed");
    }
    if (io == null) {
      io = new ThreadPoolExecutor(0, Integer.MAX_VALUE, 30, TimeUnit.SECONDS, new SynchronousQueue<>(), r -> {
        Thread t = new Thread(r, "oceanj-ingest-io-" + threads.incrementAndGet());
        t.setDaemon(true);
        return t;
      });
    }
    return io;
  }

  /** Closes the pools' idle and overdue connections (once a second). */
  private synchronized ScheduledExecutorService sweeper() {
    if (closed) {
      throw new IllegalStateException("closed");
    }
    if (sweeper == null) {
      sweeper = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "oceanj-ingest-sweep");
        t.setDaemon(true);
        return t;
      });
    }
    return sweeper;
  }

  /** Closes every connection; requests in flight fail, later ones are refused. */
  @Override
  public void close() {
    synchronized (this) {
      closed = true;
    }
    pools.values().forEach(Http1Pool::close);
    synchronized (this) {
      if (sweeper != null) {
        sweeper.shutdownNow();
      }
      if (io != null) {
        io.shutdown();
      }
    }
  }
}
