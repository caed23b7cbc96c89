package dev.oceanj.core.live;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * One acknowledged webhook request as the log stores it.
 *
 * <p>{@link #toBytes()} is its stored form, the same in the local log's records and in the Kafka intake's record
 * values: offset, received-at (micros), path, headers, body, each length-prefixed.
 *
 * @param offset its position in the log, unique and increasing; stable across restarts (in the Kafka intake, the
 *     partition in the high 16 bits and the partition's offset below, so increasing per partition)
 * @param receivedAt when it was accepted
 * @param path the request path under {@code /integration} (e.g. {@code /webhook/42})
 * @param headers request headers worth keeping (lower-case names; credentials are left out by the caller)
 * @param body the raw body
 */
public record StoredEvent(long offset, Instant receivedAt, String path, Map<String, String> headers, byte[] body) {

  public StoredEvent {
    Objects.requireNonNull(receivedAt, "receivedAt");
    Objects.requireNonNull(path, "path");
    headers = Map.copyOf(headers);
    Objects.requireNonNull(body, "body");
  }

  /** The same event at another offset (a replayed dead letter is appended anew; the Kafka intake's position). */
  public StoredEvent withOffset(long newOffset) {
    return new StoredEvent(newOffset, receivedAt, path, headers, body);
  }

  /** The stored form (see the class comment). */
  public byte[] toBytes() {
    byte[] p = path.getBytes(StandardCharsets.UTF_8);
    List<byte[]> headerBytes = new ArrayList<>();
    int size = 8 + 8 + 4 + p.length + 4 + 4 + body.length;
    for (Map.Entry<String, String> h : headers.entrySet()) {
      byte[] k = h.getKey().getBytes(StandardCharsets.UTF_8);
      byte[] v = h.getValue().getBytes(StandardCharsets.UTF_8);
      headerBytes.add(k);
      headerBytes.add(v);
      size += 8 + k.length + v.length;
    }
    ByteBuffer b = ByteBuffer.allocate(size);
    b.putLong(offset).putLong(receivedAt.toEpochMilli() * 1000 + receivedAt.getNano() / 1000 % 1000);
    b.putInt(p.length).put(p);
    b.putInt(headerBytes.size() / 2);
    for (byte[] hb : headerBytes) {
      b.putInt(hb.length).put(hb);
    }
    b.putInt(body.length).put(body);
    return b.array();
  }

  /**
   * The event {@link #toBytes()} stored.
   *
   * @throws java.nio.BufferUnderflowException when {@code bytes} is not a whole stored event
   */
  public static StoredEvent fromBytes(byte[] bytes) {
    return read(ByteBuffer.wrap(bytes));
  }

  /** Reads one stored event at {@code b}'s position, leaving it after the event. */
  static StoredEvent read(ByteBuffer b) {
    long offset = b.getLong();
    long micros = b.getLong();
    String path = readString(b);
    int headers = b.getInt();
    Map<String, String> h = new LinkedHashMap<>();
    for (int i = 0; i < headers; i++) {
      h.put(readString(b), readString(b));
    }
    byte[] body = new byte[b.getInt()];
    b.get(body);
    return new StoredEvent(offset, Instant.ofEpochSecond(Math.floorDiv(micros, 1_000_000L),
        Math.floorMod(micros, 1_000_000L) * 1000), path, h, body);
  }

  static String readString(ByteBuffer b) {
    byte[] s = new byte[b.getInt()];
    b.get(s);
    return new String(s, StandardCharsets.UTF_8);
  }

  @Override
  public String toString() {
    return "StoredEvent[offset=" + offset + ", path=" + path + ", bytes=" + body.length + "]";
  }
}
