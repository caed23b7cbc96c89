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
   * The line jq names in errors about the last value: jq counts the newlines it consumed, which include the
   * character right after the value ({@code 5\n} on the second line is "line 2", {@code {..}} at the very end of
   * a one-line input without newline is "line 0").
   */
  int line() {
    return line;
  }

  private int jqLine(long numberEnd) {
    // A number ends where its text does (Jackson reads one character past it); anything else at the parser.
    long end = numberEnd >= 0 ? numberEnd : parser.currentLocation().getByteOffset();
    int upTo = (int) Math.min(bytes.length, end + 1);
    for (; scanned < upTo; scanned++) {
      if (bytes[scanned] == '\n') {
        newlines++;
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
