package dev.oceanj.spi.host;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IntegrationResourcesTest {

  @TempDir
  Path jar;

  @TempDir
  Path user;

  private static void write(Path root, String name, String text) throws Exception {
    Path file = root.resolve(name);
    Files.createDirectories(file.getParent());
    Files.writeString(file, text);
  }

  private IntegrationResources shipped() throws Exception {
    write(jar, "oceanj/integration/acme/.port/spec.yml", "title: shipped spec");
    write(jar, "oceanj/integration/acme/.port/resources/port-app-config.yml", "resources: []");
    write(jar, "oceanj/integration/acme/.port/resources/blueprints.json", "[]");
    write(jar, "oceanj/integration/other/.port/resources/pages.json", "[]");
    ClassLoader loader = new URLClassLoader(new URL[] {jar.toUri().toURL()}, null);
    return IntegrationResources.forType("acme", loader);
  }

  @Test
  void findsTheShippedFilesOfOneTypeOnTheClasspath() throws Exception {
    IntegrationResources resources = shipped();

    PortFile spec = resources.spec().orElseThrow();
    assertEquals("title: shipped spec", spec.text());
    assertEquals("spec.yml", spec.name());
    assertEquals("classpath:oceanj/integration/acme/.port/spec.yml", spec.location());
    assertEquals("yml", spec.extension());
    assertEquals("resources: []", resources.mapping().orElseThrow().text());
    assertEquals("[]", resources.blueprints().orElseThrow().text());
    assertTrue(resources.pages().isEmpty(), "another type's files are not visible");
    assertTrue(resources.scorecards().isEmpty());
    assertTrue(resources.actions().isEmpty());
  }

  @Test
  void aUserFolderOverridesFileByFile() throws Exception {
    write(user, "resources/port-app-config.yaml", "resources: [mine]");
    write(user, "resources/scorecards.json", "[{}]");
    IntegrationResources resources = shipped().withOverride(user);

    PortFile mapping = resources.mapping().orElseThrow();
    assertEquals("resources: [mine]", mapping.text());
    assertEquals(user.resolve("resources/port-app-config.yaml").toString(), mapping.location());
    assertEquals("title: shipped spec", resources.spec().orElseThrow().text(), "the shipped spec still applies");
    assertEquals("[{}]", resources.scorecards().orElseThrow().text());
    assertTrue(resources.toString().startsWith("[" + user), resources.toString());
  }

  @Test
  void specExtensionsAreTriedInOceansOrder() throws Exception {
    write(user, "spec.json", "{}");
    write(user, "spec.yaml", "title: yaml");
    assertEquals("spec.yaml", IntegrationResources.directory(user).spec().orElseThrow().name());
  }

  @Test
  void refusesPathsOutsideThePortFolderAndOddTypes() throws Exception {
    IntegrationResources resources = IntegrationResources.directory(user);
    assertThrows(IllegalArgumentException.class, () -> resources.file("../secrets.env"));
    assertThrows(IllegalArgumentException.class, () -> resources.file("/etc/passwd"));
    assertThrows(IllegalArgumentException.class, () -> IntegrationResources.forType("../acme"));
    assertTrue(resources.file("resources/none.json").isEmpty());
  }

  @Test
  void missingUserFolderIsNamed() {
    Path missing = user.resolve("nope/.port");
    var e = assertThrows(IllegalArgumentException.class, () -> IntegrationResources.directory(missing));
    assertTrue(e.getMessage().contains(missing.toString()), e.getMessage());
  }
}
