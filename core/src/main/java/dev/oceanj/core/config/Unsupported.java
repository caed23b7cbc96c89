package dev.oceanj.core.config;

import com.typesafe.config.ConfigValue;
import java.util.Locale;

/**
 * Ocean settings that switch on a feature oceanj does not have yet. Left unnoticed, each would make oceanj do
 * something else than what the deployment asks (the Helm chart's incremental-sync CronJob would run a full resync
 * with deletions every 15 minutes), so each is refused with one problem instead of being ignored.
 */
final class Unsupported {

  private Unsupported() {}

  static void check(ConfigReader r) {
    refuseTrue(r, "ocean.integration.incremental-sync-enabled",
        "incremental sync is not supported by oceanj yet (a ONCE run would be a full resync with deletions); unset "
            + "OCEAN__INTEGRATION__INCREMENTAL_SYNC_ENABLED or disable the chart's incrementalSync");
    refuseTrue(r, "ocean.actions-processor.enabled",
        "the actions processor (self-service action runs) is not supported by oceanj yet; unset "
            + "OCEAN__ACTIONS_PROCESSOR__ENABLED or disable the chart's actionsProcessor");
    refuseTrue(r, "ocean.event-listener.should-run-actions",
        "self-service action runs are not supported by oceanj yet; unset it");
    refuseTrue(r, "ocean.live-events.is-redis-stream-consumer-enabled",
        "Redis-stream live events are not supported by oceanj yet (it takes live events on POST /integration/...); "
            + "unset OCEAN__LIVE_EVENTS__IS_REDIS_STREAM_CONSUMER_ENABLED");
    ConfigValue type = r.valueOrNull("ocean.event-listener.type");
    if (type != null && String.valueOf(type.unwrapped()).trim().toUpperCase(Locale.ROOT).replace('-', '_')
        .equals("ACTIONS_ONLY")) {
      r.problem("ocean.event-listener.type", "ACTIONS_ONLY (the actions-processor listener) is not supported by oceanj"
          + " yet; expected one of POLLING, WEBHOOK, KAFKA, ONCE, WEBHOOKS_ONLY");
    }
  }

  private static void refuseTrue(ConfigReader r, String key, String why) {
    ConfigValue v = r.valueOrNull(key);
    if (v != null && Boolean.TRUE.equals(ConfigReader.parseBoolean(v))) {
      r.problem(key, why);
    }
  }
}
