package dev.oceanj.runtime;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * A runtime in a child JVM on this test's class path, so that a test can kill it with SIGKILL. Its output
 * (stdout and stderr) goes to a log file in {@code logs} and is kept for assertions.
 */
public final class ChildJvm implements AutoCloseable {

  private final Process process;
  private final Path log;
  private final List<String> lines = new CopyOnWriteArrayList<>();
  private volatile boolean ended;

  private ChildJvm(Process process, Path log) {
    this.process = process;
    this.log = log;
  }

  /** Starts {@code main} with {@code env} added to this process's environment. */
  public static ChildJvm start(Class<?> main, Map<String, String> env, Path logs) throws IOException {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    ProcessBuilder pb = new ProcessBuilder(java, "-Xmx256m", "-cp", System.getProperty("java.class.path"),
        main.getName());
    pb.environment().putAll(env);
    pb.redirectErrorStream(true);
    Path log = Files.createTempFile(logs, "child-", ".log");
    ChildJvm child = new ChildJvm(pb.start(), log);
    Thread pump = new Thread(child::pump, "child-output");
    pump.setDaemon(true);
    pump.start();
    return child;
  }

  private void pump() {
    try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(),
        StandardCharsets.UTF_8))) {
      for (String line; (line = r.readLine()) != null; ) {
        lines.add(line);
        Files.writeString(log, line + "\n", StandardOpenOption.APPEND);
      }
    } catch (IOException e) {
      lines.add("(output lost: " + e + ")");
    } finally {
      ended = true;
    }
  }

  public long pid() {
    return process.pid();
  }

  /** Waits until a line contains {@code text}; fails when the child ends first or the time is up. */
  public void awaitLine(String text, Duration within) {
    long deadline = System.nanoTime() + within.toNanos();
    while (lines.stream().noneMatch(l -> l.contains(text))) {
      if (ended && lines.stream().noneMatch(l -> l.contains(text))) {
        throw new AssertionError("the child ended without printing \"" + text + "\":\n" + tail());
      }
      if (System.nanoTime() > deadline) {
        throw new AssertionError("the child did not print \"" + text + "\" in " + within + ":\n" + tail());
      }
      pause();
    }
  }

  /** Waits for the child to exit and returns its exit code. */
  public int awaitExit(Duration within) throws InterruptedException {
    if (!process.waitFor(within.toMillis(), TimeUnit.MILLISECONDS)) {
      throw new AssertionError("the child did not exit in " + within + "; see " + log);
    }
    return process.exitValue();
  }

  /** Kills the child with SIGKILL and waits for it to be gone. */
  public void kill() throws InterruptedException {
    process.destroyForcibly();
    int code = awaitExit(Duration.ofSeconds(30));
    if (code != 137) {
      throw new AssertionError("expected a SIGKILL exit (137), got " + code + "; see " + log);
    }
  }

  public boolean isAlive() {
    return process.isAlive();
  }

  /** Its last 40 lines. */
  private String tail() {
    return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
  }

  /** Everything it printed so far. */
  public String output() {
    return String.join("\n", lines);
  }

  public Path log() {
    return log;
  }

  @Override
  public void close() throws InterruptedException {
    if (process.isAlive()) {
      process.destroyForcibly();
      process.waitFor(30, TimeUnit.SECONDS);
    }
  }

  /** Waits a little between two looks at a condition that has a deadline. */
  static void pause() {
    dev.oceanj.testsupport.Await.pause(Duration.ofMillis(10));
  }
}
