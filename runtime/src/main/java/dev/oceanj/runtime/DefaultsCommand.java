package dev.oceanj.runtime;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.oceanj.actors.trigger.webhook.ChangelogDestination;
import dev.oceanj.core.config.ConfigurationException;
import dev.oceanj.core.config.OceanSettings;
import dev.oceanj.core.defaults.DefaultsCleaner;
import dev.oceanj.core.defaults.DefaultsInitializer;
import dev.oceanj.core.port.HttpPortClient;
import dev.oceanj.core.port.PortClient.PortIdentity;
import dev.oceanj.core.port.PortClientSettings;
import dev.oceanj.core.port.WriteLimiter;
import dev.oceanj.runtime.cli.CliIO;
import dev.oceanj.runtime.cli.RunCommand;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code oceanj defaults dock|clean [PATH]}: Ocean's commands for the integration's default resources in Port. Both
 * need Port credentials (the embedded emulator would forget everything on exit) and read the settings as a run
 * does; PATH is the integration's folder, as for {@code sail}.
 *
 * <p>Exit codes: 0 done; 1 a Port call failed (each failure is printed); 2 bad configuration or no credentials.
 */
@Command(name = "defaults", mixinStandardHelpOptions = true,
    description = "Set up or remove the integration's default resources in Port.",
    subcommands = {DefaultsCommand.Dock.class, DefaultsCommand.Clean.class})
final class DefaultsCommand implements Callable<Integer> {

  private static final ObjectMapper JSON = new ObjectMapper();

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() {
    spec.commandLine().usage(spec.commandLine().getErr());
    return 2;
  }

  /** {@code defaults dock}: runs the start-up's defaults initialisation and exits. */
  @Command(name = "dock", mixinStandardHelpOptions = true,
      description = "Create the integration, its default blueprints and mapping in Port, then exit.")
  static final class Dock implements Callable<Integer> {

    @Parameters(index = "0", arity = "0..1", paramLabel = "PATH", defaultValue = ".",
        description = "The integration's folder; its .port/resources, if any, are the defaults.")
    Path path = Path.of(".");

    private final CliIO io;

    Dock(CliIO io) {
      this.io = io;
    }

    @Override
    public Integer call() throws Exception {
      Optional<Session> session = Session.open(io, "dock", path);
      if (session.isEmpty()) {
        return 2;
      }
      try (Session s = session.get()) {
        JsonNode destination = JSON.valueToTree(ChangelogDestination.of(s.settings.effective().listener(),
            s.settings.eventListener().webhook().appHost(), s.settings.eventListener().webhook().token()));
        var init = new DefaultsInitializer(s.port, DefaultsInitializer.Resources.from(s.resources()),
            s.settings.initializePortResources(), Optional.of(destination));
        DefaultsInitializer.Outcome outcome;
        try {
          outcome = init.run().toCompletableFuture().get(2, TimeUnit.MINUTES);
        } catch (ExecutionException e) {
          io.err().println("oceanj defaults dock: setting up the integration in Port failed: "
              + (e.getCause() == null ? e : e.getCause()).getMessage());
          return 1;
        }
        io.out().println("Integration " + s.port.identity().identifier() + (outcome.integrationCreated()
            ? " created" : " exists") + " in Port; blueprints created: " + outcome.blueprintsCreated()
            + outcome.skippedBecause().map(r -> " (skipped: " + r + ")").orElse("")
            + (outcome.mappingPatched() ? "; default mapping set" : ""));
        outcome.warnings().forEach(w -> io.err().println("oceanj defaults dock: warning: " + w));
        return 0;
      }
    }
  }

  /** {@code defaults clean}: deletes the default blueprints (and with {@code -d} the integration). */
  @Command(name = "clean", mixinStandardHelpOptions = true,
      description = "Delete the integration's default blueprints from Port (actions, scorecards and pages stay).")
  static final class Clean implements Callable<Integer> {

    @Parameters(index = "0", arity = "0..1", paramLabel = "PATH", defaultValue = ".",
        description = "The integration's folder; its .port/resources, if any, name the blueprints.")
    Path path = Path.of(".");

    @Option(names = {"-f", "--force"},
        description = "Delete each blueprint with all its entities (a migration in Port).")
    boolean force;

    @Option(names = {"-w", "--wait"}, description = "With --force: wait until the migrations end.")
    boolean waitForMigrations;

    @Option(names = {"-d", "--destroy"}, description = "Delete the integration from Port too.")
    boolean destroy;

    @Option(names = "--poll-interval", hidden = true, defaultValue = "5s",
        description = "Time between two reads of a migration (Ocean: 5 s).")
    String pollInterval;

    private final CliIO io;

    Clean(CliIO io) {
      this.io = io;
    }

    @Override
    public Integer call() throws Exception {
      java.util.regex.Matcher m = java.util.regex.Pattern.compile("(\\d+) *(ms|s|m)").matcher(pollInterval.strip());
      if (!m.matches()) {
        io.err().println("oceanj defaults clean: --poll-interval '" + pollInterval + "' is not a duration like 5s");
        return 2;
      }
      long amount = Long.parseLong(m.group(1));
      Duration interval = m.group(2).equals("ms") ? Duration.ofMillis(amount)
          : m.group(2).equals("s") ? Duration.ofSeconds(amount) : Duration.ofMinutes(amount);
      Optional<Session> session = Session.open(io, "clean", path);
      if (session.isEmpty()) {
        return 2;
      }
      try (Session s = session.get()) {
        var blueprints = DefaultsInitializer.Resources.from(s.resources()).blueprints();
        var outcome = new DefaultsCleaner(s.port, blueprints, interval, io.out()::println)
            .run(force, waitForMigrations, destroy);
        outcome.errors().forEach(e -> io.err().println("oceanj defaults clean: " + e));
        return outcome.errors().isEmpty() ? 0 : 1;
      }
    }
  }

  /** The settings, a Port client for the configured Port, and the integration's default resources. */
  private static final class Session implements AutoCloseable {
    final OceanSettings settings;
    final WriteLimiter limiter;
    final HttpPortClient port;

    private Session(OceanSettings settings) {
      this.settings = settings;
      PortClientSettings client = PortClientSettings.from(settings.port());
      this.limiter = WriteLimiter.create(client.rateLimit());
      String type = settings.integration().type();
      this.port = HttpPortClient.create(client, new PortIdentity(type,
          settings.integration().version().orElse(OceanRuntime.runtimeVersion()), settings.integration().identifier()),
          limiter);
    }

    static Optional<Session> open(CliIO io, String command, Path path) {
      String name = "oceanj defaults " + command + ": ";
      OceanSettings settings;
      try {
        settings = RunCommand.load(SailCommand.folder(path));
      } catch (ConfigurationException | IllegalArgumentException e) {
        io.err().println(name + "invalid configuration: " + e.getMessage());
        return Optional.empty();
      }
      if (settings.port().credentials().isEmpty()) {
        io.err().println(name + "no Port credentials: set ocean.port.client-id and ocean.port.client-secret "
            + "(OCEAN__PORT__CLIENT_ID, OCEAN__PORT__CLIENT_SECRET) and ocean.port.base-url for your Port region");
        return Optional.empty();
      }
      return Optional.of(new Session(settings));
    }

    dev.oceanj.spi.host.IntegrationResources resources() {
      return StartupChecks.resources(settings.integration().type(), settings.resourcesPath());
    }

    @Override
    public void close() {
      port.close();
      limiter.close();
    }
  }
}
