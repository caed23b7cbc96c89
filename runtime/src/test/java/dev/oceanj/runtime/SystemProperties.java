package dev.oceanj.runtime;

import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import dev.oceanj.runtime.cli.CliIO;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Supplier;

/** Runs a command with some system properties set (as {@code -D} would), restoring the previous values after. */
final class SystemProperties {

  private SystemProperties() {}

  /** What an in-process {@code oceanj} run returned and printed. */
  record Run(int exit, String out, String err) {}

  /** Runs {@code oceanj args} in-process with {@code properties} set; fails the test after 2 minutes. */
  static Run run(Map<String, String> properties, String... args) {
    return with(properties, () -> {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      ByteArrayOutputStream err = new ByteArrayOutputStream();
      int exit = assertTimeoutPreemptively(Duration.ofMinutes(2), () -> Main.run(
          new CliIO(new ByteArrayInputStream(new byte[0]), new PrintStream(out, true, StandardCharsets.UTF_8),
              new PrintStream(err, true, StandardCharsets.UTF_8)), args));
      return new Run(exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    });
  }

  static <T> T with(Map<String, String> properties, Supplier<T> body) {
    Map<String, String> before = new HashMap<>();
    properties.keySet().forEach(k -> before.put(k, System.getProperty(k)));
    try {
      properties.forEach(System::setProperty);
      return body.get();
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
