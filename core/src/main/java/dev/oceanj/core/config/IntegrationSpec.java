package dev.oceanj.core.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * An integration's {@code .port/spec.yaml} (or {@code .yml}, {@code .json}), as Ocean reads it: what the
 * integration is and, above all, its {@link #configurations()}, which type {@code ocean.integration.config}.
 *
 * @param source where it was read from (file path or classpath name), used in every error message
 * @param title display title
 * @param description one-line description
 * @param icon icon name
 * @param features declared features (exporter / gitops sections and their kinds)
 * @param configurations the integration's settings, in file order
 * @param saas hosted-by-Port switches, when the file has a {@code saas} block
 * @param actionsProcessingEnabled whether the integration runs self-service actions
 */
public record IntegrationSpec(
    String source,
    Optional<String> title,
    Optional<String> description,
    Optional<String> icon,
    List<Feature> features,
    List<Configuration> configurations,
    Optional<Saas> saas,
    boolean actionsProcessingEnabled) {

  /** Where integration modules put their {@code .port} folder on the class path: this, then {@code <type>/.port}. */
  public static final String CLASSPATH_ROOT = "oceanj/integration/";

  /** The spec file names Ocean looks for inside {@code .port/}, in its order. */
  public static final List<String> FILE_NAMES = List.of("spec.yaml", "spec.yml", "spec.json");

  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
  private static final ObjectMapper JSON = new ObjectMapper();

  /** Copies the lists. */
  public IntegrationSpec {
    Objects.requireNonNull(source, "source");
    features = List.copyOf(features);
    configurations = List.copyOf(configurations);
  }

  /** A type a spec configuration may have. */
  public enum ConfigType {
    STRING, URL, INTEGER,
    /** Ocean's docs list {@code number} but its code rejects it; oceanj accepts it, as the docs promise. */
    NUMBER,
    BOOLEAN, OBJECT, ARRAY;

    /** The spelling in the spec file. */
    public String wireName() {
      return name().toLowerCase(Locale.ROOT);
    }

    static Optional<ConfigType> parse(String s) {
      return Arrays.stream(values()).filter(t -> t.wireName().equals(s)).findFirst();
    }

    static String allowed() {
      return Arrays.stream(values()).map(ConfigType::wireName).collect(Collectors.joining(", "));
    }
  }

  /**
   * One entry of {@code configurations}.
   *
   * @param name camelCase name; env {@code OCEAN__INTEGRATION__CONFIG__<SNAKE_CASE_NAME>} sets it
   * @param type value type
   * @param required whether start-up fails when it has no value and no default
   * @param defaultValue the spec's {@code default}, if any
   * @param sensitive whether the value is masked wherever settings are printed
   * @param description help text
   */
  public record Configuration(
      String name, ConfigType type, boolean required, Optional<JsonNode> defaultValue, boolean sensitive,
      Optional<String> description) {

    /** Copies the default so the record stays immutable. */
    public Configuration {
      Objects.requireNonNull(name, "name");
      Objects.requireNonNull(type, "type");
      defaultValue = defaultValue.map(JsonNode::deepCopy);
    }

    @Override
    public Optional<JsonNode> defaultValue() {
      return defaultValue.map(JsonNode::deepCopy);
    }

    /** The environment variable Ocean reads this configuration from. */
    public String envVar() {
      return "OCEAN__INTEGRATION__CONFIG__" + OceanEnvironment.snakeCase(name).toUpperCase(Locale.ROOT);
    }
  }

  /**
   * One entry of {@code features}.
   *
   * @param type {@code exporter} or {@code gitops}
   * @param section UI section
   * @param kinds the kinds listed under {@code resources}
   */
  public record Feature(String type, Optional<String> section, List<String> kinds) {
    /** Copies the list. */
    public Feature {
      kinds = List.copyOf(kinds);
    }
  }

  /**
   * The {@code saas} block.
   *
   * @param enabled whether Port may host the integration
   * @param liveEventsEnabled whether live events are enabled when hosted
   */
  public record Saas(boolean enabled, boolean liveEventsEnabled) {}

  /** The configuration called {@code name}, if the spec declares it. */
  public Optional<Configuration> configuration(String name) {
    return configurations.stream().filter(c -> c.name().equals(name)).findFirst();
  }

  /** Reads {@code file}; a {@code .json} name is read as JSON, anything else as YAML. */
  public static IntegrationSpec parse(Path file) {
    try (InputStream in = Files.newInputStream(file)) {
      return parse(in, file.toString());
    } catch (IOException e) {
      throw new ConfigurationException(List.of(file + ": cannot read the integration spec: " + e.getMessage()));
    }
  }

  /**
   * Reads a spec from {@code in} (not closed); {@code sourceName} names it in errors and picks the format
   * (a name ending in {@code .json} is JSON, anything else YAML).
   *
   * @throws ConfigurationException listing every problem in the file
   */
  public static IntegrationSpec parse(InputStream in, String sourceName) {
    JsonNode root;
    try {
      root = (sourceName.toLowerCase(Locale.ROOT).endsWith(".json") ? JSON : YAML).readTree(in);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      String where = e.getLocation() == null ? ""
          : " (line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr() + ")";
      throw new ConfigurationException(List.of(sourceName + ": not valid "
          + (sourceName.endsWith(".json") ? "JSON" : "YAML") + where + ": " + e.getOriginalMessage()));
    } catch (IOException e) {
      throw new ConfigurationException(List.of(sourceName + ": cannot read the integration spec: " + e.getMessage()));
    }
    return fromTree(root, sourceName);
  }

  /** Finds and reads {@code <integrationDir>/.port/spec.yaml|yml|json}; empty when there is none. */
  public static Optional<IntegrationSpec> find(Path integrationDir) {
    for (String name : FILE_NAMES) {
      Path p = integrationDir.resolve(".port").resolve(name);
      if (Files.isRegularFile(p)) {
        return Optional.of(parse(p));
      }
    }
    return Optional.empty();
  }

  /**
   * Finds and reads {@code <folder>/spec.yaml|yml|json} on the class path of {@code loader}, e.g. folder
   * {@code "oceanj/integrations/fake/.port"}; empty when there is none.
   */
  public static Optional<IntegrationSpec> fromClasspath(ClassLoader loader, String folder) {
    String base = folder.endsWith("/") ? folder : folder + "/";
    for (String name : FILE_NAMES) {
      try (InputStream in = loader.getResourceAsStream(base + name)) {
        if (in != null) {
          return Optional.of(parse(in, "classpath:" + base + name));
        }
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return Optional.empty();
  }

  /**
   * The spec a built-in or classpath integration ships: {@code oceanj/integration/<type>/.port/spec.*} (where an
   * integration module puts its {@code .port} folder); empty when the integration has none.
   */
  public static Optional<IntegrationSpec> forType(ClassLoader loader, String type) {
    return fromClasspath(loader, CLASSPATH_ROOT + type.toLowerCase(Locale.ROOT) + "/.port");
  }

  private static IntegrationSpec fromTree(JsonNode root, String source) {
    List<String> problems = new ArrayList<>();
    if (root == null || root.isMissingNode() || root.isNull()) {
      root = JSON.createObjectNode();
    }
    if (!root.isObject()) {
      throw new ConfigurationException(List.of(source + ": expected a mapping at the top level"));
    }
    List<Configuration> configurations = new ArrayList<>();
    JsonNode configs = root.path("configurations");
    if (!configs.isMissingNode() && !configs.isNull() && !configs.isArray()) {
      problems.add(source + ": configurations: expected a list");
    } else if (configs.isArray()) {
      for (int i = 0; i < configs.size(); i++) {
        readConfiguration(configs.get(i), source + ": configurations[" + i + "]", problems)
            .ifPresent(configurations::add);
      }
    }
    List<String> seen = new ArrayList<>();
    for (Configuration c : configurations) {
      if (seen.contains(c.name())) {
        problems.add(source + ": configuration '" + c.name() + "' is declared twice");
      }
      seen.add(c.name());
    }
    List<Feature> features = new ArrayList<>();
    for (JsonNode f : root.path("features")) {
      List<String> kinds = new ArrayList<>();
      for (JsonNode r : f.path("resources")) {
        if (r.hasNonNull("kind")) {
          kinds.add(r.get("kind").asText());
        }
      }
      features.add(new Feature(f.path("type").asText(""), text(f, "section"), kinds));
    }
    Optional<Saas> saas = root.path("saas").isObject()
        ? Optional.of(new Saas(root.path("saas").path("enabled").asBoolean(true),
            root.path("saas").path("liveEvents").path("enabled").asBoolean(false)))
        : Optional.empty();
    if (!problems.isEmpty()) {
      throw new ConfigurationException(problems);
    }
    return new IntegrationSpec(source, text(root, "title"), text(root, "description"), text(root, "icon"),
        features, configurations, saas, root.path("actionsProcessingEnabled").asBoolean(false));
  }

  private static Optional<Configuration> readConfiguration(JsonNode c, String where, List<String> problems) {
    if (!c.isObject()) {
      problems.add(where + ": expected a mapping with name and type");
      return Optional.empty();
    }
    String name = c.path("name").isTextual() ? c.get("name").asText().trim() : "";
    String label = name.isEmpty() ? where : where + " '" + name + "'";
    if (name.isEmpty()) {
      problems.add(where + ": missing name");
    }
    Optional<ConfigType> type = c.path("type").isTextual()
        ? ConfigType.parse(c.get("type").asText().trim().toLowerCase(Locale.ROOT)) : Optional.empty();
    if (type.isEmpty()) {
      problems.add(label + ": " + (c.has("type") ? "unknown type '" + c.get("type").asText() + "'" : "missing type")
          + "; expected one of " + ConfigType.allowed());
    }
    List<String> flagProblems = new ArrayList<>();
    boolean required = flag(c, "required", label, flagProblems);
    boolean sensitive = flag(c, "sensitive", label, flagProblems);
    problems.addAll(flagProblems);
    if (name.isEmpty() || type.isEmpty() || !flagProblems.isEmpty()) {
      return Optional.empty();
    }
    Optional<JsonNode> def = c.has("default") && !c.get("default").isNull() ? Optional.of(c.get("default")) : Optional.empty();
    return Optional.of(new Configuration(name, type.get(), required, def, sensitive, text(c, "description")));
  }

  private static boolean flag(JsonNode c, String field, String label, List<String> problems) {
    JsonNode v = c.path(field);
    if (v.isMissingNode() || v.isNull()) {
      return false;
    }
    if (v.isBoolean()) {
      return v.asBoolean();
    }
    if (v.isTextual() && (v.asText().equalsIgnoreCase("true") || v.asText().equalsIgnoreCase("false"))) {
      return Boolean.parseBoolean(v.asText().toLowerCase(Locale.ROOT));
    }
    problems.add(label + ": " + field + " must be true or false, got " + v);
    return false;
  }

  private static Optional<String> text(JsonNode node, String field) {
    JsonNode v = node.path(field);
    return v.isValueNode() && !v.isNull() ? Optional.of(v.asText()) : Optional.empty();
  }
}
