package dev.oceanj.runtime.cli;

import dev.oceanj.core.config.ConfigurationException;
import dev.oceanj.core.config.HostSettings;
import dev.oceanj.core.config.IntegrationSpec;
import dev.oceanj.core.config.OceanSettings;
import dev.oceanj.core.config.SettingsLoader;
import dev.oceanj.runtime.DataDirLock;
import dev.oceanj.runtime.OceanRuntime;
import dev.oceanj.runtime.StartupChecks;
import java.nio.file.Path;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.Callable;

/**
 * The default action of {@code java -jar oceanj-runtime.jar}: load the settings (environment, {@code -Dconfig.file},
 * defaults), start {@link OceanRuntime} and wait until it stops.
 *
 * <p>Exit codes: 0 when it stopped normally (a ONCE resync completed); 1 when a ONCE resync failed or was
 * aborted; 2 bad configuration, the HTTP port taken or the data dir held by another process; 4 when start-up
 * failed (Port unreachable, integration setup refused).
 */
public final class RunCommand implements Callable<Integer> {

  private final CliIO io;
  private final Properties overrides;

  public RunCommand(CliIO io) {
    this(io, new Properties());
  }

  /** With {@code overrides}: settings that beat the system properties, e.g. from {@code sail}'s flags. */
  public RunCommand(CliIO io, Properties overrides) {
    this.io = io;
    this.overrides = overrides;
  }

  @Override
  public Integer call() throws Exception {
    HostSettings host;
    try {
      host = loadHost(overrides);
    } catch (ConfigurationException | IllegalArgumentException e) {
      io.err().println("oceanj: invalid configuration: " + e.getMessage());
      return 2;
    }
    for (HostSettings.InstanceSettings instance : host.instances()) {
      String who = host.hostMode() ? instance.source() + ": " : "";
      instance.settings().ignoredKeys().forEach(k -> io.err().println("oceanj: warning: " + who + k));
    }
    OceanRuntime runtime;
    try {
      runtime = OceanRuntime.start(host, () -> loadHost(overrides), io.out()::println);
    } catch (ConfigurationException e) {
      io.err().println("oceanj: invalid configuration: " + e.getMessage());
      return 2;
    } catch (IllegalStateException e) {
      io.err().println("oceanj: cannot start: " + (e.getMessage() != null ? e.getMessage() : e.toString()));
      return e instanceof DataDirLock.HeldElsewhere
          || (e.getMessage() != null && e.getMessage().startsWith("cannot bind")) ? 2 : 4;
    }
    return runtime.exitCode().toCompletableFuture().get();
  }

  /**
   * Two passes: the integration type and {@code ocean.resources-path} (from the settings) name the spec that types
   * the integration's settings: the user's {@code .port/spec.yaml} next to the resources, else the shipped one.
   */
  public static OceanSettings load() {
    return load(new Properties());
  }

  /** As {@link #load()}, with {@code overrides} above the system properties. */
  public static OceanSettings load(Properties overrides) {
    Properties props = new Properties();
    System.getProperties().stringPropertyNames().forEach(k -> props.setProperty(k, System.getProperty(k)));
    overrides.stringPropertyNames().forEach(k -> props.setProperty(k, overrides.getProperty(k)));
    OceanSettings untyped = loader(props).load();
    Optional<IntegrationSpec> spec = StartupChecks.spec(untyped.integration().type(), untyped.resourcesPath());
    return loader(props).spec(spec.orElse(null)).load();
  }

  /**
   * The process's settings and its instances (host mode: {@code ocean.instances-dir}, {@code ocean.instances}),
   * each typed by its integration's spec as {@link #load(Properties)} does.
   */
  public static HostSettings loadHost(Properties overrides) {
    Properties props = new Properties();
    System.getProperties().stringPropertyNames().forEach(k -> props.setProperty(k, System.getProperty(k)));
    overrides.stringPropertyNames().forEach(k -> props.setProperty(k, overrides.getProperty(k)));
    return HostSettings.load(loader(props),
        untyped -> StartupChecks.spec(untyped.integration().type(), untyped.resourcesPath()));
  }

  private static SettingsLoader loader(Properties props) {
    return SettingsLoader.create().environment(System.getenv()).dotEnvFile(Path.of(".env")).systemProperties(props);
  }
}
