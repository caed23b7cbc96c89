package dev.oceanj.runtime.http;

import static org.apache.pekko.http.javadsl.server.Directives.complete;
import static org.apache.pekko.http.javadsl.server.Directives.completeWithFuture;
import static org.apache.pekko.http.javadsl.server.Directives.concat;
import static org.apache.pekko.http.javadsl.server.Directives.extractUnmatchedPath;
import static org.apache.pekko.http.javadsl.server.Directives.get;
import static org.apache.pekko.http.javadsl.server.Directives.path;
import static org.apache.pekko.http.javadsl.server.Directives.pathPrefix;
import static org.apache.pekko.http.javadsl.server.Directives.pathPrefixTest;
import static org.apache.pekko.http.javadsl.server.Directives.post;
import static org.apache.pekko.http.javadsl.server.Directives.reject;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.oceanj.core.config.Secret;
import dev.oceanj.runtime.Instance;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.server.PathMatchers;
import org.apache.pekko.http.javadsl.server.Route;

/**
 * Host mode's routes, one HTTP server for every instance: {@code /<identifier>/resync},
 * {@code /<identifier>/status}, {@code /<identifier>/integration/...} (live events) and
 * {@code /<identifier>/live-events/...} (dead letters); {@code GET /status} lists every instance (its state and its
 * own status document), and {@code POST /instances/reload} re-reads the instance set. An identifier no instance has
 * is a 404 saying so. With {@code ocean.http.admin-token} set, the status, dead-letter and reload routes need it.
 *
 * <p>An instance with its own {@code ocean.path-prefix} (a migrated pod's {@code OCEAN__PATH_PREFIX}) is also
 * served under that prefix, at the root of the server ({@link #aliases}): {@code <prefix>/integration/...} is
 * {@code /<identifier>/integration/...}, so the webhook URLs the pod registered with its 3rd party keep working.
 * Host validation refuses a prefix that shares a path with another instance or a route of the process.
 */
public final class HostRoutes {

  private static final String ADMIN_TOKEN = "ocean.http.admin-token";

  /**
   * An instance as the routes see it.
   *
   * @param identifier its identifier
   * @param state {@code starting}, {@code running}, {@code stopping} or {@code failed}; in cluster mode
   *     {@code running} on the node that runs it and {@code elsewhere} on the others
   * @param routes its routes, once it started
   * @param failure why it is {@code failed}, and when it is started again
   * @param pathPrefix its own {@code ocean.path-prefix} ({@code /x}), mounted as an alias of its routes
   *     ({@code HostSettings.pathPrefixAlias}), if any
   */
  public record Mounted(String identifier, String state, Optional<Instance.Routes> routes,
      Optional<StartFailure> failure, Optional<String> pathPrefix) {

    public Mounted(String identifier, String state, Optional<Instance.Routes> routes) {
      this(identifier, state, routes, Optional.empty());
    }

    public Mounted(String identifier, String state, Optional<Instance.Routes> routes,
        Optional<StartFailure> failure) {
      this(identifier, state, routes, failure, Optional.empty());
    }

    /** This instance with its path prefix alias. */
    public Mounted withPathPrefix(Optional<String> prefix) {
      return new Mounted(identifier, state, routes, failure, prefix);
    }
  }

  /**
   * An instance that failed to start (host mode): it is started again after a backoff.
   *
   * @param error why its last start failed
   * @param attempts starts that failed in a row
   * @param nextAttempt when it is started again; empty when it is not (ONCE)
   */
  public record StartFailure(String error, int attempts, Optional<java.time.Instant> nextAttempt) {}

  /** The instances the routes serve; read on the server's threads. */
  public interface Directory {
    Optional<Mounted> find(String identifier);

    /** Every instance, in start order. */
    List<Mounted> all();

    /** Re-reads the instance set; the answer says what was added, removed, changed and left alone. */
    CompletionStage<ObjectNode> reload();
  }

  private final Directory directory;
  private final Optional<AccessToken> adminToken;
  private final Duration askTimeout;

  public HostRoutes(Directory directory, Optional<Secret> adminToken, Duration askTimeout) {
    this.directory = directory;
    this.adminToken = AccessToken.of(adminToken);
    this.askTimeout = askTimeout;
  }

