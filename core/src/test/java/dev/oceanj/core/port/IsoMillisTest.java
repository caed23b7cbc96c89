package dev.oceanj.core.port;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Instant;
import org.junit.jupiter.api.Test;

class IsoMillisTest {

  @Test
  void readsPortsTimestampsAsJavaTimeDoes() {
    for (String s : new String[] {"2026-12-06T19:40:00.123Z", "1970-01-01T00:00:00Z", "2000-02-29T23:59:59.9Z",
        "2024-03-01T00:00:00.000001Z", "1969-12-31T23:59:59.999Z", "2099-12-31T12:00:00.5Z"}) {
      assertEquals(Instant.parse(s).toEpochMilli(), IsoMillis.parse(s), s);
    }
    assertEquals(Instant.parse("2026-12-06T18:40:00.123Z").toEpochMilli(), IsoMillis.parse("2026-12-06T19:40:00.123+01:00"));
    assertEquals(0, IsoMillis.parse("yesterday"));
  }
}
