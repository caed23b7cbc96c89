package dev.oceanj.bench.live;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;

/**
 * An open-loop, fixed-rate sender of HTTP/1.1 POSTs for benchmarks, light enough to share two CPUs with the
 * server it measures: keep-alive connections over blocking sockets, one platform thread each, request bytes
 * pre-formatted with only the numbers spliced in, and a response parser that reads the status line and the framing
 * headers and skips the body.
 *
 * <p>Event {@code i} is due at {@code start + i / rate}. A connection thread takes the next event from a shared
 * counter, waits until it is due, sends it and reads the answer; latency is counted from the due time, not from the
 * send, so a server that stalls every connection shows its queueing in the figures instead of slowing the sender
 * down (no coordinated omission). An event is acknowledged when the answer has the expected status; any other
 * status or an I/O error counts as a failure under its reason, and the connection is opened again for the next
 * event after an error or a {@code Connection: close}.
 *
 * <p>Connections are kept between {@link #run runs}, so a warm-up run leaves them open for the measured one.
 */
final class FixedRateSender implements AutoCloseable {

  /** The values of a template's slots for one event. */
  @FunctionalInterface
  interface Slots {
    /** The value of {@code slot} (0-based, in the order the template names them) for event {@code event}. */
    long value(int event, int slot);
  }

  /** Told about each acknowledged event, on the connection thread that got the answer (keep it short). */
  @FunctionalInterface
  interface AckListener {
    void acknowledged(int event, long dueNanos, long latencyNanos);
  }

  /**
   * What a run did.
   *
   * @param events events scheduled
   * @param sent requests written out in full (an event whose connection could not be opened is not sent)
   * @param acknowledged answers with the expected status
   * @param failures failed events by reason ({@code HTTP 500}, {@code I/O ConnectException: …}), sorted by reason
   * @param latencyNanos per event, from its due time to its answer; -1 for a failed event
   * @param windowNanos from the first event's due time to the last answer (or failure)
   * @param cpuNanos CPU time the sending threads used (-1 when the JVM does not measure thread CPU time)
   */
  record Result(int events, long sent, long acknowledged, Map<String, Long> failures, long[] latencyNanos,
      long windowNanos, long cpuNanos) {

    /** Failed events, all reasons together. */
    long failed() {
      return failures.values().stream().mapToLong(Long::longValue).sum();
    }

    /** Latencies of the acknowledged events, sorted. */
    long[] ackLatenciesSorted() {
      return Arrays.stream(latencyNanos).filter(l -> l >= 0).sorted().toArray();
    }

    /** Acknowledged events per second over the window. */
    double acknowledgedPerSecond() {
      return windowNanos <= 0 ? 0 : acknowledged / (windowNanos / 1e9);
    }
  }

  private static final int DEFAULT_TIMEOUT_MILLIS = 30_000;

  private final InetSocketAddress address;
  private final byte[] head;
  private final byte[][] bodyParts;
  private final int[] bodySlots;
  private final int expectedStatus;
  private final int timeoutMillis;
  private final Connection[] connections;

  /**
   * @param target {@code http://host:port/path}
   * @param connections connections (and threads) at most
   * @param contentType the requests' {@code Content-Type}
   * @param bodyTemplate the body, with {@code ${0}}, {@code ${1}}, … where {@link Slots} values go (as decimals)
   * @param expectedStatus the status that acknowledges an event
   */
  FixedRateSender(URI target, int connections, String contentType, String bodyTemplate, int expectedStatus) {
    this(target, connections, contentType, bodyTemplate, expectedStatus, DEFAULT_TIMEOUT_MILLIS);
  }

