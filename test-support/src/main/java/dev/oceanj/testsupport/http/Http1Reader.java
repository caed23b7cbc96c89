package dev.oceanj.testsupport.http;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * Reads HTTP/1.1 messages off a socket, for the project's non-production HTTP speakers (the tests'
 * {@link RawServer}, the benchmarks' fixed-rate sender): start lines, header blocks, bodies by
 * {@code Content-Length} or chunked, and responses whose body is only skipped. It counts the socket reads it made and
 * can keep a copy of every byte it consumed, so a test can see exactly what arrived and in how many reads.
 *
 * <p>Not thread-safe: one reader per connection, used by one thread at a time.
 */
public final class Http1Reader {

  /** The framing of one response, as {@link #readResponse()} found it. */
  public record Response(int status, boolean closeAfter) {}

  private static final int MAX_LINE = 16_384;

  private final InputStream in;
  private final byte[] buf;
  private int pos;
  private int limit;
  private int reads;
  private ByteArrayOutputStream capture;
  private final StringBuilder line = new StringBuilder(128);

  /** A reader with an 8 KiB buffer. */
  public Http1Reader(InputStream in) {
    this(in, 8192);
  }

  /** A reader that asks the socket for up to {@code bufferSize} bytes per read. */
  public Http1Reader(InputStream in, int bufferSize) {
    this.in = in;
    this.buf = new byte[bufferSize];
  }

  /** Socket reads made so far (each {@code read} that returned bytes). */
  public int reads() {
    return reads;
  }

  /** Keeps a copy of every byte consumed from now on, until {@link #stopCapture()}. */
  public void startCapture() {
    capture = new ByteArrayOutputStream();
  }

  /** The bytes consumed since {@link #startCapture()}, and stops keeping them. */
  public byte[] stopCapture() {
    byte[] got = capture == null ? new byte[0] : capture.toByteArray();
    capture = null;
    return got;
  }

  /** The next line without its CRLF (or LF), or null when the peer closed the connection before any of it. */
  public String readLineOrNull() throws IOException {
    line.setLength(0);
    while (true) {
      if (pos == limit && !fill()) {
        if (line.length() == 0) {
          return null;
        }
        throw new EOFException("connection closed in the middle of a line");
      }
      byte b = buf[pos++];
      keep(b);
      if (b == '\n') {
        int len = line.length();
        if (len > 0 && line.charAt(len - 1) == '\r') {
          line.setLength(len - 1);
        }
        return line.toString();
      }
      if (line.length() > MAX_LINE) {
        throw new IOException("line over 16 KiB");
      }
      line.append((char) (b & 0xff));
    }
  }

  /** The next line; an {@link EOFException} naming {@code what} when the connection ends first. */
  public String readLine(String what) throws IOException {
    String l = readLineOrNull();
    if (l == null) {
      throw new EOFException("connection closed before " + what);
    }
    return l;
  }

  /** The header lines up to the empty one, by lower-case name (a repeated header keeps its last value). */
  public Map<String, String> readHeaders() throws IOException {
    Map<String, String> headers = new TreeMap<>();
    for (String h; !(h = readLine("the end of the headers")).isEmpty(); ) {
      int colon = h.indexOf(':');
      if (colon <= 0) {
        throw new IOException("bad header line " + abbreviate(h));
      }
      headers.put(h.substring(0, colon).trim().toLowerCase(Locale.ROOT), h.substring(colon + 1).trim());
    }
    return headers;
  }

  /** Exactly {@code n} bytes; an {@link EOFException} when the connection ends first. */
  public byte[] readBytes(int n) throws IOException {
    byte[] out = new byte[n];
    int at = 0;
    while (at < n) {
      if (pos == limit && !fill()) {
        throw new EOFException("connection closed in the middle of a body");
      }
      int k = Math.min(n - at, limit - pos);
      System.arraycopy(buf, pos, out, at, k);
      keep(buf, pos, k);
      pos += k;
      at += k;
    }
    return out;
  }

  /**
   * Reads one response, skipping its body, and returns its status and whether the server ends the connection after
   * it ({@code Connection: close}, HTTP/1.0, or a body that runs to the end). Interim 1xx answers are skipped.
   */
  public Response readResponse() throws IOException {
    while (true) {
      String statusLine = readLineOrNull();
      if (statusLine == null) {
        throw new EOFException("connection closed by the server before a response");
      }
      if (!statusLine.startsWith("HTTP/1.") || statusLine.length() < 12) {
        throw new IOException("not an HTTP/1.x status line: " + abbreviate(statusLine));
      }
      int status;
      try {
        status = Integer.parseInt(statusLine.substring(9, 12));
      } catch (NumberFormatException e) {
        throw new IOException("bad status in " + abbreviate(statusLine));
      }
      boolean closeAfter = statusLine.startsWith("HTTP/1.0");
      Map<String, String> headers = readHeaders();
      String connection = headers.getOrDefault("connection", "").toLowerCase(Locale.ROOT);
      if (connection.contains("close")) {
        closeAfter = true;
      } else if (connection.contains("keep-alive")) {
        closeAfter = false;
      }
      if (status >= 100 && status < 200) {
        continue;
      }
      if (status == 204 || status == 304) {
        return new Response(status, closeAfter);
      }
      if (headers.getOrDefault("transfer-encoding", "").toLowerCase(Locale.ROOT).contains("chunked")) {
        skipChunked();
      } else if (headers.containsKey("content-length")) {
        long length;
        try {
          length = Long.parseLong(headers.get("content-length"));
        } catch (NumberFormatException e) {
          throw new IOException("bad Content-Length " + abbreviate(headers.get("content-length")));
        }
        skip(length);
      } else {
        // No framing: the body runs to the end of the connection.
        while (fill()) {
          pos = limit;
        }
        closeAfter = true;
      }
      return new Response(status, closeAfter);
    }
  }

  private void skipChunked() throws IOException {
    while (true) {
      String sizeLine = readLine("a chunk size");
      int semi = sizeLine.indexOf(';');
      long size;
      try {
        size = Long.parseLong((semi < 0 ? sizeLine : sizeLine.substring(0, semi)).trim(), 16);
      } catch (NumberFormatException e) {
        throw new IOException("bad chunk size " + abbreviate(sizeLine));
      }
      if (size == 0) {
        while (!readLine("the end of the trailers").isEmpty()) {
          // trailers
        }
        return;
      }
      skip(size);
      if (!readLine("the CRLF after a chunk").isEmpty()) {
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
      keep(buf, pos, k);
      pos += k;
      n -= k;
    }
  }

  private boolean fill() throws IOException {
    int n = in.read(buf);
    if (n <= 0) {
      return false;
    }
    reads++;
    pos = 0;
    limit = n;
    return true;
  }

  private void keep(byte b) {
    if (capture != null) {
      capture.write(b);
    }
  }

  private void keep(byte[] b, int from, int length) {
    if (capture != null) {
      capture.write(b, from, length);
    }
  }

  private static String abbreviate(String s) {
    return "'" + (s.length() > 80 ? s.substring(0, 80) + "…" : s) + "'";
  }
}
