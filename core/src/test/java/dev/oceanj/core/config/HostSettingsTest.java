package dev.oceanj.core.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Host mode's instance set: files, list, defaults, precedence, identifiers, data dirs and the errors. */
class HostSettingsTest {

  @TempDir Path dir;

  /** The runtime's second pass: no spec, and a type it does not know is refused. */
  private static final Function<OceanSettings, Optional<IntegrationSpec>> TYPED = s -> {
    if (s.integration().type().equals("nope")) {
      throw new IllegalArgumentException("unknown integration type \"nope\" (ocean.integration.type)");
    }
    return Optional.empty();
  };

  private Path instances() throws Exception {
    return Files.createDirectories(dir.resolve("instances"));
  }

  private HostSettings load(Map<String, String> env, String hocon) throws Exception {
    Path file = dir.resolve("application.conf");
    Files.writeString(file, hocon);
    return HostSettings.load(SettingsLoader.create().environment(env).configFile(file), TYPED);
  }

  @Test
  void withoutInstanceKeysTheProcessRunsOneInstanceAsAlways() throws Exception {
    HostSettings host = load(Map.of("OCEAN__INTEGRATION__IDENTIFIER", "solo"), "");
    assertFalse(host.hostMode());
    assertEquals(1, host.instances().size());
    assertEquals("solo", host.instances().get(0).identifier());
    assertEquals(Path.of(".oceanj"), host.instances().get(0).settings().dataDir());
  }

  @Test
  void envAndConfFilesOverDefaultsOverTheProcessEnvironment() throws Exception {
    Path folder = instances();
    Files.writeString(folder.resolve("fake-01.env"), String.join("\n",
        "# the old pod's environment",
        "",
        "OCEAN__INTEGRATION__TYPE=fake",
        "export OCEAN__EVENT_LISTENER__TYPE=\"ONCE\"",
        "OCEAN__PORT__CLIENT_ID='own-id'",
        "OCEAN__LOG_LEVEL=WARN"));
    Files.writeString(folder.resolve("fake-02.conf"), "integration { identifier = fake-02, type = fake }\n"
        + "event-listener { type = WEBHOOK, webhook.app-host = \"https://hooks.example.com\" }\n");
    Files.writeString(folder.resolve("README.md"), "not an instance");
    HostSettings host = load(Map.of("OCEAN__PORT__CLIENT_ID", "shared-id", "OCEAN__PORT__CLIENT_SECRET", "s3cret",
            "OCEAN__INSTANCES_DIR", folder.toString()),
        "ocean { data-dir = state, defaults { log-level = DEBUG, resync.upsert-concurrency = 3 } }");
    assertTrue(host.hostMode());
    assertEquals(List.of("fake-01", "fake-02"), host.instances().stream().map(HostSettings.InstanceSettings::identifier).toList());
    OceanSettings one = host.instances().get(0).settings();
    OceanSettings two = host.instances().get(1).settings();
    assertEquals("own-id", one.port().credentials().orElseThrow().clientId(), "the file's line wins");
    assertEquals("shared-id", two.port().credentials().orElseThrow().clientId(), "the process environment is shared");
    assertEquals("s3cret", one.port().credentials().orElseThrow().clientSecret().reveal());
    assertEquals(EventListenerType.ONCE, one.eventListener().type());
    assertEquals(EventListenerType.WEBHOOK, two.eventListener().type());
    assertEquals(LogLevel.WARN, one.logLevel(), "the instance wins over ocean.defaults");
    assertEquals(LogLevel.DEBUG, two.logLevel(), "ocean.defaults apply");
    assertEquals(3, two.resync().upsertConcurrency());
    assertEquals(Path.of("state", "fake-01"), one.dataDir());
    assertEquals(Path.of("state", "fake-02"), two.dataDir());
    assertFalse(one.instances().hostMode(), "an instance does not carry the instance set");
    assertTrue(host.instances().get(0).source().endsWith("fake-01.env"));
  }

  @Test
  void aHoconListDeclaresInstancesWithTheirOwnIdentifiers() throws Exception {
    HostSettings host = load(Map.of(), "ocean.instances = [ { integration { identifier = a, type = fake } },"
        + " { integration { identifier = b, type = fake }, event-listener.type = ONCE } ]");
    assertEquals(List.of("a", "b"), host.instances().stream().map(HostSettings.InstanceSettings::identifier).toList());
    assertEquals("ocean.instances[1]", host.instances().get(1).source());
    assertEquals(EventListenerType.ONCE, host.instances().get(1).settings().eventListener().type());
  }

  @Test
  void unchangedInstancesKeepTheirFingerprint() throws Exception {
    Path folder = instances();
    Files.writeString(folder.resolve("a.env"), "OCEAN__INTEGRATION__TYPE=fake\n");
    Files.writeString(folder.resolve("b.env"), "OCEAN__INTEGRATION__TYPE=fake\n");
    String conf = "ocean.instances-dir = \"" + folder + "\"";
    HostSettings before = load(Map.of(), conf);
    Files.writeString(folder.resolve("b.env"), "OCEAN__INTEGRATION__TYPE=fake\nOCEAN__LOG_LEVEL=DEBUG\n");
    Files.writeString(folder.resolve("c.env"), "OCEAN__INTEGRATION__TYPE=fake\n");
    HostSettings after = load(Map.of(), conf);
    assertEquals(before.instances().get(0).fingerprint(), after.instances().get(0).fingerprint());
    assertFalse(before.instances().get(1).fingerprint().equals(after.instances().get(1).fingerprint()));
  }