  FixedRateSender(URI target, int connections, String contentType, String bodyTemplate, int expectedStatus,
      int timeoutMillis) {
    if (!"http".equalsIgnoreCase(target.getScheme()) || target.getHost() == null) {
      throw new IllegalArgumentException("the sender speaks plain http://host[:port]/path, not " + target);
    }
    if (connections < 1) {
      throw new IllegalArgumentException("connections must be at least 1, was " + connections);
    }
    int port = target.getPort() < 0 ? 80 : target.getPort();
    this.address = new InetSocketAddress(target.getHost(), port);
    String path = (target.getRawPath() == null || target.getRawPath().isEmpty() ? "/" : target.getRawPath())
        + (target.getRawQuery() == null ? "" : "?" + target.getRawQuery());
    this.head = ("POST " + path + " HTTP/1.1\r\nHost: " + target.getHost() + ":" + port + "\r\nContent-Type: "
        + contentType + "\r\nContent-Length: ").getBytes(StandardCharsets.US_ASCII);
    List<byte[]> parts = new ArrayList<>();
    List<Integer> slots = new ArrayList<>();
    java.util.regex.Matcher m = java.util.regex.Pattern.compile("\\$\\{(\\d+)}").matcher(bodyTemplate);
    int from = 0;
    while (m.find()) {
      parts.add(bodyTemplate.substring(from, m.start()).getBytes(StandardCharsets.UTF_8));
      slots.add(Integer.parseInt(m.group(1)));
      from = m.end();
    }
    parts.add(bodyTemplate.substring(from).getBytes(StandardCharsets.UTF_8));
    this.bodyParts = parts.toArray(byte[][]::new);
    this.bodySlots = slots.stream().mapToInt(Integer::intValue).toArray();
    this.expectedStatus = expectedStatus;
    this.timeoutMillis = timeoutMillis;
    this.connections = new Connection[connections];
    for (int i = 0; i < connections; i++) {
      this.connections[i] = new Connection();
    }
  }

  /**
   * Sends {@code events} events at {@code ratePerSecond}, the first due now, and returns once every event is
   * answered or failed.
   */
  Result run(int events, double ratePerSecond, Slots slots, AckListener listener) throws InterruptedException {
    if (ratePerSecond <= 0) {
      throw new IllegalArgumentException("rate must be positive, was " + ratePerSecond);
    }
    double periodNanos = 1e9 / ratePerSecond;
    long[] latency = new long[events];
    Arrays.fill(latency, -1);
    AtomicInteger next = new AtomicInteger();
    LongAdder sent = new LongAdder();
    LongAdder acked = new LongAdder();
    Map<String, LongAdder> failures = new ConcurrentHashMap<>();
    AtomicLong lastDone = new AtomicLong();
    java.lang.management.ThreadMXBean mx = java.lang.management.ManagementFactory.getThreadMXBean();
    boolean cpuMeasured = mx.isCurrentThreadCpuTimeSupported() && mx.isThreadCpuTimeEnabled();
    LongAdder cpu = new LongAdder();
    long start = System.nanoTime();
    lastDone.set(start);
    Thread[] threads = new Thread[connections.length];
    for (int t = 0; t < threads.length; t++) {
      Connection c = connections[t];
      threads[t] = new Thread(() -> {
        byte[] body = new byte[256];
        for (int i; (i = next.getAndIncrement()) < events; ) {
          long due = start + (long) (i * periodNanos);
          for (long wait; (wait = due - System.nanoTime()) > 0; ) {
            LockSupport.parkNanos(wait);
          }
          int bodyLength = 0;
          for (int p = 0; p < bodyParts.length; p++) {
            body = ensure(body, bodyLength + bodyParts[p].length + 20);
            System.arraycopy(bodyParts[p], 0, body, bodyLength, bodyParts[p].length);
            bodyLength += bodyParts[p].length;
            if (p < bodySlots.length) {
              bodyLength = writeDecimal(slots.value(i, bodySlots[p]), body, bodyLength);
            }
          }
          int status;
          try {
            status = c.exchange(body, bodyLength, sent);
          } catch (IOException e) {
            c.close();
            failures.computeIfAbsent("I/O " + e.getClass().getSimpleName()
                + (e.getMessage() == null ? "" : ": " + e.getMessage()), k -> new LongAdder()).increment();
            lastDone.accumulateAndGet(System.nanoTime(), Math::max);
            continue;
          }
          long done = System.nanoTime();
          lastDone.accumulateAndGet(done, Math::max);
          if (status == expectedStatus) {
            latency[i] = done - due;
            acked.increment();
            listener.acknowledged(i, due, done - due);
          } else {
            failures.computeIfAbsent("HTTP " + status, k -> new LongAdder()).increment();
          }
        }
        if (cpuMeasured) {
          cpu.add(mx.getCurrentThreadCpuTime());
        }
      }, "bench-sender-" + t);
      threads[t].start();
    }
    for (Thread t : threads) {
      t.join();
    }
    Map<String, Long> byReason = new TreeMap<>();
    failures.forEach((why, n) -> byReason.put(why, n.sum()));
    return new Result(events, sent.sum(), acked.sum(), byReason, latency, lastDone.get() - start,
        cpuMeasured ? cpu.sum() : -1);
  }

