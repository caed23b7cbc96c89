package dev.oceanj.core.live;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.stream.Stream;
import java.util.zip.CRC32C;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The durable log of live events: every webhook the runtime acknowledges is first appended here, and stays
 * until its processing finished (or it was moved to the dead letters).
 *
 * <p><b>On disk</b> ({@code dir}, normally {@code <ocean.data-dir>/live-events}): segment files
 * {@code intake-<first offset>.log} of records framed as {@code [length][CRC32C][payload]}; a
 * {@code checkpoint} file holding the lowest offset not yet processed; {@code dead-letters.log} with added and
 * removed dead letters in the same framing. Recovery reads every segment, truncates a torn last record (a kill
 * in the middle of a write), and hands back every event at or after the checkpoint, in offset order.
 *
 * <p><b>Group commit</b>: one writer thread takes every append queued meanwhile, writes them together and
 * fsyncs once, then completes each append's future; an append's future completes only when its record is on
 * disk, so the caller may acknowledge the event then. Under load many requests share one fsync; alone, an
 * append costs one write and one fsync.
 *
 * <p><b>Exactly-once effect</b>: the checkpoint only ever moves to an offset below which every event is done;
 * events done above it are handled again after a crash, in the same order per partition key. That is safe
 * because processing is idempotent (upserts of the same data, deletes of absent entities are no-ops).
 *
 * <p>Events not yet done are also kept in memory, for the consumer; the backlog is bounded by what the
 * processors leave undone. All methods are thread-safe.
 */
public final class LiveEventLog implements LiveEventIntake {

  private static final Logger LOG = LoggerFactory.getLogger(LiveEventLog.class);

  private static final int MAX_BATCH = 4096;
  private static final long SEGMENT_BYTES = 64L << 20;
  private static final byte DL_ADDED = 1;
  private static final byte DL_REMOVED = 2;
  private static final Duration CHECKPOINT_EVERY = Duration.ofMillis(200);

  private final Optional<Path> dir;
  private final Object lock = new Object();
  private final BlockingQueue<Op> ops = new LinkedBlockingQueue<>();
  private final Thread writer;

  // guarded by lock
  private final NavigableMap<Long, StoredEvent> pending = new TreeMap<>();
  private final Map<Long, DeadLetter> deadLetters = new LinkedHashMap<>();
  private Consumer<StoredEvent> subscriber;
  private long nextOffset;
  private boolean closed;

  // writer thread only
  private FileChannel segment;
  private long segmentBytes;
  private FileChannel deadLetterFile;
  private FileChannel checkpointFile;
  private long checkpointWritten = -1;
  private long lastCheckpointNanos;
  private final NavigableMap<Long, Path> segments = new TreeMap<>();

  private LiveEventLog(Optional<Path> dir) {
    this.dir = dir;
    this.writer = new Thread(this::writeLoop, "oceanj-live-event-log");
    this.writer.setDaemon(true);
  }

  /**
   * Opens (or creates) the file-backed log in {@code dir} and recovers it.
   *
   * @throws UncheckedIOException naming the folder or file when it cannot be read or written
   */
  public static LiveEventLog open(Path dir) {
    LiveEventLog log = new LiveEventLog(Optional.of(dir));
    try {
      Files.createDirectories(dir);
      log.recover(dir);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot open the live-event log in " + dir + ": " + e.getMessage(), e);
    }
    log.writer.start();
    return log;
  }

  /** A log that keeps events in memory only: a restart loses them. Only when explicitly configured. */
  public static LiveEventLog inMemory() {
    LiveEventLog log = new LiveEventLog(Optional.empty());
    log.writer.start();
    return log;
  }

  /** Whether events survive a restart. */
  @Override
  public boolean durable() {
    return dir.isPresent();
  }

  /**
   * Appends one event. The future completes with the stored event (its offset assigned) once it is durable,
   * or fails when it could not be written (the caller must then not acknowledge it).
   */
  @Override
  public CompletableFuture<StoredEvent> append(Instant receivedAt, String path, Map<String, String> headers,
      byte[] body) {
    Append op = new Append(new StoredEvent(-1, receivedAt, path, headers, body), new CompletableFuture<>());
    enqueue(op, op.done());
    return op.done();
  }

