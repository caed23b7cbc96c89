package dev.oceanj.core.port;

/**
 * A delete request its {@link DeleteGuard} refused at the last moment: it was not sent (and is not retried).
 * The message is the guard's reason.
 */
public final class DeleteRefusedException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  public DeleteRefusedException(String reason) {
    super(reason, null, false, false);
  }
}
