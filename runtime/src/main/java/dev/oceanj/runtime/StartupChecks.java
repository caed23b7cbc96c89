package dev.oceanj.runtime;

import dev.oceanj.core.config.ConfigurationException;
import dev.oceanj.core.config.HostSettings;
import dev.oceanj.core.config.IntegrationSpec;
import dev.oceanj.core.config.OceanSettings;
import dev.oceanj.core.defaults.DefaultsInitializer;
import dev.oceanj.core.jq.JqEngine;
import dev.oceanj.core.mapping.CompiledMapping;
import dev.oceanj.core.mapping.MappingException;
import dev.oceanj.core.mapping.PortAppConfig;
import dev.oceanj.spi.host.IntegrationResources;
import dev.oceanj.spi.host.Integrations;
import dev.oceanj.spi.host.PortFile;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * What a run checks before its first request to Port, beyond the values the settings reader validates: that an
 * integration of the configured type is on the class path, that the data folder can be used, and that every
 * default resource of the integration's {@code .port} folder (the user's, then the one shipped in the JAR) can
 * be used: the mapping parses and each of its jq expressions compiles, and the blueprints, actions, scorecards
 * and pages files parse into lists of objects with identifiers. Each problem is one line naming the key, or the
 * file and the position; {@code oceanj config} lists them and a run exits 2 with them (configuration problems).
 */
public final class StartupChecks {

  private StartupChecks() {}

  /**
   * @throws ConfigurationException listing every problem found
   */
  public static void verify(OceanSettings settings) {
    List<String> problems = problems(settings);
    if (!problems.isEmpty()) {
      throw new ConfigurationException(problems);
    }
  }

  /**
   * Every instance's checks before anything starts; in host mode each problem names the instance's file.
   *
   * @throws ConfigurationException listing every problem found
   */
  public static void verify(HostSettings host) {
    List<String> problems = new ArrayList<>();
    for (HostSettings.InstanceSettings instance : host.instances()) {
      problems(instance.settings()).forEach(p -> problems.add(host.hostMode() ? instance.source() + ": " + p : p));
    }
    if (!problems.isEmpty()) {
      throw new ConfigurationException(problems);
    }
  }

  /** Every problem found, in the order above; empty when the run may start. */
  static List<String> problems(OceanSettings settings) {
    List<String> problems = new ArrayList<>();
    String type = settings.integration().type();
    Set<String> types = Integrations.availableTypes();
    if (!types.contains(type)) {
      problems.add("ocean.integration.type (OCEAN__INTEGRATION__TYPE): unknown integration type '" + type
          + "'; the integrations in this runtime are: " + String.join(", ", types));
    }
    dataDirProblem(settings.dataDir()).ifPresent(problems::add);
    if (types.contains(type)) {
      problems.addAll(resourceProblems(resources(type, settings.resourcesPath()),
          JqEngine.create(settings.allowEnvironmentVariablesJqAccess())));
    }
    return problems;
  }

  /**
   * The integration's {@code .port} files: the folder above {@code ocean.resources-path} (a user's {@code .port}
   * in the working directory by default) looked up first, then the one shipped for {@code type}.
   */
  static IntegrationResources resources(String type, Path resourcesPath) {
    IntegrationResources shipped = IntegrationResources.forType(type);
    Optional<Path> portDir = userPortDir(resourcesPath);
    return portDir.isPresent() && Files.isDirectory(resourcesPath) ? shipped.withOverride(portDir.get()) : shipped;
  }

  /**
   * The integration's spec: the user's {@code .port/spec.yaml|yml|json} (next to {@code ocean.resources-path})
   * when there is one, else the one shipped for {@code type}.
   *
   * @throws ConfigurationException naming the file and the position when the spec cannot be read
   */
  public static Optional<IntegrationSpec> spec(String type, Path resourcesPath) {
    Optional<Path> portDir = userPortDir(resourcesPath);
    if (portDir.isPresent()) {
      for (String name : IntegrationSpec.FILE_NAMES) {
        Path file = portDir.get().resolve(name);
        if (Files.isRegularFile(file)) {
          return Optional.of(IntegrationSpec.parse(file));
        }
      }
    }
    return IntegrationSpec.fromClasspath(StartupChecks.class.getClassLoader(),
        IntegrationResources.CLASSPATH_ROOT + type + "/.port");
  }

  private static Optional<Path> userPortDir(Path resourcesPath) {
    Path dir = resourcesPath.toAbsolutePath().getParent();
    return dir != null && Files.isDirectory(dir) ? Optional.of(dir) : Optional.empty();
  }

  /** The data folder must be a writable directory, or creatable: the nearest existing parent a writable directory. */
  static Optional<String> dataDirProblem(Path dataDir) {
    String key = "ocean.data-dir (OCEAN__DATA_DIR) " + dataDir + ": ";
    Path dir = dataDir.toAbsolutePath();
    if (Files.exists(dir)) {
      if (!Files.isDirectory(dir)) {
        return Optional.of(key + "is a file, not a directory");
      }
      return Files.isWritable(dir) ? Optional.empty() : Optional.of(key + "is not writable by this process");
    }
    Path parent = dir.getParent();
    while (parent != null && !Files.exists(parent)) {
      parent = parent.getParent();
    }
    if (parent == null) {
      return Optional.of(key + "cannot be created: no part of the path exists");
    }
    if (!Files.isDirectory(parent)) {
      return Optional.of(key + "cannot be created: " + parent + " is a file, not a directory");
    }
    return Files.isWritable(parent) ? Optional.empty()
        : Optional.of(key + "cannot be created: " + parent + " is not writable by this process");
  }

  private static List<String> resourceProblems(IntegrationResources resources, JqEngine jq) {
    List<String> problems = new ArrayList<>();
    try {
      Optional<PortFile> mapping = resources.mapping();
      if (mapping.isPresent()) {
        PortFile file = mapping.get();
        try {
          CompiledMapping.compile(PortAppConfig.parse(file.text(), file.location()), jq);
        } catch (MappingException e) {
          e.problems().forEach(p -> problems.add(file.location() + ": " + p.describe()));
        }
      }
      problems.addAll(DefaultsInitializer.Resources.problems(resources));
    } catch (UncheckedIOException e) {
      problems.add(e.getMessage());
    }
    return problems;
  }
}
