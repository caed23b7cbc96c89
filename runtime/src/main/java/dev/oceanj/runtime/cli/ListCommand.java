package dev.oceanj.runtime.cli;

import dev.oceanj.core.config.IntegrationSpec;
import dev.oceanj.core.mapping.PortAppConfig;
import dev.oceanj.spi.Integration;
import dev.oceanj.spi.host.IntegrationResources;
import dev.oceanj.spi.host.Integrations;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/**
 * {@code oceanj list}: the integration types on the class path (built in, or JARs added to it), each with its
 * version (the JAR's, else the runtime's) and the kinds its {@code .port/spec.yaml} declares (else its
 * default mapping). Ocean lists its
 * GitHub repository instead; oceanj lists what this runtime can run.
 */
@Command(name = "list", mixinStandardHelpOptions = true,
    description = "List the integration types on the class path with their version and kinds.")
public final class ListCommand implements Callable<Integer> {

  private final CliIO io;

  public ListCommand(CliIO io) {
    this.io = io;
  }

  /** One line of the listing. */
  record Entry(String type, String version, List<String> kinds) {}

  /** The kinds of {@code type}: those its {@code .port/spec.yaml} lists, else those of its default mapping. */
  static Set<String> kinds(String type, ClassLoader loader) {
    return kinds(IntegrationSpec.forType(loader, type), IntegrationResources.forType(type, loader));
  }

  /** The kinds {@code spec} lists, else those of the default mapping in {@code port}. */
  static Set<String> kinds(Optional<IntegrationSpec> spec, IntegrationResources port) {
    Set<String> kinds = new LinkedHashSet<>();
    spec.ifPresent(s -> s.features().forEach(f -> kinds.addAll(f.kinds())));
    if (kinds.isEmpty()) {
      port.mapping().ifPresent(file ->
          PortAppConfig.parse(file.text(), file.location()).resources().forEach(r -> kinds.add(r.kind())));
    }
    return kinds;
  }

  @Override
  public Integer call() {
    ClassLoader loader = ListCommand.class.getClassLoader();
    List<Entry> entries = new ArrayList<>();
    for (Map.Entry<String, Integration> e : Integrations.discover(loader).entrySet()) {
      String version = e.getValue().getClass().getPackage().getImplementationVersion();
      entries.add(new Entry(e.getKey(), version == null ? RuntimeVersion.current() : version,
          List.copyOf(kinds(e.getKey(), loader))));
    }
    int typeWidth = Math.max(4, entries.stream().mapToInt(en -> en.type().length()).max().orElse(0));
    int versionWidth = Math.max(7, entries.stream().mapToInt(en -> en.version().length()).max().orElse(0));
    String format = "%-" + typeWidth + "s  %-" + versionWidth + "s  %s";
    io.out().println(String.format(format, "TYPE", "VERSION", "KINDS").stripTrailing());
    for (Entry en : entries) {
      io.out().println(String.format(format, en.type(), en.version(), String.join(", ", en.kinds())).stripTrailing());
    }
    return 0;
  }
}
