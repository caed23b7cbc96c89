package dev.oceanj.core.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SpecTypingTest {

  @TempDir
  Path dir;

  private static OceanSettings load(Map<String, String> extra) {
    return SettingsLoader.create().environment(Fixtures.validEnv(extra)).spec(Fixtures.spec()).load();
  }

  /** What an integration's settings record looks like; the SPI binds config() to it with Jackson. */
  record FixtureSettings(String apiUrl, String apiToken, int pageSize, Double ratio, boolean verifyTls,
      Map<String, Object> labels, List<String> projects) {}

  @Test
  void environmentValuesAreTypedBySpecAndBindToARecord() throws Exception {
    var s = load(Map.of(
        "OCEAN__INTEGRATION__CONFIG__PAGE_SIZE", "250",
        "OCEAN__INTEGRATION__CONFIG__RATIO", "0.75",
        "OCEAN__INTEGRATION__CONFIG__VERIFY_TLS", "FALSE",
        "OCEAN__INTEGRATION__CONFIG__LABELS", "{\"teamName\":\"core\"}",
        "OCEAN__INTEGRATION__CONFIG__PROJECTS", "[\"a\",\"b\"]"));
    var c = s.integration().config();
    assertEquals("https://api.example.com", c.get("apiUrl").asText(), "url drops the trailing slash");
    assertTrue(c.get("pageSize").isIntegralNumber());
    assertEquals(250, c.get("pageSize").asInt());
    assertEquals(0.75, c.get("ratio").asDouble());
    assertTrue(c.get("verifyTls").isBoolean());
    assertFalse(c.get("verifyTls").asBoolean());
    assertEquals("core", c.get("labels").get("teamName").asText(), "keys inside settings keep their case");
    assertEquals(2, c.get("projects").size());

    var bound = new ObjectMapper().treeToValue(c, FixtureSettings.class);
    assertEquals(new FixtureSettings("https://api.example.com", "tok-3141592653", 250, 0.75, false,
        Map.of("teamName", "core"), List.of("a", "b")), bound);
  }

  @Test
  void defaultsApplyAndUnsetOptionalsAreAbsent() {
    var c = load(Map.of()).integration().config();
    assertEquals(100, c.get("pageSize").asInt());
    assertTrue(c.get("verifyTls").asBoolean());
    assertFalse(c.has("ratio"));
    assertFalse(c.has("labels"));
  }

  @Test
  void unknownEnvironmentSettingsAreKeptInLowerCamel() {
    var c = load(Map.of("OCEAN__INTEGRATION__CONFIG__EXTRA_THING", "x")).integration().config();
    assertEquals("x", c.get("extraThing").asText());
  }

  @Test
  void hoconFileKeysInAnySpellingReachTheSpecName() throws Exception {
    Path f = dir.resolve("a.conf");
    Files.writeString(f, "ocean.integration.config { page-size = 7, verify_tls = false, labels { x = 1 } }");
    var s = SettingsLoader.create().configFile(f).environment(Fixtures.validEnv(Map.of()))
        .spec(Fixtures.spec()).load();
    var c = s.integration().config();
    assertEquals(7, c.get("pageSize").asInt());
    assertFalse(c.get("verifyTls").asBoolean());
    assertEquals(1, c.get("labels").get("x").asInt());
  }

  @Test
  void environmentBeatsTheFileForTheSameSpecSetting() throws Exception {
    Path f = dir.resolve("a.conf");
    Files.writeString(f, "ocean.integration.config.pageSize = 7");
    var s = SettingsLoader.create().configFile(f).spec(Fixtures.spec())
        .environment(Fixtures.validEnv(Map.of("OCEAN__INTEGRATION__CONFIG__PAGE_SIZE", "8"))).load();
    assertEquals(8, s.integration().config().get("pageSize").asInt());
  }

  @Test
  void wholeJsonIntegrationConfigMapsToSpecNames() {
    var s = SettingsLoader.create().spec(Fixtures.spec()).environment(Map.of("OCEAN__INTEGRATION__CONFIG",
        "{\"apiUrl\":\"http://h:1/\",\"api_token\":\"t\",\"pageSize\":\"3\"}")).load();
    var c = s.integration().config();
    assertEquals("http://h:1", c.get("apiUrl").asText());
    assertEquals("t", c.get("apiToken").asText());
    assertEquals(3, c.get("pageSize").asInt());
  }

  @Test
  void stringFieldKeepsJsonLookingText() {
    var s = load(Map.of("OCEAN__INTEGRATION__CONFIG__API_TOKEN", "[not json"));
    assertEquals("[not json", s.integration().config().get("apiToken").asText());
    var t = load(Map.of("OCEAN__INTEGRATION__CONFIG__API_TOKEN", "[\"looks\",\"like\",\"json\"]"));
    assertEquals("[\"looks\",\"like\",\"json\"]", t.integration().config().get("apiToken").asText());
  }

  @Test
  void everyWrongTypeIsOneProblemNamingVariableAndSpec() {
    var e = Fixtures.failure(SettingsLoader.create().spec(Fixtures.spec()).environment(Map.of(
        "OCEAN__INTEGRATION__CONFIG__API_URL", "not a url",
        "OCEAN__INTEGRATION__CONFIG__API_TOKEN", "{\"a\":1}",
        "OCEAN__INTEGRATION__CONFIG__PAGE_SIZE", "12abc",
        "OCEAN__INTEGRATION__CONFIG__RATIO", "lots",
        "OCEAN__INTEGRATION__CONFIG__VERIFY_TLS", "maybe",
        "OCEAN__INTEGRATION__CONFIG__LABELS", "[1]",
        "OCEAN__INTEGRATION__CONFIG__PROJECTS", "{\"a\":1}")));
    String spec = "classpath:dev/oceanj/core/config/fixture/spec.yaml";
    assertEquals(List.of(
        "ocean.integration.config.apiUrl (env OCEAN__INTEGRATION__CONFIG__API_URL): expected an absolute URL ("
            + spec + " configuration 'apiUrl'), got \"not a url\"",
        "ocean.integration.config.pageSize (env OCEAN__INTEGRATION__CONFIG__PAGE_SIZE): expected an integer ("
            + spec + " configuration 'pageSize'), got \"12abc\"",
        "ocean.integration.config.ratio (env OCEAN__INTEGRATION__CONFIG__RATIO): expected a number ("
            + spec + " configuration 'ratio'), got \"lots\"",
        "ocean.integration.config.verifyTls (env OCEAN__INTEGRATION__CONFIG__VERIFY_TLS): expected a boolean (true or "
            + "false) (" + spec + " configuration 'verifyTls'), got \"maybe\"",
        "ocean.integration.config.labels (env OCEAN__INTEGRATION__CONFIG__LABELS): expected a JSON object ("
            + spec + " configuration 'labels'), got a list",
        "ocean.integration.config.projects (env OCEAN__INTEGRATION__CONFIG__PROJECTS): expected a JSON array ("
            + spec + " configuration 'projects'), got an object"),
        e.problems(), e.getMessage());
  }

  @Test
  void wrongTypeOfASensitiveFieldNeverShowsItsValue() {
    var spec = IntegrationSpec.parse(new java.io.ByteArrayInputStream(
        "configurations: [{name: pin, type: integer, sensitive: true}]".getBytes()), "s.yaml");
    var e = Fixtures.failure(SettingsLoader.create().spec(spec)
        .environment(Map.of("OCEAN__INTEGRATION__CONFIG__PIN", "hunter2-secret")));
    assertEquals(1, e.problems().size());
    assertFalse(e.getMessage().contains("hunter2-secret"), e.getMessage());
    assertTrue(e.getMessage().contains("not shown: sensitive"), e.getMessage());
  }

  @Test
  void requiredWithoutValueIsAProblemNamingTheVariable() {
    var e = Fixtures.failure(SettingsLoader.create().spec(Fixtures.spec()).environment(Map.of()));
    String spec = "classpath:dev/oceanj/core/config/fixture/spec.yaml";
    assertEquals(List.of(
        "ocean.integration.config.apiUrl: missing; required by " + spec
            + " (url); set OCEAN__INTEGRATION__CONFIG__API_URL or ocean.integration.config.apiUrl",
        "ocean.integration.config.apiToken: missing; required by " + spec
            + " (string); set OCEAN__INTEGRATION__CONFIG__API_TOKEN or ocean.integration.config.apiToken"),
        e.problems());
  }

  @Test
  void aDefaultOfTheWrongTypeIsASpecProblem() {
    var spec = IntegrationSpec.parse(new java.io.ByteArrayInputStream(
        "configurations: [{name: n, type: integer, default: many}]".getBytes()), "x/spec.yaml");
    var e = Fixtures.failure(SettingsLoader.create().spec(spec));
    assertEquals(List.of("x/spec.yaml: configuration 'n' has a default that is not an integer"), e.problems());
  }

  @Test
  void withoutSpecSettingsStayAsConfigured() {
    var s = SettingsLoader.create().environment(Map.of("OCEAN__INTEGRATION__CONFIG__PAGE_SIZE", "5")).load();
    assertEquals("5", s.integration().config().get("pageSize").asText());
  }
}
