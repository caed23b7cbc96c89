package dev.oceanj.core.port;

import dev.oceanj.core.net.ProxyRules;
import dev.oceanj.core.port.Http1Connection.StaleConnectionException;
import dev.oceanj.core.port.PortTransport.Reply;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpConnectTimeoutException;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocketFactory;

/**
 * A small blocking HTTP/1.1 client for one origin (Port's base URL): keep-alive connections, at most
 * {@code maxConnections} of them, each exchange bounded by a deadline. Callers run {@link #exchange} on threads of
 * their own (one blocked thread per exchange in flight).
 *
 * <p>A connection the server may have closed while it sat in the pool (it fails while the request is written, or
 * before a byte of the answer) is retried once at once on a fresh connection when the request is idempotent.
 * Connections idle longer than {@link #IDLE_LIMIT} are closed (load balancers in front of Port close idle ones at
 * about a minute), and so are connections whose request write overruns its deadline, since blocking writes do not
 * time out by themselves.
 */
final class Http1Pool implements AutoCloseable {

  /** Connections idle this long are closed rather than reused. */
  static final Duration IDLE_LIMIT = Duration.ofSeconds(30);
  private static final long SWEEP_MILLIS = 1000;

  private final String scheme;
  private final String host;
  private final int port;
  private final String hostHeader;
  private final String pathPrefix;
  private final SSLSocketFactory tls;
  private final long connectTimeoutNanos;
  private final long requestTimeoutNanos;
  private final long idleLimitNanos;
  private final int maxConnections;
  /** The proxy requests go through, or null for a direct connection. */
  private final ProxyRules.Proxy proxy;
  /** With a plain-HTTP proxy: the absolute-form prefix of every request target ({@code http://host:port}). */
  private final String absolutePrefix;
  /** Most recently used first: the likeliest to be still open, and the oldest are evicted from the end. */
  private final ArrayDeque<Http1Connection> idle = new ArrayDeque<>();
  private final Set<Http1Connection> open = new HashSet<>();
  private final ScheduledFuture<?> sweeper;
  private int opening;
  private boolean closed;

  /**
   * @param baseUrl   {@code http} or {@code https} origin, optionally with a path prefix
   * @param tlsContext for {@code https}; null for the JVM's default context
   * @param scheduler runs the sweep of idle and overdue connections (once a second)
   */
  Http1Pool(URI baseUrl, Duration connectTimeout, Duration requestTimeout, int maxConnections, SSLContext tlsContext,
      Duration idleLimit, ScheduledExecutorService scheduler) {
    this(baseUrl, connectTimeout, requestTimeout, maxConnections, tlsContext, null, idleLimit, scheduler);
  }

  /**
   * @param proxy the proxy to go through (a CONNECT tunnel for {@code https}, absolute-form requests for
   *     {@code http}), or null
   */
  Http1Pool(URI baseUrl, Duration connectTimeout, Duration requestTimeout, int maxConnections, SSLContext tlsContext,
      ProxyRules.Proxy proxy, Duration idleLimit, ScheduledExecutorService scheduler) {
    this.scheme = baseUrl.getScheme() == null ? "" : baseUrl.getScheme().toLowerCase(java.util.Locale.ROOT);
    if (!scheme.equals("http") && !scheme.equals("https")) {
      throw new IllegalArgumentException("Port's base URL must be http or https, was " + baseUrl);
    }
    String h = baseUrl.getHost();
    if (h == null || h.isEmpty()) {
      throw new IllegalArgumentException("Port's base URL has no host: " + baseUrl);
    }
    boolean https = scheme.equals("https");
    int defaultPort = https ? 443 : 80;
    this.port = baseUrl.getPort() < 0 ? defaultPort : baseUrl.getPort();
    this.hostHeader = port == defaultPort ? h : h + ":" + port;
    this.host = h.startsWith("[") && h.endsWith("]") ? h.substring(1, h.length() - 1) : h;
    String path = baseUrl.getRawPath() == null ? "" : baseUrl.getRawPath();
    this.pathPrefix = path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
    try {
      this.tls = !https ? null : (tlsContext != null ? tlsContext : SSLContext.getDefault()).getSocketFactory();
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("no default TLS context in this JVM", e);
    }
    this.connectTimeoutNanos = connectTimeout.toNanos();
    this.requestTimeoutNanos = requestTimeout.toNanos();
    this.idleLimitNanos = idleLimit.toNanos();
    this.maxConnections = maxConnections;
    this.proxy = proxy;
    this.absolutePrefix = proxy != null && !https ? "http://" + hostHeader : "";
    this.sweeper = scheduler.scheduleWithFixedDelay(this::sweep, SWEEP_MILLIS, SWEEP_MILLIS, TimeUnit.MILLISECONDS);
  }

