package dev.oceanj.core.port;

import dev.oceanj.core.net.ProxyRules;
import dev.oceanj.core.port.PortTransport.Reply;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpHeaders;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;

/**
 * One HTTP/1.1 connection on a blocking socket: writes a request in one write and reads the response, one exchange
 * at a time. Not thread-safe; {@link Http1Pool} hands it to one I/O thread at a time.
 *
 * <p>Errors name the request ({@code what}: method and target), never its headers or body.
 */
final class Http1Connection implements Closeable {

  /** Longest status line, header line or chunk-size line accepted. */
  static final int MAX_LINE = 16 * 1024;
  /** Most bytes of status line and headers (or of trailers) accepted per response. */
  static final int MAX_HEAD = 64 * 1024;
  /** Interim (1xx) responses skipped before the final one, at most. */
  private static final int MAX_INTERIM = 16;
  /** A Content-Length up to this is allocated at once; a bigger one grows as the bytes come, not on the server's word. */
  private static final int EXACT_ALLOCATION = 4 * 1024 * 1024;
  private static final int MAX_BODY = Integer.MAX_VALUE - 16;
  private static final byte[] NO_BYTES = new byte[0];

  /**
   * A reused connection failed while the request was written, or before a byte of the answer came: most likely the
   * server closed it while it sat idle, and the server has not acted on the request.
   */
  static final class StaleConnectionException extends IOException {
    StaleConnectionException(String message, Throwable cause) {
      super(message, cause);
    }
  }

  private final Socket socket;
  private final InputStream in;
  private final OutputStream out;
  private byte[] buf = new byte[8192];
  private int pos;
  private int lim;
  private int exchanges;
  /** When the pool last took it back; for eviction. */
  long idleSinceNanos;
  /** While a request is written, when it must have been (0 otherwise): writes do not time out by themselves. */
  private volatile long writeDeadlineNanos;

  private Http1Connection(Socket socket) throws IOException {
    this.socket = socket;
    this.in = socket.getInputStream();
    this.out = socket.getOutputStream();
  }

  /** Resolves a host name to its addresses, in the order to try them. */
  @FunctionalInterface
  interface Resolver {
    InetAddress[] resolve(String host) throws UnknownHostException;
  }

  /**
   * Opens a connection, TLS when {@code tls} is given (with SNI and hostname verification).
   *
   * @param deadlineNanos when opening must have succeeded ({@link System#nanoTime()} time)
   * @throws ConnectException when the host cannot be resolved or refuses the connection
   * @throws HttpConnectTimeoutException when connecting or the TLS handshake does not finish in time
   */
  static Http1Connection open(String host, int port, SSLSocketFactory tls, long deadlineNanos, String what)
      throws IOException {
    return open(host, port, tls, deadlineNanos, what, InetAddress::getAllByName);
  }

  /**
   * As {@link #open(String, int, SSLSocketFactory, long, String)}, resolving with {@code resolver}. A host with
   * several addresses (a load balancer's nodes, IPv6 and IPv4) is tried address by address, as Python's
   * {@code socket.create_connection} does for Ocean: one that refuses, cannot be reached or does not answer in its
   * share of the time left (the time left divided by the addresses left) gives way to the next.
   */
  static Http1Connection open(String host, int port, SSLSocketFactory tls, long deadlineNanos, String what,
      Resolver resolver) throws IOException {
    Socket s = connect(host, port, deadlineNanos, what, resolver);
    try {
      return tls == null ? new Http1Connection(s) : secure(s, host, port, tls, deadlineNanos, what);
    } catch (IOException | RuntimeException e) {
      closeQuietly(s);
      throw e;
    }
  }

