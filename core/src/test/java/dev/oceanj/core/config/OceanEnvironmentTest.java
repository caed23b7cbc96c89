package dev.oceanj.core.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class OceanEnvironmentTest {

  private static OceanSettings load(Map<String, String> env) {
    return SettingsLoader.create().environment(env).load();
  }

  @Test
  void oceanVariablesNestOnDoubleUnderscoreAndKebabTheRest() {
    var s = load(Map.of(
        "OCEAN__PORT__CLIENT_ID", "id-1",
        "OCEAN__PORT__CLIENT_SECRET", "s3cr3t-value",
        "OCEAN__PORT__BASE_URL", "https://api.us.getport.io/",
        "OCEAN__INTEGRATION__IDENTIFIER", "my-github",
        "OCEAN__SEND_RAW_DATA_EXAMPLES", "False",
        "OCEAN__INITIALIZE_PORT_RESOURCES", "no"));
    var creds = s.port().credentials().orElseThrow();
    assertEquals("id-1", creds.clientId());
    assertEquals("s3cr3t-value", creds.clientSecret().reveal());
    assertEquals(URI.create("https://api.us.getport.io"), s.port().baseUrl(), "trailing slash stripped");
    assertFalse(s.port().usesEmbeddedEmulator());
    assertEquals("my-github", s.integration().identifier());
    assertFalse(s.resync().sendRawDataExamples(), "pydantic-style booleans are case-insensitive");
    assertFalse(s.initializePortResources());
  }

  @Test
  void variableNamesAreCaseInsensitive() {
    var s = load(Map.of("ocean__http__port", "9001", "Ocean__Log_Level", "debug"));
    assertEquals(9001, s.http().port());
    assertEquals(LogLevel.DEBUG, s.logLevel());
  }

  @Test
  void wholeJsonValueSetsTheSubtreeWithCamelCaseKeysDecamelised() {
    var s = load(Map.of("OCEAN__EVENT_LISTENER",
        "{\"type\":\"POLLING\",\"resyncOnStart\":false,\"interval\":30}"));
    assertEquals(EventListenerType.POLLING, s.eventListener().type());
    assertFalse(s.eventListener().polling().resyncOnStart());
    assertEquals(Duration.ofSeconds(30), s.eventListener().polling().interval(), "Ocean's seconds");
    assertTrue(s.ignoredKeys().isEmpty(), s.ignoredKeys().toString());
  }

  @Test
  void jsonForWebhookAndKafkaLandsOnTheNestedKeys() {
    var webhook = load(Map.of("OCEAN__EVENT_LISTENER", "{\"type\":\"WEBHOOK\",\"appHost\":\"https://hooks.example.com/\"}"));
    assertEquals(EventListenerType.WEBHOOK, webhook.eventListener().type());
    assertEquals(Optional.of(URI.create("https://hooks.example.com")), webhook.eventListener().webhook().appHost());

    var kafka = load(Map.of(
        "OCEAN__EVENT_LISTENER__TYPE", "KAFKA",
        "OCEAN__EVENT_LISTENER__BROKERS", "[\"a:9092\",\"b:9092\"]",
        "OCEAN__EVENT_LISTENER__AUTHENTICATION_MECHANISM", "PLAIN",
        "OCEAN__EVENT_LISTENER__KAFKA_SECURITY_ENABLED", "false",
        "OCEAN__EVENT_LISTENER__CONSUMER_POLL_TIMEOUT", "2"));
    var k = kafka.eventListener().kafka();
    assertEquals(List.of("a:9092", "b:9092"), k.brokers());
    assertEquals("PLAIN", k.saslMechanism());
    assertFalse(k.kafkaSecurityEnabled());
    assertEquals(Duration.ofSeconds(2), k.consumerPollTimeout());
  }

  @Test
  void deeperVariableBeatsTheWholeJsonOfItsAncestor() {
    var s = load(Map.of(
        "OCEAN__EVENT_LISTENER", "{\"type\":\"ONCE\"}",
        "OCEAN__EVENT_LISTENER__TYPE", "WEBHOOKS_ONLY"));
    assertEquals(EventListenerType.WEBHOOKS_ONLY, s.eventListener().type());
    assertFalse(s.eventListener().shouldResync());
    assertTrue(s.eventListener().shouldProcessWebhooks());
  }

  @Test
  void explicitCapabilitySwitchBeatsTheTypeDefault() {
    var s = load(Map.of("OCEAN__EVENT_LISTENER__TYPE", "WEBHOOKS_ONLY", "OCEAN__EVENT_LISTENER__SHOULD_RESYNC", "true"));
    assertTrue(s.eventListener().shouldResync());
    assertTrue(s.eventListener().shouldProcessWebhooks());
    assertFalse(s.eventListener().shouldRunActions());
  }

  @Test
  void applicationVariablesSetHttpPortAndLogLevelBelowOceanOnes() {
    var s = load(Map.of("APPLICATION__PORT", "8123", "APPLICATION__LOG_LEVEL", "WARNING"));
    assertEquals(8123, s.http().port());
    assertEquals(LogLevel.WARN, s.logLevel());
    var both = load(Map.of("APPLICATION__LOG_LEVEL", "CRITICAL", "OCEAN__LOG_LEVEL", "TRACE"));
    assertEquals(LogLevel.TRACE, both.logLevel());
  }

  @Test
  void legacyAppHostSetsBaseUrlUnlessBaseUrlIsSet() {
    var legacy = load(Map.of("OCEAN__INTEGRATION__CONFIG__APP_HOST", "https://legacy.example.com/"));
    assertEquals(Optional.of(URI.create("https://legacy.example.com")), legacy.baseUrl());
    assertEquals("https://legacy.example.com/", legacy.integration().config().get("appHost").asText(),
        "still visible to integrations that read it");
    var both = load(Map.of("OCEAN__INTEGRATION__CONFIG__APP_HOST", "https://legacy.example.com",
        "OCEAN__BASE_URL", "https://new.example.com"));
    assertEquals(Optional.of(URI.create("https://new.example.com")), both.baseUrl());
  }

  @Test
  void oceanFlatNamesAndUnitsAreHonoured() {
    var s = load(Map.of(
        "OCEAN__UPSERT_ENTITIES_BATCH_MAX_LENGTH", "10",
        "OCEAN__UPSERT_ENTITIES_BATCH_MAX_SIZE_IN_BYTES", "524288",
        "OCEAN__DELETE_ENTITIES_MAX_BATCH_SIZE", "1000",
        "OCEAN__YIELD_ITEMS_TO_PARSE_BATCH_SIZE", "50",
        "OCEAN__MAX_EVENT_PROCESSING_SECONDS", "45",
        "OCEAN__EVENT_WORKERS_COUNT", "2",
        "OCEAN__SCHEDULED_RESYNC_INTERVAL", "90",
        "OCEAN__PORT__PORT_APP_CONFIG_CACHE_TTL", "30",
        "OCEAN__PORT__BLUEPRINT_CACHE_TTL_SECONDS", "15",
        "OCEAN__CLIENT_TIMEOUT", "5"));
    assertEquals(10, s.resync().upsertBatchMaxLength());
    assertEquals(524_288, s.resync().upsertBatchMaxSizeBytes());
    assertEquals(100, s.resync().deleteBatchSize(), "lowered to Port's cap, as Ocean does");
    assertEquals(50, s.resync().itemsToParseBatchSize());
    assertEquals(Duration.ofSeconds(45), s.liveEvents().maxEventProcessing());
    assertEquals(2, s.liveEvents().workers());
    assertEquals(Optional.of(Duration.ofMinutes(90)), s.scheduledResyncInterval(), "minutes, as in Ocean");
    assertEquals(Duration.ofSeconds(30), s.port().portAppConfigCacheTtl());
    assertEquals(Duration.ofSeconds(15), s.port().blueprintCacheTtl());
    assertEquals(Duration.ofSeconds(5), s.clientTimeout());
  }

  @Test
  void hoconDurationsAreAcceptedFromTheEnvironmentToo() {
    var s = load(Map.of("OCEAN__SCHEDULED_RESYNC_INTERVAL", "2h", "OCEAN__EVENT_LISTENER__POLLING__INTERVAL", "500 ms"));
    assertEquals(Optional.of(Duration.ofHours(2)), s.scheduledResyncInterval());
    assertEquals(Duration.ofMillis(500), s.eventListener().polling().interval());
  }

  @Test
  void oceanOnlyAndUnknownVariablesAreListedNotFatal() {
    var s = load(Map.of("OCEAN__LAKEHOUSE_ENABLED", "true", "OCEAN__RUNTIME", "OnPrem", "OCEAN__SOMETHING_NEW", "1",
        "PATH", "/usr/bin"));
    assertEquals(3, s.ignoredKeys().size(), s.ignoredKeys().toString());
    assertTrue(s.ignoredKeys().contains(
        "ocean.lakehouse-enabled (env OCEAN__LAKEHOUSE_ENABLED): Ocean-only setting, ignored by oceanj"), s.ignoredKeys().toString());
    assertTrue(s.ignoredKeys().contains("ocean.something-new (env OCEAN__SOMETHING_NEW): unknown key, ignored"),
        s.ignoredKeys().toString());
  }

  @Test
  void nameMappingHelpers() {
    assertEquals("resync-on-start", OceanEnvironment.kebabCase("resyncOnStart"));
    assertEquals("resync-on-start", OceanEnvironment.kebabCase("resync_on_start"));
    assertEquals("api-key", OceanEnvironment.kebabCase("APIKey"));
    assertEquals("my_token", OceanEnvironment.snakeCase("myToken"));
    assertEquals("myToken", OceanEnvironment.lowerCamel("my_token"));
    assertEquals("myToken", OceanEnvironment.lowerCamel("my-token"));
  }
}
