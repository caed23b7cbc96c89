package dev.oceanj.runtime.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Locale;
import java.util.Map;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpEntities;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.StatusCode;

/** JSON responses, and the one error shape every route uses: {@code {"error": code, "message": text}}. */
final class HttpJson {

  /**
   * The error code of each status the server itself answers with (parser, rejections): one code per condition,
   * the same wherever it is raised. Statuses a route answers for its own reasons pass their own code.
   */
  private static final Map<Integer, String> CODES = Map.ofEntries(
      Map.entry(400, "bad_request"),
      Map.entry(401, "unauthorized"),
      Map.entry(403, "forbidden"),
      Map.entry(404, "not_found"),
      Map.entry(405, "method_not_allowed"),
      Map.entry(406, "not_acceptable"),
      Map.entry(408, "request_timeout"),
      Map.entry(411, "length_required"),
      Map.entry(413, "payload_too_large"),
      Map.entry(414, "uri_too_long"),
      Map.entry(415, "unsupported_media_type"),
      Map.entry(417, "expectation_failed"),
      Map.entry(431, "headers_too_large"),
      Map.entry(500, "internal_error"),
      Map.entry(501, "not_implemented"),
      Map.entry(503, "unavailable"),
      Map.entry(505, "http_version_not_supported"));

  private HttpJson() {}

  static HttpResponse response(StatusCode status, JsonNode body) {
    String text;
    try {
      text = ResyncJson.MAPPER.writeValueAsString(body);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot serialise a response", e);
    }
    return HttpResponse.create().withStatus(status).withEntity(HttpEntities.create(ContentTypes.APPLICATION_JSON, text));
  }

  static HttpResponse error(StatusCode status, String code, String message) {
    ObjectNode body = JsonNodeFactory.instance.objectNode();
    body.put("error", code);
    body.put("message", message);
    return response(status, body);
  }

  /** An error with the status's own code. */
  static HttpResponse error(StatusCode status, String message) {
    return error(status, code(status), message);
  }

  /** The code of {@code status}: from the table, else its reason phrase in snake case. */
  static String code(StatusCode status) {
    String known = CODES.get(status.intValue());
    return known != null ? known : status.reason().toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "_");
  }
}
