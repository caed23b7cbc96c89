package dev.oceanj.runtime.cli;

import dev.oceanj.spi.host.IntegrationResources;
import dev.oceanj.spi.host.Integrations;
import dev.oceanj.spi.host.PortFile;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code oceanj pull TYPE [DIR]}: writes the {@code .port/} defaults an integration type ships (spec, mapping,
 * blueprints, and scorecards, actions and pages when it has them) to {@code DIR/.port/}, for editing; a run
 * with {@code ocean.resources-path = DIR/.port/resources} (or {@code sail DIR}) then uses them. Existing files are
 * never overwritten without {@code --force}.
 *
 * <p>Exit codes: 0 written; 2 unknown type, or a file exists; 1 a file could not be written.
 */
@Command(name = "pull", mixinStandardHelpOptions = true,
    description = "Write an integration type's .port/ defaults to a folder for editing.")
public final class PullCommand implements Callable<Integer> {

  @Parameters(index = "0", paramLabel = "TYPE", description = "The integration type (see `oceanj list`).")
  String type;

  @Parameters(index = "1", arity = "0..1", paramLabel = "DIR",
      description = "Where to write .port/ (default: ./TYPE); created when missing.")
  Path dir;

  @Option(names = {"-p", "--path"}, paramLabel = "DIR", description = "Same as DIR (Ocean's flag).")
  Path path;

  @Option(names = {"-f", "--force"}, description = "Overwrite files that exist.")
  boolean force;

  private final CliIO io;

  public PullCommand(CliIO io) {
    this.io = io;
  }

  @Override
  public Integer call() {
    ClassLoader loader = PullCommand.class.getClassLoader();
    var types = Integrations.discover(loader).keySet();
    if (!types.contains(type)) {
      io.err().println("oceanj pull: no integration of type '" + type + "' on the class path; available: " + types);
      return 2;
    }
    Path target = (dir != null ? dir : path != null ? path : Path.of(type)).resolve(".port");
    IntegrationResources shipped = IntegrationResources.forType(type, loader);
    List<PortFile> files = new ArrayList<>();
    for (Optional<PortFile> f : List.of(shipped.spec(), shipped.mapping(), shipped.blueprints(), shipped.scorecards(),
        shipped.actions(), shipped.pages())) {
      f.ifPresent(files::add);
    }
    if (!force) {
      for (PortFile f : files) {
        Path out = target.resolve(f.name());
        if (Files.exists(out)) {
          io.err().println("oceanj pull: " + out + " exists; nothing was written (use --force to overwrite)");
          return 2;
        }
      }
    }
    for (PortFile f : files) {
      Path out = target.resolve(f.name());
      try {
        Files.createDirectories(out.getParent());
        Files.writeString(out, f.text(), StandardCharsets.UTF_8);
      } catch (IOException e) {
        io.err().println("oceanj pull: cannot write " + out + ": " + e.getMessage());
        return 1;
      }
      io.out().println("Wrote " + out);
    }
    return 0;
  }
}
