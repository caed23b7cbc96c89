package dev.oceanj.core.port;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import dev.oceanj.core.config.OceanSettings;
import dev.oceanj.core.config.SettingsLoader;
import java.net.URI;
import java.util.Map;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class PortClientSettingsTest {

  private static final String CONF = """
      ocean.port {
        client-id = "id-1"
        client-secret = "s3cr3t"
        base-url = "https://api.us.getport.io/"
        token-refresh-skew = 60 s
        request-timeout = 30 s
        max-connections = 50
        retry { max-attempts = 7, base-delay = 200 ms, max-delay = 60 s, jitter = 0.2 }
        rate-limit { enabled = true, requests-per-5-min = 30000, burst = 3000, live-events-reserved-share = 0.25 }
      }
      """;

  @Test
  void readsOceanPortKeys() {
    PortClientSettings s = PortClientSettings.fromConfig(ConfigFactory.parseString(CONF));
    assertEquals("https://api.us.getport.io", s.baseUrl().toString());
    assertEquals("id-1", s.clientId());
    assertEquals(Duration.ofSeconds(30), s.requestTimeout());
    assertEquals(50, s.maxConnections());
    assertEquals(new PortClientSettings.RetrySettings(7, Duration.ofMillis(200), Duration.ofSeconds(60), 0.2), s.retry());
    assertEquals(new PortClientSettings.RateLimitSettings(true, 30_000, 3_000, 0.25), s.rateLimit());
    assertFalse(s.toString().contains("s3cr3t"));
  }

  @Test
  void namesTheBadKey() {
    var missing = assertThrows(IllegalArgumentException.class, () -> PortClientSettings.fromConfig(
        ConfigFactory.parseString(CONF.replace("client-secret = \"s3cr3t\"", "client-secret = null"))));
    assertTrue(missing.getMessage().contains("ocean.port.client-secret"), missing.getMessage());
    var jitter = assertThrows(IllegalArgumentException.class, () -> PortClientSettings.fromConfig(
        ConfigFactory.parseString(CONF.replace("jitter = 0.2", "jitter = 2"))));
    assertTrue(jitter.getMessage().contains("ocean.port.retry.jitter"), jitter.getMessage());
    var timeout = assertThrows(IllegalArgumentException.class, () -> PortClientSettings.fromConfig(
        ConfigFactory.parseString(CONF.replace("request-timeout = 30 s", "request-timeout = soon"))));
    assertTrue(timeout.getMessage().contains("request-timeout"), timeout.getMessage());
  }

  @Test
  void readsTheProjectDefaultsWithCredentials() {
    PortClientSettings s = PortClientSettings.fromConfig(ConfigFactory.parseString(
        "ocean.port { client-id = a, client-secret = b }").withFallback(OceanSettings.defaults()));
    assertEquals(PortClientSettings.RetrySettings.defaults(), s.retry());
    assertEquals(PortClientSettings.RateLimitSettings.defaults(), s.rateLimit());
    assertEquals(100, s.maxConnections());
  }

  @Test
  void bridgesTheRuntimesPortSettings() {
    var port = SettingsLoader.create()
        .environment(Map.of("OCEAN__PORT__CLIENT_ID", "env-id", "OCEAN__PORT__CLIENT_SECRET", "env-secret",
            "OCEAN__PORT__BASE_URL", "https://api.us.port.io"))
        .load().port();
    PortClientSettings s = PortClientSettings.from(port);
    assertEquals("env-id", s.clientId());
    assertEquals("env-secret", s.clientSecret());
    assertEquals(URI.create("https://api.us.port.io"), s.baseUrl());
    assertEquals(port.retry().maxAttempts(), s.retry().maxAttempts());
    assertEquals(port.rateLimit().requestsPer5Min(), s.rateLimit().requestsPer5Min());

    var embedded = SettingsLoader.create().environment(Map.of()).load().port();
    assertThrows(IllegalArgumentException.class, () -> PortClientSettings.from(embedded));
    PortClientSettings e = PortClientSettings.from(embedded, URI.create("http://127.0.0.1:5555"), "emu", "sec");
    assertEquals("emu", e.clientId());
  }
}
