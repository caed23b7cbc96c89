package dev.oceanj.actors.trigger.kafka;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import dev.oceanj.core.config.EventListenerSettings;
import dev.oceanj.core.config.Secret;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class KafkaSettingsTest {

  static EventListenerSettings.Kafka record(List<String> brokers) {
    return new EventListenerSettings.Kafka(brokers, "SASL_SSL", "SCRAM-SHA-512", Optional.of("user"),
        Optional.of(Secret.of("hunter2")), Optional.empty(), Duration.ofSeconds(1), true);
  }

  @Test
  void takesTheValidatedRecordAndOceanjsOwnKnobs() {
    var settings = KafkaSettings.from(record(List.of("b1:9092", "b2:9092")), ConfigFactory.parseString(
        "ocean.event-listener.kafka { auto-offset-reset = earliest, accept-timeout = 3 s, client { \"max.poll.records\" = 7 } }"));
    assertEquals("b1:9092,b2:9092", settings.bootstrapServers());
    assertEquals(Optional.of("hunter2"), settings.password());
    assertEquals("earliest", settings.autoOffsetReset());
    assertEquals(Duration.ofSeconds(3), settings.acceptTimeout());
    assertEquals(Map.of("max.poll.records", "7"), settings.clientProperties());
    assertFalse(settings.toString().contains("hunter2"), settings.toString());
  }

  @Test
  void emptyBrokersFallBackToPortsAndABadResetIsNamed() {
    assertEquals(KafkaSettings.PORT_BROKERS, KafkaSettings.from(record(List.of()), ConfigFactory.empty()).brokers());
    var error = assertThrows(IllegalArgumentException.class, () -> KafkaSettings.from(record(List.of("b:1")),
        ConfigFactory.parseString("ocean.event-listener.kafka.auto-offset-reset = sometime")));
    assertTrue(error.getMessage().contains("ocean.event-listener.kafka.auto-offset-reset"), error.getMessage());
  }
}
