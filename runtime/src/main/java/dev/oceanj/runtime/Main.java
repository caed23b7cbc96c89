package dev.oceanj.runtime;

import dev.oceanj.runtime.cli.CliIO;
import dev.oceanj.runtime.cli.JqCommand;
import dev.oceanj.runtime.cli.MapCommand;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * The {@code oceanj} command: {@code java -jar oceanj-runtime.jar [COMMAND]}. Subcommands try mappings without
 * Port ({@code map}, {@code jq}); with no subcommand, {@link #call()} runs the integration
 * ({@link RunCommand}).
 *
 * <p>Exit codes: 0 ok; 2 usage error or bad mapping/input; 3 a jq expression that does not compile; 5 a jq
 * error while evaluating ({@code jq}).
 */
@Command(
    name = "oceanj",
    mixinStandardHelpOptions = true,
    versionProvider = Main.Version.class,
    subcommands = {MapCommand.class, JqCommand.class, ConfigCommand.class, CommandLine.HelpCommand.class},
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
    CommandLine cli = new CommandLine(new Main(io), new Factory(io));
    cli.setOut(new PrintWriter(io.out(), true));
    cli.setErr(new PrintWriter(io.err(), true));
    cli.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
      commandLine.getErr().println("oceanj " + commandLine.getCommandName() + ": " + e);
      return 1;
    });
    return cli.execute(args);
  }

  /** The default action, when no subcommand is given: run the integration ({@link RunCommand}). */
  @Override
  public Integer call() throws Exception {
    return new RunCommand(io).call();
  }

  /** Builds the subcommands with the process's (or a test's) streams. */
  private static final class Factory implements CommandLine.IFactory {
    private final CliIO io;

    Factory(CliIO io) {
      this.io = io;
    }

    @Override
    public <K> K create(Class<K> cls) throws Exception {
      if (cls == MapCommand.class) {
        return cls.cast(new MapCommand(io));
      }
      if (cls == JqCommand.class) {
        return cls.cast(new JqCommand(io));
      }
      if (cls == ConfigCommand.class) {
        return cls.cast(new ConfigCommand(io));
      }
      return CommandLine.defaultFactory().create(cls);
    }
  }

  /** The version from the JAR manifest, when there is one. */
  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      String v = Main.class.getPackage().getImplementationVersion();
      return new String[] {"oceanj " + (v == null ? "(development build)" : v)};
    }
  }
}
