package dev.oceanj.runtime.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectWriter;
import dev.oceanj.core.jq.JqEngine;

/** Compact JSON text of a value, as the CLI prints it. */
final class JsonText {
  private static final ObjectWriter COMPACT = JsonValues.JSON.writer();

  private JsonText() {}

  /** The JSON body as it goes over the wire to Port (the Port client writes entities with Jackson). */
  static String compact(JsonNode v) throws JsonProcessingException {
    return COMPACT.writeValueAsString(v);
  }

  /** A value as {@code jq -c} prints it: numbers as jq prints them ({@code 3}, {@code 1e+100}). */
  static String jq(JsonNode v) {
    return JqEngine.toJqString(v);
  }
}
