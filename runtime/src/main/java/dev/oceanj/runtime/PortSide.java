package dev.oceanj.runtime;

import dev.oceanj.core.config.NetworkSettings;
import dev.oceanj.core.config.OceanSettings;
import dev.oceanj.core.config.PortSettings;
import dev.oceanj.core.port.HttpPortClient;
import dev.oceanj.core.port.IngestTransport;
import dev.oceanj.core.port.PortClient.PortIdentity;
import dev.oceanj.core.port.PortClientSettings;
import dev.oceanj.core.port.PortConnections;
import dev.oceanj.core.port.WriteLimiter;
import dev.oceanj.emulator.EmulatorSettings;
import dev.oceanj.emulator.PortEmulator;
import dev.oceanj.runtime.cluster.ClusterMode;
import dev.oceanj.runtime.telemetry.IngestClient;
import java.net.URI;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Port side of a run: the configured Port, or the embedded emulator when no credentials are set (with the same
 * {@code ocean.port} settings either way), the client every feature writes through, the write limiter of its Port
 * organisation and the client of Port's ingest endpoints. {@link #close()} releases all of it.
 *
 * <p>The client comes from the process's {@link PortConnections}, which host mode shares between instances: one
 * pool per base URL, one token per credential, one limiter per organisation.
 *
 * @param emulator the embedded emulator, when one is used
 * @param ownsEmulator whether this side started the emulator (and closes it), rather than sharing the host's
 * @param clientSettings what the client was built with
 * @param identity the integration as Port sees it (User-Agent, {@code $datasource})
 * @param client the Port client
 * @param limiter the write limiter the client draws from
 * @param ingest the client of Port's ingest endpoints (sync metrics, log lines)
 * @param connections the registry the client came from (its channels and org limiters)
 */
record PortSide(Optional<PortEmulator> emulator, boolean ownsEmulator, PortClientSettings clientSettings,
    PortIdentity identity, HttpPortClient client, WriteLimiter limiter, IngestClient ingest,
    PortConnections connections, boolean ownsConnections) implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(PortSide.class);

  /**
   * Starts the emulator if there are no credentials and builds the client.
   *
   * @param integrationHasLiveEvents whether the integration registered live-event processors (the write budget's
   *     reserve depends on it)
   */
  static PortSide init(OceanSettings settings, boolean integrationHasLiveEvents) {
    return init(settings, integrationHasLiveEvents, Optional.empty(), Optional.empty(), Optional.empty());
  }

  /**
   * As above; without credentials, {@code shared} (the host's emulator) is used when present, else one started; the
   * client comes from {@code sharedConnections} (host mode's, shared by every instance) when present, else from a
   * registry of its own, closed with this side; telemetry goes through {@code sharedIngest} (host mode's, left open)
   * when present, else through a transport of its own.
   */
  static PortSide init(OceanSettings settings, boolean integrationHasLiveEvents, Optional<PortEmulator> shared,
      Optional<PortConnections> sharedConnections, Optional<IngestTransport> sharedIngest) {
    Optional<PortEmulator> emulator = Optional.empty();
    PortClientSettings clientSettings;
    if (settings.port().usesEmbeddedEmulator()) {
      PortEmulator started = shared.orElseGet(() -> PortEmulator.start(EmulatorSettings.defaults()));
      emulator = Optional.of(started);
      clientSettings = PortClientSettings.from(settings.port(), URI.create(started.baseUrl()),
          EmulatorSettings.DEFAULT_CLIENT_ID, EmulatorSettings.DEFAULT_CLIENT_SECRET);
      LOG.info("No Port credentials (ocean.port.client-id / OCEAN__PORT__CLIENT_ID): using the embedded Port emulator"
          + " at {}", started.baseUrl());
      if (settings.effective().listener() != settings.eventListener().type()) {
        LOG.info("Embedded default: event listener ONCE (set OCEAN__EVENT_LISTENER__TYPE to choose another)");
      }
    } else {
      clientSettings = PortClientSettings.from(settings.port());
    }
    PortIdentity identity = new PortIdentity(settings.integration().type(), version(settings),
        settings.integration().identifier(), ClusterMode.nodeTag(settings));
    PortSettings.RateLimit limits = settings.writeBudget(integrationHasLiveEvents);
    if (limits.liveEventsReservedShare() != settings.port().rateLimit().liveEventsReservedShare()) {
      LOG.info("No live events are served by this process, so resyncs may use Port's whole write budget (the default"
          + " live-events reserve of {} % of the burst is not held back; set"
          + " ocean.port.rate-limit.live-events-reserved-share to keep one)",
          Math.round(settings.port().rateLimit().liveEventsReservedShare() * 100));
    }
    clientSettings = clientSettings.withRateLimit(limits);
    NetworkSettings network = emulator.isPresent() ? NetworkSettings.DEFAULTS : settings.network();
    PortConnections connections = sharedConnections.orElseGet(() -> PortConnections.create(network));
    HttpPortClient client = connections.client(clientSettings, identity);
    IngestClient ingest = sharedIngest.map(t -> new IngestClient(client, t, false)).orElseGet(() -> new IngestClient(
        client, new IngestTransport(network, settings.timeouts().ingest(), identity.node().orElse(null))));
    return new PortSide(emulator, emulator.isPresent() && shared.isEmpty(), clientSettings, identity, client,
        client.limiter(), ingest, connections, sharedConnections.isEmpty());
  }

  /** The version reported to Port: the configured one, else the runtime's. */
  static String version(OceanSettings settings) {
    return settings.integration().version().orElse(OceanRuntime.runtimeVersion());
  }

  boolean embedded() {
    return emulator.isPresent();
  }

  @Override
  public void close() {
    ingest.close();
    client.close();
    if (ownsConnections) {
      connections.close();
    }
    if (ownsEmulator) {
      emulator.ifPresent(PortEmulator::close);
    }
  }
}
