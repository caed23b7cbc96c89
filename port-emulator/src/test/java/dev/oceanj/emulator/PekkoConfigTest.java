package dev.oceanj.emulator;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import java.util.List;
import org.junit.jupiter.api.Test;

class PekkoConfigTest {

  @Test
  void theSerializationExtensionIsNotBuiltAtStartTheOtherLibraryExtensionsAre() {
    String serialization = "org.apache.pekko.serialization.SerializationExtension$";
    assertTrue(ConfigFactory.defaultReference().getStringList("pekko.library-extensions").contains(serialization),
        "Pekko's reference builds it at start");
    List<String> eager = PortEmulator.pekkoConfig().getStringList("pekko.library-extensions");
    assertFalse(eager.contains(serialization), eager.toString());
    assertTrue(eager.contains("org.apache.pekko.stream.SystemMaterializer$"), eager.toString());
  }
}
