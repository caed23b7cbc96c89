package dev.oceanj.core.jq;

/** A jq program failed to compile or raised an error while evaluating; the message is jq's. */
public final class JqException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public JqException(String message, Throwable cause) {
    super(message, cause);
  }
}
