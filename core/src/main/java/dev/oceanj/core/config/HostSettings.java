package dev.oceanj.core.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigParseOptions;
import com.typesafe.config.ConfigRenderOptions;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Stream;

/**
 * The process's settings and the integration instances it runs. Without {@code ocean.instances-dir} and
 * {@code ocean.instances} that is one instance with the process's own settings, as always (single mode). In host
 * mode each instance's settings are its own keys (a {@code *.env} file's {@code OCEAN__} lines, a {@code *.conf}
 * file's or a list element's HOCON) over the process's sources (system properties, environment, then
 * {@code ocean.defaults}, then the HOCON file) over the defaults, through the one settings layer
 * ({@link SettingsLoader}); the identifier is the file stem and the data dir {@code <data-dir>/<identifier>}.
 *
 * <p>Everything is checked before anything starts: every problem of every instance is reported at once, each
 * naming its file; identifiers are unique (the error names both files). An instance's own {@code ocean.path-prefix}
 * ({@link #pathPrefixAlias}) is mounted as an alias of its routes, so it must not share a path with another
 * instance's prefix or routes, nor with a route of the process (the error names both files).
 *
 * @param process the process's settings (HTTP server, data dir, log level, timeouts); in single mode also the one
 *     instance's
 * @param instances the instances, in file-name (or list) order
 */
public record HostSettings(OceanSettings process, List<InstanceSettings> instances) {

  /**
   * One integration instance's settings.
   *
   * @param identifier {@code ocean.integration.identifier}
   * @param source where it was declared: its file, {@code ocean.instances[i]}, or {@code environment} in single mode
   * @param settings its effective settings
   */
  public record InstanceSettings(String identifier, String source, OceanSettings settings) {

    /** The effective keys as text: two instances with equal fingerprints run the same way (reload diff). */
    public String fingerprint() {
      return settings.config().getObject("ocean").render(ConfigRenderOptions.concise());
    }
  }

  /** First path segments the process's own routes use: no instance may be named so. */
  static final List<String> RESERVED = List.of("status", "instances", "health", "metrics", "docs");

  public HostSettings {
    Objects.requireNonNull(process, "process");
    instances = List.copyOf(instances);
  }

  /** Whether instances come from a folder or a list (routes under {@code /<identifier>/}). */
  public boolean hostMode() {
    return process.instances().hostMode();
  }

  /**
   * Loads the process's settings and every instance's.
   *
   * @param loader the process's sources (environment, system properties, HOCON file)
   * @param typed the second pass of each instance: the spec that types its {@code integration.config}, found from
   *     a first untyped load (its type and resources path); throws {@link ConfigurationException} or
   *     {@link IllegalArgumentException} for a type the runtime does not know
   * @throws ConfigurationException listing every problem, each naming its instance's file
   */
  public static HostSettings load(SettingsLoader loader, Function<OceanSettings, Optional<IntegrationSpec>> typed) {
    OceanSettings untyped = loader.copy().load();
    if (!untyped.instances().hostMode()) {
      OceanSettings settings = loader.copy().spec(typed.apply(untyped).orElse(null)).load();
      return new HostSettings(settings, List.of(
          new InstanceSettings(settings.integration().identifier(), "environment", settings)));
    }
    List<String> problems = new ArrayList<>();
    List<SettingsLoader.InstanceFile> files = new ArrayList<>();
    untyped.instances().dir().ifPresent(dir -> files.addAll(folder(dir, problems)));
    List<Config> list = untyped.instances().list();
    for (int i = 0; i < list.size(); i++) {
      files.add(new SettingsLoader.InstanceFile(InstanceSources.LIST + "[" + i + "]", Optional.empty(), Map.of(),
          list.get(i).atPath("ocean")));
    }
    Map<String, InstanceSettings> byId = new LinkedHashMap<>();
    for (SettingsLoader.InstanceFile file : files) {
      try {
        OceanSettings first = loader.copy().instance(file).load();
        OceanSettings settings = loader.copy().instance(file).spec(typed.apply(first).orElse(null)).load();
        String id = settings.integration().identifier();
        InstanceSettings clash = byId.get(id);
        if (RESERVED.contains(id)) {
          problems.add(file.source() + ": identifier \"" + id + "\" is taken by a route of the process (" + RESERVED
              + "); choose another");
        } else if (clash != null) {
          problems.add("identifier \"" + id + "\" is used by both " + clash.source() + " and " + file.source()
              + " (identifiers must be unique)");
        } else {
          byId.put(id, new InstanceSettings(id, file.source(), settings));
        }
      } catch (ConfigurationException e) {
        e.problems().forEach(p -> problems.add(p.contains(file.source()) ? p : file.source() + ": " + p));
      } catch (IllegalArgumentException e) {
        problems.add(file.source() + ": " + e.getMessage());
      }
    }
    problems.addAll(prefixClashes(untyped, byId.values()));
    if (files.isEmpty() && problems.isEmpty()) {
      problems.add(InstanceSources.DIR + " (" + untyped.instances().dir().map(Path::toString).orElse("") + "): no"
          + " *.env or *.conf file, so no integration instance to run");
    }
    if (!problems.isEmpty()) {
      throw new ConfigurationException(problems);
    }
    return new HostSettings(untyped, List.copyOf(byId.values()));
  }

