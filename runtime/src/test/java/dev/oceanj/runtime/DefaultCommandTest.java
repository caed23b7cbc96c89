package dev.oceanj.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.oceanj.testsupport.process.ChildJvm;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * With no arguments (the image's entry point) the runtime runs {@code sail} without building picocli's command
 * line, whose classes the class-data archive cannot hold; with {@code sail} it goes through picocli, to the same
 * result.
 */
class DefaultCommandTest {

  @TempDir Path dir;

  @Test
  void noArgumentsRunsSailWithoutLoadingPicocli() throws Exception {
    String bare = run("bare");
    String sail = run("sail", "sail");
    assertFalse(bare.contains(" picocli."), "picocli loaded without arguments");
    assertTrue(sail.contains(" picocli."), "the control: `sail` goes through picocli");
  }

  /** Runs Main with a listener type that does not exist; returns its class-loading log. */
  private String run(String name, String... args) throws Exception {
    Path classes = dir.resolve(name + "-classes.log");
    try (ChildJvm child = ChildJvm.builder(name, Main.class.getName(), dir)
        .jvmArgs("-Xmx128m", "-XX:+UseSerialGC", "-Xshare:off", "-Xlog:class+load=info:file=" + classes)
        .withoutEnv("OCEAN__").withoutEnv("APPLICATION__")
        .env("OCEAN__EVENT_LISTENER__TYPE", "SOMETIMES").env("OCEAN__DATA_DIR", dir.resolve(name).toString())
        .args(args).start()) {
      assertEquals(2, child.awaitExit(Duration.ofSeconds(60)), child.tail());
      assertTrue(child.output().contains("oceanj: invalid configuration:"), child.tail());
      assertTrue(child.output().contains("SOMETIMES"), child.tail());
    }
    return Files.readString(classes);
  }
}
