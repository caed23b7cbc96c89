package dev.oceanj.runtime.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code oceanj version [-s]}: Ocean's {@code ocean version}, for the runtime. */
@Command(name = "version", mixinStandardHelpOptions = true, description = "Print the oceanj version.")
public final class VersionCommand implements Callable<Integer> {

  @Option(names = {"-s", "--short"}, description = "Only the version number.")
  boolean brief;

  private final CliIO io;

  public VersionCommand(CliIO io) {
    this.io = io;
  }

  @Override
  public Integer call() {
    io.out().println(brief ? RuntimeVersion.current() : "oceanj version: " + RuntimeVersion.current());
    return 0;
  }
}
