package dev.oceanj.runtime;

import dev.oceanj.runtime.cli.CliIO;
import dev.oceanj.runtime.cli.ConfigCommand;
import dev.oceanj.runtime.cli.JqCommand;
import dev.oceanj.runtime.cli.ListCommand;
import dev.oceanj.runtime.cli.MapCommand;
import dev.oceanj.runtime.cli.NewCommand;
import dev.oceanj.runtime.cli.PortAppConfigCommand;
import dev.oceanj.runtime.cli.PullCommand;
import dev.oceanj.runtime.cli.RunCommand;
import dev.oceanj.runtime.cli.RuntimeVersion;
import dev.oceanj.runtime.cli.VersionCommand;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * The {@code oceanj} command: {@code java -jar oceanj-runtime.jar [COMMAND]}. Ocean's commands ({@code sail},
 * {@code defaults dock|clean}, {@code list}, {@code pull}, {@code version}, {@code port-app-config schema},
 * {@code new}) with their flags; subcommands that try mappings without Port ({@code map}, {@code jq}); with no
 * subcommand, {@link #call()} runs the integration as {@code sail} does ({@link RunCommand}).
 *
 * <p>Exit codes: 0 ok; 2 usage error or bad mapping/input; 3 a jq expression that does not compile; 5 a jq
 * error while evaluating ({@code jq}).
 */
@Command(
    name = "oceanj",
    mixinStandardHelpOptions = true,
    versionProvider = Main.Version.class,
    subcommands = {SailCommand.class, DefaultsCommand.class, ListCommand.class, PullCommand.class,
        VersionCommand.class, PortAppConfigCommand.class, NewCommand.class,
        MapCommand.class, JqCommand.class, ConfigCommand.class, CommandLine.HelpCommand.class},
    description = "A Java runtime for Port Ocean integrations.")
public final class Main implements Callable<Integer> {

  @Spec private CommandSpec spec;

  private final CliIO io;

  Main(CliIO io) {
    this.io = io;
  }

  /** Entry point of the runtime JAR. */
  public static void main(String[] args) {
    widenCommonPool();
    System.exit(run(CliIO.system(), args));
  }

  private static final String COMMON_POOL_PARALLELISM = "java.util.concurrent.ForkJoinPool.common.parallelism";

  /**
   * On a 2-CPU machine the common pool's parallelism is 1, and {@code CompletableFuture}'s async stages without an
   * executor (the JDK HTTP client's among them) then start a new thread per task: over a thousand threads per
   * 20,000-entity resync. Two workers at least; must run before anything touches the common pool. A value given
   * with {@code -D} wins.
   */
  public static void widenCommonPool() {
    if (System.getProperty(COMMON_POOL_PARALLELISM) == null) {
      System.setProperty(COMMON_POOL_PARALLELISM,
          String.valueOf(Math.max(2, Runtime.getRuntime().availableProcessors() - 1)));
    }
  }

  /** Runs the command line with the given streams and returns the exit code (tests call this in-process). */
  public static int run(CliIO io, String... args) {
    return args.length == 0 ? runDefault(io) : Factory.execute(io, args);
  }

  /**
   * No arguments (the image's entry point, {@code java -jar}): {@code sail} with its defaults, as {@link #call()}
   * does, with the same exit codes and the same line for a failure, without building the command line. picocli's
   * classes (about 180) are compiled for Java 5, so the class-data archive cannot hold them: each process that
   * builds the command line parses them into metaspace, which a long-running runtime would keep for nothing.
   */
  private static int runDefault(CliIO io) {
    try {
      return new SailCommand(io).call();
    } catch (Exception e) {
      io.err().println("oceanj oceanj: " + e);
      return 1;
    }
  }

  /** The default action, when no subcommand is given: {@code sail} with its defaults. */
  @Override
  public Integer call() throws Exception {
    return new SailCommand(io).call();
  }

  /** Builds the subcommands with the process's (or a test's) streams. */
  private static final class Factory implements CommandLine.IFactory {
    private final CliIO io;

    Factory(CliIO io) {
      this.io = io;
    }

    /** Parses {@code args} with picocli and runs the command (here, so that {@link Main} verifies without it). */
    static int execute(CliIO io, String... args) {
      CommandLine cli = new CommandLine(new Main(io), new Factory(io));
      cli.setOut(new PrintWriter(io.out(), true));
      cli.setErr(new PrintWriter(io.err(), true));
      cli.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
        commandLine.getErr().println("oceanj " + commandLine.getCommandName() + ": " + e);
        return 1;
      });
      return cli.execute(args);
    }

    /** A command with a {@code (CliIO)} constructor gets the streams; others are built by picocli. */
    @Override
    public <K> K create(Class<K> cls) throws Exception {
      try {
        var withStreams = cls.getDeclaredConstructor(CliIO.class);
        withStreams.setAccessible(true);
        return withStreams.newInstance(io);
      } catch (NoSuchMethodException e) {
        return CommandLine.defaultFactory().create(cls);
      }
    }
  }

  /** The version from the JAR manifest, when there is one. */
  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      return new String[] {"oceanj " + RuntimeVersion.current()};
    }
  }
}
