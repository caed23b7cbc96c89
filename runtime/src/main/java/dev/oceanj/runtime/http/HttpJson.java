package dev.oceanj.runtime.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpEntities;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.StatusCode;

/** JSON responses, and the one error shape every route uses: {@code {"error": code, "message": text}}. */
final class HttpJson {

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
}
