package dev.oceanj.testsupport.process;

import dev.oceanj.testsupport.Await;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * A JVM a test starts as a child process (a cluster node, a runtime in WEBHOOKS_ONLY), with the failures a test
 * injects: {@link #kill9()} (a crash), {@link #freeze()} / {@link #thaw()} ({@code SIGSTOP}/{@code SIGCONT}: a long
 * pause, after which the node comes back as a zombie) and {@link #term()} (a graceful stop). Its standard output and
 * error go to one log file in the given directory ({@link #output()}), never to a pipe that could fill up.
 * {@link #close()} kills it if it still runs.
 *
 * <pre>{@code
 * try (ChildJvm node = ChildJvm.builder("node-1", dev.oceanj.runtime.Main.class.getName(), dir)
 *     .jvmArgs("-Xmx128m", "-XX:+UseSerialGC").env("OCEAN__HTTP__PORT", "0").start()) {
 *   node.awaitOutput(line -> line.contains("HTTP server listening"), Duration.ofSeconds(60));
 *   node.kill9();
 * }
 * }</pre>
 */
public final class ChildJvm implements AutoCloseable {

  private final String name;
  private final Process process;
  private final Path log;

  private ChildJvm(String name, Process process, Path log) {
    this.name = name;
    this.process = process;
    this.log = log;
  }

  /**
   * Starts describing a child JVM.
   *
   * @param name names the log file ({@code <name>.log}) and the failure messages
   * @param mainClass the class whose {@code main} runs
   * @param dir where the log file goes (a test's temporary directory)
   */
  public static Builder builder(String name, String mainClass, Path dir) {
    return new Builder(name, mainClass, dir);
  }

  /** What to start; by default the test's own class path and the java that runs the test. */
  public static final class Builder {
    private final String name;
    private final String mainClass;
    private final Path dir;
    private final List<String> jvmArgs = new ArrayList<>();
    private final List<String> args = new ArrayList<>();
    private final Map<String, String> env = new LinkedHashMap<>();
    private final List<String> removedEnv = new ArrayList<>();
    private String classPath = System.getProperty("java.class.path");

    private Builder(String name, String mainClass, Path dir) {
      this.name = name;
      this.mainClass = mainClass;
      this.dir = dir;
    }

    /** Options of the JVM ({@code -Xmx128m}, {@code -Dkey=value}). */
    public Builder jvmArgs(String... more) {
      jvmArgs.addAll(List.of(more));
      return this;
    }

    /** Arguments of {@code main}. */
    public Builder args(String... more) {
      args.addAll(List.of(more));
      return this;
    }

    /** One environment variable of the child (the rest is inherited, minus {@link #withoutEnv}). */
    public Builder env(String key, String value) {
      env.put(key, value);
      return this;
    }

    /** Environment variables of the child. */
    public Builder env(Map<String, String> more) {
      env.putAll(more);
      return this;
    }

    /** Inherited variables the child must not see, by prefix (e.g. {@code OCEAN__} so the test's own do not leak). */
    public Builder withoutEnv(String prefix) {
      removedEnv.add(prefix);
      return this;
    }

    /** Another class path than the test's (a built JAR). */
    public Builder classPath(String cp) {
      this.classPath = cp;
      return this;
    }

    /** Starts the JVM; its output goes to {@code <dir>/<name>.log}. */
    public ChildJvm start() {
      List<String> command = new ArrayList<>();
      command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
      command.addAll(jvmArgs);
      command.add("-cp");
      command.add(classPath);
      command.add(mainClass);
      command.addAll(args);
      Path log = dir.resolve(name + ".log");
      ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true)
          .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
      pb.environment().keySet().removeIf(k -> removedEnv.stream().anyMatch(k::startsWith));
      pb.environment().putAll(env);
      try {
        Files.createDirectories(dir);
        return new ChildJvm(name, pb.start(), log);
      } catch (IOException e) {
        throw new UncheckedIOException("cannot start " + name + ": " + command, e);
      }
    }
  }

  /** Its name. */
  public String name() {
    return name;
  }

  /** Its process id. */
  public long pid() {
    return process.pid();
  }

  /** Whether it still runs. */
  public boolean alive() {
    return process.isAlive();
  }

  /** {@code SIGKILL}: a crash, no shutdown hook runs. Returns once the process is gone. */
  public void kill9() {
    process.destroyForcibly();
    waitFor(Duration.ofSeconds(30));
  }

  /** {@code SIGTERM}: a graceful stop (CoordinatedShutdown); does not wait, see {@link #awaitExit}. */
  public void term() {
    process.destroy();
  }

  /** {@code SIGSTOP}: the JVM freezes (a long GC pause, a partition) and keeps its sockets. */
  public void freeze() {
    signal("STOP");
  }

  /** {@code SIGCONT}: a frozen JVM runs again, unaware time passed. */
  public void thaw() {
    signal("CONT");
  }

  /** {@code SIGHUP} (a reload). */
  public void hangUp() {
    signal("HUP");
  }

  private void signal(String sig) {
    try {
      Process kill = new ProcessBuilder("kill", "-" + sig, Long.toString(process.pid())).redirectErrorStream(true).start();
      if (!kill.waitFor(10, TimeUnit.SECONDS) || kill.exitValue() != 0) {
        throw new IllegalStateException("kill -" + sig + " " + process.pid() + " (" + name + ") failed: "
            + new String(kill.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** Everything it printed so far. */
  public String output() {
    try {
      return Files.exists(log) ? Files.readString(log, StandardCharsets.UTF_8) : "";
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Where its output goes. */
  public Path logFile() {
    return log;
  }

  /**
   * Waits until a line of its output matches; fails with the output's tail when it does not within {@code timeout}
   * or when the process exits first.
   */
  public String awaitOutput(Predicate<String> line, Duration timeout) {
    String[] found = new String[1];
    Await.until(name + ": a line of output matching the condition (last output:\n" + tail() + ")", timeout, () -> {
      for (String l : output().split("\n")) {
        if (line.test(l)) {
          found[0] = l;
          return true;
        }
      }
      if (!process.isAlive()) {
        throw new AssertionError(name + " exited with " + process.exitValue() + " before the expected line; output:\n"
            + tail());
      }
      return false;
    });
    return found[0];
  }

  /** Waits for it to exit and returns its exit code; fails when it still runs after {@code timeout}. */
  public int awaitExit(Duration timeout) {
    OptionalInt code = waitFor(timeout);
    if (code.isEmpty()) {
      throw new AssertionError(name + " still runs after " + timeout.toSeconds() + " s; output:\n" + tail());
    }
    return code.getAsInt();
  }

  private OptionalInt waitFor(Duration timeout) {
    try {
      return process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS) ? OptionalInt.of(process.exitValue())
          : OptionalInt.empty();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** The last 60 lines of its output. */
  public String tail() {
    String[] lines = output().split("\n");
    int from = Math.max(0, lines.length - 60);
    return String.join("\n", java.util.Arrays.copyOfRange(lines, from, lines.length));
  }

  /** Kills it (thawed first, so a frozen JVM dies too) if it still runs. */
  @Override
  public void close() {
    if (process.isAlive()) {
      try {
        signal("CONT");
      } catch (RuntimeException ignored) {
        // It may have exited meanwhile.
      }
      process.destroyForcibly();
      waitFor(Duration.ofSeconds(30));
    }
  }
}
