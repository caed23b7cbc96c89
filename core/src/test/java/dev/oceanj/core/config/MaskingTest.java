package dev.oceanj.core.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.Test;

class MaskingTest {

  private static final String CLIENT_SECRET = "cs-SECRET-0001";
  private static final String KAFKA_PASSWORD = "kp-SECRET-0002";
  private static final String WEBHOOK_TOKEN = "wt-SECRET-0003";
  private static final String SPEC_TOKEN = "tok-3141592653";
  private static final String UNDECLARED_PASSWORD = "up-SECRET-0004";
  private static final String OCEAN_ONLY_PASSWORD = "oo-SECRET-0005";
  private static final String LIVE_KAFKA_PASSWORD = "lk-SECRET-0006";

  private static OceanSettings settings() {
    return SettingsLoader.create().spec(Fixtures.spec()).environment(Fixtures.validEnv(Map.of(
        "OCEAN__PORT__CLIENT_ID", "client-id-visible",
        "OCEAN__PORT__CLIENT_SECRET", CLIENT_SECRET,
        "OCEAN__EVENT_LISTENER__KAFKA__USERNAME", "kafka-user",
        "OCEAN__EVENT_LISTENER__KAFKA__PASSWORD", KAFKA_PASSWORD,
        "OCEAN__EVENT_LISTENER__WEBHOOK__TOKEN", WEBHOOK_TOKEN,
        "OCEAN__INTEGRATION__CONFIG__DB_PASSWORD", UNDECLARED_PASSWORD,
        "OCEAN__LIVE_EVENTS__REDIS__PASSWORD", OCEAN_ONLY_PASSWORD,
        "OCEAN__LIVE_EVENTS__KAFKA__PASSWORD", LIVE_KAFKA_PASSWORD))).load();
  }

  @Test
  void secretPrintsMaskedAndRevealsOnDemand() {
    var s = Secret.of("abc");
    assertEquals("****", s.toString());
    assertEquals("abc", s.reveal());
    assertEquals(Secret.of("abc"), s);
    assertNotEquals(Secret.of("abd"), s);
  }

  @Test
  void noSecretTextInToStringOrDescribe() {
    var s = settings();
    for (String printed : new String[] {s.toString(), s.describe(), s.port().toString(), s.eventListener().toString(),
        s.integration().toString(), s.integration().maskedConfig().toString(), s.liveEvents().toString()}) {
      for (String secret : new String[] {CLIENT_SECRET, KAFKA_PASSWORD, WEBHOOK_TOKEN, SPEC_TOKEN, UNDECLARED_PASSWORD,
          OCEAN_ONLY_PASSWORD, LIVE_KAFKA_PASSWORD}) {
        assertFalse(printed.contains(secret), "leaked " + secret + " in: " + printed);
      }
    }
    assertTrue(s.describe().contains("client-id-visible"));
  }

  @Test
  void secretsStayUsableForTheCodeThatSendsThem() {
    var s = settings();
    assertEquals(CLIENT_SECRET, s.port().credentials().orElseThrow().clientSecret().reveal());
    assertEquals(KAFKA_PASSWORD, s.eventListener().kafka().password().orElseThrow().reveal());
    assertEquals(LIVE_KAFKA_PASSWORD, s.liveEvents().kafka().password().orElseThrow().reveal());
    assertEquals(WEBHOOK_TOKEN, s.eventListener().webhook().token().orElseThrow().reveal());
    assertEquals(SPEC_TOKEN, s.integration().config().get("apiToken").asText());
    assertEquals(SPEC_TOKEN, s.integration().secret("apiToken").orElseThrow().reveal());
    assertTrue(s.integration().isSensitive("apiToken"));
    assertTrue(s.integration().isSensitive("dbPassword"), "named like a secret");
    assertFalse(s.integration().isSensitive("pageSize"));
  }

  @Test
  void describeListsEffectiveValuesWithTheirSource() {
    var d = settings().describe();
    assertTrue(d.contains("ocean.port.client-secret = \"****\"  # env OCEAN__PORT__CLIENT_SECRET"), d);
    assertTrue(d.contains("ocean.port.client-id = \"client-id-visible\"  # env OCEAN__PORT__CLIENT_ID"), d);
    assertTrue(d.contains("ocean.http.port = 8000  # default in oceanj/application.conf:"), d);
    assertTrue(d.contains("ocean.integration.config.apiToken = \"****\""), d);
    assertTrue(d.contains("ocean.integration.config.pageSize = 100"), d);
    assertTrue(d.contains("ocean.integration.identifier = \"my-fake-integration\""), d);
    assertTrue(d.contains("ocean.live-events.redis.password = \"****\"  # env OCEAN__LIVE_EVENTS__REDIS__PASSWORD"), d);
    assertTrue(d.contains("ocean.port.token-refresh-skew = \"60 s\""), d);
  }

  @Test
  void integrationConfigIsACopyEachTime() {
    var s = settings();
    s.integration().config().put("pageSize", 1);
    assertEquals(100, s.integration().config().get("pageSize").asInt());
  }
}
