package dev.oceanj.runtime.cli;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Reads whitespace-separated JSON values (a JSON array, JSON lines, one object...) one at a time, as jq does. */
final class JsonValues implements AutoCloseable {

  /** jq's reader: number literals keep their text ({@code 1.0} stays {@code 1.0}), as jq 1.8 keeps them. */
  static final ObjectMapper JSON = dev.oceanj.core.jq.JqEngine.jsonMapper();

  /** A value that could not be parsed; names the input and the line. */
  static final class BadInput extends RuntimeException {
    private static final long serialVersionUID = 1L;

    BadInput(String message, Throwable cause) {
      super(message, cause);
    }
  }

  private final String name;
  private final byte[] bytes;
  private final JsonParser parser;
  /** Newlines counted in {@code bytes[0, scanned)}. */
  private int newlines;
  private int scanned;
  private int line;

  private JsonValues(String name, byte[] bytes) throws IOException {
    this.name = name;
    this.bytes = bytes;
    this.parser = JSON.createParser(bytes);
  }

  /** Reads {@code file}, or {@code stdin} when file is null or {@code -}; the whole input is read at once. */
  static JsonValues open(Path file, InputStream stdin) throws IOException {
    if (file == null || file.toString().equals("-")) {
      return new JsonValues("<stdin>", stdin.readAllBytes());
    }
    return new JsonValues(file.toString(), Files.readAllBytes(file));
  }

  /** How jq names this input in errors: the file as given, or {@code <stdin>}. */
  String name() {
    return name;
  }

  /**
   * The line jq 1.8.1 names in errors about the last value. Its reader (src/util.c) hands the parser one
   * {@code fgets} chunk at a time (a line, or 4,095 bytes of a longer one) and counts a line when the chunk read
   * holds its newline. So the count includes the newline of the chunk where the parser could finish the value:
   * the chunk of its last character, or for a number the chunk of the character after it ({@code 5 {..}\n} on one
   * line is "line 1" for both values; {@code {..}} at the end of a one-line input without newline is "line 0").
   */
  int line() {
    return line;
  }

  private static final int FGETS_CHUNK = 4095;

  private int jqLine(long numberEnd) {
    // A number needs the character after it (Jackson reads one past it); anything else ends at its last character.
    long end = numberEnd >= 0 ? numberEnd : parser.currentLocation().getByteOffset() - 1;
    int at = (int) Math.max(0, Math.min(bytes.length - 1L, end));
    for (; scanned < at; scanned++) {
      if (bytes[scanned] == '\n') {
        newlines++;
      }
    }
    int lineStart = at;
    while (lineStart > 0 && bytes[lineStart - 1] != '\n') {
      lineStart--;
    }
    int chunkEnd = lineStart + ((at - lineStart) / FGETS_CHUNK + 1) * FGETS_CHUNK;
    for (int i = at; i < bytes.length && i < chunkEnd; i++) {
      if (bytes[i] == '\n') {
        return newlines + 1;
      }
    }
    return newlines;
  }

  /** The next value, or null at the end. */
  JsonNode next() {
    try {
      JsonToken token = parser.nextToken();
      if (token == null) {
        return null;
      }
      long numberEnd = token.isNumeric() ? parser.currentTokenLocation().getByteOffset() + parser.getText().length() : -1;
      JsonNode v = JSON.readTree(parser);
      line = jqLine(numberEnd);
      return v;
    } catch (JsonProcessingException e) {
      int at = e.getLocation() == null ? parser.currentLocation().getLineNr() : e.getLocation().getLineNr();
      throw new BadInput(name + ":" + at + ": " + e.getOriginalMessage(), e);
    } catch (IOException e) {
      throw new UncheckedIOException(name + ": " + e.getMessage(), e);
    }
  }

  @Override
  public void close() throws IOException {
    parser.close();
  }
}