  /**
   * One exchange: sends the request and reads the answer, whatever its status.
   *
   * @param target        path from the base URL and query, already encoded (e.g. {@code /v1/x?y=1})
   * @param authorization the Authorization header's value, or null
   * @param body          JSON body, or null
   * @param idempotent    whether a repeat is harmless (then a stale pooled connection is retried transparently)
   * @throws java.net.ConnectException when no connection could be opened (nothing was sent)
   * @throws HttpConnectTimeoutException when opening a connection timed out (nothing was sent)
   * @throws java.net.http.HttpTimeoutException when the answer did not come within the request timeout
   * @throws IOException other failures, naming the request ({@code method target}) but none of its headers
   */
  Reply exchange(String method, String target, String userAgent, String authorization, byte[] body,
      boolean idempotent) throws IOException {
    return exchange(method, target, userAgent, authorization, body, idempotent, null);
  }

  /** As above, with an {@code X-Oceanj-Node} header when {@code node} (cluster mode's node tag) is not null. */
  Reply exchange(String method, String target, String userAgent, String authorization, byte[] body,
      boolean idempotent, String node) throws IOException {
    return exchange(method, target, userAgent, authorization, body, idempotent, node, null);
  }

  /**
   * A request stopped by its veto: nothing of it was written. Not an {@link IOException}, so nothing retries it.
   */
  static final class Vetoed extends RuntimeException {
    private static final long serialVersionUID = 1L;

    Vetoed(String reason) {
      super(reason, null, false, false);
    }
  }

  /**
   * As above; {@code veto} (null: none) is read with a connection in hand, right before the request's bytes are
   * written, and a reason it gives stops the request unsent ({@link Vetoed}).
   */
  Reply exchange(String method, String target, String userAgent, String authorization, byte[] body,
      boolean idempotent, String node, Supplier<Optional<String>> veto) throws IOException {
    long deadline = System.nanoTime() + requestTimeoutNanos;
    String fullTarget = pathPrefix + target;
    String what = method + " " + fullTarget;
    byte[] request = encode(method, absolutePrefix + fullTarget, hostHeader, userAgent, authorization,
        absolutePrefix.isEmpty() ? null : proxy.authorization().orElse(null), node, body, what);
    boolean head = method.equals("HEAD");
    Http1Connection c = acquire(false, deadline, what);
    try {
      return exchange(c, request, head, deadline, what, veto);
    } catch (StaleConnectionException e) {
      if (!idempotent) {
        throw e;
      }
      // The server most likely closed the pooled connection while it was idle and did not see the request.
      return exchange(acquire(true, deadline, what), request, head, deadline, what, veto);
    }
  }

  private Reply exchange(Http1Connection c, byte[] request, boolean head, long deadline, String what,
      Supplier<Optional<String>> veto) throws IOException {
    boolean reusable = false;
    try {
      Optional<String> vetoed = veto == null ? Optional.empty() : veto.get();
      if (vetoed.isPresent()) {
        reusable = true; // nothing was written on it
        throw new Vetoed(vetoed.get());
      }
      Http1Connection.Result r = c.exchange(request, head, deadline, what);
      reusable = r.reusable();
      return r.reply();
    } finally {
      release(c, reusable);
    }
  }

