package dev.oceanj.testsupport.process;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.oceanj.testsupport.Await;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ChildJvmTest {

  /** Prints a tick every 50 ms until stopped; prints its argument and an environment variable first. */
  public static final class Ticker {
    public static void main(String[] args) throws InterruptedException {
      System.out.println("started " + args[0] + " " + System.getenv("TICKER_GREETING"));
      Runtime.getRuntime().addShutdownHook(new Thread(() -> System.out.println("shutdown hook ran")));
      for (long i = 0; ; i++) {
        System.out.println("tick " + i);
        Thread.sleep(50);
      }
    }
  }

  @Test
  void startsFreezesThawsAndKills(@TempDir Path dir) {
    try (ChildJvm child = ChildJvm.builder("ticker", Ticker.class.getName(), dir).jvmArgs("-Xmx32m")
        .args("one").env("TICKER_GREETING", "hello").start()) {
      child.awaitOutput(l -> l.equals("started one hello"), Duration.ofSeconds(30));
      child.awaitOutput(l -> l.startsWith("tick 2"), Duration.ofSeconds(30));

      child.freeze();
      Await.pause(Duration.ofMillis(100)); // the signal takes effect when the process is next scheduled
      int frozenAt = ticks(child);
      // Frozen, the count must not move: three observations 100 ms apart (two tick periods each) agree.
      for (int i = 0; i < 3; i++) {
        Await.pause(Duration.ofMillis(100));
        assertEquals(frozenAt, ticks(child), "a frozen JVM prints nothing");
      }
      child.thaw();
      Await.until("ticks again after SIGCONT", Duration.ofSeconds(30), () -> ticks(child) > frozenAt + 2);

      child.kill9();
      assertFalse(child.alive());
      assertFalse(child.output().contains("shutdown hook ran"), "SIGKILL runs no hook");
    }
  }

  @Test
  void termRunsShutdownHooks(@TempDir Path dir) {
    try (ChildJvm child = ChildJvm.builder("ticker", Ticker.class.getName(), dir).args("two").start()) {
      child.awaitOutput(l -> l.startsWith("tick 1"), Duration.ofSeconds(30));
      child.term();
      assertNotEquals(0, child.awaitExit(Duration.ofSeconds(30)));
      assertTrue(child.output().contains("shutdown hook ran"));
    }
  }

  private static int ticks(ChildJvm child) {
    return (int) child.output().lines().filter(l -> l.startsWith("tick ")).count();
  }
}
