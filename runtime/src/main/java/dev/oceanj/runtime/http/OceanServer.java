package dev.oceanj.runtime.http;

import dev.oceanj.core.config.HttpSettings;
import java.time.Duration;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.http.javadsl.Http;
import org.apache.pekko.http.javadsl.ServerBinding;
import org.apache.pekko.http.javadsl.server.Route;
import org.apache.pekko.http.javadsl.settings.ServerSettings;
import org.apache.pekko.stream.javadsl.BidiFlow;

/**
 * Binds the runtime's one HTTP server ({@code ocean.http}); CoordinatedShutdown unbinds it.
 *
 * <p>The binding's own settings, not Pekko's defaults: the body limit is {@code max-request-body-size} (live-event
 * routes lift it and apply their own), at most {@code max-connections} connections are held, a request head must
 * arrive within {@code request-head-timeout} ({@link RequestHeadTimeout}), and requests too malformed for any route
 * are answered in the JSON error shape ({@link JsonParsingErrorHandler}).
 */
public final class OceanServer {

  private OceanServer() {}

  /**
   * Binds {@code route} on {@code settings.host():settings.port()} (port 0: any free port).
   *
   * @param drain {@code ocean.timeouts.http-drain}: at shutdown, how long open requests may take to finish
   */
  public static CompletionStage<ServerBinding> start(Route route, HttpSettings settings, Duration drain,
      ActorSystem<?> system) {
    ServerSettings defaults = ServerSettings.create(system.classicSystem());
    ServerSettings server = defaults
        .withMaxConnections(settings.maxConnections())
        .withParsingErrorHandler(JsonParsingErrorHandler.class.getName())
        .withParserSettings(defaults.getParserSettings()
            .withMaxContentLength(settings.maxRequestBodySize())
            .withMaxToStrictBytes(settings.maxRequestBodySize()));
    var timeout = BidiFlow.fromGraph(new RequestHeadTimeout(settings.requestHeadTimeout()));
    return Http.get(system)
        .newServerAt(settings.host(), settings.port())
        .withSettings(server)
        .bindFlow(timeout.join(route.flow(system)))
        .thenApply(binding -> binding.addToCoordinatedShutdown(drain, system));
  }
}
