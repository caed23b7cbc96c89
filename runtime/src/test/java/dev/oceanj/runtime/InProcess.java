package dev.oceanj.runtime;

import dev.oceanj.runtime.cli.CliIO;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;

/** Runs the {@code oceanj} command line in this JVM with some system properties set, restoring them after. */
final class InProcess {

  private InProcess() {}

  record Run(int exit, String out, String err) {}

  static Run main(Map<String, String> sysProps, String... args) {
    Map<String, String> before = new HashMap<>();
    sysProps.keySet().forEach(k -> before.put(k, System.getProperty(k)));
    try {
      sysProps.forEach(System::setProperty);
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      ByteArrayOutputStream err = new ByteArrayOutputStream();
      int exit = Main.run(new CliIO(new ByteArrayInputStream(new byte[0]),
          new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8)),
          args);
      return new Run(exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    } finally {
      before.forEach((k, v) -> {
        if (v == null) {
          System.clearProperty(k);
        } else {
          System.setProperty(k, v);
        }
      });
    }
  }
}
