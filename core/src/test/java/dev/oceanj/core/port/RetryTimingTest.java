package dev.oceanj.core.port;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.oceanj.core.config.PortSettings;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class RetryTimingTest {

  private static final Instant NOW = Instant.parse("2026-03-01T12:00:00Z");

  @Test
  void parsesSecondsEpochHttpDateAndIso() {
    assertEquals(Optional.of(Duration.ofSeconds(7)), RetryTiming.parseWait("7", NOW));
    assertEquals(Optional.of(Duration.ofMillis(1500)), RetryTiming.parseWait("1.5", NOW));
    assertEquals(Optional.of(Duration.ofSeconds(10_000)), RetryTiming.parseWait("10000", NOW));
    long epoch = NOW.getEpochSecond() + 42;
    assertEquals(Optional.of(Duration.ofSeconds(42)), RetryTiming.parseWait(Long.toString(epoch), NOW));
    assertEquals(Optional.of(Duration.ZERO), RetryTiming.parseWait(Long.toString(NOW.getEpochSecond() - 5), NOW));
    assertEquals(Optional.of(Duration.ofSeconds(30)), RetryTiming.parseWait("Sun, 01 Mar 2026 12:00:30 GMT", NOW));
    assertEquals(Optional.of(Duration.ofSeconds(90)), RetryTiming.parseWait("2026-03-01T12:01:30Z", NOW));
    assertEquals(Optional.of(Duration.ofSeconds(90)), RetryTiming.parseWait("2026-03-01T13:01:30+01:00", NOW));
    assertEquals(Optional.empty(), RetryTiming.parseWait("soon", NOW));
    assertEquals(Optional.empty(), RetryTiming.parseWait("", NOW));
    assertEquals(Optional.empty(), RetryTiming.parseWait(null, NOW));
  }

  @Test
  void backoffDoublesWithinJitterAndIsCapped() {
    RetryTiming t = new RetryTiming(new PortSettings.Retry(10, Duration.ofMillis(100), Duration.ofSeconds(1), 0.1));
    for (int i = 0; i < 200; i++) {
      long first = t.delay(1, Optional.empty()).toMillis();
      long third = t.delay(3, Optional.empty()).toMillis();
      assertTrue(first >= 90 && first <= 110, "first backoff " + first);
      assertTrue(third >= 360 && third <= 440, "third backoff " + third);
      assertEquals(Duration.ofSeconds(1), t.delay(9, Optional.empty()));
    }
  }

  @Test
  void portsHintWinsButIsCapped() {
    RetryTiming t = new RetryTiming(new PortSettings.Retry(10, Duration.ofMillis(100), Duration.ofSeconds(60), 0.1));
    assertEquals(Duration.ofSeconds(5), t.delay(1, Optional.of(Duration.ofSeconds(5))));
    assertEquals(Duration.ofSeconds(60), t.delay(1, Optional.of(Duration.ofHours(1))));
  }
}