  /** A connected socket to {@code host:port}, address by address (see {@link #open}). */
  private static Socket connect(String host, int port, long deadlineNanos, String what, Resolver resolver)
      throws IOException {
    String where = host + ":" + port;
    InetAddress[] addresses;
    try {
      addresses = resolver.resolve(host);
    } catch (UnknownHostException | SecurityException e) {
      throw (ConnectException) new ConnectException("cannot resolve " + host + " for " + what).initCause(e);
    }
    if (addresses == null || addresses.length == 0) {
      throw new ConnectException("cannot resolve " + host + " for " + what);
    }
    Socket s = null;
    IOException last = null;
    for (int i = 0; i < addresses.length && s == null; i++) {
      long left = deadlineNanos - System.nanoTime();
      if (left <= 0) {
        break;
      }
      Socket attempt = new Socket();
      try {
        attempt.setTcpNoDelay(true);
        long share = Math.max(1, left / (addresses.length - i));
        attempt.connect(new InetSocketAddress(addresses[i], port), remainingMillis(System.nanoTime() + share));
        s = attempt;
      } catch (IOException e) {
        // Refused, timed out, no route, host unreachable and the like: nothing was sent.
        closeQuietly(attempt);
        last = e;
      } catch (RuntimeException e) {
        closeQuietly(attempt);
        throw e;
      }
    }
    if (s == null) {
      String tried = addresses.length == 1 ? "" : " (tried " + addresses.length + " addresses)";
      if (last == null || last instanceof SocketTimeoutException) {
        throw connectTimeout(where + tried, what, last);
      }
      throw (ConnectException) new ConnectException("cannot connect to " + where + tried + " for " + what + ": "
          + (last instanceof ConnectException ? last.getMessage() : last.toString())).initCause(last);
    }
    return s;
  }

  /**
   * Opens a connection to {@code host:port} through an HTTP proxy: a tunnel ({@code CONNECT}, then TLS inside it)
   * when {@code tls} is given, else a plain connection to the proxy (requests then go in absolute form).
   *
   * @throws ProxyRefusedException when the proxy wants credentials it was not given (or refuses those it was
   *     given): a permanent error
   * @throws ConnectException when the proxy cannot be reached or cannot open the tunnel
   */
  static Http1Connection openVia(ProxyRules.Proxy proxy, String host, int port, SSLSocketFactory tls,
      long deadlineNanos, String what) throws IOException {
    Socket s = connect(proxy.host(), proxy.port(), deadlineNanos, what, InetAddress::getAllByName);
    if (tls == null) {
      return new Http1Connection(s);
    }
    try {
      tunnel(s, proxy, host, port, deadlineNanos, what);
      return secure(s, host, port, tls, deadlineNanos, what);
    } catch (IOException | RuntimeException e) {
      closeQuietly(s);
      throw e;
    }
  }

