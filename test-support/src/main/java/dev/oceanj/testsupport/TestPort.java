package dev.oceanj.testsupport;

import dev.oceanj.emulator.EmulatorSettings;
import dev.oceanj.emulator.PortEmulator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The Port emulator as a test starts it: on loopback, a free port, in memory, and the environment that points a
 * runtime at it. Close it when the test ends (try-with-resources or {@code @AfterAll}).
 */
public final class TestPort {

  private TestPort() {}

  /** An emulator with the default settings and credentials ({@link EmulatorSettings#DEFAULT_CLIENT_ID}). */
  public static PortEmulator start() {
    return PortEmulator.start(EmulatorSettings.defaults());
  }

  /** An emulator that accepts only {@code clientId} / {@code clientSecret}. */
  public static PortEmulator start(String clientId, String clientSecret) {
    return PortEmulator.start(EmulatorSettings.defaults().withClientId(clientId).withClientSecret(clientSecret));
  }

  /**
   * Ocean's variables that point a runtime at {@code port} with its credentials: {@code OCEAN__PORT__CLIENT_ID},
   * {@code OCEAN__PORT__CLIENT_SECRET}, {@code OCEAN__PORT__BASE_URL} (a mutable map, in that order).
   */
  public static Map<String, String> env(PortEmulator port) {
    Map<String, String> env = new LinkedHashMap<>();
    env.put("OCEAN__PORT__CLIENT_ID", port.settings().clientId());
    env.put("OCEAN__PORT__CLIENT_SECRET", port.settings().clientSecret());
    env.put("OCEAN__PORT__BASE_URL", port.baseUrl());
    return env;
  }
}
