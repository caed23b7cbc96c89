package dev.oceanj.runtime;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;

/**
 * One process per {@code ocean.data-dir}: an exclusive lock on {@code <data-dir>/oceanj.lock}, held for the
 * life of the process and released by the operating system when it ends, kill -9 included. Two processes on one
 * data dir would append to the same live-event log and overwrite each other's skip-unchanged store, losing
 * acknowledged events; the second one refuses to start instead, naming the holder the file records (pid, host,
 * start time).
 */
public final class DataDirLock implements AutoCloseable {

  /** The lock file's name inside the data dir. */
  public static final String FILE = "oceanj.lock";

  /** Another process holds the data dir; the message names the dir and the holder. */
  public static final class HeldElsewhere extends IllegalStateException {
    HeldElsewhere(String message) {
      super(message);
    }
  }

  private final FileChannel channel;
  private final FileLock lock;

  private DataDirLock(FileChannel channel, FileLock lock) {
    this.channel = channel;
    this.lock = lock;
  }

  /**
   * Creates the data dir if needed and locks it.
   *
   * @throws HeldElsewhere when another process (or another runtime in this one) holds it
   * @throws IllegalStateException when the dir or its lock file cannot be written
   */
  public static DataDirLock acquire(Path dataDir) {
    Path dir = dataDir.toAbsolutePath();
    Path file = dir.resolve(FILE);
    FileChannel channel = null;
    try {
      Files.createDirectories(dir);
      channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
      FileLock lock;
      try {
        lock = channel.tryLock();
      } catch (OverlappingFileLockException e) {
        lock = null; // held by another runtime in this same JVM
      }
      if (lock == null) {
        String holder = holder(channel);
        channel.close();
        throw new HeldElsewhere("the data directory " + dir + " (ocean.data-dir / OCEAN__DATA_DIR) is in use by"
            + " another oceanj process (" + holder + "); run one process per data directory, or give this one"
            + " its own");
      }
      channel.truncate(0);
      channel.write(ByteBuffer.wrap(describeSelf().getBytes(StandardCharsets.UTF_8)), 0);
      channel.force(false);
      return new DataDirLock(channel, lock);
    } catch (IOException e) {
      closeQuietly(channel);
      throw new IllegalStateException("cannot lock the data directory " + dir + " (ocean.data-dir / OCEAN__DATA_DIR): "
          + e, e);
    }
  }

  private static String describeSelf() {
    String host;
    try {
      host = InetAddress.getLocalHost().getHostName();
    } catch (IOException e) {
      host = "unknown host";
    }
    return "pid " + ProcessHandle.current().pid() + " on " + host + ", started "
        + Instant.ofEpochMilli(ManagementFactory.getRuntimeMXBean().getStartTime()) + "\n";
  }

  private static String holder(FileChannel channel) {
    try {
      ByteBuffer buf = ByteBuffer.allocate(512);
      channel.read(buf, 0);
      String text = new String(buf.array(), 0, buf.position(), StandardCharsets.UTF_8).strip();
      return text.isEmpty() ? "holder unknown" : text;
    } catch (IOException e) {
      return "holder unknown: " + e.getMessage();
    }
  }

  private static void closeQuietly(FileChannel channel) {
    if (channel != null) {
      try {
        channel.close();
      } catch (IOException ignored) {
        // nothing more to release
      }
    }
  }

  /** Releases the lock (the file stays; the next holder overwrites it). */
  @Override
  public void close() {
    try {
      lock.release();
    } catch (IOException ignored) {
      // closing the channel releases it too
    }
    closeQuietly(channel);
  }
}