  /** Closes the connections. */
  @Override
  public void close() {
    for (Connection c : connections) {
      c.close();
    }
  }

  private static byte[] ensure(byte[] b, int size) {
    return b.length >= size ? b : Arrays.copyOf(b, Math.max(size, b.length * 2));
  }

  /** Writes {@code v} in decimal ASCII at {@code at} and returns the position after it (room for 20 bytes). */
  static int writeDecimal(long v, byte[] out, int at) {
    if (v == Long.MIN_VALUE) {
      byte[] s = Long.toString(v).getBytes(StandardCharsets.US_ASCII);
      System.arraycopy(s, 0, out, at, s.length);
      return at + s.length;
    }
    if (v < 0) {
      out[at++] = '-';
      v = -v;
    }
    int digits = 1;
    for (long x = v; x >= 10; x /= 10) {
      digits++;
    }
    for (int i = at + digits - 1; i >= at; i--) {
      out[i] = (byte) ('0' + v % 10);
      v /= 10;
    }
    return at + digits;
  }

  /** One keep-alive connection, used by one thread at a time. */
  private final class Connection {
    private Socket socket;
    private OutputStream out;
    private ResponseReader in;
    private byte[] request = new byte[512];

    /** Sends one request and reads its answer; returns the status. */
    int exchange(byte[] body, int bodyLength, LongAdder sent) throws IOException {
      if (socket == null) {
        Socket s = new Socket();
        try {
          s.setTcpNoDelay(true);
          s.setSoTimeout(timeoutMillis);
          s.connect(address, timeoutMillis);
        } catch (IOException e) {
          s.close();
          throw e;
        }
        socket = s;
        out = s.getOutputStream();
        in = new ResponseReader(s.getInputStream());
      }
      request = ensure(request, head.length + 24 + bodyLength);
      System.arraycopy(head, 0, request, 0, head.length);
      int n = writeDecimal(bodyLength, request, head.length);
      request[n++] = '\r';
      request[n++] = '\n';
      request[n++] = '\r';
      request[n++] = '\n';
      System.arraycopy(body, 0, request, n, bodyLength);
      // One write, so that with TCP_NODELAY the request leaves in one segment.
      out.write(request, 0, n + bodyLength);
      out.flush();
      sent.increment();
      int status = in.readResponse();
      if (in.closeAfter) {
        close();
      }
      return status;
    }

    void close() {
      if (socket != null) {
        try {
          socket.close();
        } catch (IOException ignored) {
          // Closing a connection we give up on: nothing to do about a failure.
        }
        socket = null;
      }
    }
  }

  /**
   * Reads HTTP/1.1 responses: status line, headers ({@code Content-Length}, {@code Transfer-Encoding: chunked},
   * {@code Connection: close}), body skipped. Interim 1xx answers are skipped.
   */
  static final class ResponseReader {
    private final InputStream in;
    private final byte[] buf = new byte[8192];
    private int pos;
    private int limit;
    private final StringBuilder line = new StringBuilder(128);
    boolean closeAfter;

