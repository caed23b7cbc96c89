package dev.oceanj.spi.http;

import java.net.URI;

/**
 * A 3rd-party request ended with an unexpected status (after any retries). The message names the method, the
 * URL without its query (which may hold secrets) and the status, never the body.
 *
 * @since 0.2
 */
public final class HttpStatusException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final int status;

  public HttpStatusException(String method, URI uri, int status) {
    super(method + " " + withoutQuery(uri) + " answered HTTP " + status);
    this.status = status;
  }

  /** The HTTP status. */
  public int status() {
    return status;
  }

  /** {@code uri} without query and fragment, for messages. */
  public static String withoutQuery(URI uri) {
    String s = uri.toString();
    int q = s.indexOf('?');
    int f = s.indexOf('#');
    int end = q >= 0 ? q : f >= 0 ? f : s.length();
    return s.substring(0, end);
  }
}
