package dev.oceanj.runtime.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectWriter;

/**
 * Compact JSON text of a value, as the CLI prints it. Jackson's printer for now; it prints some numbers
 * differently from jq ({@code 3.0} where jq prints {@code 3}) and will switch to the jq engine's printer.
 */
final class JsonText {
  private static final ObjectWriter COMPACT = JsonValues.JSON.writer();

  private JsonText() {}

  static String compact(JsonNode v) throws JsonProcessingException {
    return COMPACT.writeValueAsString(v);
  }
}
