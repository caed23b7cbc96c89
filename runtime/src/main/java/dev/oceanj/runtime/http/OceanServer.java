package dev.oceanj.runtime.http;

import dev.oceanj.core.config.HttpSettings;
import java.time.Duration;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.http.javadsl.Http;
import org.apache.pekko.http.javadsl.ServerBinding;
import org.apache.pekko.http.javadsl.server.Route;

/** Binds the runtime's one HTTP server ({@code ocean.http}); CoordinatedShutdown unbinds it. */
public final class OceanServer {

  private OceanServer() {}

  /** Binds {@code route} on {@code settings.host():settings.port()} (port 0: any free port). */
  public static CompletionStage<ServerBinding> start(Route route, HttpSettings settings, ActorSystem<?> system) {
    return Http.get(system)
        .newServerAt(settings.host(), settings.port())
        .bind(route)
        .thenApply(binding -> binding.addToCoordinatedShutdown(Duration.ofSeconds(5), system));
  }
}
