package dev.oceanj.runtime.cli;

import dev.oceanj.core.config.IntegrationSpec;
import dev.oceanj.spi.Integration;
import dev.oceanj.spi.host.Integrations;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/**
 * {@code oceanj list}: the integration types on the class path (built in, or JARs added to it), each with its
 * version (the JAR's, else the runtime's) and the kinds its {@code .port/spec.yaml} declares. Ocean lists its
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

  @Override
  public Integer call() {
    ClassLoader loader = ListCommand.class.getClassLoader();
    List<Entry> entries = new ArrayList<>();
    for (Map.Entry<String, Integration> e : Integrations.discover(loader).entrySet()) {
      String version = e.getValue().getClass().getPackage().getImplementationVersion();
      List<String> kinds = new ArrayList<>();
      IntegrationSpec.forType(loader, e.getKey()).ifPresent(spec -> spec.features().forEach(f -> kinds.addAll(f.kinds())));
      entries.add(new Entry(e.getKey(), version == null ? RuntimeVersion.current() : version, kinds));
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
