package dev.oceanj.runtime.http;

import static org.apache.pekko.http.javadsl.server.Directives.complete;
import static org.apache.pekko.http.javadsl.server.Directives.completeWithFuture;
import static org.apache.pekko.http.javadsl.server.Directives.concat;
import static org.apache.pekko.http.javadsl.server.Directives.get;
import static org.apache.pekko.http.javadsl.server.Directives.path;
import static org.apache.pekko.http.javadsl.server.Directives.pathPrefix;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.server.Route;

/**
 * {@code GET /health/live} and {@code GET /health/ready} with Ocean's bodies
 * ({@code {"status":"healthy","check":"live|ready","core_version":…}}). Ocean's are both static; here readiness is
 * real: {@code 503} with {@code "status":"unhealthy"} and the {@code problems} while Port is unreachable or the
 * mapping is missing.
 */
public final class HealthRoutes {

  private final Readiness readiness;
  private final String coreVersion;

  public HealthRoutes(Readiness readiness, String coreVersion) {
    this.readiness = readiness;
    this.coreVersion = coreVersion;
  }

  public Route routes() {
    return pathPrefix("health", () -> get(() -> concat(
        path("live", () -> complete(HttpJson.response(StatusCodes.OK, body("healthy", "live")))),
        path("ready", () -> completeWithFuture(readiness.problems().thenApply(problems -> problems.isEmpty()
            ? HttpJson.response(StatusCodes.OK, body("healthy", "ready"))
            : HttpJson.response(StatusCodes.SERVICE_UNAVAILABLE, unhealthy(problems))))))));
  }

  private ObjectNode body(String status, String check) {
    ObjectNode node = JsonNodeFactory.instance.objectNode();
    node.put("status", status);
    node.put("check", check);
    node.put("core_version", coreVersion);
    return node;
  }

  private ObjectNode unhealthy(List<String> problems) {
    ObjectNode node = body("unhealthy", "ready");
    problems.forEach(node.putArray("problems")::add);
    return node;
  }
}
