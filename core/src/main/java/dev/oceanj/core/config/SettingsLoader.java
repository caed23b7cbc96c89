package dev.oceanj.core.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigObject;
import com.typesafe.config.ConfigParseOptions;
import com.typesafe.config.ConfigResolveOptions;
import com.typesafe.config.ConfigValueFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;

/**
 * Builds {@link OceanSettings} from explicit sources, so tests never touch the real environment or global
 * system properties. Unset sources are empty: {@code SettingsLoader.create().load()} gives the defaults.
 *
 * <p>Order, highest first: system properties, environment ({@code OCEAN__*}, then {@code APPLICATION__PORT} /
 * {@code APPLICATION__LOG_LEVEL}, then the legacy {@code OCEAN__INTEGRATION__CONFIG__APP_HOST}; a {@code .env}
 * file fills in variables the environment lacks), the HOCON file
 * ({@link #configFile(Path)}, else the {@code config.file} system property), the defaults. A user file may use
 * {@code ${?VAR}}; it resolves against the given environment only.
 */
public final class SettingsLoader {

  private Map<String, String> env = Map.of();
  private Properties systemProperties = new Properties();
  private Path configFile;
  private Path dotEnv;
  private IntegrationSpec spec;
  private ClassLoader classLoader = SettingsLoader.class.getClassLoader();
  private InstanceFile instance;

  private SettingsLoader() {}

  /**
   * One host-mode instance's own keys (see {@link HostSettings}).
   *
   * @param source what names the instance in messages (the file, or {@code ocean.instances[i]})
   * @param stem the file stem, which is the identifier; empty for a list element (which must name its own)
   * @param env the {@code *.env} file's lines (over the process environment)
   * @param hocon the {@code *.conf} file or the list element, rooted at {@code ocean}
   */
  record InstanceFile(String source, Optional<String> stem, Map<String, String> env, Config hocon) {}

  /** A loader with the same sources (environment, properties, file, spec), for one more pass. */
  SettingsLoader copy() {
    SettingsLoader c = new SettingsLoader();
    c.env = env;
    c.systemProperties = systemProperties;
    c.configFile = configFile;
    c.dotEnv = dotEnv;
    c.spec = spec;
    c.classLoader = classLoader;
    c.instance = instance;
    return c;
  }

  /**
   * Loads one host-mode instance: its own keys over the system properties, the environment, {@code ocean.defaults}
   * and the file; its identifier is the file stem, and its data dir {@code <data-dir>/<identifier>}.
   */
  SettingsLoader instance(InstanceFile file) {
    this.instance = file;
    return this;
  }

  /** A loader with no environment, no system properties, no file and no spec. */
  public static SettingsLoader create() {
    return new SettingsLoader();
  }

  /** The environment variables to read ({@code System.getenv()} in production). */
  public SettingsLoader environment(Map<String, String> env) {
    this.env = Map.copyOf(env);
    return this;
  }

  /**
   * A {@code .env} file (as Ocean reads): {@code KEY=VALUE} lines, {@code #} comments, optional {@code export}
   * and quotes. The real environment wins over it. A missing file is fine; a malformed line is a problem.
   */
  public SettingsLoader dotEnvFile(Path file) {
    this.dotEnv = file;
    return this;
  }

  /** The system properties to read; {@code config.file} among them names the HOCON file. */
  public SettingsLoader systemProperties(Properties properties) {
    Properties copy = new Properties();
    properties.stringPropertyNames().forEach(k -> copy.setProperty(k, properties.getProperty(k)));
    this.systemProperties = copy;
    return this;
  }

  /** The HOCON file to read, instead of the one {@code config.file} names. */
  public SettingsLoader configFile(Path file) {
    this.configFile = file;
    return this;
  }

  /** The integration's spec (nullable), which types {@code ocean.integration.config}. */
  public SettingsLoader spec(IntegrationSpec spec) {
    this.spec = spec;
    return this;
  }

  /** Where {@code oceanj/application.conf} is looked up. */
  public SettingsLoader classLoader(ClassLoader loader) {
    this.classLoader = loader;
    return this;
  }

