package dev.oceanj.runtime.cli;

import dev.oceanj.core.config.ConfigurationException;
import dev.oceanj.core.config.HostSettings;
import dev.oceanj.core.config.OceanSettings;
import dev.oceanj.runtime.StartupChecks;
import java.util.Properties;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/**
 * {@code oceanj config}: loads the settings exactly as a run would (system properties, {@code OCEAN__*} variables,
 * {@code -Dconfig.file}, the defaults) and prints them, secrets masked, each with where it came from; or every
 * configuration problem, one per line (the {@link StartupChecks} of a run included). In host mode one block per
 * instance, headed by its identifier and file. Exit 0 when valid, 2 otherwise. Starts nothing.
 */
@Command(name = "config", mixinStandardHelpOptions = true,
    description = "Print the effective settings (secrets masked) or every configuration problem; starts nothing.")
public final class ConfigCommand implements Callable<Integer> {

  private final CliIO io;

  ConfigCommand(CliIO io) {
    this.io = io;
  }

  @Override
  public Integer call() {
    HostSettings host;
    try {
      host = RunCommand.loadHost(new Properties());
      StartupChecks.verify(host);
    } catch (ConfigurationException | IllegalArgumentException e) {
      io.err().println("oceanj: invalid configuration: " + e.getMessage());
      return 2;
    }
    if (!host.hostMode()) {
      OceanSettings settings = host.process();
      io.out().println(settings.describe());
      settings.ignoredKeys().forEach(k -> io.err().println("oceanj: warning: " + k));
      return 0;
    }
    for (HostSettings.InstanceSettings instance : host.instances()) {
      io.out().println("# instance " + instance.identifier() + " (" + instance.source() + ")");
      io.out().println(instance.settings().describe());
      io.out().println();
      instance.settings().ignoredKeys().forEach(k -> io.err().println("oceanj: warning: " + instance.source() + ": "
          + k));
    }
    return 0;
  }
}
