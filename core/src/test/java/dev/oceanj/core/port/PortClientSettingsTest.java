package dev.oceanj.core.port;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import dev.oceanj.core.config.ConfigurationException;
import dev.oceanj.core.config.OceanSettings;
import dev.oceanj.core.config.PortSettings;
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

  private static PortClientSettings read(String conf) {
    return PortClientSettings.from(
        OceanSettings.fromConfig(ConfigFactory.parseString(conf).withFallback(OceanSettings.defaults())).port());
  }

  @Test
  void readsOceanPortKeys() {
    PortClientSettings s = read(CONF);
    assertEquals("https://api.us.getport.io", s.baseUrl().toString());
    assertEquals("id-1", s.clientId());
    assertEquals(Duration.ofSeconds(30), s.requestTimeout());
    assertEquals(50, s.maxConnections());
    assertEquals(new PortSettings.Retry(7, Duration.ofMillis(200), Duration.ofSeconds(60), 0.2), s.retry());
    assertEquals(new PortSettings.RateLimit(true, 30_000, 3_000, 0.25), s.rateLimit());
    assertFalse(s.toString().contains("s3cr3t"));
  }

  @Test
  void namesTheBadKey() {
    var missing = assertThrows(ConfigurationException.class, () -> read(CONF.replace("client-secret = \"s3cr3t\"", "client-secret = null")));
    assertTrue(missing.getMessage().contains("ocean.port.client-secret"), missing.getMessage());
    var jitter = assertThrows(ConfigurationException.class, () -> read(CONF.replace("jitter = 0.2", "jitter = 2")));
    assertTrue(jitter.getMessage().contains("ocean.port.retry.jitter"), jitter.getMessage());
    var timeout = assertThrows(ConfigurationException.class, () -> read(CONF.replace("request-timeout = 30 s", "request-timeout = soon")));
    assertTrue(timeout.getMessage().contains("request-timeout"), timeout.getMessage());
  }

  @Test
  void readsTheProjectDefaultsWithCredentials() {
    PortClientSettings s = read("ocean.port { client-id = a, client-secret = b }");
    assertEquals(new PortSettings.Retry(10, Duration.ofMillis(300), Duration.ofSeconds(300), 0.1), s.retry(),
        "Ocean's Port client: 10 retries, 0.3 s doubling, capped at 300 s, +/-10 %");
    assertEquals(new PortSettings.RateLimit(true, 35_000, 3_500, 0.2), s.rateLimit(),
        "Port's entities API budget, a fifth of its burst reserved for live events");
    assertEquals(PortSettings.defaults().retry(), s.retry());
    assertEquals(PortSettings.defaults().rateLimit(), s.rateLimit());
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
