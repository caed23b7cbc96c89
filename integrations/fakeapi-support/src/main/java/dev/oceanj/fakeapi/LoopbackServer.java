package dev.oceanj.fakeapi;

import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The JDK HTTP server a fake API answers on: bound at construction (so the port is known before the routes are), one
 * daemon thread per exchange, every path to one handler once {@link #start started}.
 */
public final class LoopbackServer implements AutoCloseable {

  static {
    // The JDK server leaves Nagle's algorithm on unless told otherwise: small responses would wait on the client's
    // delayed ACK (about 40 ms each). Read once, when the JDK's server configuration loads.
    if (System.getProperty("sun.net.httpserver.nodelay") == null) {
      System.setProperty("sun.net.httpserver.nodelay", "true");
    }
  }

  private final String host;
  private final HttpServer server;
  private final ExecutorService threads;

  /** Binds {@code host:port} (0 picks a free port); threads are named {@code threadPrefix-1}, {@code -2}, … */
  public LoopbackServer(String host, int port, String threadPrefix) throws IOException {
    this.host = host;
    AtomicInteger count = new AtomicInteger();
    this.threads = Executors.newCachedThreadPool(r -> {
      Thread t = new Thread(r, threadPrefix + "-" + count.incrementAndGet());
      t.setDaemon(true);
      return t;
    });
    this.server = HttpServer.create(new InetSocketAddress(host, port), 128);
    server.setExecutor(threads);
  }

  /** Serves every path with {@code handler}. */
  public LoopbackServer start(HttpHandler handler) {
    server.createContext("/", handler);
    server.start();
    return this;
  }

  public int port() {
    return server.getAddress().getPort();
  }

  /** {@code http://host:port}, without a trailing slash. */
  public URI baseUri() {
    return URI.create("http://" + host + ":" + port());
  }

  @Override
  public void close() {
    server.stop(0);
    threads.shutdownNow();
    try {
      threads.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
