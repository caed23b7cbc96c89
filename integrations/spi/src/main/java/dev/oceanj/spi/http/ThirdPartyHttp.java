package dev.oceanj.spi.http;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpRequest;
import java.util.concurrent.CompletionStage;

/**
 * Calls a 3rd-party API the way the runtime wants every integration to: at most
 * {@link HttpOptions#maxConcurrency()} requests at once, each attempt bounded by {@link HttpOptions#timeout()},
 * and retried with backoff on 429, 408, 502, 503, 504 and connection errors (POST and PATCH only when
 * {@link HttpOptions#retryNonIdempotent()}). A retry waits for what the server says, in this order:
 * {@code Retry-After} (seconds or an HTTP date), then {@code x-ratelimit-reset}, {@code x-rate-limit-reset} or
 * {@code ratelimit-reset} (seconds to wait, or a UNIX epoch when above 10,000, or a date), else exponential
 * backoff; always at most {@link HttpOptions#maxBackoff()}.
 *
 * <p>Obtained from {@link dev.oceanj.spi.IntegrationDefinition#http}; built on the runtime's shared
 * {@link java.net.http.HttpClient}, so proxies and private CAs configured for the runtime apply. Thread-safe.
 *
 * @since 0.2
 */
public interface ThirdPartyHttp {

  /**
   * Sends {@code request} (retrying as described) and hands the final response to {@code reader} while its
   * body streams in: a 50 MB page is never held whole in memory unless the reader keeps it.
   *
   * @return the reader's result; fails with the last connection error when retries are exhausted, or with the
   *     reader's exception
   */
  <T> CompletionStage<T> send(HttpRequest request, BodyReader<T> reader);

  /**
   * Sends {@code request} and parses a 2xx body as JSON.
   *
   * @return the body's JSON; fails with {@link HttpStatusException} for any other final status
   */
  default CompletionStage<JsonNode> json(HttpRequest request) {
    return send(request, response -> {
      if (response.statusCode() / 100 != 2) {
        throw new HttpStatusException(request.method(), request.uri(), response.statusCode());
      }
      return JsonItems.MAPPER.readTree(response.body());
    });
  }
}
