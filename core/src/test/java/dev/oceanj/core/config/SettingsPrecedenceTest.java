package dev.oceanj.core.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SettingsPrecedenceTest {

  @TempDir
  Path dir;

  private Path file(String hocon) throws Exception {
    Path f = dir.resolve("user.conf");
    Files.writeString(f, hocon);
    return f;
  }

  private static Properties props(String... kv) {
    var p = new Properties();
    for (int i = 0; i < kv.length; i += 2) {
      p.setProperty(kv[i], kv[i + 1]);
    }
    return p;
  }

  @Test
  void defaultsAloneLoadAndMatchOcean() {
    var s = SettingsLoader.create().load();
    assertTrue(s.port().usesEmbeddedEmulator());
    assertEquals(URI.create("https://api.getport.io"), s.port().baseUrl());
    assertEquals(Duration.ofSeconds(60), s.port().portAppConfigCacheTtl());
    assertEquals(new PortSettings.Retry(10, Duration.ofMillis(300), Duration.ofSeconds(300), 0.1), s.port().retry());
    assertEquals(new PortSettings.RateLimit(true, 35000, 3500, 0.2), s.port().rateLimit());
    assertEquals("fake", s.integration().type());
    assertEquals("my-fake-integration", s.integration().identifier());
    assertEquals(EventListenerType.POLLING, s.eventListener().type());
    assertEquals(Duration.ofSeconds(60), s.eventListener().polling().interval());
    assertEquals(3, s.eventListener().kafka().brokers().size());
    assertEquals(20, s.resync().upsertBatchMaxLength());
    assertEquals(1_048_576, s.resync().upsertBatchMaxSizeBytes());
    assertEquals(1, s.resync().kindParallelism());
    assertEquals(Runtime.getRuntime().availableProcessors(), s.resync().mappingParallelism());
    assertEquals(8000, s.http().port());
    assertEquals(10L << 20, s.http().maxRequestBodySize());
    assertEquals(Duration.ofSeconds(90), s.liveEvents().maxEventProcessing());
    assertEquals(Optional.empty(), s.scheduledResyncInterval());
    assertEquals(Path.of(".port/resources"), s.resourcesPath());
    assertEquals(LogLevel.INFO, s.logLevel());
    assertTrue(s.initializePortResources());
    assertTrue(s.resync().sendRawDataExamples());
    assertTrue(s.allowEnvironmentVariablesJqAccess());
    assertTrue(s.ignoredKeys().isEmpty());
  }

  @Test
  void systemPropertyBeatsEnvironmentBeatsFileBeatsDefault() throws Exception {
    Path f = file("ocean.http.port = 1111\nocean.resync.upsert-concurrency = 3\nocean.resync.delete-batch-size = 50\n");
    var env = Map.of("OCEAN__HTTP__PORT", "2222", "OCEAN__RESYNC__UPSERT_CONCURRENCY", "4");
    var s = SettingsLoader.create().configFile(f).environment(env)
        .systemProperties(props("ocean.http.port", "3333")).load();
    assertEquals(3333, s.http().port(), "system property wins");
    assertEquals(4, s.resync().upsertConcurrency(), "environment beats the file");
    assertEquals(50, s.resync().deleteBatchSize(), "the file beats the default");
    assertEquals(200, s.resync().itemsToParseBatchSize(), "the default when nobody sets it");
  }

  @Test
  void configFileSystemPropertyIsRead() throws Exception {
    Path f = file("ocean { integration { type = jira }, log-level = DEBUG }");
    var s = SettingsLoader.create().systemProperties(props("config.file", f.toString())).load();
    assertEquals("jira", s.integration().type());
    assertEquals("my-jira-integration", s.integration().identifier());
    assertEquals(LogLevel.DEBUG, s.logLevel());
  }

  @Test
  void explicitConfigFileBeatsTheSystemProperty() throws Exception {
    Path f = file("ocean.integration.type = gitlab");
    Path other = dir.resolve("other.conf");
    Files.writeString(other, "ocean.integration.type = github");
    var s = SettingsLoader.create().configFile(other).systemProperties(props("config.file", f.toString())).load();
    assertEquals("github", s.integration().type());
  }

  @Test
  void missingOrBrokenConfigFileIsAProblem() throws Exception {
    var missing = Fixtures.failure(SettingsLoader.create().systemProperties(props("config.file", "/nope/x.conf")));
    assertTrue(missing.getMessage().contains("-Dconfig.file=/nope/x.conf: no such file"), missing.getMessage());

    Path broken = file("ocean { port = ");
    var bad = Fixtures.failure(SettingsLoader.create().configFile(broken));
    assertTrue(bad.getMessage().contains(broken + ": cannot be read as HOCON"), bad.getMessage());
  }

  @Test
  void fileMayReferToTheGivenEnvironmentOnly() throws Exception {
    Path f = file("ocean.integration.identifier = ${?MY_ID}\nocean.integration.version = ${?UNSET_VAR_XYZ}");
    var s = SettingsLoader.create().configFile(f).environment(Map.of("MY_ID", "from-env")).load();
    assertEquals("from-env", s.integration().identifier());
    assertEquals(Optional.empty(), s.integration().version());
  }

  @Test
  void unknownKeyInFileIsAProblemNamingTheFileAndTheKnownKeys() throws Exception {
    Path f = file("ocean.port {\n  clientid = abc\n}\n");
    var e = Fixtures.failure(SettingsLoader.create().configFile(f));
    assertEquals(1, e.problems().size(), e.getMessage());
    String p = e.problems().get(0);
    assertTrue(p.startsWith("ocean.port.clientid (file " + f + ":2): unknown key; expected one of"), p);
    assertTrue(p.contains("client-id"), p);
  }

  @Test
  void fromConfigReadsTheStyleGuideTestPattern() {
    var s = OceanSettings.fromConfig(com.typesafe.config.ConfigFactory
        .parseString("ocean.resync.upsert-concurrency = 2, ocean.path-prefix = \"ocean/\"")
        .withFallback(OceanSettings.defaults()));
    assertEquals(2, s.resync().upsertConcurrency());
    assertEquals(Optional.of("/ocean"), s.pathPrefix());
    assertFalse(s.port().credentials().isPresent());
  }

  @Test
  void eachRecordReadsItsPartFromARootConfig() {
    var c = com.typesafe.config.ConfigFactory.parseString(
        "ocean.port.retry.max-attempts = 2, ocean.http.port = 0, ocean.live-events.workers = 4,"
            + "ocean.event-listener.type = once, ocean.resync.kind-restart.max-restarts = -1")
        .withFallback(OceanSettings.defaults());
    assertEquals(2, PortSettings.fromConfig(c).retry().maxAttempts());
    assertEquals(0, HttpSettings.fromConfig(c).port());
    assertEquals(4, LiveEventSettings.fromConfig(c).workers());
    var listener = EventListenerSettings.fromConfig(c);
    assertEquals(EventListenerType.ONCE, listener.type());
    assertTrue(listener.shouldResync());
    assertFalse(listener.shouldProcessWebhooks());
    assertEquals(-1, ResyncSettings.fromConfig(c).kindRestart().maxRestarts());
    assertEquals("fake", IntegrationSettings.fromConfig(c).type());
  }

  @Test
  void dotEnvFillsInWhatTheEnvironmentLacks() throws Exception {
    Path dotEnv = dir.resolve(".env");
    Files.writeString(dotEnv, """
        # Ocean-style .env
        export OCEAN__INTEGRATION__TYPE="jira"
        OCEAN__HTTP__PORT='9100'
        OCEAN__LOG_LEVEL=DEBUG
        """);
    var s = SettingsLoader.create().dotEnvFile(dotEnv).environment(Map.of("OCEAN__LOG_LEVEL", "ERROR")).load();
    assertEquals("jira", s.integration().type());
    assertEquals(9100, s.http().port());
    assertEquals(LogLevel.ERROR, s.logLevel(), "the real environment wins");
    assertEquals("fake", SettingsLoader.create().dotEnvFile(dir.resolve("absent")).load().integration().type(),
        "a missing .env is fine");

    Files.writeString(dotEnv, "OCEAN__HTTP__PORT=1\nnot a pair\n");
    var e = Fixtures.failure(SettingsLoader.create().dotEnvFile(dotEnv));
    assertEquals(java.util.List.of(dotEnv + ":2: expected KEY=VALUE"), e.problems());
  }

  @Test
  void describeShowsDerivedValuesWithWhatWasConfigured() {
    var s = SettingsLoader.create().environment(Map.of("OCEAN__EVENT_LISTENER__TYPE", "ONCE",
        "OCEAN__DELETE_ENTITIES_MAX_BATCH_SIZE", "1000")).load();
    var d = s.describe();
    assertTrue(d.contains("ocean.event-listener.should-process-webhooks = false  # derived; configured null in default"), d);
    assertTrue(d.contains("ocean.resync.delete-batch-size = 100  # derived; configured \"1000\" in env "
        + "OCEAN__DELETE_ENTITIES_MAX_BATCH_SIZE"), d);
    assertTrue(d.contains("ocean.integration.identifier = \"my-fake-integration\"  # derived; configured null"), d);
  }

  @Test
  void theConfigKeepsUserKeysForFeaturePackagesAndPekko() throws Exception {
    Path f = file("pekko.loglevel = DEBUG");
    var s = SettingsLoader.create().configFile(f).load();
    assertEquals("DEBUG", s.config().getString("pekko.loglevel"));
    assertEquals(8000, s.config().getInt("ocean.http.port"));
  }
}