  public Route routes() {
    Route list = path("status", () -> get(() -> admin(() -> completeWithFuture(
        status().thenApply(body -> HttpJson.response(StatusCodes.OK, body))))));
    Route reload = pathPrefix("instances", () -> path("reload", () -> post(() -> admin(() -> completeWithFuture(
        directory.reload().thenApply(body -> HttpJson.response(
            body.has("error") ? StatusCodes.CONFLICT : StatusCodes.OK, body)))))));
    return concat(list, reload, pathPrefix(PathMatchers.segment(), this::instance));
  }

  /**
   * Each instance's routes under its own path prefix, at the server's root (outside the process's prefix, as the
   * pod served them); a path under no instance's prefix is left to the other routes.
   */
  public Route aliases() {
    return extractUnmatchedPath(path -> {
      for (Mounted m : directory.all()) {
        if (m.pathPrefix().isPresent() && under(path, m.pathPrefix().get())) {
          return pathPrefix(PathMatchers.separateOnSlashes(m.pathPrefix().get().substring(1)), () -> mounted(m));
        }
      }
      return reject();
    });
  }

  private static boolean under(String path, String prefix) {
    return path.equals(prefix) || path.startsWith(prefix + "/");
  }

  private Route admin(java.util.function.Supplier<Route> inner) {
    return AccessToken.require(adminToken, ADMIN_TOKEN, inner);
  }

  private Route instance(String identifier) {
    Optional<Mounted> found = directory.find(identifier);
    if (found.isEmpty()) {
      return complete(HttpJson.error(StatusCodes.NOT_FOUND, "not_found", "no integration instance \"" + identifier
          + "\" runs here; GET /status lists the instances"));
    }
    return mounted(found.get());
  }

  private Route mounted(Mounted found) {
    if (found.routes().isEmpty()) {
      return complete(HttpJson.error(StatusCodes.SERVICE_UNAVAILABLE, "unavailable", "integration instance \""
          + found.identifier() + "\" is " + found.state() + "; try again later"));
    }
    Instance.Routes routes = found.routes().get();
    List<Route> all = new ArrayList<>();
    all.add(routes.resync().routes());
    all.add(pathPrefixTest("status", () -> admin(routes.status()::routes)));
    routes.liveEvents().ifPresent(live -> {
      all.add(live.webhooks());
      all.add(pathPrefixTest("live-events", () -> admin(live::deadLetters)));
    });
    return concat(all.get(0), all.subList(1, all.size()).toArray(Route[]::new));
  }

  /** {@code {"instances": [ {identifier, state, ...its own status document}, ... ]}}. */
  private CompletionStage<ObjectNode> status() {
    List<Mounted> instances = directory.all();
    List<CompletableFuture<ObjectNode>> docs = new ArrayList<>();
    for (Mounted m : instances) {
      CompletableFuture<ObjectNode> doc = m.routes()
          .map(r -> r.status().status().toCompletableFuture()
              .exceptionally(e -> error("did not report its status within " + askTimeout)))
          .orElseGet(() -> CompletableFuture.completedFuture(JsonNodeFactory.instance.objectNode()));
      docs.add(doc.thenApply(body -> {
        ObjectNode entry = JsonNodeFactory.instance.objectNode();
        entry.put("identifier", m.identifier());
        entry.put("state", m.state());
        m.failure().ifPresent(f -> {
          entry.put("error", f.error());
          entry.put("failedStarts", f.attempts());
          entry.put("nextStart", f.nextAttempt().map(Object::toString).orElse(null));
        });
        entry.setAll(body);
        return entry;
      }));
    }
    return CompletableFuture.allOf(docs.toArray(CompletableFuture[]::new)).thenApply(v -> {
      ObjectNode body = JsonNodeFactory.instance.objectNode();
      ArrayNode list = body.putArray("instances");
      docs.forEach(d -> list.add(d.join()));
      return body;
    });
  }

  private static ObjectNode error(String message) {
    ObjectNode node = JsonNodeFactory.instance.objectNode();
    node.put("error", message);
    return node;
  }
}