  /**
   * Reads, merges and validates everything.
   *
   * @throws ConfigurationException listing every problem
   */
  public OceanSettings load() {
    List<String> problems = new ArrayList<>();
    List<String> ignored = new ArrayList<>();
    Config defaults = OceanSettings.defaults(classLoader);

    Config sys = OceanKeys.normalize(ConfigFactory.parseProperties(systemProperties,
        ConfigParseOptions.defaults().setOriginDescription("system properties")), spec);
    Map<String, String> environment = withDotEnv(problems);
    Config envLayer = OceanKeys.normalize(OceanEnvironment.toConfig(environment, spec), spec);
    Config rawFile = readFile(problems);
    Config file = OceanKeys.normalize(rawFile, spec);
    // Host mode, one instance: its own keys on top, ocean.defaults under the environment.
    Config own = ConfigFactory.empty();
    Config ownEnv = ConfigFactory.empty();
    Config shared = ConfigFactory.empty();
    if (instance != null) {
      Map<String, String> withOwn = new java.util.HashMap<>(environment);
      withOwn.putAll(instance.env());
      environment = withOwn;
      own = OceanKeys.normalize(instance.hocon(), spec);
      ownEnv = OceanKeys.normalize(OceanEnvironment.toConfig(instance.env(), spec, instance.source() + ": "), spec);
      ConfigObject defaultsObject = OceanKeys.objectAt(rawFile, InstanceSources.DEFAULTS);
      if (defaultsObject != null) {
        shared = OceanKeys.normalize(defaultsObject.toConfig().atPath("ocean"), spec);
      }
    }

    for (Config layer : List.of(envLayer, ownEnv)) {
      for (OceanKeys.UnknownKey k : OceanKeys.unknownKeys(layer, defaults)) {
        ignored.add(k.describe() + (k.oceanOnly() ? ": Ocean-only setting, ignored by oceanj" : ": unknown key, ignored"));
      }
    }
    for (Config layer : List.of(sys, file, own, shared)) {
      for (OceanKeys.UnknownKey k : OceanKeys.unknownKeys(layer, defaults)) {
        if (k.oceanOnly()) {
          ignored.add(k.describe() + ": Ocean-only setting, ignored by oceanj");
        } else {
          problems.add(k.describe() + ": unknown key; expected one of " + String.join(", ", k.siblings()));
        }
      }
    }

    Config merged = own.withFallback(ownEnv).withFallback(sys).withFallback(envLayer).withFallback(shared)
        .withFallback(file);
    if (instance != null) {
      for (String key : InstanceSources.KEYS) {
        merged = merged.withoutPath(key);
      }
    }
    merged = merged.withFallback(defaults);
    Config resolved;
    try {
      // ${?VAR} in a user file sees the given environment only: it is merged in as root keys for resolving,
      // then removed again, so the settings never carry the whole environment.
      ConfigObject root = merged.withFallback(ConfigValueFactory.fromMap(environment, "environment"))
          .resolve(ConfigResolveOptions.defaults().setUseSystemEnvironment(false)).root();
      for (String var : environment.keySet()) {
        if (!merged.root().containsKey(var)) {
          root = root.withoutKey(var);
        }
      }
      resolved = root.toConfig();
    } catch (ConfigException.UnresolvedSubstitution e) {
      problems.add(e.getMessage());
      throw new ConfigurationException(problems);
    } catch (ConfigException e) {
      // Other resolve errors print the whole tree, secrets included: name only where it went wrong.
      problems.add((e.origin() == null ? "configuration" : ConfigReader.originOf(e.origin()))
          + ": substitutions cannot be resolved (" + e.getClass().getSimpleName() + ")");
      throw new ConfigurationException(problems);
    }
    if (instance != null) {
      resolved = ownIdentity(resolved, own.withFallback(ownEnv), problems);
    }
    ConfigReader reader = new ConfigReader(resolved);
    problems.forEach(reader::problem);
    OceanSettings settings = OceanSettings.read(reader, spec, ignored, environment);
    reader.throwIfProblems();
    return settings;
  }

