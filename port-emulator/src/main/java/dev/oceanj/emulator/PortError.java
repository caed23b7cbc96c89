package dev.oceanj.emulator;

/**
 * A Port-shaped error: answered as {@code {"ok": false, "error": error, "message": message}} with {@code status}.
 */
final class PortError extends RuntimeException {

  private static final long serialVersionUID = 1L;

  final int status;
  final String error;

  PortError(int status, String error, String message) {
    super(message, null, false, false);
    this.status = status;
    this.error = error;
  }

  static PortError notFound(String error, String message) {
    return new PortError(404, error, message);
  }

  static PortError invalid(String message) {
    return new PortError(422, "invalid_request", message);
  }

  static PortError badRequest(String message) {
    return new PortError(400, "bad_request", message);
  }
}
