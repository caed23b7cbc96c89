package dev.oceanj.core.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.oceanj.core.config.IntegrationSpec.ConfigType;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IntegrationSpecTest {

  @TempDir
  Path dir;

  private static IntegrationSpec parse(String text, String name) {
    return IntegrationSpec.parse(new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)), name);
  }

  @Test
  void readsEveryFieldFromTheClasspath() {
    var spec = Fixtures.spec();
    assertEquals("classpath:dev/oceanj/core/config/fixture/spec.yaml", spec.source());
    assertEquals(Optional.of("Fixture"), spec.title());
    assertEquals(Optional.of("Fake"), spec.icon());
    assertEquals(List.of(new IntegrationSpec.Feature("exporter", Optional.of("Fixture"),
        List.of("fake-department", "fake-person"))), spec.features());
    assertEquals(Optional.of(new IntegrationSpec.Saas(true, true)), spec.saas());
    assertEquals(7, spec.configurations().size());
    var token = spec.configuration("apiToken").orElseThrow();
    assertEquals(ConfigType.STRING, token.type());
    assertTrue(token.required());
    assertTrue(token.sensitive());
    assertEquals("OCEAN__INTEGRATION__CONFIG__API_TOKEN", token.envVar());
    assertEquals(100, spec.configuration("pageSize").orElseThrow().defaultValue().orElseThrow().asInt());
    assertEquals(ConfigType.NUMBER, spec.configuration("ratio").orElseThrow().type());
  }

  @Test
  void findsTheSpecAnIntegrationModuleShipsForItsType() {
    var spec = IntegrationSpec.forType(getClass().getClassLoader(), "Fixture-Type").orElseThrow();
    assertEquals("classpath:oceanj/integration/fixture-type/.port/spec.yml", spec.source());
    assertEquals(Optional.of("from the class path"), spec.title());
    assertEquals(Optional.empty(), IntegrationSpec.forType(getClass().getClassLoader(), "no-such-type"));
  }

  @Test
  void findsJsonSpecInAnIntegrationFolder() throws Exception {
    Files.createDirectories(dir.resolve(".port"));
    Files.writeString(dir.resolve(".port/spec.json"),
        "{\"title\":\"J\",\"configurations\":[{\"name\":\"host\",\"type\":\"url\",\"default\":\"http://x/\"}]}");
    var spec = IntegrationSpec.find(dir).orElseThrow();
    assertEquals(dir.resolve(".port/spec.json").toString(), spec.source());
    assertEquals(ConfigType.URL, spec.configurations().get(0).type());
    assertFalse(spec.configurations().get(0).required());
  }

  @Test
  void yamlIsPreferredOverJsonAndAbsenceIsEmpty() throws Exception {
    assertEquals(Optional.empty(), IntegrationSpec.find(dir));
    Files.createDirectories(dir.resolve(".port"));
    Files.writeString(dir.resolve(".port/spec.json"), "{\"title\":\"json\"}");
    Files.writeString(dir.resolve(".port/spec.yml"), "title: yml");
    assertEquals(Optional.of("yml"), IntegrationSpec.find(dir).orElseThrow().title());
  }

  @Test
  void everyBadConfigurationIsReportedNamingTheFile() {
    var e = assertThrows(ConfigurationException.class, () -> parse("""
        configurations:
          - name: port
            type: float
          - type: string
          - name: flag
            type: boolean
            required: maybe
          - name: port
            type: integer
        """, "my/.port/spec.yaml"));
    assertEquals(List.of(
        "my/.port/spec.yaml: configurations[0] 'port': unknown type 'float'; expected one of string, url, integer, "
            + "number, boolean, object, array",
        "my/.port/spec.yaml: configurations[1]: missing name",
        "my/.port/spec.yaml: configurations[2] 'flag': required must be true or false, got \"maybe\""),
        e.problems());
  }

  @Test
  void duplicateNamesAndBrokenFilesAreErrors() {
    var dup = assertThrows(ConfigurationException.class, () -> parse("""
        configurations:
          - {name: a, type: string}
          - {name: a, type: integer}
        """, "s.yaml"));
    assertEquals(List.of("s.yaml: configuration 'a' is declared twice"), dup.problems());

    var broken = assertThrows(ConfigurationException.class, () -> parse("{\"title\": ", "s.json"));
    assertTrue(broken.problems().get(0).startsWith("s.json: not valid JSON"), broken.getMessage());

    var missing = assertThrows(ConfigurationException.class, () -> IntegrationSpec.parse(dir.resolve("none.yaml")));
    assertTrue(missing.problems().get(0).startsWith(dir.resolve("none.yaml") + ": cannot read"), missing.getMessage());
  }

  @Test
  void specDefaultsAreDefensiveCopies() {
    var spec = parse("configurations: [{name: o, type: object, default: {a: 1}}]", "s.yaml");
    var def = (com.fasterxml.jackson.databind.node.ObjectNode) spec.configurations().get(0).defaultValue().orElseThrow();
    def.put("a", 2);
    assertEquals(1, spec.configurations().get(0).defaultValue().orElseThrow().get("a").asInt());
  }
}
