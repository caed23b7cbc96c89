package dev.oceanj.testsupport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class AwaitTest {

  @Test
  void returnsOnceTheConditionHolds() {
    AtomicInteger looks = new AtomicInteger();
    Await.until("the third look", Duration.ofSeconds(30), () -> looks.incrementAndGet() >= 3);
    assertEquals(3, looks.get());
  }

  @Test
  void failsNamingWhatItWaitedForWhenTheDeadlinePasses() {
    AssertionError e = assertThrows(AssertionError.class,
        () -> Await.until("a condition that never holds", Duration.ofMillis(50), () -> false));
    assertTrue(e.getMessage().contains("a condition that never holds") && e.getMessage().contains("PT0.05S"),
        e.getMessage());
  }
}
