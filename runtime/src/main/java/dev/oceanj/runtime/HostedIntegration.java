package dev.oceanj.runtime;

import dev.oceanj.core.config.NetworkSettings;
import dev.oceanj.core.config.OceanSettings;
import dev.oceanj.core.jq.IntegrationJq;
import dev.oceanj.core.jq.JqEngine;
import dev.oceanj.core.net.HttpClients;
import dev.oceanj.core.net.Trust;
import dev.oceanj.spi.AccessToken;
import dev.oceanj.spi.host.DefinedIntegration;
import dev.oceanj.spi.host.HostTls;
import dev.oceanj.spi.host.InstanceInfo;
import dev.oceanj.spi.host.Integrations;
import dev.oceanj.spi.host.TokenFile;
import java.net.URI;
import java.net.http.HttpClient;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The integration of a run ({@code ocean.integration.type}), loaded and defined with its own HTTP client (proxies,
 * extra authorities, {@code ocean.client-timeout}), jq and OAuth token file; not started yet.
 *
 * @param defined the integration's kinds, live-event processors and lifecycle hooks
 * @param jq the jq engine its mappings run on
 */
record HostedIntegration(DefinedIntegration defined, JqEngine jq) {

  private static final Logger LOG = LoggerFactory.getLogger(HostedIntegration.class);

  static HostedIntegration init(OceanSettings settings) {
    return init(settings, settings.pathPrefix().orElse(""));
  }

  /**
   * As above, for an instance whose routes are served under {@code routes} ({@code ocean.path-prefix} alone; in
   * host mode its own prefix or {@code /<identifier>}): the integration's {@code publicUrl()} ends with it.
   */
  static HostedIntegration init(OceanSettings settings, String routes) {
    NetworkSettings network = settings.network();
    network.warnings().forEach(w -> LOG.warn("{}", w));
    network.authoritySources().forEach(a -> LOG.info("Trusting the certificate authorities of {}", a));
    if (network.proxies().any()) {
      LOG.info("Proxies from the environment: {}", network.proxies());
    }
    HttpClient thirdParty = HttpClients.lazy(() -> HttpClients.create(network.proxies(), network.thirdPartyTls(),
        settings.clientTimeout()));
    JqEngine jq = JqEngine.create(settings.allowEnvironmentVariablesJqAccess());
    DefinedIntegration defined = DefinedIntegration.define(Integrations.load(settings.integration().type()),
        settings.integration().config(), thirdParty, new IntegrationJq(jq),
        settings.oauthAccessTokenFile().<AccessToken>map(TokenFile::new),
        new HostTls(network.extraAuthorities(), () -> HttpClients.create(network.proxies(),
            Trust.clientContext(List.of(), false), settings.clientTimeout())),
        new InstanceInfo(publicUrl(settings, routes), Optional.of(settings.effective().listener().name())));
    return new HostedIntegration(defined, jq);
  }

  /**
   * {@code ocean.base-url} (Ocean's {@code OCEAN__BASE_URL}), else the integration's deprecated {@code appHost}
   * setting (as Ocean falls back to it), followed by {@code routes}.
   */
  static Optional<String> publicUrl(OceanSettings settings, String routes) {
    Optional<String> base = settings.baseUrl().map(URI::toString);
    if (base.isEmpty()) {
      String appHost = settings.integration().config().path("appHost").asText("").trim();
      if (!appHost.isEmpty()) {
        LOG.warn("appHost is deprecated: set OCEAN__BASE_URL to the integration's public URL");
        base = Optional.of(appHost);
      }
    }
    return base.map(b -> b.replaceAll("/+$", "") + routes);
  }

  /** Whether the integration registered live-event processors. */
  boolean hasLiveEvents() {
    return !defined.liveEventProcessors().isEmpty();
  }

  /** Runs the integration's stop hooks, logging the ones that failed. */
  void stop() {
    defined.stop().forEach(e -> LOG.warn("integration stop hook failed: {}", e.toString()));
  }
}
