package dev.oceanj.runtime.live;

import static org.apache.pekko.http.javadsl.server.Directives.complete;
import static org.apache.pekko.http.javadsl.server.Directives.concat;
import static org.apache.pekko.http.javadsl.server.Directives.extractRequest;
import static org.apache.pekko.http.javadsl.server.Directives.get;
import static org.apache.pekko.http.javadsl.server.Directives.path;
import static org.apache.pekko.http.javadsl.server.Directives.pathPrefix;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.oceanj.core.config.IntegrationSpec;
import dev.oceanj.core.config.OceanSettings;
import dev.oceanj.core.jq.JqEngine;
import dev.oceanj.core.port.HttpPortClient;
import dev.oceanj.core.port.PortClient;
import dev.oceanj.core.port.PortClient.PortIdentity;
import dev.oceanj.core.port.PortClientSettings;
import dev.oceanj.core.port.WriteLimiter;
import dev.oceanj.core.sync.JqMappingCompiler;
import dev.oceanj.emulator.EmulatorSettings;
import dev.oceanj.emulator.PortEmulator;
import dev.oceanj.runtime.DataDirLock;
import dev.oceanj.runtime.OceanMetrics;
import dev.oceanj.runtime.http.OceanServer;
import dev.oceanj.spi.host.DefinedIntegration;
import dev.oceanj.spi.host.IntegrationResources;
import dev.oceanj.spi.host.Integrations;
import java.net.URI;
import java.net.http.HttpClient;
import java.util.Optional;
import org.apache.pekko.Done;
import org.apache.pekko.actor.CoordinatedShutdown;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.http.javadsl.ServerBinding;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpEntities;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.server.PathMatchers;
import org.apache.pekko.http.javadsl.server.Route;

/**
 * Runs live events alone, from the runtime JAR, until the guardian mounts {@link LiveEvents} with the rest:
 * {@code java -cp oceanj-runtime.jar dev.oceanj.runtime.live.LiveEventsApp}. It reads the usual settings
 * ({@code ocean.*}, {@code OCEAN__*}), talks to Port (or, without credentials, to an embedded emulator),
 * creates the integration's blueprints and mapping in Port when the integration does not exist yet, and serves
 * {@code POST /integration/<path>}, the dead-letter routes and {@code /metrics} on {@code ocean.http}.
 *
 * <p>Prints {@code oceanj live events listening on http://host:port} once ready (tests and the bench read it).
 */
public final class LiveEventsApp {

  private LiveEventsApp() {}

  public static void main(String[] args) throws Exception {
    dev.oceanj.runtime.Main.widenCommonPool();
    String type = Optional.ofNullable(System.getenv("OCEAN__INTEGRATION__TYPE")).orElse("fake").toLowerCase();
    IntegrationSpec spec = IntegrationSpec.forType(LiveEventsApp.class.getClassLoader(), type).orElse(null);
    OceanSettings settings = OceanSettings.fromSystem(spec);
    DataDirLock dirLock;
    try {
      dirLock = DataDirLock.acquire(settings.dataDir());
    } catch (DataDirLock.HeldElsewhere e) {
      System.err.println("oceanj: cannot start: " + e.getMessage());
      System.exit(2);
      return;
    }

    PortEmulator embedded = null;
    PortClientSettings portSettings;
    if (settings.port().credentials().isEmpty()) {
      embedded = PortEmulator.start(EmulatorSettings.defaults());
      portSettings = PortClientSettings.from(settings.port(), URI.create(embedded.baseUrl()),
          EmulatorSettings.DEFAULT_CLIENT_ID, EmulatorSettings.DEFAULT_CLIENT_SECRET);
      System.out.println("oceanj embedded Port emulator at " + embedded.baseUrl());
    } else {
      portSettings = PortClientSettings.from(settings.port());
    }
    String identifier = settings.integration().identifier();
    HttpPortClient port = HttpPortClient.create(portSettings,
        new PortIdentity(type, settings.integration().version().orElse("0.1.0"), identifier),
        WriteLimiter.create(portSettings.rateLimit()));
    DefinedIntegration integration = DefinedIntegration.define(Integrations.load(type),
        settings.integration().config(), HttpClient.newHttpClient());
    ensureIntegration(port, type);

    ActorSystem<Void> system = ActorSystem.create(Behaviors.empty(), "oceanj");
    OceanMetrics metrics = new OceanMetrics();
    LiveEvents live = LiveEvents.start(system, integration, port,
        new JqMappingCompiler(JqEngine.create(settings.allowEnvironmentVariablesJqAccess())), settings.liveEvents(),
        settings.port().portAppConfigCacheTtl(), settings.dataDir(), settings.liveEvents().inMemory(), metrics.registry());

    Route inner = concat(live.routes().webhookRoutes(), live.routes().deadLetterRoutes(),
        path("metrics", () -> get(() -> complete(metrics.scrape()))),
        path("status", () -> get(() -> extractRequest(r -> complete(HttpResponse.create().withEntity(
            HttpEntities.create(ContentTypes.APPLICATION_JSON, live.status().toString())))))));
    Route route = settings.pathPrefix().map(p -> p.replaceAll("^/+|/+$", "")).filter(p -> !p.isEmpty())
        .map(p -> pathPrefix(PathMatchers.separateOnSlashes(p), () -> inner)).orElse(inner);
    PortEmulator emulator = embedded;
    CoordinatedShutdown.get(system).addTask(CoordinatedShutdown.PhaseBeforeActorSystemTerminate(), "live-events",
        () -> {
          live.close();
          port.close();
          dirLock.close();
          if (emulator != null) {
            emulator.close();
          }
          return java.util.concurrent.CompletableFuture.completedFuture(Done.getInstance());
        });
    ServerBinding binding = OceanServer.start(route, settings.http(), system).toCompletableFuture().join();
    System.out.println("oceanj live events listening on http://" + binding.localAddress().getHostString() + ":"
        + binding.localAddress().getPort());
    System.out.flush();
  }

  /** Creates the blueprints and the integration with its default mapping when Port does not know it yet. */
  static void ensureIntegration(PortClient port, String type) throws Exception {
    if (port.getIntegration().toCompletableFuture().join().isPresent()) {
      return;
    }
    IntegrationResources resources = IntegrationResources.forType(type);
    ObjectMapper json = new ObjectMapper();
    if (resources.blueprints().isPresent()) {
      for (JsonNode bp : json.readTree(resources.blueprints().get().text())) {
        if (port.getBlueprint(bp.get("identifier").asText()).toCompletableFuture().join().isEmpty()) {
          port.createBlueprint(bp).toCompletableFuture().join();
        }
      }
    }
    ObjectNode body = json.createObjectNode();
    if (resources.mapping().isPresent()) {
      body.set("config", new YAMLMapper().readTree(resources.mapping().get().text()));
    }
    port.createIntegration(body).toCompletableFuture().join();
  }
}
