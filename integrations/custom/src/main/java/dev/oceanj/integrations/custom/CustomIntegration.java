package dev.oceanj.integrations.custom;

import dev.oceanj.spi.Integration;
import dev.oceanj.spi.IntegrationDefinition;
import dev.oceanj.spi.InvalidSettingsException;
import dev.oceanj.spi.http.HttpOptions;
import java.time.Duration;

/**
 * Port Ocean's generic HTTP integration ({@code custom}) on oceanj: any REST API from configuration only. Each
 * mapping resource's kind is an endpoint path; its selector says how to call it ({@link EndpointSelector}).
 *
 * @since 0.2
 */
public final class CustomIntegration implements Integration {

  public static final String TYPE = "custom";

  private static final System.Logger LOG = System.getLogger(CustomIntegration.class.getName());

  @Override
  public String type() {
    return TYPE;
  }

  @Override
  public void define(IntegrationDefinition ocean) {
    CustomSettings settings = ocean.settings(CustomSettings.class);
    HttpOptions options = HttpOptions.defaults().withMaxConcurrency(settings.maxConcurrentRequests())
        .withTimeout(Duration.ofSeconds(settings.timeout()));
    if (!settings.verifySsl()) {
      LOG.log(System.Logger.Level.WARNING, "Integration 'custom': verifySsl=false: the certificates of "
          + java.net.URI.create(settings.baseUrl()).getHost() + " are not verified, so anyone on the way can read and change the traffic, "
          + "credentials included; prefer trusting the API's certificate authority (SSL_CERT_FILE)");
      options = options.withoutTlsVerification();
    }
    var http = ocean.http(options);
    ApiClient api;
    try {
      api = new ApiClient(settings, http, ocean.jq());
    } catch (InvalidSettingsException e) {
      throw new InvalidSettingsException(e.field(), "Integration 'custom': setting '" + e.field()
          + "' (ocean.integration.config." + e.field() + "): " + e.getMessage(), e);
    }
    Endpoints endpoints = new Endpoints(settings, api, ocean.jq());
    ocean.onResyncStart(endpoints::check);
    ocean.anyKind().resync(EndpointSelector.class, endpoints::source);
  }
}
