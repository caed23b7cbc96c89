package dev.oceanj.spi.http;

import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpResponse;

/**
 * Reads a response's body as it streams in, e.g. with {@link JsonItems}. Called once per request with the
 * final response (after any retries), whatever its status, on a thread reserved for blocking work. The body is
 * closed after the reader returns.
 *
 * @param <T> what the reader makes of the response
 * @since 0.2
 */
@FunctionalInterface
public interface BodyReader<T> {

  /**
   * @throws IOException when the body cannot be read or parsed; the request then fails with it (not retried)
   */
  T read(HttpResponse<InputStream> response) throws IOException;
}
