package dev.oceanj.bench.live;

import dev.oceanj.testsupport.http.Http1Reader;
import java.io.IOException;
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
 * pre-formatted with only the numbers spliced in, and responses read by the tests' {@link Http1Reader} (status line
 * and framing headers, body skipped).
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
    private Http1Reader in;
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
        in = new Http1Reader(s.getInputStream());
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
      Http1Reader.Response answer = in.readResponse();
      if (answer.closeAfter()) {
        close();
      }
      return answer.status();
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
}