  /**
   * Host mode: the instance's own {@code ocean.path-prefix} (an Ocean pod's {@code OCEAN__PATH_PREFIX}), which the
   * host mounts as an alias of {@code <process prefix>/<identifier>/}, so the URLs a migrated pod gave out (its
   * 3rd party's webhook subscription: {@code <base-url><prefix>/integration/...}) still reach it. Empty when the
   * instance has no prefix, when its prefix is the process's (which every instance inherits from the process's
   * environment) or when it is its own route ({@code /<identifier>}).
   */
  public static Optional<String> pathPrefixAlias(OceanSettings process, OceanSettings instance) {
    String own = process.pathPrefix().orElse("") + "/" + instance.integration().identifier();
    return instance.pathPrefix().filter(p -> !p.equals(process.pathPrefix().orElse("")) && !p.equals(own));
  }

  /**
   * Paths two owners would share: an instance's prefix alias against the process's routes, every instance's
   * {@code /<identifier>/} and the other aliases; a path and one under it clash too.
   */
  private static List<String> prefixClashes(OceanSettings process, java.util.Collection<InstanceSettings> instances) {
    String root = process.pathPrefix().orElse("");
    record Claim(String path, String owner) {}
    List<Claim> claims = new ArrayList<>();
    RESERVED.forEach(r -> claims.add(new Claim(root + "/" + r, "the process's route " + root + "/" + r)));
    instances.forEach(i -> claims.add(new Claim(root + "/" + i.identifier(), "the routes of instance \""
        + i.identifier() + "\" (" + i.source() + ")")));
    List<String> problems = new ArrayList<>();
    for (InstanceSettings i : instances) {
      Optional<String> alias = pathPrefixAlias(process, i.settings());
      if (alias.isEmpty()) {
        continue;
      }
      String a = alias.get();
      claims.stream().filter(c -> a.equals(c.path()) || a.startsWith(c.path() + "/") || c.path().startsWith(a + "/"))
          .findFirst().ifPresent(c -> problems.add(i.source() + ": ocean.path-prefix \"" + a + "\" (mounted as an"
              + " alias of the instance's routes) clashes with " + c.owner() + "; give each instance its own prefix"));
      claims.add(new Claim(a, "ocean.path-prefix \"" + a + "\" of " + i.source()));
    }
    return problems;
  }

  /** The folder's {@code *.env} and {@code *.conf} files, by name; anything else there is left alone. */
  private static List<SettingsLoader.InstanceFile> folder(Path dir, List<String> problems) {
    if (!Files.isDirectory(dir)) {
      problems.add(InstanceSources.DIR + ": " + dir + " is not a folder");
      return List.of();
    }
    List<Path> paths;
    try (Stream<Path> entries = Files.list(dir)) {
      paths = entries.filter(Files::isRegularFile).filter(p -> extension(p).isPresent()).sorted().toList();
    } catch (IOException e) {
      problems.add(InstanceSources.DIR + ": " + dir + " cannot be listed: " + e.getMessage());
      return List.of();
    }
    List<SettingsLoader.InstanceFile> out = new ArrayList<>();
    for (Path p : paths) {
      String name = p.getFileName().toString();
      String ext = extension(p).orElseThrow();
      Optional<String> stem = Optional.of(name.substring(0, name.length() - ext.length() - 1));
      String source = p.toString();
      if (ext.equals("env")) {
        List<String> fileProblems = new ArrayList<>();
        Map<String, String> env = SettingsLoader.envFile(p, fileProblems);
        problems.addAll(fileProblems);
        out.add(new SettingsLoader.InstanceFile(source, stem, env, ConfigFactory.empty()));
      } else {
        try {
          Config hocon = ConfigFactory.parseFile(p.toFile(), ConfigParseOptions.defaults().setAllowMissing(false));
          // A file may wrap its keys in ocean { } or not.
          Config rooted = hocon.hasPath("ocean") && hocon.root().size() == 1 ? hocon : hocon.atPath("ocean");
          out.add(new SettingsLoader.InstanceFile(source, stem, Map.of(), rooted));
        } catch (ConfigException e) {
          problems.add(source + ": cannot be read as HOCON: " + e.getMessage());
        }
      }
    }
    return out;
  }

  private static Optional<String> extension(Path p) {
    String name = p.getFileName().toString().toLowerCase(Locale.ROOT);
    return name.startsWith(".") ? Optional.empty()
        : name.endsWith(".env") ? Optional.of("env") : name.endsWith(".conf") ? Optional.of("conf") : Optional.empty();
  }
}
