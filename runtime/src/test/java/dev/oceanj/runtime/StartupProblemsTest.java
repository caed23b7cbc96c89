package dev.oceanj.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.oceanj.emulator.PortEmulator;
import dev.oceanj.testsupport.TestPort;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Problems a run finds before its first request to Port, each a configuration problem: exit 2, listed by
 * {@code oceanj config}, naming the key or the file and position. Runs {@link Main} in-process with system
 * properties (restored after).
 */
class StartupProblemsTest {

  @TempDir Path dir;

  private static SystemProperties.Run main(Map<String, String> sysProps, String... args) {
    return SystemProperties.run(sysProps, args);
  }

  /** The same settings for {@code oceanj config} and for a run; both must exit 2 and say {@code expected}. */
  private static void bothReport(Map<String, String> props, String... expected) {
    SystemProperties.Run config = main(props, "config");
    assertEquals(2, config.exit(), config.out() + config.err());
    SystemProperties.Run run = main(props);
    assertEquals(2, run.exit(), run.out() + run.err());
    for (String e : expected) {
      assertTrue(config.err().contains(e), "config should say " + e + ": " + config.err());
      assertTrue(run.err().contains(e), "the run should say " + e + ": " + run.err());
    }
  }

  private Map<String, String> withDataDir(Map<String, String> props) {
    Map<String, String> all = new HashMap<>(props);
    all.putIfAbsent("ocean.data-dir", dir.resolve("data").toString());
    return all;
  }

  @Test
  void anUnknownIntegrationTypeIsAConfigurationProblemNamingTheTypesThatExist() {
    SystemProperties.Run valid = main(withDataDir(Map.of()), "config");
    assertEquals(0, valid.exit(), valid.err());
    bothReport(withDataDir(Map.of("ocean.integration.type", "nosuch")),
        "ocean.integration.type", "'nosuch'", "fake");
  }

  @Test
  void aDataDirThatIsAFileFailsAtOnceNamingIt() throws IOException {
    Path file = Files.writeString(dir.resolve("a-file"), "x");
    bothReport(Map.of("ocean.data-dir", file.toString(), "ocean.event-listener.type", "WEBHOOKS_ONLY",
        "ocean.http.port", "0"), "ocean.data-dir", file.toString(), "not a directory");
  }

  @Test
  void aDataDirThatCannotBeCreatedFailsAtOnceNamingIt() throws IOException {
    Path file = Files.writeString(dir.resolve("a-file"), "x");
    Path under = file.resolve("state");
    bothReport(Map.of("ocean.data-dir", under.toString(), "ocean.event-listener.type", "WEBHOOKS_ONLY",
        "ocean.http.port", "0"), "ocean.data-dir", under.toString(), file.toString());
  }

  /** A user's {@code .port/resources} folder with one file replaced. */
  private Map<String, String> userResources(String file, String text) throws IOException {
    Path resources = Files.createDirectories(dir.resolve(".port").resolve("resources"));
    Files.writeString(resources.resolve(file), text);
    return withDataDir(Map.of("ocean.resources-path", resources.toString()));
  }

  @Test
  void aMappingWithAJqErrorIsRejectedBeforeAnythingIsWrittenToPort() throws IOException {
    Map<String, String> props = new HashMap<>(userResources("port-app-config.yml", String.join("\n",
        "resources:",
        "  - kind: fake-department",
        "    selector:",
        "      query: 'true'",
        "    port:",
        "      entity:",
        "        mappings:",
        "          identifier: .id",
        "          title: .name | ascii_downcase(",
        "          blueprint: '\"fakeDepartment\"'",
        "")));
    try (PortEmulator port = TestPort.start("test-id", "test-secret")) {
      props.put("ocean.port.client-id", "test-id");
      props.put("ocean.port.client-secret", "test-secret");
      props.put("ocean.port.base-url", port.baseUrl());
      props.put("ocean.event-listener.type", "ONCE");
      String file = dir.resolve(".port/resources/port-app-config.yml").toString();
      bothReport(props, file, "resources[0] (kind fake-department) port.entity.mappings.title", "ascii_downcase(");
      assertTrue(port.integration("my-fake-integration").isEmpty(), "nothing may reach Port");
      assertTrue(port.blueprint("fakeDepartment").isEmpty(), "no blueprint may be created");
    }
  }

  @Test
  void aMappingThatIsNotYamlNamesTheFileAndLine() throws IOException {
    Map<String, String> props = userResources("port-app-config.yml", "resources:\n  - kind: [unclosed\n");
    bothReport(props, dir.resolve(".port/resources/port-app-config.yml").toString(), "line 3");
  }

  @Test
  void invalidBlueprintsNameTheFileAndPosition() throws IOException {
    Map<String, String> props = userResources("blueprints.json", "[{\"identifier\": \"a\",,}]");
    bothReport(props, dir.resolve(".port/resources/blueprints.json").toString(), "line 1, column 21");
  }

  @Test
  void aBlueprintWithoutIdentifierIsAProblemBeforeAnyWrite() throws IOException {
    Map<String, String> props = userResources("blueprints.json", "[{\"title\": \"no id\"}]");
    bothReport(props, dir.resolve(".port/resources/blueprints.json").toString(), "[0]", "identifier");
  }

  @Test
  void aBrokenSpecInTheUsersPortFolderNamesTheFileAndPosition() throws IOException {
    Map<String, String> props = userResources("port-app-config.yml",
        new String(getClass().getClassLoader().getResourceAsStream(
            "oceanj/integration/fake/.port/resources/port-app-config.yml").readAllBytes(), StandardCharsets.UTF_8));
    Path spec = Files.writeString(dir.resolve(".port/spec.yaml"), "title: Fake\nconfigurations:\n  - name: [x\n");
    bothReport(props, spec.toString(), "line 4");
    SystemProperties.Run fine = main(props, "config");
    assertFalse(fine.err().contains("port-app-config"), fine.err());
  }
}
