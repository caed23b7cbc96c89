package dev.oceanj.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@code oceanj config}: the effective settings, masked, or every problem; system properties restored after. */
class ConfigCommandTest {

  private static SystemProperties.Run config(Map<String, String> sysProps) {
    return SystemProperties.run(sysProps, "config");
  }

  @Test
  void printsTheEffectiveSettingsWithTheSecretMasked() {
    SystemProperties.Run r = config(Map.of("ocean.port.client-id", "my-client", "ocean.port.client-secret", "very-secret-value"));
    assertEquals(0, r.exit(), r.err());
    assertTrue(r.out().contains("my-client"), r.out());
    assertFalse(r.out().contains("very-secret-value"), r.out());
    assertFalse(r.err().contains("very-secret-value"), r.err());
  }

  @Test
  void aClientIdWithoutSecretIsAProblemNamingTheKey() {
    SystemProperties.Run r = config(Map.of("ocean.port.client-id", "my-client", "ocean.event-listener.type", "CARRIER_PIGEON"));
    assertEquals(2, r.exit(), r.out());
    assertTrue(r.err().contains("client-secret"), r.err());
    assertTrue(r.err().contains("CARRIER_PIGEON") || r.err().contains("event-listener.type"), r.err());
  }

  @Test
  void printsTheListenerAndHttpServerThatWillRunNotOnlyTheConfiguredOnes() {
    SystemProperties.Run embedded = config(Map.of());
    assertEquals(0, embedded.exit(), embedded.err());
    assertTrue(embedded.out().contains("ocean.event-listener.type = \"ONCE\"  # derived; configured \"POLLING\""),
        embedded.out());
    assertTrue(embedded.out().contains("ocean.http.enabled = false  # derived"), embedded.out());
    SystemProperties.Run polling = config(Map.of("ocean.event-listener.type", "POLLING"));
    assertEquals(0, polling.exit(), polling.err());
    assertFalse(polling.out().contains("ocean.event-listener.type = \"ONCE\""), polling.out());
    assertTrue(polling.out().contains("ocean.http.enabled = true  # derived"), polling.out());
  }

  @Test
  void inHostModePrintsOneBlockPerInstanceWithItsSources(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
      throws Exception {
    java.nio.file.Files.writeString(dir.resolve("fake-a.env"), "OCEAN__INTEGRATION__TYPE=fake\nOCEAN__LOG_LEVEL=DEBUG\n");
    java.nio.file.Files.writeString(dir.resolve("fake-b.conf"), "integration.type = fake\n");
    SystemProperties.Run r = config(Map.of("ocean.instances-dir", dir.toString()));
    assertEquals(0, r.exit(), r.err());
    assertTrue(r.out().contains("# instance fake-a (" + dir.resolve("fake-a.env") + ")"), r.out());
    assertTrue(r.out().contains("# instance fake-b (" + dir.resolve("fake-b.conf") + ")"), r.out());
    assertTrue(r.out().contains("fake-a.env: OCEAN__LOG_LEVEL"), r.out());
    assertTrue(r.out().contains("ocean.data-dir = \"" + java.nio.file.Path.of(".oceanj", "fake-b") + "\""), r.out());
  }
}
