package dev.oceanj.core.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Ocean settings that switch on a feature oceanj lacks are refused with one problem each, not ignored. */
class UnsupportedSettingsTest {

  private static List<String> problems(Map<String, String> env) {
    return assertThrows(ConfigurationException.class, () -> SettingsLoader.create().environment(env).load()).problems();
  }

  @Test
  void eachUnsupportedFeatureIsOneProblemNamingItsVariable() {
    Map<String, String> each = Map.of(
        "OCEAN__INTEGRATION__INCREMENTAL_SYNC_ENABLED", "incremental sync",
        "OCEAN__ACTIONS_PROCESSOR__ENABLED", "actions processor",
        "OCEAN__LIVE_EVENTS__IS_REDIS_STREAM_CONSUMER_ENABLED", "Redis-stream live events",
        "OCEAN__EVENT_LISTENER__SHOULD_RUN_ACTIONS", "self-service action runs");
    each.forEach((var, feature) -> {
      List<String> p = problems(Map.of(var, "true"));
      assertEquals(1, p.size(), p.toString());
      assertTrue(p.get(0).contains("env " + var) && p.get(0).contains(feature) && p.get(0).contains("not supported"),
          p.get(0));
    });
    List<String> p = problems(Map.of("OCEAN__EVENT_LISTENER", "{\"type\":\"ACTIONS_ONLY\"}"));
    assertEquals(1, p.size(), p.toString());
    assertTrue(p.get(0).startsWith("ocean.event-listener.type (env OCEAN__EVENT_LISTENER): ACTIONS_ONLY"), p.get(0));
    assertEquals(5, problems(Map.of("OCEAN__INTEGRATION__INCREMENTAL_SYNC_ENABLED", "true",
        "OCEAN__ACTIONS_PROCESSOR__ENABLED", "1", "OCEAN__LIVE_EVENTS__IS_REDIS_STREAM_CONSUMER_ENABLED", "yes",
        "OCEAN__EVENT_LISTENER__SHOULD_RUN_ACTIONS", "true", "OCEAN__EVENT_LISTENER__TYPE", "actions_only")).size());
  }

  @Test
  void theSameSettingsTurnedOffAreFine() {
    OceanSettings s = SettingsLoader.create().environment(Map.of("OCEAN__INTEGRATION__INCREMENTAL_SYNC_ENABLED", "false",
        "OCEAN__ACTIONS_PROCESSOR__ENABLED", "false", "OCEAN__PROCESSING_MODE", "dsp")).load();
    assertTrue(s.ignoredKeys().stream().anyMatch(k -> k.startsWith("ocean.integration.incremental-sync-enabled")),
        s.ignoredKeys().toString());
  }
}
