package dev.oceanj.core.jq;

import net.thisptr.jackson.jq.exception.JsonQueryException;

/** Error text as jq prints it for an uncaught error. */
final class JqErrors {

  private JqErrors() {}

  static String message(JsonQueryException e) {
    var v = e.getMessageAsJsonNode();
    if (v != null && !v.isTextual()) {
      return JqText.toJson(v) + " (not a string)";
    }
    return e.getMessage();
  }
}