  /** A pooled connection (unless {@code fresh}), else a new one once there is room for it. */
  private Http1Connection acquire(boolean fresh, long deadline, String what) throws IOException {
    List<Http1Connection> expired = null;
    try {
      synchronized (this) {
        while (true) {
          if (closed) {
            throw new IOException("Port client closed; " + what + " not sent");
          }
          long now = System.nanoTime();
          Http1Connection c;
          while (!fresh && (c = idle.pollFirst()) != null) {
            if (now - c.idleSinceNanos < idleLimitNanos) {
              return c;
            }
            open.remove(c);
            expired = add(expired, c);
          }
          if (open.size() + opening < maxConnections) {
            opening++;
            break;
          }
          Http1Connection oldest = idle.pollLast();
          if (oldest != null) {
            // Full, and a fresh connection is wanted: make room by closing the longest idle one.
            open.remove(oldest);
            expired = add(expired, oldest);
            continue;
          }
          // Every connection is busy: the transport's permits make this rare (a connection being closed).
          long waitNanos = deadline - now;
          if (waitNanos <= 0) {
            throw new HttpConnectTimeoutException("no connection to Port free in time for " + what);
          }
          TimeUnit.NANOSECONDS.timedWait(this, waitNanos);
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while waiting for a connection for " + what, e);
    } finally {
      if (expired != null) {
        expired.forEach(Http1Connection::close);
      }
    }
    Http1Connection c;
    try {
      long connectDeadline = System.nanoTime() + connectTimeoutNanos;
      long until = deadline - connectDeadline < 0 ? deadline : connectDeadline;
      c = proxy == null ? Http1Connection.open(host, port, tls, until, what)
          : Http1Connection.openVia(proxy, host, port, tls, until, what);
    } catch (IOException | RuntimeException e) {
      synchronized (this) {
        opening--;
        notifyAll();
      }
      throw e;
    }
    boolean wasClosed;
    synchronized (this) {
      opening--;
      wasClosed = closed;
      if (!closed) {
        open.add(c);
      }
      notifyAll();
    }
    if (wasClosed) {
      c.close();
      throw new IOException("Port client closed; " + what + " not sent");
    }
    return c;
  }

  /**
   * The request line, headers and body in one array, so they leave in one write: a head and a body written apart
   * meet Nagle's algorithm and the peer's delayed ACK (40 ms a request on loopback).
   */
  static byte[] encode(String method, String target, String hostHeader, String userAgent, String authorization,
      byte[] body, String what) {
    return encode(method, target, hostHeader, userAgent, authorization, null, null, body, what);
  }

  /**
   * As above, with a {@code Proxy-Authorization} header when {@code proxyAuthorization} is not null and an
   * {@code X-Oceanj-Node} header when {@code node} is not null.
   */
  static byte[] encode(String method, String target, String hostHeader, String userAgent, String authorization,
      String proxyAuthorization, String node, byte[] body, String what) {
    checkToken(method, "method", what);
    for (int i = 0; i < target.length(); i++) {
      char c = target.charAt(i);
      if (c <= ' ' || c >= 0x7f) {
        throw new IllegalArgumentException("invalid character in the request target of " + what);
      }
    }
    boolean hasBody = body != null;
    // Like the JDK client: a POST, PUT, PATCH or DELETE without a body says so with Content-Length: 0.
    boolean zeroLength = !hasBody && (method.equals("POST") || method.equals("PUT") || method.equals("PATCH")
        || method.equals("DELETE"));
    String length = hasBody ? Integer.toString(body.length) : zeroLength ? "0" : null;
    int size = method.length() + 1 + target.length() + 11 // "M T HTTP/1.1\r\n"
        + 8 + hostHeader.length()                           // "Host: h\r\n"
        + 14 + userAgent.length()                           // "User-Agent: ua\r\n"
        + 26                                                // "Accept: application/json\r\n"
        + (authorization != null ? 17 + authorization.length() : 0)
        + (proxyAuthorization != null ? 23 + proxyAuthorization.length() : 0)
        + (node != null ? 17 + node.length() : 0)           // "X-Oceanj-Node: n\r\n"
        + (hasBody ? 32 : 0)                                // "Content-Type: application/json\r\n"
        + (length != null ? 18 + length.length() : 0)       // "Content-Length: n\r\n"
        + 2 + (hasBody ? body.length : 0);
    byte[] out = new byte[size];
    int p = put(out, 0, method, what, null);
    out[p++] = ' ';
    p = put(out, p, target, what, null);
    p = put(out, p, " HTTP/1.1\r\nHost: ", what, null);
    p = put(out, p, hostHeader, what, "Host");
    p = put(out, p, "\r\nUser-Agent: ", what, null);
    p = put(out, p, userAgent, what, "User-Agent");
    p = put(out, p, "\r\nAccept: application/json\r\n", what, null);
    if (authorization != null) {
      p = put(out, p, "Authorization: ", what, null);
      p = put(out, p, authorization, what, "Authorization");
      p = put(out, p, "\r\n", what, null);
    }
    if (proxyAuthorization != null) {
      p = put(out, p, "Proxy-Authorization: ", what, null);
      p = put(out, p, proxyAuthorization, what, "Proxy-Authorization");
      p = put(out, p, "\r\n", what, null);
    }
    if (node != null) {
      p = put(out, p, "X-Oceanj-Node: ", what, null);
      p = put(out, p, node, what, "X-Oceanj-Node");
      p = put(out, p, "\r\n", what, null);
    }
    if (hasBody) {
      p = put(out, p, "Content-Type: application/json\r\n", what, null);
    }
    if (length != null) {
      p = put(out, p, "Content-Length: ", what, null);
      p = put(out, p, length, what, null);
      p = put(out, p, "\r\n", what, null);
    }
    out[p++] = '\r';
    out[p++] = '\n';
    if (hasBody) {
      System.arraycopy(body, 0, out, p, body.length);
      p += body.length;
    }
    if (p != size) {
      throw new IllegalStateException("request of " + what + " encoded to " + p + " bytes, " + size + " expected");
    }
    return out;
  }

  /**
   * Copies {@code s} as bytes; a header value must be visible ASCII, spaces or tabs (never echoed: it may be a
   * secret).
   */
  private static int put(byte[] out, int p, String s, String what, String header) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (header != null && ((c < ' ' && c != '\t') || c >= 0x7f)) {
        throw new IllegalArgumentException("the " + header + " header of " + what
            + " holds a character not allowed in a header");
      }
      out[p++] = (byte) c;
    }
    return p;
  }

