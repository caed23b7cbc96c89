package dev.oceanj.runtime;

import dev.oceanj.runtime.cli.CliIO;
import dev.oceanj.runtime.cli.RunCommand;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code oceanj sail [PATH]}: Ocean's {@code ocean sail}, the runtime's default command. Its flags map onto the
 * settings: {@code -O} sets {@code ocean.event-listener.type = ONCE} (beats every other source), {@code -i} sets
 * {@code ocean.initialize-port-resources}, {@code -p} {@code ocean.http.port} and {@code -l} {@code ocean.log-level}
 * unless {@code APPLICATION__PORT} / {@code APPLICATION__LOG_LEVEL} are set, which win as in Ocean. PATH is the
 * integration's folder: its {@code .port/resources}, when there is one, holds the default resources.
 *
 * <p>Exit codes as {@link RunCommand}; 2 also for a PATH that does not exist.
 */
@Command(name = "sail", mixinStandardHelpOptions = true,
    description = "Run the integration (the default command), as Ocean's `ocean sail`.")
final class SailCommand implements Callable<Integer> {

  @Parameters(index = "0", arity = "0..1", paramLabel = "PATH", defaultValue = ".",
      description = "The integration's folder (must exist); its .port/resources, if any, are the defaults.")
  Path path = Path.of(".");

  @Option(names = {"-O", "--once"}, description = "Resync once and exit (event listener ONCE).")
  boolean once;

  @Option(names = {"-p", "--port"}, paramLabel = "PORT",
      description = "HTTP port (ocean.http.port); APPLICATION__PORT wins.")
  Integer port;

  @Option(names = {"-l", "--log-level"}, paramLabel = "LEVEL",
      description = "DEBUG, INFO, WARNING, ERROR or CRITICAL (ocean.log-level); APPLICATION__LOG_LEVEL wins.")
  String logLevel;

  @Option(names = {"-i", "--initialize-port-resources"}, paramLabel = "BOOL",
      description = "Create the default blueprints and mapping in Port: true/false/1/0/yes/no "
          + "(default: ocean.initialize-port-resources).")
  String initializePortResources;

  private final CliIO io;
  private final Map<String, String> env;

  SailCommand(CliIO io) {
    this(io, System.getenv());
  }

  SailCommand(CliIO io, Map<String, String> env) {
    this.io = io;
    this.env = env;
  }

  @Override
  public Integer call() throws Exception {
    Properties overrides;
    try {
      overrides = overrides();
    } catch (IllegalArgumentException e) {
      io.err().println("oceanj sail: " + e.getMessage());
      return 2;
    }
    return new RunCommand(io, overrides).call();
  }

  /** The settings the flags set, as configuration keys. */
  Properties overrides() {
    Properties p = folder(path);
    if (once) {
      p.setProperty("ocean.event-listener.type", "ONCE");
    }
    if (port != null && !env.containsKey("APPLICATION__PORT")) {
      p.setProperty("ocean.http.port", String.valueOf(port));
    }
    if (logLevel != null && !env.containsKey("APPLICATION__LOG_LEVEL")) {
      p.setProperty("ocean.log-level", logLevel);
    }
    if (initializePortResources != null) {
      p.setProperty("ocean.initialize-port-resources", String.valueOf(bool(initializePortResources)));
    }
    return p;
  }

  /**
   * The settings an integration folder given as PATH sets: {@code ocean.resources-path} to its
   * {@code .port/resources} when it has one.
   *
   * @throws IllegalArgumentException when PATH is not a directory, naming it
   */
  static Properties folder(Path path) {
    if (!Files.isDirectory(path)) {
      throw new IllegalArgumentException("PATH " + path.toAbsolutePath() + " does not exist or is not a directory");
    }
    Properties p = new Properties();
    Path resources = path.resolve(".port").resolve("resources");
    if (!path.normalize().equals(Path.of("")) && Files.isDirectory(resources)) {
      p.setProperty("ocean.resources-path", resources.toString());
    }
    return p;
  }

  private static boolean bool(String value) {
    switch (value.toLowerCase(Locale.ROOT)) {
      case "true": case "1": case "yes": case "y": case "on":
        return true;
      case "false": case "0": case "no": case "n": case "off":
        return false;
      default:
        throw new IllegalArgumentException("--initialize-port-resources: '" + value
            + "' is not a boolean (true/false/1/0/yes/no)");
    }
  }
}
