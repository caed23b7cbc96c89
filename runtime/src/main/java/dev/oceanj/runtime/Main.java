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
    subcommands = {MapCommand.class, JqCommand.class, CommandLine.HelpCommand.class},
    description = "A Java runtime for Port Ocean integrations.")
public final class Main implements Callable<Integer> {

  @Spec private CommandSpec spec;

  private final CliIO io;

  Main(CliIO io) {
    this.io = io;
  }

  /** Entry point of the runtime JAR. */
  public static void main(String[] args) {
    System.exit(run(CliIO.system(), args));
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
