package dev.oceanj.runtime.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.oceanj.runtime.cli.CliTest.Run;
import dev.oceanj.spi.Integration;
import dev.oceanj.spi.host.DefinedIntegration;
import dev.oceanj.spi.testing.ResyncHarness;
import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code oceanj new}, then the generated project's own {@code mvn -B verify}: it compiles and its tests pass.
 *
 * <p>The project depends on {@code oceanj-spi} and {@code oceanj-spi-host} (and its test JAR) of this version, which no repository serves
 * during this build, and nothing may be installed into the shared local repository. So the test writes those
 * artifacts, from this build's class path, into a temporary local repository ({@code -Dmaven.repo.local}), and a
 * settings file mirrors every other repository to this build's local repository as a {@code file://} URL: the
 * child build reads third-party artifacts from there and never goes to the network. Skipped, saying so, when
 * {@code mvn} is not on the PATH.
 */
class NewProjectBuildTest {

  @TempDir Path dir;

  @Test
  void aGeneratedProjectBuildsAndItsTestsPass() throws Exception {
    Path mvn = onPath("mvn");
    assumeTrue(mvn != null, "mvn is not on the PATH: the generated project's build is not tried");
    Path project = dir.resolve("acme");
    Run generated = CliTest.run("", "new", project.toString(), "--kind", "ticket");
    assertEquals(0, generated.exit(), generated.err());

    String version = CliTest.run("", "version", "-s").out().strip();
    Path repo = dir.resolve("repo");
    Path spiModule = moduleOf(Integration.class);
    Path gav = repo.resolve("dev/oceanj/oceanj-spi/" + version);
    Files.createDirectories(gav);
    Files.copy(spiModule.resolve("pom.xml"), gav.resolve("oceanj-spi-" + version + ".pom"));
    jar(classesOf(Integration.class), gav.resolve("oceanj-spi-" + version + ".jar"));
    Path hostModule = moduleOf(DefinedIntegration.class);
    Path hostGav = repo.resolve("dev/oceanj/oceanj-spi-host/" + version);
    Files.createDirectories(hostGav);
    Files.copy(hostModule.resolve("pom.xml"), hostGav.resolve("oceanj-spi-host-" + version + ".pom"));
    jar(classesOf(DefinedIntegration.class), hostGav.resolve("oceanj-spi-host-" + version + ".jar"));
    jar(classesOf(ResyncHarness.class), hostGav.resolve("oceanj-spi-host-" + version + "-tests.jar"));
    Path parentGav = repo.resolve("dev/oceanj/oceanj-parent/" + version);
    Files.createDirectories(parentGav);
    Path rootPom = spiModule.resolve("../../pom.xml").normalize();
    assertTrue(Files.readString(rootPom).contains("<artifactId>oceanj-parent</artifactId>"), rootPom.toString());
    Files.copy(rootPom, parentGav.resolve("oceanj-parent-" + version + ".pom"));

    String thirdParty = System.getProperty("oceanj.local.repository",
        Path.of(System.getProperty("user.home"), ".m2", "repository").toString());
    Path settings = dir.resolve("settings.xml");
    Files.writeString(settings, """
        <settings>
          <mirrors>
            <mirror><id>build-local</id><mirrorOf>*</mirrorOf><url>%s</url></mirror>
          </mirrors>
        </settings>
        """.formatted(Path.of(thirdParty).toUri()));

    Path log = dir.resolve("build.log");
    // C1 only: both JVMs of the child build (Maven, the test fork) live a few seconds.
    ProcessBuilder pb = new ProcessBuilder(mvn.toString(), "-B", "-q", "-s", settings.toString(),
        "-Dmaven.repo.local=" + repo, "-DargLine=-XX:TieredStopAtLevel=1", "verify")
        .directory(project.toFile()).redirectErrorStream(true).redirectOutput(log.toFile());
    pb.environment().put("MAVEN_OPTS", "-Xmx512m -XX:TieredStopAtLevel=1");
    Process build = pb.start();
    try {
      boolean done = build.waitFor(5, TimeUnit.MINUTES);
      assertTrue(done, "the generated project's build did not end within 5 minutes: " + tail(log));
      assertEquals(0, build.exitValue(), "the generated project's build failed: " + tail(log));
    } finally {
      build.destroyForcibly();
    }
    Path report = project.resolve("target/surefire-reports/com.example.oceanj.acme.AcmeIntegrationTest.txt");
    assertTrue(Files.isRegularFile(report), "no test report: " + tail(log));
    String summary = Files.readString(report);
    assertTrue(summary.contains("Tests run: 4, Failures: 0, Errors: 0, Skipped: 0"), summary);
    Path built = project.resolve("target/oceanj-integration-acme-0.1.0-SNAPSHOT.jar");
    try (java.util.jar.JarFile jar = new java.util.jar.JarFile(built.toFile())) {
      assertEquals("0.1.0-SNAPSHOT", jar.getManifest().getMainAttributes().getValue("Implementation-Version"),
          "`oceanj list` shows the integration's version from its manifest");
      assertTrue(jar.getEntry("oceanj/integration/acme/.port/resources/port-app-config.yml") != null,
          "the .port folder is on the class path where the runtime looks for it");
      assertTrue(jar.getEntry("META-INF/services/dev.oceanj.spi.Integration") != null);
    }
  }

  private static Path onPath(String command) {
    for (String d : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
      Path candidate = Path.of(d, command);
      if (!d.isEmpty() && Files.isExecutable(candidate)) {
        return candidate;
      }
    }
    return null;
  }

  /** Where {@code cls} was loaded from: a classes folder or a JAR. */
  private static Path classesOf(Class<?> cls) throws Exception {
    return Path.of(cls.getProtectionDomain().getCodeSource().getLocation().toURI());
  }

  /** The Maven module that built {@code cls}: {@code <module>/target/classes} or {@code <module>/target/x.jar}. */
  private static Path moduleOf(Class<?> cls) throws Exception {
    Path module = classesOf(cls).getParent().getParent();
    assertTrue(Files.isRegularFile(module.resolve("pom.xml")), "no pom.xml in " + module);
    return module;
  }

  /** Copies a JAR, or packs a classes folder into one. */
  private static void jar(Path classes, Path jar) throws IOException {
    if (Files.isRegularFile(classes)) {
      Files.copy(classes, jar, StandardCopyOption.REPLACE_EXISTING);
      return;
    }
    try (OutputStream file = Files.newOutputStream(jar); JarOutputStream out = new JarOutputStream(file);
        Stream<Path> walk = Files.walk(classes)) {
      for (Path p : walk.filter(Files::isRegularFile).sorted().toList()) {
        out.putNextEntry(new JarEntry(classes.relativize(p).toString().replace(File.separatorChar, '/')));
        Files.copy(p, out);
        out.closeEntry();
      }
    }
  }

  private static String tail(Path log) throws IOException {
    if (!Files.exists(log)) {
      return "(no output)";
    }
    List<String> lines = Files.readAllLines(log);
    return String.join("\n", lines.subList(Math.max(0, lines.size() - 60), lines.size()));
  }
}