    ResponseReader(InputStream in) {
      this.in = in;
    }

    /** Reads one response and returns its status; {@link #closeAfter} tells whether the server ends the connection. */
    int readResponse() throws IOException {
      while (true) {
        String statusLine = readLine();
        if (!statusLine.startsWith("HTTP/1.") || statusLine.length() < 12) {
          throw new IOException("not an HTTP/1.x status line: " + abbreviate(statusLine));
        }
        int status;
        try {
          status = Integer.parseInt(statusLine.substring(9, 12));
        } catch (NumberFormatException e) {
          throw new IOException("bad status in " + abbreviate(statusLine));
        }
        closeAfter = statusLine.startsWith("HTTP/1.0");
        long contentLength = -1;
        boolean chunked = false;
        for (String h; !(h = readLine()).isEmpty(); ) {
          int colon = h.indexOf(':');
          if (colon <= 0) {
            throw new IOException("bad header line " + abbreviate(h));
          }
          String name = h.substring(0, colon).trim();
          String value = h.substring(colon + 1).trim();
          if (name.equalsIgnoreCase("Content-Length")) {
            try {
              contentLength = Long.parseLong(value);
            } catch (NumberFormatException e) {
              throw new IOException("bad Content-Length " + abbreviate(value));
            }
          } else if (name.equalsIgnoreCase("Transfer-Encoding")) {
            chunked = value.toLowerCase(java.util.Locale.ROOT).contains("chunked");
          } else if (name.equalsIgnoreCase("Connection")) {
            String v = value.toLowerCase(java.util.Locale.ROOT);
            if (v.contains("close")) {
              closeAfter = true;
            } else if (v.contains("keep-alive")) {
              closeAfter = false;
            }
          }
        }
        if (status >= 100 && status < 200) {
          continue;
        }
        if (status == 204 || status == 304) {
          return status;
        }
        if (chunked) {
          skipChunked();
        } else if (contentLength >= 0) {
          skip(contentLength);
        } else {
          // No framing: the body runs to the end of the connection.
          while (fill()) {
            pos = limit;
          }
          closeAfter = true;
        }
        return status;
      }
    }

    private void skipChunked() throws IOException {
      while (true) {
        String sizeLine = readLine();
        int semi = sizeLine.indexOf(';');
        long size;
        try {
          size = Long.parseLong((semi < 0 ? sizeLine : sizeLine.substring(0, semi)).trim(), 16);
        } catch (NumberFormatException e) {
          throw new IOException("bad chunk size " + abbreviate(sizeLine));
        }
        if (size == 0) {
          while (!readLine().isEmpty()) {
            // trailers
          }
          return;
        }
        skip(size);
        if (!readLine().isEmpty()) {
          throw new IOException("chunk not followed by CRLF");
        }
      }
    }

    private void skip(long n) throws IOException {
      while (n > 0) {
        if (pos == limit && !fill()) {
          throw new EOFException("connection closed in the middle of a response body");
        }
        int k = (int) Math.min(n, limit - pos);
        pos += k;
        n -= k;
      }
    }

    private String readLine() throws IOException {
      line.setLength(0);
      while (true) {
        if (pos == limit && !fill()) {
          throw new EOFException(line.length() == 0 ? "connection closed by the server before a response"
              : "connection closed in the middle of a response");
        }
        byte b = buf[pos++];
        if (b == '\n') {
          int len = line.length();
          if (len > 0 && line.charAt(len - 1) == '\r') {
            line.setLength(len - 1);
          }
          return line.toString();
        }
        if (line.length() > 16_384) {
          throw new IOException("response line over 16 KiB");
        }
        line.append((char) (b & 0xff));
      }
    }

    private boolean fill() throws IOException {
      int n = in.read(buf);
      if (n <= 0) {
        return false;
      }
      pos = 0;
      limit = n;
      return true;
    }

    private static String abbreviate(String s) {
      return "'" + (s.length() > 80 ? s.substring(0, 80) + "…" : s) + "'";
    }
  }
}
