package dev.oceanj.runtime.telemetry;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.AppenderBase;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.oceanj.core.sync.SecretMasker;
import java.net.InetAddress;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.slf4j.LoggerFactory;

/**
 * Ships the process's log lines to the integration's {@code logAttributes.ingestUrl} in Ocean's batch shape
 * ({@code {"logs": [{message, level, timestamp, extra}]}}, ocean-deploy-reference.md §9.3): at most 100 lines a
 * batch, a batch at least every 5 s while lines come, the rest at shutdown; the same threshold as the console.
 *
 * <p>Bounded and lossy by design: a line is only put in a queue of {@code ocean.telemetry.log-queue-size} (never
 * waiting: the logging thread, a resync's among them, is never held up); when the queue is full (Port slow or
 * unreachable) the line is dropped and counted, and the next batch says how many were. Messages are masked in the
 * sending thread: credential-shaped text and the values of sensitive settings become {@code [REDACTED]}.
 */
public final class LogShipper extends AppenderBase<ILoggingEvent> {

  /** Most lines a batch carries (Ocean's). */
  static final int BATCH = 100;
  /** Longest time lines wait for their batch (Ocean's). */
  static final Duration FLUSH_EVERY = Duration.ofSeconds(5);
  private static final DateTimeFormatter MICROS = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSSSS'Z'")
      .withZone(ZoneOffset.UTC);

  private record Line(String message, Level level, long timestampMillis, String logger, String thread,
      Map<String, String> mdc) {}

  /** Put in the queue by {@link #close}, never sent. */
  private static final Line WAKE = new Line("", Level.OFF, 0, "", "", Map.of());

  private final IngestClient ingest;
  private final ArrayBlockingQueue<Line> queue;
  private final Supplier<Set<String>> secrets;
  private final String hostname;
  private final String instance = UUID.randomUUID().toString();
  private final AtomicLong dropped = new AtomicLong();
  private final AtomicLong shipped = new AtomicLong();
  private Thread sender;
  private volatile boolean stopping;

  /**
   * @param queueSize lines held at most
   * @param secrets values masked wherever they appear (Port's client id and secret, sensitive integration settings)
   */
  public LogShipper(IngestClient ingest, int queueSize, Set<String> secrets) {
    this(ingest, queueSize, constant(Set.copyOf(secrets)));
  }

  /**
   * @param queueSize lines held at most
   * @param secrets values masked wherever they appear, read for each batch (host mode: every instance's)
   */
  LogShipper(IngestClient ingest, int queueSize, Supplier<Set<String>> secrets) {
    this.ingest = ingest;
    this.queue = new ArrayBlockingQueue<>(queueSize);
    this.secrets = secrets;
    String host;
    try {
      host = InetAddress.getLocalHost().getHostName();
    } catch (Exception e) {
      host = "unknown";
    }
    this.hostname = host;
  }

  private static Supplier<Set<String>> constant(Set<String> secrets) {
    return () -> secrets;
  }

