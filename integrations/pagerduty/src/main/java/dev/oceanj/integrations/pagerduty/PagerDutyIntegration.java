package dev.oceanj.integrations.pagerduty;

import dev.oceanj.spi.Integration;
import dev.oceanj.spi.IntegrationDefinition;
import dev.oceanj.spi.http.HttpOptions;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Port Ocean's {@code pagerduty} integration on oceanj: the same configuration keys, kinds, selectors and raw
 * objects, so Ocean's default mapping (and users' mappings) give the same entities.
 *
 * @since 0.2
 */
public final class PagerDutyIntegration implements Integration {

  public static final String TYPE = "pagerduty";

  private static final Logger LOG = LoggerFactory.getLogger(PagerDutyIntegration.class);

  @Override
  public String type() {
    return TYPE;
  }

  @Override
  public void define(IntegrationDefinition ocean) {
    PagerDutySettings settings = ocean.settings(PagerDutySettings.class);
    PagerDutyClient api = new PagerDutyClient(settings, ocean.http(HttpOptions.defaults()), ocean.oauthToken());
    PagerDutyKinds kinds = new PagerDutyKinds(api, Clock.systemUTC());
    ocean.kind(PagerDutyKinds.SERVICES).resync(Selectors.Services.class, kinds::services);
    ocean.kind(PagerDutyKinds.INCIDENTS).resync(Selectors.Incidents.class, kinds::incidents);
    ocean.kind(PagerDutyKinds.SCHEDULES).resync(Selectors.Schedules.class, kinds::schedules);
    ocean.kind(PagerDutyKinds.ONCALLS).resync(Selectors.Oncalls.class, kinds::oncalls);
    ocean.kind(PagerDutyKinds.ESCALATION_POLICIES).resync(Selectors.EscalationPolicies.class,
        kinds::escalationPolicies);
    ocean.anyKind().resync(Selectors.Any.class, kinds::other);
    PagerDutyWebhooks webhooks = new PagerDutyWebhooks(api, kinds, settings.webhookSecret(), Duration.ofSeconds(1));
    ocean.onLiveEvent(PagerDutyWebhooks.PATH, webhooks);
    ocean.onStart(() -> {
      Optional<String> baseUrl = baseUrl(settings);
      if ("ONCE".equalsIgnoreCase(System.getenv("OCEAN__EVENT_LISTENER__TYPE"))) {
        return;
      }
      if (baseUrl.isEmpty()) {
        LOG.warn("No OCEAN__BASE_URL (nor appHost): PagerDuty's webhook subscription is not created");
        return;
      }
      webhooks.register(baseUrl.get() + pathPrefix(System.getenv("OCEAN__PATH_PREFIX")))
          .toCompletableFuture().get(2, TimeUnit.MINUTES);
    });
  }

  /** {@code OCEAN__PATH_PREFIX} as {@code /x} (no trailing slash), or empty. */
  static String pathPrefix(String prefix) {
    if (prefix == null || prefix.isBlank()) {
      return "";
    }
    String p = prefix.trim().replaceAll("/+$", "");
    return p.isEmpty() || p.startsWith("/") ? p : "/" + p;
  }

  /** Where PagerDuty reaches this integration: {@code OCEAN__BASE_URL}, else the deprecated {@code appHost}. */
  static Optional<String> baseUrl(PagerDutySettings settings) {
    String env = System.getenv("OCEAN__BASE_URL");
    if (env != null && !env.isBlank()) {
      return Optional.of(env.trim().replaceAll("/+$", ""));
    }
    if (settings.appHost() != null) {
      LOG.warn("appHost is deprecated: set OCEAN__BASE_URL to the integration's public URL");
    }
    return Optional.ofNullable(settings.appHost());
  }
}
