package dev.oceanj.runtime;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.util.ArrayList;
import java.util.List;
import org.apache.pekko.actor.ActorSystem;
import org.apache.pekko.serialization.Serialization;
import org.apache.pekko.serialization.SerializationExtension;
import org.apache.pekko.serialization.SerializationExtension$;
import org.junit.jupiter.api.Test;

class PekkoExtensionsTest {

  private static final Config REFERENCE = ConfigFactory.parseString("pekko.loglevel = WARNING")
      .withFallback(ConfigFactory.defaultReference());

  @Test
  void dropsOnlyTheSerializationExtensionFromTheEagerList() {
    List<String> before = REFERENCE.getStringList(PekkoExtensions.LIBRARY_EXTENSIONS);
    assertTrue(before.contains(PekkoExtensions.SERIALIZATION), "Pekko's reference starts it eagerly: " + before);
    List<String> expected = new ArrayList<>(before);
    expected.remove(PekkoExtensions.SERIALIZATION);
    assertEquals(expected, PekkoExtensions.withoutEagerSerialization(REFERENCE)
        .getStringList(PekkoExtensions.LIBRARY_EXTENSIONS));
  }

  @Test
  void aSystemStartsWithoutSerializationAndBuildsItOnFirstUse() throws Exception {
    ActorSystem eager = ActorSystem.create("eager", REFERENCE);
    try {
      assertTrue(eager.hasExtension(SerializationExtension$.MODULE$), "Pekko's default: built at start");
    } finally {
      eager.terminate();
    }
    ActorSystem lean = ActorSystem.create("lean", PekkoExtensions.withoutEagerSerialization(REFERENCE));
    try {
      assertFalse(lean.hasExtension(SerializationExtension$.MODULE$), "not built at start");
      Serialization serialization = SerializationExtension.get(lean);
      byte[] bytes = serialization.serialize("payload").get();
      assertArrayEquals(bytes, serialization.serialize("payload").get());
      assertEquals("payload", serialization.deserialize(bytes, String.class).get());
      assertTrue(lean.hasExtension(SerializationExtension$.MODULE$), "built on first use");
    } finally {
      lean.terminate();
    }
  }
}
