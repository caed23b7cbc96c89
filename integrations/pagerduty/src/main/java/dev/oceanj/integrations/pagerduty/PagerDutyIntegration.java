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
      if (ocean.eventListenerType().filter("ONCE"::equalsIgnoreCase).isPresent()) {
        return;
      }
      // OCEAN__BASE_URL (else appHost) and the path the host serves this instance under (its path prefix, or
      // /<identifier> in host mode): the URL that reaches this instance. A host that says nothing: appHost.
      Optional<String> publicUrl = ocean.publicUrl()
          .or(() -> Optional.ofNullable(settings.appHost()).map(url -> url.replaceAll("/+$", "")));
      if (publicUrl.isEmpty()) {
        LOG.warn("No OCEAN__BASE_URL (nor appHost): PagerDuty's webhook subscription is not created");
        return;
      }
      webhooks.register(publicUrl.get()).toCompletableFuture().get(2, TimeUnit.MINUTES);
    });
  }
}