  @Test
  void everyProblemIsReportedNamingItsFile() throws Exception {
    Path folder = instances();
    Files.writeString(folder.resolve("a.env"), "OCEAN__INTEGRATION__IDENTIFIER=b\n");
    Files.writeString(folder.resolve("c.conf"), "integration.type = fake\nresync.no-such-key = 1\n");
    Files.writeString(folder.resolve("d.env"), "OCEAN__INTEGRATION__TYPE=nope\n");
    Files.writeString(folder.resolve("e.env"), "OCEAN__RESYNC__UPSERT_CONCURRENCY=many\n");
    Files.writeString(folder.resolve("f.env"), "just some text\n");
    var e = assertThrows(ConfigurationException.class,
        () -> load(Map.of(), "ocean.instances-dir = \"" + folder + "\""));
    String m = e.getMessage();
    assertTrue(m.contains("a.env: ocean.integration.identifier is \"b\" but the file is named \"a\""), m);
    assertTrue(m.contains("c.conf") && m.contains("ocean.resync.no-such-key"), m);
    assertTrue(m.contains("d.env: unknown integration type \"nope\""), m);
    assertTrue(m.contains("e.env") && m.contains("OCEAN__RESYNC__UPSERT_CONCURRENCY"), m);
    assertTrue(m.contains("f.env:1: expected KEY=VALUE"), m);
  }

  @Test
  void identifiersAreUniqueAndTheErrorNamesBothFiles() throws Exception {
    Path folder = instances();
    Files.writeString(folder.resolve("x.env"), "OCEAN__INTEGRATION__TYPE=fake\n");
    Files.writeString(folder.resolve("x.conf"), "integration.type = fake\n");
    var e = assertThrows(ConfigurationException.class,
        () -> load(Map.of(), "ocean.instances-dir = \"" + folder + "\""));
    assertTrue(e.getMessage().contains("identifier \"x\" is used by both " + folder.resolve("x.conf") + " and "
        + folder.resolve("x.env")), e.getMessage());
  }

  @Test
  void aMissingFolderOrAnEmptyOneIsAnError() throws Exception {
    var missing = assertThrows(ConfigurationException.class,
        () -> load(Map.of("OCEAN__INSTANCES_DIR", dir.resolve("nowhere").toString()), ""));
    assertTrue(missing.getMessage().contains("ocean.instances-dir: " + dir.resolve("nowhere") + " is not a folder"),
        missing.getMessage());
    Path empty = instances();
    var none = assertThrows(ConfigurationException.class,
        () -> load(Map.of("OCEAN__INSTANCES_DIR", empty.toString()), ""));
    assertTrue(none.getMessage().contains("no *.env or *.conf file"), none.getMessage());
  }

  /** A fake instance's file for each {@code <identifier>=<OCEAN__PATH_PREFIX>} (nothing after {@code =}: none). */
  private Path withPrefixes(String... instances) throws Exception {
    Path folder = instances();
    for (String instance : instances) {
      String[] idAndPrefix = instance.split("=", 2);
      Files.writeString(folder.resolve(idAndPrefix[0] + ".env"), "OCEAN__INTEGRATION__TYPE=fake\n"
          + (idAndPrefix[1].isEmpty() ? "" : "OCEAN__PATH_PREFIX=" + idAndPrefix[1] + "\n"));
    }
    return folder;
  }

  @Test
  void anInstancesOwnPathPrefixIsItsAliasAndThePrefixEveryInstanceInheritsIsNot() throws Exception {
    Path folder = withPrefixes("a=/pods/a/", "b=", "c=/oceanj/c");
    HostSettings host = load(Map.of("OCEAN__INSTANCES_DIR", folder.toString(), "OCEAN__PATH_PREFIX", "oceanj"), "");
    OceanSettings process = host.process();
    List<Optional<String>> aliases = host.instances().stream()
        .map(i -> HostSettings.pathPrefixAlias(process, i.settings())).toList();
    // b inherits the process's prefix (its routes are /oceanj/b); c's prefix is its own route.
    assertEquals(List.of(Optional.of("/pods/a"), Optional.empty(), Optional.empty()), aliases);
  }

  @Test
  void aPathPrefixSharingAPathWithAnotherInstanceOrAProcessRouteIsRefused() throws Exception {
    Path folder = withPrefixes("a=/x", "b=/x", "c=/a/hooks", "d=/health/d", "e=/e-legacy");
    var e = assertThrows(ConfigurationException.class,
        () -> load(Map.of("OCEAN__INSTANCES_DIR", folder.toString()), ""));
    String a = folder.resolve("a.env").toString();
    assertTrue(e.problems().contains(folder.resolve("b.env") + ": ocean.path-prefix \"/x\" (mounted as an alias of"
        + " the instance's routes) clashes with ocean.path-prefix \"/x\" of " + a + "; give each instance its own"
        + " prefix"), e.problems().toString());
    assertTrue(e.problems().stream().anyMatch(p -> p.startsWith(folder.resolve("c.env") + ": ocean.path-prefix")
        && p.contains("the routes of instance \"a\" (" + a + ")")), e.problems().toString());
    assertTrue(e.problems().stream().anyMatch(p -> p.startsWith(folder.resolve("d.env") + ": ocean.path-prefix")
        && p.contains("the process's route /health")), e.problems().toString());
    assertEquals(3, e.problems().size(), "e's prefix is its own: " + e.problems());
  }
}
