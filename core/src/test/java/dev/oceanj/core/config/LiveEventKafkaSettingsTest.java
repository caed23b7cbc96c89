package dev.oceanj.core.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import java.util.List;
import org.junit.jupiter.api.Test;

class LiveEventKafkaSettingsTest {

  private static LiveEventSettings load(String conf) {
    return LiveEventSettings.fromConfig(ConfigFactory.parseString(conf).withFallback(OceanSettings.defaults()));
  }

  @Test
  void theLocalIntakeIsTheDefault() {
    LiveEventSettings s = load("");
    assertEquals(LiveEventSettings.Intake.LOCAL, s.intake());
    assertEquals("oceanj.live-events", s.kafka().topic());
    assertEquals("oceanj-live-my-fake", s.kafka().groupFor("my-fake"));
  }

  @Test
  void theKafkaIntakeReadsItsBrokersAndGroup() {
    LiveEventSettings s = load("ocean.live-events { intake = KAFKA, kafka { brokers = \"a:9092, b:9092\","
        + " group-id = shared } }");
    assertEquals(LiveEventSettings.Intake.KAFKA, s.intake());
    assertEquals(List.of("a:9092", "b:9092"), s.kafka().brokers());
    assertEquals("shared", s.kafka().groupFor("my-fake"));
  }

  @Test
  void theKafkaIntakeWithoutBrokersIsAnErrorNamingTheKey() {
    var e = assertThrows(ConfigurationException.class, () -> load("ocean.live-events.intake = kafka"));
    assertTrue(e.getMessage().contains("ocean.live-events.kafka.brokers"), e.getMessage());
  }

  @Test
  void anUnknownIntakeIsAnErrorListingTheChoices() {
    var e = assertThrows(ConfigurationException.class, () -> load("ocean.live-events.intake = redis"));
    assertTrue(e.getMessage().contains("ocean.live-events.intake") && e.getMessage().contains("kafka"),
        e.getMessage());
  }

  @Test
  void securityNeedsUserAndPasswordAndThePasswordIsNeverPrinted() {
    var e = assertThrows(ConfigurationException.class, () -> load("ocean.live-events { intake = kafka,"
        + " kafka { brokers = \"a:9092\", kafka-security-enabled = true, username = u } }"));
    assertTrue(e.getMessage().contains("ocean.live-events.kafka.password"), e.getMessage());
    LiveEventSettings s = load("ocean.live-events { intake = kafka, kafka { brokers = \"a:9092\","
        + " kafka-security-enabled = true, username = u, password = hunter2 } }");
    assertFalse(s.toString().contains("hunter2"), s.toString());
  }
}