  /**
   * Registers the one consumer of events: it is called at once with every event not yet done (recovered ones
   * first, in offset order), then with each new event once it is durable, on the writer thread. It must not
   * block.
   */
  public void subscribe(Consumer<StoredEvent> consumer) {
    synchronized (lock) {
      if (subscriber != null) {
        throw new IllegalStateException("the live-event log already has a consumer");
      }
      subscriber = consumer;
      for (StoredEvent e : pending.values()) {
        consumer.accept(e);
      }
    }
  }

  /**
   * Registers {@code consumer} in place of the current one, if any (a consumer that restarted after a failure and
   * lost what it held in memory), and hands it every event not yet done, in offset order, as {@link #subscribe}
   * does. Events the previous consumer was told about and had not finished are therefore told again.
   */
  @Override
  public void resubscribe(Consumer<StoredEvent> consumer) {
    synchronized (lock) {
      subscriber = consumer;
      for (StoredEvent e : pending.values()) {
        consumer.accept(e);
      }
    }
  }

  /** Marks {@code offset} processed; the checkpoint moves past it once every earlier event is done too. */
  @Override
  public void done(long offset) {
    synchronized (lock) {
      pending.remove(offset);
    }
  }

  /**
   * Moves an event to the dead letters with its error, durably, and marks it done. The future completes once
   * the dead letter is on disk.
   */
  @Override
  public CompletableFuture<DeadLetter> deadLetter(StoredEvent event, String error) {
    DeadLetter letter = new DeadLetter(event.offset(), event, oneLine(error), Instant.now());
    CompletableFuture<DeadLetter> done = new CompletableFuture<>();
    enqueue(new AddDeadLetter(letter, done), done);
    return done;
  }

  /**
   * Appends a dead letter's event to the log again, as a new event, and removes the dead letter.
   *
   * @return the re-appended event, or empty when there is no dead letter {@code id}
   */
  @Override
  public CompletableFuture<Optional<StoredEvent>> replay(long id) {
    DeadLetter letter;
    synchronized (lock) {
      letter = deadLetters.get(id);
    }
    if (letter == null) {
      return CompletableFuture.completedFuture(Optional.empty());
    }
    StoredEvent e = letter.event();
    // Appended before the removal is written: a crash in between leaves the event twice, never zero times.
    return append(e.receivedAt(), e.path(), e.headers(), e.body()).thenCompose(appended -> {
      CompletableFuture<DeadLetter> removed = new CompletableFuture<>();
      enqueue(new RemoveDeadLetter(letter, removed), removed);
      return removed.thenApply(r -> Optional.of(appended));
    });
  }

  /** The dead letters, oldest first. */
  @Override
  public List<DeadLetter> deadLetters() {
    synchronized (lock) {
      return List.copyOf(deadLetters.values());
    }
  }

  /** Events acknowledged and not yet done. */
  @Override
  public int depth() {
    synchronized (lock) {
      return pending.size();
    }
  }

  /** The lowest offset not yet done (the next checkpoint). */
  public long lowWatermark() {
    synchronized (lock) {
      return pending.isEmpty() ? nextOffset : pending.firstKey();
    }
  }

  /** {@code intake: local}, and whether the log is on disk. */
  @Override
  public void status(ObjectNode out) {
    out.put("intake", "local");
  }

