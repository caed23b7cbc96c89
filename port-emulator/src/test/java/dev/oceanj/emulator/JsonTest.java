package dev.oceanj.emulator;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.Test;

/** {@link Json#iso} caches formatted seconds: it must print exactly what the formatter prints. */
class JsonTest {

  private static final DateTimeFormatter FORMATTER =
      DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);

  private static String expected(long millis) {
    return FORMATTER.format(Instant.ofEpochMilli(millis));
  }

  @Test
  void isoMatchesTheFormatterAtEdges() {
    long[] edges = {0, 1, 999, 1000, 1001, -1, -999, -1000, -1001, 1_700_000_000_123L, 253_402_300_799_999L,
        951_782_400_000L /* 2000-02-29 */, 1_767_225_599_999L, 1_767_225_600_000L};
    for (long m : edges) {
      assertEquals(expected(m), Json.iso(m), "epoch millis " + m);
    }
  }

  @Test
  void isoMatchesTheFormatterWhenSecondsShareACacheSlot() {
    // 64 seconds apart: the same slot, so each call replaces the other's entry.
    long a = 1_700_000_000_000L;
    long b = a + 64_000;
    for (int i = 0; i < 3; i++) {
      assertEquals(expected(a + 7), Json.iso(a + 7));
      assertEquals(expected(b + 993), Json.iso(b + 993));
    }
  }

  @Test
  void isoMatchesTheFormatterOnRandomInstants() {
    var r = ThreadLocalRandom.current();
    for (int i = 0; i < 20_000; i++) {
      long m = r.nextLong(-10_000_000_000_000L, 200_000_000_000_000L);
      assertEquals(expected(m), Json.iso(m), "epoch millis " + m);
    }
  }
}
