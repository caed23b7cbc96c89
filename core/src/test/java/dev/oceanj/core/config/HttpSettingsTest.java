package dev.oceanj.core.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** {@code ocean.http}: bind address, admin token, head timeout and connection limit, from Ocean-style variables. */
class HttpSettingsTest {

  private static final String ADMIN_TOKEN = "adm-SECRET-0006";

  private static OceanSettings load(Map<String, String> env) {
    return SettingsLoader.create().spec(Fixtures.spec()).environment(Fixtures.validEnv(env)).load();
  }

  @Test
  void defaultsBindEveryInterfaceWithNoAdminToken() {
    HttpSettings http = load(Map.of()).http();
    assertEquals("0.0.0.0", http.host());
    assertEquals(Optional.empty(), http.adminToken());
    assertEquals(Duration.ofSeconds(10), http.requestHeadTimeout());
    assertEquals(4096, http.maxConnections());
  }

  @Test
  void theBindAddressAndItsOlderNameBothWork() {
    assertEquals("127.0.0.1", load(Map.of("OCEAN__HTTP__BIND_ADDRESS", "127.0.0.1")).http().host());
    assertEquals("127.0.0.2", load(Map.of("OCEAN__HTTP__HOST", "127.0.0.2")).http().host());
    assertEquals("127.0.0.1", load(Map.of("OCEAN__HTTP__BIND_ADDRESS", "127.0.0.1", "OCEAN__HTTP__HOST", "127.0.0.2"))
        .http().host());
  }

  @Test
  void theAdminTokenComesFromTheEnvironmentAndIsNeverPrinted() {
    OceanSettings s = load(Map.of("OCEAN__HTTP__ADMIN_TOKEN", ADMIN_TOKEN, "OCEAN__HTTP__REQUEST_HEAD_TIMEOUT", "3 s",
        "OCEAN__HTTP__MAX_CONNECTIONS", "2000"));
    assertEquals(ADMIN_TOKEN, s.http().adminToken().orElseThrow().reveal());
    assertEquals(Duration.ofSeconds(3), s.http().requestHeadTimeout());
    assertEquals(2000, s.http().maxConnections());
    assertTrue(s.describe().contains("ocean.http.admin-token = \"****\""), s.describe());
    for (String printed : new String[] {s.toString(), s.describe(), s.http().toString()}) {
      assertFalse(printed.contains(ADMIN_TOKEN), printed);
    }
  }

  @Test
  void anAdminTokenInWebhookModeNeedsTheWebhookTokenPortCallsResyncWith() {
    var e = Fixtures.failure(SettingsLoader.create().spec(Fixtures.spec()).environment(Fixtures.validEnv(Map.of(
        "OCEAN__EVENT_LISTENER__TYPE", "WEBHOOK", "OCEAN__BASE_URL", "https://ocean.example.com",
        "OCEAN__HTTP__ADMIN_TOKEN", ADMIN_TOKEN))));
    assertTrue(e.getMessage().contains("ocean.http.admin-token"), e.getMessage());
    assertTrue(e.getMessage().contains("ocean.event-listener.webhook.token"), e.getMessage());
    assertFalse(e.getMessage().contains(ADMIN_TOKEN), e.getMessage());
    OceanSettings both = load(Map.of("OCEAN__EVENT_LISTENER__TYPE", "WEBHOOK", "OCEAN__BASE_URL",
        "https://ocean.example.com", "OCEAN__HTTP__ADMIN_TOKEN", ADMIN_TOKEN, "OCEAN__EVENT_LISTENER__WEBHOOK__TOKEN", "hook"));
    assertTrue(both.http().adminToken().isPresent());
  }
}
