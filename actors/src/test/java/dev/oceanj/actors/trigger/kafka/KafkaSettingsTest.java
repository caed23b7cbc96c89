package dev.oceanj.actors.trigger.kafka;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import dev.oceanj.core.config.ConfigurationException;
import dev.oceanj.core.config.EventListenerSettings;
import dev.oceanj.core.config.OceanSettings;
import dev.oceanj.core.port.PortLimits;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class KafkaSettingsTest {

  static EventListenerSettings.Kafka record(String kafka) {
    return EventListenerSettings.fromConfig(ConfigFactory.parseString("ocean.event-listener.kafka { " + kafka + " }")
        .withFallback(OceanSettings.defaults())).kafka();
  }

  @Test
  void takesTheValidatedRecordAndOceanjsOwnKnobs() {
    var settings = KafkaSettings.from(record("brokers = [\"b1:9092\", \"b2:9092\"], username = user,"
        + " password = hunter2, auto-offset-reset = earliest, accept-timeout = 3 s,"
        + " client { \"max.poll.records\" = 7 }"));
    assertEquals("b1:9092,b2:9092", settings.bootstrapServers());
    assertEquals(Optional.of("hunter2"), settings.password());
    assertEquals("earliest", settings.autoOffsetReset());
    assertEquals(Duration.ofSeconds(3), settings.acceptTimeout());
    assertEquals(Map.of("max.poll.records", "7"), settings.clientProperties());
    assertFalse(settings.toString().contains("hunter2"), settings.toString());
  }

  @Test
  void unsetBrokersArePortsAndABadResetIsNamed() {
    assertEquals(PortLimits.KAFKA_BROKERS, KafkaSettings.from(record("")).brokers());
    var error = assertThrows(ConfigurationException.class, () -> record("auto-offset-reset = sometime"));
    assertTrue(error.getMessage().contains("ocean.event-listener.kafka.auto-offset-reset"), error.getMessage());
  }
}