  /** Writes what is queued, a last checkpoint, and closes the files. Appends after this fail. */
  @Override
  public void close() {
    synchronized (lock) {
      if (closed) {
        return;
      }
      closed = true;
    }
    ops.add(Stop.INSTANCE);
    try {
      writer.join(TimeUnit.SECONDS.toMillis(30));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public String toString() {
    return "LiveEventLog[" + dir.map(Path::toString).orElse("in memory") + ", depth=" + depth() + "]";
  }

  // ---- writer thread ---------------------------------------------------------------------------------------

  private void enqueue(Op op, CompletableFuture<?> future) {
    synchronized (lock) {
      if (closed) {
        future.completeExceptionally(new IllegalStateException("the live-event log is closed"));
        return;
      }
      ops.add(op);
    }
  }

  private void writeLoop() {
    List<Op> batch = new ArrayList<>();
    boolean stopping = false;
    while (!stopping) {
      try {
        Op first = ops.poll(CHECKPOINT_EVERY.toMillis(), TimeUnit.MILLISECONDS);
        if (first != null) {
          batch.add(first);
          ops.drainTo(batch, MAX_BATCH - 1);
        }
      } catch (InterruptedException e) {
        stopping = true;
      }
      stopping |= batch.remove(Stop.INSTANCE);
      try {
        if (!batch.isEmpty()) {
          writeBatch(batch);
        }
        maybeCheckpoint(stopping);
      } catch (IOException | RuntimeException e) {
        LOG.error("live-event log: write failed; the requests of this batch are refused", e);
        for (Op op : batch) {
          op.fail(e);
        }
      }
      batch.clear();
    }
    closeFiles();
    for (Op op; (op = ops.poll()) != null; ) {
      op.fail(new IllegalStateException("the live-event log is closed"));
    }
  }

  private void writeBatch(List<Op> batch) throws IOException {
    List<StoredEvent> appended = new ArrayList<>();
    List<ByteBuffer> records = new ArrayList<>();
    List<ByteBuffer> letters = new ArrayList<>();
    synchronized (lock) {
      for (Op op : batch) {
        if (op instanceof Append a) {
          StoredEvent e = a.event().withOffset(nextOffset++);
          appended.add(e);
          records.add(frame(e.toBytes()));
        } else if (op instanceof AddDeadLetter d) {
          letters.add(frame(encodeDeadLetter(DL_ADDED, d.letter())));
        } else if (op instanceof RemoveDeadLetter r) {
          letters.add(frame(encodeDeadLetter(DL_REMOVED, r.letter())));
        }
      }
    }
    if (dir.isPresent()) {
      if (!records.isEmpty()) {
        if (segment == null || segmentBytes > SEGMENT_BYTES) {
          roll(appended.get(0).offset());
        }
        segmentBytes += writeAll(segment, records);
        segment.force(false);
      }
      if (!letters.isEmpty()) {
        writeAll(deadLetterFile, letters);
        deadLetterFile.force(false);
      }
    }
    int i = 0;
    Consumer<StoredEvent> consumer;
    synchronized (lock) {
      for (StoredEvent e : appended) {
        pending.put(e.offset(), e);
      }
      for (Op op : batch) {
        if (op instanceof AddDeadLetter d) {
          deadLetters.put(d.letter().id(), d.letter());
          pending.remove(d.letter().event().offset());
        } else if (op instanceof RemoveDeadLetter r) {
          deadLetters.remove(r.letter().id());
        }
      }
      consumer = subscriber;
      // The consumer is told under the lock so that subscribe() never interleaves with a batch.
      if (consumer != null) {
        for (StoredEvent e : appended) {
          consumer.accept(e);
        }
      }
    }
    for (Op op : batch) {
      if (op instanceof Append a) {
        a.done().complete(appended.get(i++));
      } else if (op instanceof AddDeadLetter d) {
        d.done().complete(d.letter());
      } else if (op instanceof RemoveDeadLetter r) {
        r.done().complete(r.letter());
      }
    }
  }

  private void maybeCheckpoint(boolean force) throws IOException {
    if (dir.isEmpty()) {
      return;
    }
    long now = System.nanoTime();
    if (!force && now - lastCheckpointNanos < CHECKPOINT_EVERY.toNanos()) {
      return;
    }
    lastCheckpointNanos = now;
    long watermark = lowWatermark();
    if (watermark == checkpointWritten) {
      return;
    }
    ByteBuffer b = ByteBuffer.allocate(16).putLong(watermark);
    CRC32C crc = new CRC32C();
    crc.update(b.array(), 0, 8);
    b.putLong(crc.getValue()).flip();
    while (b.hasRemaining()) {
      checkpointFile.write(b, b.position());
    }
    checkpointFile.force(false);
    checkpointWritten = watermark;
    dropProcessedSegments(watermark);
  }

  /** Deletes segments whose every event is below the checkpoint (the next segment starts at or below it). */
  private void dropProcessedSegments(long watermark) throws IOException {
    while (segments.size() > 1) {
      Map.Entry<Long, Path> oldest = segments.firstEntry();
      Long nextStart = segments.higherKey(oldest.getKey());
      if (nextStart == null || nextStart > watermark) {
        return;
      }
      Files.deleteIfExists(oldest.getValue());
      segments.remove(oldest.getKey());
    }
  }

  private void roll(long firstOffset) throws IOException {
    if (segment != null) {
      segment.close();
    }
    Path p = dir.get().resolve(String.format("intake-%020d.log", firstOffset));
    segment = FileChannel.open(p, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.APPEND);
    segmentBytes = segment.size();
    segments.put(firstOffset, p);
    // A new file's directory entry must be durable too, or a crash could lose the whole segment.
    fsyncDir();
  }

  private void fsyncDir() {
    try (FileChannel d = FileChannel.open(dir.get(), StandardOpenOption.READ)) {
      d.force(true);
    } catch (IOException e) {
      // Some file systems refuse to open a directory; the file's own fsync is then all we can do.
      LOG.debug("cannot fsync directory {}: {}", dir.get(), e.toString());
    }
  }

  private static long writeAll(FileChannel ch, List<ByteBuffer> buffers) throws IOException {
    ByteBuffer[] array = buffers.toArray(new ByteBuffer[0]);
    long total = 0;
    for (ByteBuffer b : array) {
      total += b.remaining();
    }
    long written = 0;
    while (written < total) {
      written += ch.write(array);
    }
    return total;
  }

  private void closeFiles() {
    for (FileChannel ch : new FileChannel[] {segment, deadLetterFile, checkpointFile}) {
      if (ch != null) {
        try {
          ch.close();
        } catch (IOException e) {
          LOG.warn("closing a live-event log file failed: {}", e.toString());
        }
      }
    }
  }

  // ---- recovery --------------------------------------------------------------------------------------------

  private void recover(Path d) throws IOException {
    long watermark = readCheckpoint(d.resolve("checkpoint"));
    List<Path> files;
    try (Stream<Path> s = Files.list(d)) {
      files = s.filter(p -> p.getFileName().toString().matches("intake-\\d{20}\\.log")).sorted().toList();
    }
    long next = Math.max(watermark, 0);
    for (int f = 0; f < files.size(); f++) {
      Path p = files.get(f);
      long first = Long.parseLong(p.getFileName().toString().substring(7, 27));
      segments.put(first, p);
      long next0 = next;
      long[] last = {next0 - 1};
      readFramed(p, f == files.size() - 1, payload -> {
        StoredEvent e = StoredEvent.fromBytes(payload);
        last[0] = e.offset();
        if (e.offset() >= watermark) {
          pending.put(e.offset(), e);
        }
      });
      next = Math.max(next, last[0] + 1);
    }
    nextOffset = next;
    Path dl = d.resolve("dead-letters.log");
    if (Files.exists(dl)) {
      readFramed(dl, true, payload -> {
        ByteBuffer b = ByteBuffer.wrap(payload);
        byte type = b.get();
        DeadLetter letter = decodeDeadLetter(b);
        if (type == DL_ADDED) {
          deadLetters.put(letter.id(), letter);
          pending.remove(letter.event().offset());
        } else {
          deadLetters.remove(letter.id());
        }
      });
    }
    deadLetterFile = FileChannel.open(dl, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
        StandardOpenOption.APPEND);
    checkpointFile = FileChannel.open(d.resolve("checkpoint"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
    checkpointWritten = watermark;
    if (!segments.isEmpty()) {
      Map.Entry<Long, Path> lastSegment = segments.lastEntry();
      segment = FileChannel.open(lastSegment.getValue(), StandardOpenOption.WRITE, StandardOpenOption.APPEND);
      segmentBytes = segment.size();
    }
    fsyncDir();
    LOG.info("live-event log {}: {} event(s) to process from offset {}, {} dead letter(s)", d, pending.size(),
        watermark, deadLetters.size());
  }

  private static long readCheckpoint(Path p) throws IOException {
    if (!Files.exists(p)) {
      return 0;
    }
    byte[] b = Files.readAllBytes(p);
    if (b.length < 16) {
      return 0;
    }
    ByteBuffer buf = ByteBuffer.wrap(b);
    long watermark = buf.getLong();
    CRC32C crc = new CRC32C();
    crc.update(b, 0, 8);
    if (crc.getValue() != buf.getLong()) {
      // A torn checkpoint: start over from the beginning; replaying done events is harmless.
      LOG.warn("live-event log: checkpoint {} is damaged; replaying every stored event", p);
      return 0;
    }
    return watermark;
  }

  /** Reads framed records; a torn or damaged record ends the file (truncated when {@code truncate}). */
  private static void readFramed(Path p, boolean truncate, Consumer<byte[]> onRecord) throws IOException {
    try (FileChannel ch = FileChannel.open(p, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
      long size = ch.size();
      long pos = 0;
      ByteBuffer head = ByteBuffer.allocate(8);
      while (pos < size) {
        head.clear();
        if (size - pos < 8 || readFully(ch, head, pos) < 8) {
          break;
        }
        head.flip();
        int len = head.getInt();
        int crc = head.getInt();
        if (len < 0 || pos + 8 + len > size) {
          break;
        }
        ByteBuffer payload = ByteBuffer.allocate(len);
        readFully(ch, payload, pos + 8);
        CRC32C c = new CRC32C();
        c.update(payload.array(), 0, len);
        if ((int) c.getValue() != crc) {
          break;
        }
        onRecord.accept(payload.array());
        pos += 8 + len;
      }
      if (pos < size) {
        LOG.warn("live-event log: {} ends with a torn or damaged record at byte {} of {}; {}", p, pos, size,
            truncate ? "truncated (it was never acknowledged)" : "the rest of this file is ignored");
        if (truncate) {
          ch.truncate(pos);
          ch.force(true);
        }
      }
    }
  }

  private static int readFully(FileChannel ch, ByteBuffer b, long pos) throws IOException {
    int total = 0;
    while (b.hasRemaining()) {
      int n = ch.read(b, pos + total);
      if (n < 0) {
        break;
      }
      total += n;
    }
    return total;
  }

  // ---- encoding ------------------------------------------------------------------------------------------

  private static ByteBuffer frame(byte[] payload) {
    CRC32C c = new CRC32C();
    c.update(payload);
    ByteBuffer b = ByteBuffer.allocate(8 + payload.length);
    b.putInt(payload.length).putInt((int) c.getValue()).put(payload).flip();
    return b;
  }

  private static byte[] encodeDeadLetter(byte type, DeadLetter d) {
    byte[] error = d.error().getBytes(StandardCharsets.UTF_8);
    byte[] event = d.event().toBytes();
    ByteBuffer b = ByteBuffer.allocate(1 + 8 + 8 + 4 + error.length + event.length);
    b.put(type).putLong(d.id()).putLong(d.at().toEpochMilli()).putInt(error.length).put(error).put(event);
    return b.array();
  }

  private static DeadLetter decodeDeadLetter(ByteBuffer b) {
    long id = b.getLong();
    Instant at = Instant.ofEpochMilli(b.getLong());
    String error = StoredEvent.readString(b);
    return new DeadLetter(id, StoredEvent.read(b), error, at);
  }

  private static String oneLine(String s) {
    String line = s == null ? "unknown error" : s.replaceAll("\\s+", " ").trim();
    return line.length() > 2000 ? line.substring(0, 2000) + "…" : line;
  }

  // ---- operations ----------------------------------------------------------------------------------------

  private sealed interface Op {
    default void fail(Throwable t) {}
  }

  private record Append(StoredEvent event, CompletableFuture<StoredEvent> done) implements Op {
    @Override
    public void fail(Throwable t) {
      done.completeExceptionally(t);
    }
  }

  private record AddDeadLetter(DeadLetter letter, CompletableFuture<DeadLetter> done) implements Op {
    @Override
    public void fail(Throwable t) {
      done.completeExceptionally(t);
    }
  }

  private record RemoveDeadLetter(DeadLetter letter, CompletableFuture<DeadLetter> done) implements Op {
    @Override
    public void fail(Throwable t) {
      done.completeExceptionally(t);
    }
  }

  private enum Stop implements Op { INSTANCE }
}
