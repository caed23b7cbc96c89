package dev.oceanj.integrations.fake;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * One million persons (200,000 per department) drain through the fake 3rd-party API and the streaming harness
 * in a JVM whose whole heap is 64 MiB, about 6% of the 1 GiB of JSON that flows through it: it can only pass if
 * persons are generated on demand and nothing along the way keeps them.
 */
class MillionPersonsFlatMemoryTest {

  @TempDir
  Path dir;

  @Test
  void drainsOneMillionPersonsInA64MiBHeap() throws IOException, InterruptedException {
    Path output = dir.resolve("bench.out");
    String java = Paths.get(System.getProperty("java.home"), "bin", "java").toString();
    Process child = new ProcessBuilder(java, "-Xmx64m", "-XX:+UseSerialGC",
        "-cp", System.getProperty("java.class.path"),
        FakeResyncBench.class.getName(), "200000", "1", "1000", FakeIntegration.PERSON)
        .redirectErrorStream(true)
        .redirectOutput(output.toFile())
        .start();
    boolean finished = child.waitFor(15, TimeUnit.MINUTES);
    if (!finished) {
      child.destroyForcibly();
    }
    List<String> lines = Files.readAllLines(output, StandardCharsets.UTF_8);
    lines.forEach(System.out::println);
    assertTrue(finished, "the 1,000,000-person drain did not finish in 15 minutes: " + lines);
    assertEquals(0, child.exitValue(), "child JVM failed: " + lines);
    assertTrue(lines.contains("fake-person=1000000"), String.join("\n", lines));
    assertTrue(lines.stream().anyMatch(line -> line.contains("maxHeapMB=6")), String.join("\n", lines));
  }
}