  /** Asks the proxy for a tunnel and reads its answer's head byte by byte, so no byte of TLS is read ahead. */
  private static void tunnel(Socket s, ProxyRules.Proxy proxy, String host, int port, long deadlineNanos, String what)
      throws IOException {
    String authority = (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
    StringBuilder req = new StringBuilder("CONNECT ").append(authority).append(" HTTP/1.1\r\nHost: ")
        .append(authority).append("\r\n");
    proxy.authorization().ifPresent(a -> req.append("Proxy-Authorization: ").append(a).append("\r\n"));
    req.append("\r\n");
    OutputStream out = s.getOutputStream();
    out.write(req.toString().getBytes(StandardCharsets.ISO_8859_1));
    out.flush();
    InputStream in = s.getInputStream();
    StringBuilder head = new StringBuilder();
    try {
      while (head.length() < MAX_HEAD && !(head.length() >= 4 && head.lastIndexOf("\r\n\r\n") == head.length() - 4)
          && !(head.length() >= 2 && head.lastIndexOf("\n\n") == head.length() - 2)) {
        s.setSoTimeout(remainingMillis(deadlineNanos));
        int b = in.read();
        if (b < 0) {
          throw new ConnectException("proxy " + proxy + " closed the connection instead of opening a tunnel to "
              + authority + " for " + what);
        }
        head.append((char) b);
      }
    } catch (SocketTimeoutException e) {
      throw connectTimeout("proxy " + proxy + " (tunnel to " + authority + ")", what, e);
    }
    String statusLine = head.substring(0, Math.max(0, head.indexOf("\n"))).trim();
    int status = statusLine.length() >= 12 && digits(statusLine, 9, 12) ? Integer.parseInt(statusLine.substring(9, 12))
        : -1;
    if (status == 407) {
      throw new ProxyRefusedException("proxy " + proxy + " answered 407 Proxy Authentication Required to CONNECT "
          + authority + " for " + what + (proxy.username().isPresent()
              ? ": it refused the credentials of the proxy URL"
              : ": put the credentials in the proxy URL (HTTPS_PROXY=http://user:password@host:port)"));
    }
    if (status < 200 || status > 299) {
      throw new ConnectException("proxy " + proxy + " could not open a tunnel to " + authority + " for " + what
          + ": \"" + printable(statusLine) + "\"");
    }
  }

  /** The proxy refused to carry a request without (other) credentials: retrying cannot help. */
  static final class ProxyRefusedException extends IOException {
    ProxyRefusedException(String message) {
      super(message);
    }
  }

  /** Wraps a connected socket in TLS (with SNI and host-name verification) and completes the handshake. */
  private static Http1Connection secure(Socket s, String host, int port, SSLSocketFactory tls, long deadlineNanos,
      String what) throws IOException {
    String where = host + ":" + port;
    SSLSocket ssl = (SSLSocket) tls.createSocket(s, host, port, true);
    SSLParameters p = ssl.getSSLParameters();
    p.setEndpointIdentificationAlgorithm("HTTPS");
    if (!isIpLiteral(host)) {
      p.setServerNames(List.of(new SNIHostName(host)));
    }
    ssl.setSSLParameters(p);
    try {
      ssl.setSoTimeout(remainingMillis(deadlineNanos));
      ssl.startHandshake();
    } catch (SocketTimeoutException e) {
      throw connectTimeout(where, what, e);
    } catch (IOException e) {
      Throwable reason = certificateProblem(e);
      if (reason != null) {
        throw (SSLHandshakeException) new SSLHandshakeException("the TLS certificate of " + where + " is not trusted"
            + " for " + what + ": " + reason.getMessage() + " (trust its authority with SSL_CERT_FILE,"
            + " REQUESTS_CA_BUNDLE or a PEM file in ocean.network.ca-directory)").initCause(e);
      }
      throw (SSLHandshakeException) new SSLHandshakeException("TLS handshake with " + where + " failed for "
          + what + ": " + e.getMessage()).initCause(e);
    }
    return new Http1Connection(ssl);
  }

  /** The certificate error behind a failed handshake (untrusted, expired, wrong host name), or null. */
  static Throwable certificateProblem(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof java.security.cert.CertificateException || t instanceof javax.net.ssl.SSLPeerUnverifiedException
          || t instanceof java.security.cert.CertPathValidatorException) {
        return t;
      }
    }
    return null;
  }

  private static HttpConnectTimeoutException connectTimeout(String where, String what, Throwable cause) {
    HttpConnectTimeoutException e = new HttpConnectTimeoutException("connecting to " + where + " timed out for " + what);
    e.initCause(cause);
    return e;
  }

  private static boolean isIpLiteral(String host) {
    return host.indexOf(':') >= 0 || host.chars().allMatch(c -> c == '.' || (c >= '0' && c <= '9'));
  }

  /** Whether this connection already carried an exchange (so the server may have closed it meanwhile). */
  boolean reused() {
    return exchanges > 0;
  }

  /** Closes the connection if a request write is overdue; a blocked write does not time out by itself. */
  void closeIfWriteOverdue(long nowNanos) {
    long d = writeDeadlineNanos;
    if (d != 0 && nowNanos - d > 0) {
      closeQuietly(socket);
    }
  }

  /** What {@link #exchange} answers: the reply and whether the connection can carry another exchange. */
  record Result(Reply reply, boolean reusable) {}

  /**
   * Writes {@code request} (request line, headers and body, already encoded) and reads the answer.
   *
   * @param head whether the request is a HEAD (its answer has no body, whatever its headers say)
   * @throws StaleConnectionException when a reused connection fails before a byte of the answer came
   * @throws HttpTimeoutException when the deadline passes
   */
  Result exchange(byte[] request, boolean head, long deadlineNanos, String what) throws IOException {
    boolean reused = exchanges > 0;
    exchanges++;
    writeDeadlineNanos = deadlineNanos;
    try {
      out.write(request);
      out.flush();
    } catch (IOException e) {
      if (System.nanoTime() - deadlineNanos >= 0) {
        throw timeout(what, e);
      }
      if (reused) {
        throw new StaleConnectionException("reused connection failed while sending " + what + ": " + e, e);
      }
      throw new IOException("sending " + what + " failed: " + e, e);
    } finally {
      writeDeadlineNanos = 0;
    }
    try {
      return read(head, deadlineNanos, what, reused);
    } catch (SocketTimeoutException e) {
      throw timeout(what, e);
    }
  }

  private static HttpTimeoutException timeout(String what, Throwable cause) {
    HttpTimeoutException e = new HttpTimeoutException("request timed out: " + what);
    e.initCause(cause);
    return e;
  }

  private Result read(boolean head, long deadline, String what, boolean reused) throws IOException {
    int headBytes = 0;
    String statusLine;
    int status;
    boolean http10;
    Map<String, List<String>> headers;
    for (int interim = 0; ; interim++) {
      if (interim == 0) {
        statusLine = firstLine(deadline, what, reused);
      } else {
        statusLine = readLine(deadline, what, "status line");
        if (statusLine == null) {
          throw new IOException("connection closed by the server in the response to " + what);
        }
      }
      headBytes += statusLine.length() + 2;
      http10 = statusLine.startsWith("HTTP/1.0 ");
      if (!(http10 || statusLine.startsWith("HTTP/1.1 ")) || statusLine.length() < 12
          || !digits(statusLine, 9, 12) || (statusLine.length() > 12 && statusLine.charAt(12) != ' ')) {
        throw malformed(what, "status line \"" + printable(statusLine) + "\"");
      }
      status = Integer.parseInt(statusLine, 9, 12, 10);
      headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
      headBytes = readFields(headers, headBytes, deadline, what);
      if (status >= 200) {
        break;
      }
      if (status == 101 || interim >= MAX_INTERIM) {
        throw malformed(what, "unexpected interim response " + status);
      }
      if (status < 100) {
        throw malformed(what, "status " + status);
      }
    }
    boolean persistent = http10 ? hasToken(headers.get("Connection"), "keep-alive")
        : !hasToken(headers.get("Connection"), "close");
    byte[] body;
    if (head || status == 204 || status == 304) {
      body = NO_BYTES;
    } else if (headers.containsKey("Transfer-Encoding")) {
      // With a Content-Length too, the transfer coding wins, and the connection is not trusted with another exchange.
      persistent &= !headers.containsKey("Content-Length");
      List<String> codings = tokens(headers.get("Transfer-Encoding"));
      if (!codings.isEmpty() && codings.get(codings.size() - 1).equalsIgnoreCase("chunked")) {
        body = readChunked(deadline, what);
      } else {
        // A transfer coding other than chunked last: the body runs to the end of the connection (RFC 9112 §6.3).
        body = readToEnd(deadline, what);
        persistent = false;
      }
    } else if (headers.containsKey("Content-Length")) {
      body = readFixed(contentLength(headers.get("Content-Length"), what), deadline, what);
    } else {
      body = readToEnd(deadline, what);
      persistent = false;
    }
    // Bytes beyond the answer: the server is out of step with us; do not reuse.
    boolean reusable = persistent && pos == lim;
    return new Result(new Reply(status, body, HttpHeaders.of(headers, (a, b) -> true)), reusable);
  }

  /** The status line; failures before its first byte on a reused connection are {@link StaleConnectionException}s. */
  private String firstLine(long deadline, String what, boolean reused) throws IOException {
    if (pos < lim) {
      return readLine(deadline, what, "status line");
    }
    int n;
    try {
      n = fill(deadline);
    } catch (SocketTimeoutException e) {
      throw e;
    } catch (IOException e) {
      if (reused) {
        throw new StaleConnectionException("reused connection failed before the response to " + what + ": " + e, e);
      }
      throw new IOException("connection failed before the response to " + what + ": " + e, e);
    }
    if (n < 0) {
      String m = "connection closed by the server before the response to " + what;
      throw reused ? new StaleConnectionException(m + " (reused connection)", null) : new IOException(m);
    }
    return readLine(deadline, what, "status line");
  }

  /** Reads header (or trailer) fields up to the empty line into {@code into}; returns the head bytes so far. */
  private int readFields(Map<String, List<String>> into, int headBytes, long deadline, String what)
      throws IOException {
    String last = null;
    while (true) {
      String line = readLine(deadline, what, "header");
      if (line == null) {
        throw new IOException("connection closed by the server in the headers of the response to " + what);
      }
      headBytes += line.length() + 2;
      if (headBytes > MAX_HEAD) {
        throw malformed(what, "response head exceeds " + MAX_HEAD + " bytes");
      }
      if (line.isEmpty()) {
        return headBytes;
      }
      char c0 = line.charAt(0);
      if (c0 == ' ' || c0 == '\t') {
        // Obsolete line folding: the value continues (RFC 9112 §5.2 lets a client replace the fold by a space).
        if (last == null) {
          throw malformed(what, "header continuation without a header");
        }
        List<String> values = into.get(last);
        int i = values.size() - 1;
        values.set(i, (values.get(i) + " " + line.trim()).trim());
        continue;
      }
      int colon = line.indexOf(':');
      if (colon <= 0) {
        throw malformed(what, "header line \"" + printable(line) + "\"");
      }
      String name = line.substring(0, colon);
      for (int i = 0; i < name.length(); i++) {
        char c = name.charAt(i);
        if (c <= ' ' || c >= 0x7f || c == '"' || c == '(' || c == ')' || c == ',' || c == '/' || c == ';'
            || c == '<' || c == '=' || c == '>' || c == '?' || c == '@' || c == '[' || c == '\\' || c == ']'
            || c == '{' || c == '}') {
          throw malformed(what, "header name \"" + printable(name) + "\"");
        }
      }
      into.computeIfAbsent(name, k -> new ArrayList<>(1)).add(line.substring(colon + 1).trim());
      last = name;
    }
  }

  private byte[] readFixed(long length, long deadline, String what) throws IOException {
    if (length > MAX_BODY) {
      throw malformed(what, "Content-Length " + length + " exceeds " + MAX_BODY);
    }
    int n = (int) length;
    if (n == 0) {
      return NO_BYTES;
    }
    if (n > EXACT_ALLOCATION) {
      Growable g = new Growable(EXACT_ALLOCATION);
      copy(g, n, deadline, what, "of " + n + " body bytes");
      return g.bytes();
    }
    byte[] body = new byte[n];
    int got = Math.min(n, lim - pos);
    System.arraycopy(buf, pos, body, 0, got);
    pos += got;
    while (got < n) {
      socket.setSoTimeout(remainingMillis(deadline));
      int r = in.read(body, got, n - got);
      if (r < 0) {
        throw new IOException("connection closed by the server after " + got + " of " + n + " body bytes of the "
            + "response to " + what);
      }
      got += r;
    }
    return body;
  }

  private byte[] readChunked(long deadline, String what) throws IOException {
    Growable g = new Growable(8192);
    while (true) {
      String line = readLine(deadline, what, "chunk size");
      if (line == null) {
        throw new IOException("connection closed by the server in the chunked body of the response to " + what);
      }
      int semi = line.indexOf(';');
      String hex = (semi >= 0 ? line.substring(0, semi) : line).trim();
      long size;
      try {
        if (hex.isEmpty() || hex.length() > 8 || hex.charAt(0) == '+' || hex.charAt(0) == '-') {
          throw new NumberFormatException();
        }
        size = Long.parseLong(hex, 16);
      } catch (NumberFormatException e) {
        throw malformed(what, "chunk size \"" + printable(line) + "\"");
      }
      if (size == 0) {
        // Trailers: read to the empty line so the connection is ready for the next exchange; their values are
        // not merged into the headers.
        readFields(new TreeMap<>(String.CASE_INSENSITIVE_ORDER), 0, deadline, what);
        return g.bytes();
      }
      if (g.size + size > MAX_BODY) {
        throw malformed(what, "chunked body exceeds " + MAX_BODY + " bytes");
      }
      copy(g, (int) size, deadline, what, "of a " + size + "-byte chunk");
      String end = readLine(deadline, what, "chunk end");
      if (end == null || !end.isEmpty()) {
        throw malformed(what, "chunk not followed by CRLF");
      }
    }
  }

  private byte[] readToEnd(long deadline, String what) throws IOException {
    Growable g = new Growable(8192);
    g.add(buf, pos, lim - pos);
    pos = lim;
    while (true) {
      g.ensure(8192);
      socket.setSoTimeout(remainingMillis(deadline));
      int r = in.read(g.data, g.size, g.data.length - g.size);
      if (r < 0) {
        return g.bytes();
      }
      g.size += r;
      if (g.size > MAX_BODY) {
        throw malformed(what, "body exceeds " + MAX_BODY + " bytes");
      }
    }
  }

  /** Moves exactly {@code n} bytes of the body into {@code g}: what is buffered, then straight from the socket. */
  private void copy(Growable g, int n, long deadline, String what, String part) throws IOException {
    int left = n;
    while (left > 0) {
      int r;
      if (pos < lim) {
        r = Math.min(left, lim - pos);
        g.add(buf, pos, r);
        pos += r;
      } else {
        // Grow by what is announced only as the bytes come: a server's word is not worth a huge allocation.
        g.ensure(Math.min(left, 1 << 20));
        socket.setSoTimeout(remainingMillis(deadline));
        r = in.read(g.data, g.size, Math.min(left, g.data.length - g.size));
        if (r < 0) {
          throw new IOException("connection closed by the server after " + (n - left) + " " + part
              + " of the response to " + what);
        }
        g.size += r;
      }
      left -= r;
    }
  }

  /**
   * One line without its CRLF (a bare LF is accepted too), decoded as ISO-8859-1; null at the end of the stream
   * before any byte of the line.
   */
  private String readLine(long deadline, String what, String part) throws IOException {
    int scanned = pos;
    while (true) {
      for (int i = scanned; i < lim; i++) {
        if (buf[i] == '\n') {
          int end = i > pos && buf[i - 1] == '\r' ? i - 1 : i;
          String line = new String(buf, pos, end - pos, StandardCharsets.ISO_8859_1);
          pos = i + 1;
          return line;
        }
      }
      if (lim - pos >= MAX_LINE) {
        throw malformed(what, part + " longer than " + MAX_LINE + " bytes");
      }
      scanned = lim - pos;
      compact();
      if (fill(deadline) < 0) {
        if (pos == lim) {
          return null;
        }
        throw new IOException("connection closed by the server in a " + part + " of the response to " + what);
      }
    }
  }

  private void compact() {
    if (pos > 0) {
      System.arraycopy(buf, pos, buf, 0, lim - pos);
      lim -= pos;
      pos = 0;
    }
    if (lim == buf.length) {
      buf = Arrays.copyOf(buf, Math.min(buf.length * 2, MAX_LINE + 8192));
    }
  }

  /** Reads more bytes after {@code lim}; returns how many, or -1 at the end of the stream. */
  private int fill(long deadline) throws IOException {
    if (pos == lim) {
      pos = 0;
      lim = 0;
    } else if (lim == buf.length) {
      compact();
    }
    socket.setSoTimeout(remainingMillis(deadline));
    int r = in.read(buf, lim, buf.length - lim);
    if (r > 0) {
      lim += r;
    }
    return r;
  }

  /** Milliseconds left until {@code deadline}, at least 1, for a socket timeout; throws when it has passed. */
  private static int remainingMillis(long deadline) throws SocketTimeoutException {
    long ns = deadline - System.nanoTime();
    if (ns <= 0) {
      throw new SocketTimeoutException("deadline passed");
    }
    return (int) Math.max(1, Math.min(Integer.MAX_VALUE, (ns + 999_999) / 1_000_000));
  }

  private static long contentLength(List<String> values, String what) throws IOException {
    long length = -1;
    for (String v : values) {
      // "Content-Length: 5, 5" is allowed when all the values agree (RFC 9110 §8.6).
      for (String part : v.split(",", -1)) {
        String t = part.trim();
        if (t.isEmpty() || t.length() > 18 || !digits(t, 0, t.length())) {
          throw malformed(what, "Content-Length \"" + printable(v) + "\"");
        }
        long n = Long.parseLong(t);
        if (length >= 0 && n != length) {
          throw malformed(what, "conflicting Content-Length values");
        }
        length = n;
      }
    }
    return length;
  }

  private static boolean digits(String s, int from, int to) {
    for (int i = from; i < to; i++) {
      char c = s.charAt(i);
      if (c < '0' || c > '9') {
        return false;
      }
    }
    return to > from;
  }

  private static List<String> tokens(List<String> values) {
    List<String> out = new ArrayList<>(2);
    if (values != null) {
      for (String v : values) {
        for (String t : v.split(",")) {
          String s = t.trim();
          if (!s.isEmpty()) {
            out.add(s);
          }
        }
      }
    }
    return out;
  }

  private static boolean hasToken(List<String> values, String token) {
    for (String t : tokens(values)) {
      if (t.equalsIgnoreCase(token)) {
        return true;
      }
    }
    return false;
  }

  private static IOException malformed(String what, String detail) {
    return new IOException("malformed response to " + what + ": " + detail);
  }

  /** A server's text shortened and with control characters escaped, fit for an error message. */
  private static String printable(String s) {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < s.length() && sb.length() < 100; i++) {
      char c = s.charAt(i);
      if (c < 0x20 || c >= 0x7f) {
        sb.append(String.format("\\x%02x", (int) c & 0xff));
      } else {
        sb.append(c);
      }
    }
    return s.length() > 100 ? sb + "…" : sb.toString();
  }

  @Override
  public void close() {
    closeQuietly(socket);
  }

  private static void closeQuietly(Socket s) {
    try {
      s.close();
    } catch (IOException ignored) {
      // Closing is all that is left to do with it.
    }
  }

  /** A byte array that grows as the body comes. */
  private static final class Growable {
    byte[] data;
    int size;

    Growable(int initial) {
      data = new byte[initial];
    }

    void ensure(int more) {
      if (data.length - size < more) {
        long want = Math.max((long) data.length * 2, (long) size + more);
        data = Arrays.copyOf(data, (int) Math.min(want, MAX_BODY + 8192L));
      }
    }

    void add(byte[] b, int off, int len) {
      ensure(len);
      System.arraycopy(b, off, data, size, len);
      size += len;
    }

    byte[] bytes() {
      return size == data.length ? data : Arrays.copyOf(data, size);
    }
  }
}
