package dev.oceanj.core.jq;

import net.thisptr.jackson.jq.exception.JsonQueryException;

/**
 * The kind of a jq error, to compare the engine's errors with jq 1.8.1's in the conformance data: {@code compile}
 * for a program jq rejects before running it, {@code runtime} for an error raised while evaluating, and
 * {@code engine failure: <exception>} for anything the engine throws that is not a jq error (a stack overflow, a
 * bug), which no jq error matches. The messages' wording is not compared (jackson-jq words some of them
 * differently, e.g. {@code gsub} on null).
 */
final class JqErrorKind {

  static final String COMPILE = "compile";
  static final String RUNTIME = "runtime";

  private JqErrorKind() {}

  /** jq's printed error, as the conformance data holds it: runtime errors name the input they happened at. */
  static String ofJq(String error) {
    return error.startsWith("jq: error (at ") ? RUNTIME : COMPILE;
  }

  /** What the engine threw while compiling. */
  static String ofCompile(Throwable e) {
    return e instanceof JqException && e.getCause() instanceof JsonQueryException ? COMPILE : failure(e);
  }

  /** What the engine threw while evaluating. */
  static String ofRuntime(Throwable e) {
    return e instanceof JqException && (e.getCause() == null || e.getCause() instanceof JsonQueryException)
        ? RUNTIME : failure(e);
  }

  private static String failure(Throwable e) {
    Throwable cause = e instanceof JqException && e.getCause() != null ? e.getCause() : e;
    return "engine failure: " + cause;
  }
}
