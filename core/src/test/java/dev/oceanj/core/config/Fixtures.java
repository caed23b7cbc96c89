package dev.oceanj.core.config;

import java.util.Map;

/** The fixture spec on the test class path, and a loader for a given environment. */
final class Fixtures {

  private Fixtures() {}

  static IntegrationSpec spec() {
    return IntegrationSpec.fromClasspath(Fixtures.class.getClassLoader(), "dev/oceanj/core/config/fixture")
        .orElseThrow();
  }

  /** The environment the fixture spec needs to load without problems, plus {@code extra}. */
  static Map<String, String> validEnv(Map<String, String> extra) {
    var env = new java.util.HashMap<String, String>();
    env.put("OCEAN__INTEGRATION__CONFIG__API_URL", "https://api.example.com/");
    env.put("OCEAN__INTEGRATION__CONFIG__API_TOKEN", "tok-3141592653");
    env.putAll(extra);
    return env;
  }

  static ConfigurationException failure(SettingsLoader loader) {
    return org.junit.jupiter.api.Assertions.assertThrows(ConfigurationException.class, loader::load);
  }
}
