package dev.oceanj.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.oceanj.runtime.cli.CliIO;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/** {@code oceanj config}: the effective settings, masked, or every problem; system properties restored after. */
class ConfigCommandTest {

  record Run(int exit, String out, String err) {}

  private static Run config(Map<String, String> sysProps) {
    Supplier<Run> run = () -> {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      ByteArrayOutputStream err = new ByteArrayOutputStream();
      int exit = Main.run(new CliIO(new ByteArrayInputStream(new byte[0]),
          new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8)),
          "config");
      return new Run(exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    };
    Map<String, String> before = new java.util.HashMap<>();
    sysProps.keySet().forEach(k -> before.put(k, System.getProperty(k)));
    try {
      sysProps.forEach(System::setProperty);
      return run.get();
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

  @Test
  void printsTheEffectiveSettingsWithTheSecretMasked() {
    Run r = config(Map.of("ocean.port.client-id", "my-client", "ocean.port.client-secret", "very-secret-value"));
    assertEquals(0, r.exit(), r.err());
    assertTrue(r.out().contains("my-client"), r.out());
    assertFalse(r.out().contains("very-secret-value"), r.out());
    assertFalse(r.err().contains("very-secret-value"), r.err());
  }

  @Test
  void aClientIdWithoutSecretIsAProblemNamingTheKey() {
    Run r = config(Map.of("ocean.port.client-id", "my-client", "ocean.event-listener.type", "CARRIER_PIGEON"));
    assertEquals(2, r.exit(), r.out());
    assertTrue(r.err().contains("client-secret"), r.err());
    assertTrue(r.err().contains("CARRIER_PIGEON") || r.err().contains("event-listener.type"), r.err());
  }
}
