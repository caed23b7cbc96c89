package dev.oceanj.runtime.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.oceanj.core.config.ConfigurationException;
import dev.oceanj.core.config.IntegrationSpec;
import dev.oceanj.core.config.OceanSettings;
import dev.oceanj.core.mapping.MappingSchema;
import dev.oceanj.spi.host.IntegrationResources;
import dev.oceanj.spi.host.Integrations;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code oceanj port-app-config schema}: Ocean's command of the same name. */
@Command(name = "port-app-config", mixinStandardHelpOptions = true,
    description = "Work with the integration's mapping (port-app-config).",
    subcommands = PortAppConfigCommand.Schema.class)
public final class PortAppConfigCommand implements Callable<Integer> {

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() {
    spec.commandLine().usage(spec.commandLine().getErr());
    return 2;
  }

  /**
   * The record classes of the typed selectors {@code type} declares ({@code DefinedIntegration.selectorType}), found
   * by defining the integration with the settings of the environment ({@code OCEAN__INTEGRATION__CONFIG__*}); the
   * schema lists their fields beside {@code query}. Empty (base selectors) when the type is not known here, or when
   * the integration cannot be defined without its settings: {@code problem} then says why.
   */
  static java.util.function.Function<String, Optional<Class<?>>> selectorTypes(String type, ClassLoader loader,
      java.util.function.Consumer<String> problem) {
    if (type == null || !Integrations.discover(loader).containsKey(type)) {
      return kind -> Optional.empty();
    }
    try {
      var settings = OceanSettings.fromSystem(IntegrationSpec.forType(loader, type).orElse(null));
      var defined = dev.oceanj.spi.host.DefinedIntegration.define(Integrations.load(type, loader),
          settings.integration().config(), java.net.http.HttpClient.newHttpClient());
      return defined::selectorType;
    } catch (RuntimeException e) {
      problem.accept("oceanj port-app-config schema: the selector fields of '" + type + "' are left out (only "
          + "query): the integration needs its settings to be defined (" + e.getMessage() + ")");
      return kind -> Optional.empty();
    }
  }

  /**
   * {@code schema [PATH] [-t TYPE] [-f json|ui] [-o FILE] [--pretty|--compact]}: the JSON Schema of an integration's
   * mapping ({@link MappingSchema}) for the kinds its {@code .port/spec.yaml} declares (else those of its default
   * mapping): the {@code .port} folder of PATH when given, else the one TYPE ships. Exit 0 written; 2 unknown type,
   * no {@code .port} folder or no kinds; 1 the file could not be written.
   */
  @Command(name = "schema", mixinStandardHelpOptions = true,
      description = "Print the JSON Schema of the integration's mapping, with each kind's selector fields.")
  static final class Schema implements Callable<Integer> {

    @Parameters(index = "0", arity = "0..1", paramLabel = "PATH",
        description = "An integration folder: kinds and title come from its .port/ (else from TYPE's shipped one).")
    Path path;

    @Option(names = {"-t", "--type"}, paramLabel = "TYPE",
        description = "The integration type (default: ocean.integration.type).")
    String type;

    @Option(names = {"-f", "--format"}, paramLabel = "json|ui", defaultValue = "json",
        description = "json: the full JSON Schema; ui: what Port's form-based mapping editor reads.")
    String format;

    @Option(names = {"-o", "--output"}, paramLabel = "FILE",
        description = "Write to FILE (parent folders are created) instead of stdout.")
    Path output;

    @ArgGroup(exclusive = true)
    Layout layout;

    static final class Layout {
      @Option(names = "--pretty", description = "Indented, two spaces (the default).")
      boolean pretty;

      @Option(names = "--compact", description = "On one line.")
      boolean compact;
    }

    private final CliIO io;

    Schema(CliIO io) {
      this.io = io;
    }

    @Override
    public Integer call() {
      if (!format.equals("json") && !format.equals("ui")) {
        io.err().println("oceanj port-app-config schema: --format must be json or ui, was '" + format + "'");
        return 2;
      }
      ClassLoader loader = PortAppConfigCommand.class.getClassLoader();
      String chosen = type;
      Optional<IntegrationSpec> spec;
      Set<String> kinds;
      String source;
      if (path != null) {
        if (!Files.isDirectory(path.resolve(".port"))) {
          io.err().println("oceanj port-app-config schema: " + path + " has no .port folder");
          return 2;
        }
        try {
          spec = IntegrationSpec.find(path);
        } catch (ConfigurationException e) {
          io.err().println("oceanj port-app-config schema: " + e.getMessage());
          return 2;
        }
        kinds = ListCommand.kinds(spec, IntegrationResources.directory(path.resolve(".port")));
        source = path.resolve(".port").toString();
      } else {
        if (chosen == null) {
          try {
            chosen = OceanSettings.fromSystem(null).integration().type();
          } catch (ConfigurationException e) {
            io.err().println("oceanj port-app-config schema: invalid configuration: " + e.getMessage());
            return 2;
          }
        }
        Set<String> types = Integrations.discover(loader).keySet();
        if (!types.contains(chosen)) {
          io.err().println("oceanj port-app-config schema: no integration of type '" + chosen
              + "' on the class path; available: " + types);
          return 2;
        }
        spec = IntegrationSpec.forType(loader, chosen);
        kinds = ListCommand.kinds(chosen, loader);
        source = "integration '" + chosen + "'";
      }
      if (kinds.isEmpty()) {
        io.err().println("oceanj port-app-config schema: " + source + " declares no kinds (neither "
            + ".port/spec.yaml features[].resources nor a default port-app-config)");
        return 2;
      }
      Map<String, Optional<Class<?>>> selectors = new LinkedHashMap<>();
      var selectorTypes = selectorTypes(chosen, loader, io.err()::println);
      for (String kind : kinds) {
        selectors.put(kind, selectorTypes.apply(kind));
      }
      String title = spec.flatMap(IntegrationSpec::title)
          .orElse(chosen != null ? chosen : path.toAbsolutePath().normalize().getFileName().toString());
      ObjectNode schema;
      try {
        schema = format.equals("ui") ? MappingSchema.ui(title, selectors) : MappingSchema.json(title, selectors);
      } catch (IllegalArgumentException e) {
        io.err().println("oceanj port-app-config schema: " + e.getMessage());
        return 2;
      }
      ObjectMapper mapper = new ObjectMapper();
      boolean compact = layout != null && layout.compact;
      String text;
      try {
        text = compact ? mapper.writeValueAsString(schema)
            : mapper.enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(schema);
      } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
        throw new IllegalStateException("cannot serialize the schema", e);
      }
      if (output == null) {
        io.out().println(text);
        return 0;
      }
      try {
        Path parent = output.toAbsolutePath().getParent();
        if (parent != null) {
          Files.createDirectories(parent);
        }
        Files.writeString(output, text + "\n", StandardCharsets.UTF_8);
      } catch (IOException e) {
        io.err().println("oceanj port-app-config schema: cannot write " + output + ": " + e.getMessage());
        return 1;
      }
      io.err().println("Output written to " + output);
      return 0;
    }
  }
}