  /**
   * The instance's identifier (its own {@code ocean.integration.identifier}, which must equal the file stem, else
   * the stem) and data dir ({@code <data-dir>/<identifier>}).
   */
  private Config ownIdentity(Config resolved, Config ownKeys, List<String> problems) {
    String key = "ocean.integration.identifier";
    Optional<String> declared = OceanKeys.hasPathOrNull(ownKeys, key) && resolved.hasPath(key)
        ? Optional.of(resolved.getValue(key).unwrapped().toString()) : Optional.empty();
    Optional<String> stem = instance.stem();
    if (declared.isPresent() && stem.isPresent() && !declared.get().equals(stem.get())) {
      problems.add(instance.source() + ": " + key + " is \"" + declared.get() + "\" but the file is named \""
          + stem.get() + "\" (the file name, without its extension, is the identifier: rename the file or drop the"
          + " key)");
    }
    Optional<String> identifier = declared.or(() -> stem);
    if (identifier.isEmpty() || identifier.get().isBlank()) {
      problems.add(instance.source() + ": " + key + " is required (each instance names its own identifier)");
      return resolved;
    }
    String id = identifier.get();
    String dataDir = resolved.hasPath("ocean.data-dir") ? resolved.getString("ocean.data-dir") : ".oceanj";
    return resolved
        .withValue(key, ConfigValueFactory.fromAnyRef(id, instance.source()))
        .withValue("ocean.data-dir", ConfigValueFactory.fromAnyRef(Path.of(dataDir).resolve(id).toString(),
            instance.source() + " (<data-dir>/<identifier>)"));
  }

  private Map<String, String> withDotEnv(List<String> problems) {
    if (dotEnv == null || !Files.isRegularFile(dotEnv)) {
      return env;
    }
    Map<String, String> merged = new java.util.HashMap<>(envFile(dotEnv, problems));
    merged.putAll(env);
    return merged;
  }

  /**
   * An env file's variables: {@code KEY=VALUE} lines, {@code #} comments and blank lines, optional
   * {@code export} and quotes; a malformed line is a problem naming the file and line.
   */
  static Map<String, String> envFile(Path file, List<String> problems) {
    Map<String, String> merged = new java.util.LinkedHashMap<>();
    List<String> lines;
    try {
      lines = Files.readAllLines(file);
    } catch (java.io.IOException e) {
      problems.add(file + ": cannot be read: " + e.getMessage());
      return merged;
    }
    for (int i = 0; i < lines.size(); i++) {
      String line = lines.get(i).strip();
      if (line.isEmpty() || line.startsWith("#")) {
        continue;
      }
      if (line.startsWith("export ")) {
        line = line.substring("export ".length()).strip();
      }
      int eq = line.indexOf('=');
      if (eq <= 0) {
        problems.add(file + ":" + (i + 1) + ": expected KEY=VALUE");
        continue;
      }
      String value = line.substring(eq + 1).strip();
      if (value.length() >= 2 && (value.startsWith("\"") && value.endsWith("\"")
          || value.startsWith("'") && value.endsWith("'"))) {
        value = value.substring(1, value.length() - 1);
      }
      merged.put(line.substring(0, eq).strip(), value);
    }
    return merged;
  }

  private Config readFile(List<String> problems) {
    Path path = configFile;
    String how = "config file ";
    if (path == null && systemProperties.getProperty("config.file") != null) {
      path = Path.of(systemProperties.getProperty("config.file"));
      how = "-Dconfig.file=";
    }
    if (path == null) {
      return ConfigFactory.empty();
    }
    if (!Files.isRegularFile(path)) {
      problems.add(how + path + ": no such file");
      return ConfigFactory.empty();
    }
    try {
      return ConfigFactory.parseFile(path.toFile(), ConfigParseOptions.defaults().setAllowMissing(false));
    } catch (ConfigException e) {
      problems.add(how + path + ": cannot be read as HOCON: " + e.getMessage());
      return ConfigFactory.empty();
    }
  }
}
