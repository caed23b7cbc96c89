package dev.oceanj.runtime.cli;

import java.io.InputStream;
import java.io.PrintStream;

/** The standard streams a command uses; tests pass their own to run commands in-process. */
public record CliIO(InputStream in, PrintStream out, PrintStream err) {
  /** The process's streams. */
  public static CliIO system() {
    return new CliIO(System.in, System.out, System.err);
  }
}
