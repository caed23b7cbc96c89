package dev.oceanj.runtime.http;

import static org.apache.pekko.http.javadsl.server.Directives.complete;
import static org.apache.pekko.http.javadsl.server.Directives.concat;
import static org.apache.pekko.http.javadsl.server.Directives.get;
import static org.apache.pekko.http.javadsl.server.Directives.path;
import static org.apache.pekko.http.javadsl.server.Directives.pathPrefix;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.server.Route;

/**
 * {@code GET /health/live} and {@code GET /health/ready} with Ocean's bodies
 * ({@code {"status":"healthy","check":"live|ready","core_version":…}}) and Ocean's contract: both answer 200 once
 * start-up finished and the server serves. Readiness holds on nothing else: not on an empty mapping (the custom
 * integration ships one, and a fresh install would never become ready, so {@code helm --wait} and rolling updates
 * would hang), and not on Port being unreachable for a while (live events are still taken and stored). Port's
 * reachability and a missing mapping are shown on {@code /status} instead ({@link StatusRoutes#withChecks}).
 */
public final class HealthRoutes {

  private final String coreVersion;

  public HealthRoutes(String coreVersion) {
    this.coreVersion = coreVersion;
  }

  public Route routes() {
    return pathPrefix("health", () -> get(() -> concat(
        path("live", () -> complete(HttpJson.response(StatusCodes.OK, body("healthy", "live")))),
        path("ready", () -> complete(HttpJson.response(StatusCodes.OK, body("healthy", "ready")))))));
  }

  private ObjectNode body(String status, String check) {
    ObjectNode node = JsonNodeFactory.instance.objectNode();
    node.put("status", status);
    node.put("check", check);
    node.put("core_version", coreVersion);
    return node;
  }
}
