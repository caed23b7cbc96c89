package dev.oceanj.core.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ValidationTest {

  @TempDir
  Path dir;

  private static List<String> problems(Map<String, String> env) {
    return Fixtures.failure(SettingsLoader.create().environment(env)).problems();
  }

  @Test
  void everyProblemIsReportedOnceInOneException() {
    var props = new Properties();
    props.setProperty("ocean.resync.upsert-concurrency", "0");
    var e = Fixtures.failure(SettingsLoader.create().spec(Fixtures.spec()).systemProperties(props)
        .environment(Fixtures.validEnv(Map.of(
            "OCEAN__PORT__CLIENT_ID", "id",
            "OCEAN__EVENT_LISTENER__TYPE", "POLLNG",
            "OCEAN__EVENT_LISTENER__POLLING__INTERVAL", "-5",
            "OCEAN__PORT__REQUEST_TIMEOUT", "soon",
            "OCEAN__INTEGRATION__CONFIG__PAGE_SIZE", "ten"))));
    assertEquals(List.of(
        "ocean.port.client-secret: missing; expected the Port client secret because ocean.port.client-id is set "
            + "(env OCEAN__PORT__CLIENT_ID); set OCEAN__PORT__CLIENT_SECRET or ocean.port.client-secret",
        "ocean.port.request-timeout (env OCEAN__PORT__REQUEST_TIMEOUT): expected a positive duration such as 60 s, 5 m, "
            + "300 ms or a bare number of seconds, got \"soon\"",
        "ocean.integration.config.pageSize (env OCEAN__INTEGRATION__CONFIG__PAGE_SIZE): expected an integer "
            + "(classpath:dev/oceanj/core/config/fixture/spec.yaml configuration 'pageSize'), got \"ten\"",
        "ocean.event-listener.type (env OCEAN__EVENT_LISTENER__TYPE): unknown value \"POLLNG\"; expected one of "
            + "POLLING, WEBHOOK, KAFKA, ONCE, WEBHOOKS_ONLY, ACTIONS_ONLY",
        "ocean.event-listener.polling.interval (env OCEAN__EVENT_LISTENER__POLLING__INTERVAL): expected a positive "
            + "duration such as 60 s, 5 m, 300 ms or a bare number of seconds, got \"-5\" (not positive)",
        "ocean.resync.upsert-concurrency (system properties): expected a whole number in 1..1024, got \"0\""),
        e.problems(), e.getMessage());
    assertTrue(e.getMessage().startsWith("Invalid configuration (6 problems):"), e.getMessage());
  }

  @Test
  void secretWithoutIdAndBaseUrlWithoutCredentialsAreErrors() {
    assertEquals(List.of("ocean.port.client-id: missing; expected the Port client id because ocean.port.client-secret "
            + "is set (env OCEAN__PORT__CLIENT_SECRET); set OCEAN__PORT__CLIENT_ID or ocean.port.client-id"),
        problems(Map.of("OCEAN__PORT__CLIENT_SECRET", "x")));
    assertEquals(List.of("ocean.port.base-url (env OCEAN__PORT__BASE_URL): set without credentials; expected "
            + "ocean.port.client-id and ocean.port.client-secret as well (without all three, oceanj uses its embedded "
            + "Port emulator)"),
        problems(Map.of("OCEAN__PORT__BASE_URL", "https://api.us.getport.io")));
  }

  @Test
  void blankCredentialsCountAsUnset() {
    var s = SettingsLoader.create().environment(Map.of("OCEAN__PORT__CLIENT_ID", " ", "OCEAN__PORT__CLIENT_SECRET", ""))
        .load();
    assertTrue(s.port().usesEmbeddedEmulator());
  }

  @Test
  void zeroScheduledIntervalAndBadUrlsAreErrors() {
    assertEquals(List.of(
        "ocean.base-url (env OCEAN__BASE_URL): expected an absolute http(s) URL such as https://example.com, "
            + "got \"ftp://x\"",
        "ocean.scheduled-resync-interval (env OCEAN__SCHEDULED_RESYNC_INTERVAL): expected a positive duration such "
            + "as 60 s, 5 m, 300 ms or a bare number of minutes, got \"0\" (not positive)"),
        problems(Map.of("OCEAN__SCHEDULED_RESYNC_INTERVAL", "0", "OCEAN__BASE_URL", "ftp://x")));
  }

  @Test
  void webhookListenerNeedsAPublicUrl() {
    assertEquals(List.of("ocean.event-listener.webhook.app-host: missing; the WEBHOOK listener needs the public URL "
            + "Port calls: set OCEAN__EVENT_LISTENER__APP_HOST, ocean.event-listener.webhook.app-host or ocean.base-url"),
        problems(Map.of("OCEAN__EVENT_LISTENER__TYPE", "WEBHOOK")));
    var s = SettingsLoader.create().environment(Map.of("OCEAN__EVENT_LISTENER__TYPE", "webhook",
        "OCEAN__BASE_URL", "https://me.example.com")).load();
    assertEquals("https://me.example.com", s.eventListener().webhook().appHost().orElseThrow().toString());
  }

  @Test
  void kafkaCredentialsComeInPairs() {
    assertEquals(List.of("ocean.event-listener.kafka.password: missing; set both ocean.event-listener.kafka.username "
            + "and .password, or neither to fetch them from Port"),
        problems(Map.of("OCEAN__EVENT_LISTENER", "{\"type\":\"KAFKA\",\"kafka\":{\"username\":\"u\"}}")));
  }

  @Test
  void scalarWhereAnObjectBelongsIsNamedOnce() {
    assertEquals(List.of("ocean.event-listener (env OCEAN__EVENT_LISTENER): expected an object (a JSON object when "
            + "set as one environment variable), got text that is not valid JSON (not shown)"),
        problems(Map.of("OCEAN__EVENT_LISTENER", "{\"type\":\"KAFKA\",\"password\":\"pw-SECRET-9\"")));
    assertEquals(List.of("ocean.integration.config (env OCEAN__INTEGRATION__CONFIG): expected an object of the "
            + "integration's settings, got text that is not valid JSON (not shown)"),
        problems(Map.of("OCEAN__INTEGRATION__CONFIG", "{\"token\":\"tk-SECRET\"")));
  }

  @Test
  void rangesAndSizesAreChecked() throws Exception {
    Path f = dir.resolve("c.conf");
    Files.writeString(f, """
        ocean {
          resync { upsert-batch-max-length = 50, upsert-batch-max-size-bytes = lots,
                   kind-restart { min-backoff = 1 m, max-backoff = 10 s } }
          port.retry.jitter = 1.5
          http.port = 70000
          log-level = LOUD
          create-port-resources-origin = Elsewhere
        }
        """);
    var e = Fixtures.failure(SettingsLoader.create().configFile(f));
    assertEquals(List.of(
        "ocean.port.retry.jitter (file " + f + ":4): expected a number in 0.0..1.0, got 1.5",
        "ocean.resync.kind-restart.min-backoff (file " + f + ":3): expected at most "
            + "ocean.resync.kind-restart.max-backoff (PT10S)",
        "ocean.resync.upsert-batch-max-length (file " + f + ":2): expected a whole number in 1..20, got 50",
        "ocean.resync.upsert-batch-max-size-bytes (file " + f + ":2): expected a size such as 10 MiB or a number of "
            + "bytes, got \"lots\"",
        "ocean.http.port (file " + f + ":5): expected a whole number in 0..65535, got 70000",
        "ocean.create-port-resources-origin (file " + f + ":7): unknown value \"Elsewhere\"; expected one of Empty, "
            + "Default, Ocean, Port",
        "ocean.log-level (file " + f + ":6): unknown value \"LOUD\"; expected one of TRACE, DEBUG, INFO, WARN, "
            + "WARNING, ERROR, CRITICAL"),
        e.problems(), e.getMessage());
  }
}