  private static void checkToken(String s, String name, String what) {
    if (s.isEmpty()) {
      throw new IllegalArgumentException("empty " + name + " in " + what);
    }
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c <= ' ' || c >= 0x7f) {
        throw new IllegalArgumentException("invalid " + name + " in " + what);
      }
    }
  }

  private static List<Http1Connection> add(List<Http1Connection> list, Http1Connection c) {
    List<Http1Connection> l = list == null ? new ArrayList<>(2) : list;
    l.add(c);
    return l;
  }

  private void release(Http1Connection c, boolean reusable) {
    synchronized (this) {
      if (reusable && !closed) {
        c.idleSinceNanos = System.nanoTime();
        idle.addFirst(c);
        notifyAll();
        return;
      }
      open.remove(c);
      notifyAll();
    }
    c.close();
  }

  /** Closes connections idle too long and those whose request write is overdue. */
  void sweep() {
    long now = System.nanoTime();
    List<Http1Connection> expired = null;
    List<Http1Connection> busy;
    synchronized (this) {
      Http1Connection c;
      while ((c = idle.peekLast()) != null && now - c.idleSinceNanos >= idleLimitNanos) {
        idle.pollLast();
        open.remove(c);
        expired = add(expired, c);
      }
      busy = new ArrayList<>(open);
    }
    if (expired != null) {
      expired.forEach(Http1Connection::close);
    }
    busy.forEach(c -> c.closeIfWriteOverdue(now));
  }

  /** The Host header's value: the host, and the port unless it is the scheme's default. */
  String hostHeader() {
    return hostHeader;
  }

  /** Connections open now, idle or busy. */
  synchronized int openConnections() {
    return open.size();
  }

  /** Connections waiting in the pool now. */
  synchronized int idleConnections() {
    return idle.size();
  }

  /** Closes every connection, idle or busy (exchanges in flight fail); later exchanges fail at once. */
  @Override
  public void close() {
    List<Http1Connection> all;
    synchronized (this) {
      closed = true;
      all = new ArrayList<>(open);
      open.clear();
      idle.clear();
      notifyAll();
    }
    sweeper.cancel(false);
    all.forEach(Http1Connection::close);
  }
}
