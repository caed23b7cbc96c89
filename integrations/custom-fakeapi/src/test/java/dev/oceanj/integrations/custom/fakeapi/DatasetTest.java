package dev.oceanj.integrations.custom.fakeapi;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Instant;
import org.junit.jupiter.api.Test;

class DatasetTest {

  @Test
  void timestampsAreWrittenAsInstantWritesThem() {
    long base = Instant.parse("2026-01-01T00:00:00Z").getEpochSecond();
    for (long minutes : new long[] {0, 1, 59, 60, 1439, 1440, 525_600, 1_000_000, 2_147_483_647L}) {
      long second = base + minutes * 60 + minutes % 60;
      assertEquals(Instant.ofEpochSecond(second).toString(), Dataset.timestamp(second), "minute " + minutes);
    }
  }
}
