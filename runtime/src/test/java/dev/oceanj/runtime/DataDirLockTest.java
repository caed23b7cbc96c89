package dev.oceanj.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.oceanj.emulator.PortEmulator;
import dev.oceanj.testsupport.TestPort;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** One process per data dir, with real processes: the second exits 2 naming the dir and the holder. */
class DataDirLockTest {

  static final Duration WAIT = Duration.ofSeconds(90);
  static final String READY = "HTTP server listening on";

  @TempDir Path dataDir;
  @TempDir Path logs;

  @Test
  void aSecondRuntimeOnTheSameDataDirExitsTwoNamingTheHolder() throws Exception {
    try (PortEmulator port = TestPort.start()) {
      Map<String, String> env = ChildRuntimes.env(port, dataDir, "locked",
          Map.of("OCEAN__EVENT_LISTENER__TYPE", "POLLING"));
      try (ChildJvm first = ChildJvm.start(Main.class, env, logs)) {
        first.awaitLine(READY, WAIT);
        String holder = Files.readString(dataDir.resolve(DataDirLock.FILE));
        assertTrue(holder.contains("pid " + first.pid()), holder);

        try (ChildJvm second = ChildJvm.start(Main.class, env, logs)) {
          assertEquals(2, second.awaitExit(WAIT), second.output());
          String out = second.output();
          assertTrue(out.contains(dataDir.toAbsolutePath().toString()), out);
          assertTrue(out.contains("pid " + first.pid()), out);
          assertTrue(first.isAlive(), "the holder runs on");
        }

        // kill -9 releases the lock with the process: the next one starts.
        first.kill();
        try (ChildJvm third = ChildJvm.start(Main.class, env, logs)) {
          third.awaitLine(READY, WAIT);
          assertTrue(Files.readString(dataDir.resolve(DataDirLock.FILE)).contains("pid " + third.pid()));
        }
      }
    }
  }
}