  /** Attaches to the root logger and starts sending. */
  public void install() {
    open("oceanj-port-logs");
    ((LoggerContext) getContext()).getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME).addAppender(this);
  }

  /** Starts sending what is appended to it, attached to no logger ({@link InstanceLogs} hands it its lines). */
  void open(String name) {
    setContext((LoggerContext) LoggerFactory.getILoggerFactory());
    setName(name);
    start();
  }

  /** Lines dropped because the queue was full. */
  public long dropped() {
    return dropped.get();
  }

  /** Lines Port accepted. */
  public long shipped() {
    return shipped.get();
  }

  @Override
  public void start() {
    super.start();
    sender = new Thread(this::run, "oceanj-log-shipper");
    sender.setDaemon(true);
    sender.start();
  }

  @Override
  protected void append(ILoggingEvent e) {
    // Its own failures and the HTTP client's chatter stay local: shipping them would feed itself.
    if (e.getLoggerName().startsWith("dev.oceanj.runtime.telemetry") || e.getLoggerName().startsWith("jdk.")) {
      return;
    }
    String message = e.getFormattedMessage();
    if (e.getThrowableProxy() != null) {
      message = message + "\n" + ThrowableProxyUtil.asString(e.getThrowableProxy());
    }
    Line line = new Line(message, e.getLevel(), e.getTimeStamp(), e.getLoggerName(), e.getThreadName(),
        e.getMDCPropertyMap());
    if (!queue.offer(line)) {
      dropped.incrementAndGet();
    }
  }

  private void run() {
    List<Line> batch = new ArrayList<>(BATCH);
    long lastFlush = System.nanoTime();
    while (true) {
      try {
        long waitNanos = FLUSH_EVERY.toNanos() - (System.nanoTime() - lastFlush);
        Line l = waitNanos > 0 && !stopping ? queue.poll(waitNanos, TimeUnit.NANOSECONDS) : queue.poll();
        if (l != null) {
          batch.add(l);
          queue.drainTo(batch, BATCH - batch.size());
          batch.remove(WAKE);
        }
        boolean due = batch.size() >= BATCH || System.nanoTime() - lastFlush >= FLUSH_EVERY.toNanos()
            || stopping || batch.stream().anyMatch(x -> x.level() == Level.ERROR);
        if (due && (!batch.isEmpty() || dropped.get() > 0)) {
          send(batch);
          batch = new ArrayList<>(BATCH);
          lastFlush = System.nanoTime();
        } else if (due) {
          lastFlush = System.nanoTime();
        }
        if (stopping && queue.isEmpty() && batch.isEmpty()) {
          return;
        }
      } catch (InterruptedException ie) {
        return;
      }
    }
  }

  private void send(List<Line> lines) {
    ObjectNode body = IngestClient.JSON.createObjectNode();
    ArrayNode logs = body.putArray("logs");
    long lost = dropped.getAndSet(0);
    if (lost > 0) {
      logs.add(record("oceanj dropped " + lost + " log lines: the queue of " + (queue.remainingCapacity() + queue.size())
          + " lines waiting for Port was full (Port's log ingest slow or unreachable)", Level.WARN,
          System.currentTimeMillis(), getClass().getName(), Thread.currentThread().getName(), Map.of()));
    }
    for (Line l : lines) {
      logs.add(record(l.message(), l.level(), l.timestampMillis(), l.logger(), l.thread(), l.mdc()));
    }
    try {
      IngestClient.Urls u = ingest.urls().get(10, TimeUnit.SECONDS);
      if (u.logs().isEmpty()) {
        return;
      }
      if (ingest.send("POST", u.logs().get(), body).get(15, TimeUnit.SECONDS)) {
        shipped.addAndGet(lines.size());
      } else {
        dropped.addAndGet(lines.size());
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (Exception e) {
      // No ingest URL yet (Port unreachable): these lines are lost, and counted.
      dropped.addAndGet(lines.size());
    }
  }

  private ObjectNode record(String message, Level level, long millis, String logger, String thread,
      Map<String, String> mdc) {
    ObjectNode r = IngestClient.JSON.createObjectNode();
    String text = message;
    while (text.endsWith("\n") || text.endsWith("\r")) {
      text = text.substring(0, text.length() - 1);
    }
    r.put("message", SecretMasker.maskText(text, secrets.get()));
    r.put("level", level(level));
    r.put("timestamp", MICROS.format(Instant.ofEpochMilli(millis)));
    ObjectNode extra = r.putObject("extra");
    extra.put("hostname", hostname);
    extra.put("instance", instance);
    extra.put("logger", logger);
    extra.put("thread", thread);
    mdc.forEach(extra::put);
    return r;
  }

  /** loguru's level names, which Port's log view shows. */
  static String level(Level level) {
    switch (level.toInt()) {
      case Level.ERROR_INT:
        return "ERROR";
      case Level.WARN_INT:
        return "WARNING";
      case Level.INFO_INT:
        return "INFO";
      case Level.DEBUG_INT:
        return "DEBUG";
      default:
        return "TRACE";
    }
  }

  /** Sends what is queued (at most {@code within}), then detaches. */
  public void close(Duration within) {
    stopping = true;
    // Wakes the sender's wait; when the queue is full it is not waiting anyway.
    queue.offer(WAKE);
    try {
      sender.join(within.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    if (sender.isAlive()) {
      // Port does not answer in time: what is left is lost.
      stopping = false;
      sender.interrupt();
    }
    LoggerContext context = (LoggerContext) getContext();
    Logger root = context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    root.detachAppender(this);
    stop();
  }
}
