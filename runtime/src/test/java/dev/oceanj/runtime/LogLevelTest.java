package dev.oceanj.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import dev.oceanj.core.config.LogLevel;
import dev.oceanj.core.config.SettingsLoader;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * Ocean's {@code OCEAN__LOG_LEVEL} and {@code APPLICATION__LOG_LEVEL} set the level of the whole runtime: logback's
 * root logger and Pekko's {@code pekko.loglevel}. Each test runs the embedded default (ONCE) to its end; the root
 * level is restored after.
 */
class LogLevelTest {

  @TempDir Path dataDir;
  private final Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
  private Level before;

  @BeforeEach
  void remember() {
    before = root.getLevel();
  }

  @AfterEach
  void restore() {
    root.setLevel(before);
  }

  private void runWith(Map<String, String> env, Level logback, String pekko) throws Exception {
    var all = new java.util.HashMap<>(env);
    all.put("OCEAN__DATA_DIR", dataDir.toString());
    var settings = SettingsLoader.create().environment(all).load();
    OceanRuntime runtime = OceanRuntime.start(settings, line -> { });
    try {
      assertEquals(pekko, runtime.system().settings().config().getString("pekko.loglevel"));
      assertEquals(logback, root.getLevel());
    } finally {
      assertEquals(0, runtime.exitCode().toCompletableFuture().get(60, TimeUnit.SECONDS));
    }
  }

  @Test
  void oceansLogLevelSetsLogbackAndPekko() throws Exception {
    runWith(Map.of("OCEAN__LOG_LEVEL", "WARNING"), Level.WARN, "WARNING");
  }

  @Test
  void applicationLogLevelSetsLogbackAndPekko() throws Exception {
    runWith(Map.of("APPLICATION__LOG_LEVEL", "debug"), Level.DEBUG, "DEBUG");
  }

  @Test
  void criticalIsErrorAndTraceIsDebugForPekko() throws Exception {
    runWith(Map.of("OCEAN__LOG_LEVEL", "CRITICAL"), Level.ERROR, "ERROR");
    assertEquals("DEBUG", OceanRuntime.applyLogLevel(LogLevel.TRACE).getString("pekko.loglevel"));
    assertEquals(Level.TRACE, root.getLevel());
  }
}
