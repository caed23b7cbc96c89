package dev.oceanj.core.live;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LiveEventLogTest {

  @TempDir Path dir;

  private static byte[] body(int i) {
    return ("{\"n\":" + i + "}").getBytes(StandardCharsets.UTF_8);
  }

  private static StoredEvent append(LiveEventLog log, int i) {
    return log.append(Instant.parse("2026-01-01T00:00:00.123456Z"), "/webhook", Map.of("x-n", "" + i), body(i))
        .join();
  }

  private static List<StoredEvent> drain(LiveEventLog log) {
    List<StoredEvent> out = new CopyOnWriteArrayList<>();
    log.subscribe(out::add);
    return out;
  }

  @Test
  void recoversEveryAcknowledgedEventInOrderWithItsContent() {
    try (LiveEventLog log = LiveEventLog.open(dir)) {
      for (int i = 0; i < 50; i++) {
        assertEquals(i, append(log, i).offset());
      }
    }
    try (LiveEventLog reopened = LiveEventLog.open(dir)) {
      List<StoredEvent> events = drain(reopened);
      assertEquals(50, events.size());
      for (int i = 0; i < 50; i++) {
        StoredEvent e = events.get(i);
        assertEquals(i, e.offset());
        assertArrayEquals(body(i), e.body());
        assertEquals(Map.of("x-n", "" + i), e.headers());
        assertEquals("/webhook", e.path());
        assertEquals(Instant.parse("2026-01-01T00:00:00.123456Z"), e.receivedAt());
      }
      assertEquals(50, append(reopened, 50).offset(), "offsets continue after a restart");
    }
  }

  @Test
  void doneEventsBelowTheCheckpointAreNotHandedBackButLaterOnesAre() {
    try (LiveEventLog log = LiveEventLog.open(dir)) {
      for (int i = 0; i < 10; i++) {
        append(log, i);
      }
      for (long o : new long[] {0, 1, 2, 5, 6}) {
        log.done(o);
      }
      assertEquals(3, log.lowWatermark());
      assertEquals(5, log.depth());
    }
    try (LiveEventLog reopened = LiveEventLog.open(dir)) {
      // 5 and 6 were done but lie above the checkpoint: handled again, which processing tolerates.
      assertEquals(List.of(3L, 4L, 5L, 6L, 7L, 8L, 9L), drain(reopened).stream().map(StoredEvent::offset).toList());
    }
  }

  @Test
  void aTornLastRecordIsTruncatedAndNothingAcknowledgedIsLost() throws Exception {
    try (LiveEventLog log = LiveEventLog.open(dir)) {
      for (int i = 0; i < 3; i++) {
        append(log, i);
      }
    }
    Path segment = segments().get(0);
    long before = Files.size(segment);
    try (FileChannel ch = FileChannel.open(segment, StandardOpenOption.WRITE, StandardOpenOption.APPEND)) {
      // A kill in the middle of a write: a length announcing 500 bytes, then only a few of them.
      ch.write(ByteBuffer.wrap(new byte[] {0, 0, 1, (byte) 0xF4, 1, 2, 3, 4, 9, 9}));
    }
    try (LiveEventLog reopened = LiveEventLog.open(dir)) {
      assertEquals(before, Files.size(segment), "torn tail truncated");
      assertEquals(3, drain(reopened).size());
      assertEquals(3, append(reopened, 3).offset());
    }
    try (LiveEventLog again = LiveEventLog.open(dir)) {
      assertEquals(List.of(0L, 1L, 2L, 3L), drain(again).stream().map(StoredEvent::offset).toList());
    }
  }

  @Test
  void aDamagedRecordInTheMiddleEndsRecoveryThereWithoutInventingEvents() throws Exception {
    try (LiveEventLog log = LiveEventLog.open(dir)) {
      for (int i = 0; i < 3; i++) {
        append(log, i);
      }
    }
    Path segment = segments().get(0);
    byte[] bytes = Files.readAllBytes(segment);
    bytes[bytes.length - 3] ^= 0x55;
    Files.write(segment, bytes);
    try (LiveEventLog reopened = LiveEventLog.open(dir)) {
      assertEquals(List.of(0L, 1L), drain(reopened).stream().map(StoredEvent::offset).toList());
    }
  }

  @Test
  void deadLettersAreDurableAndReplayAppendsTheEventAgain() {
    long id;
    try (LiveEventLog log = LiveEventLog.open(dir)) {
      append(log, 0);
      StoredEvent failing = append(log, 1);
      DeadLetter letter = log.deadLetter(failing, "processor failed:\n boom").join();
      id = letter.id();
      assertEquals(1, id);
      assertEquals(1, log.depth(), "a dead letter is no longer pending");
      log.done(0);
    }
    try (LiveEventLog reopened = LiveEventLog.open(dir)) {
      assertEquals(List.of(), drain(reopened));
      List<DeadLetter> letters = reopened.deadLetters();
      assertEquals(1, letters.size());
      assertEquals("processor failed: boom", letters.get(0).error());
      assertArrayEquals(body(1), letters.get(0).event().body());
      StoredEvent replayed = reopened.replay(id).join().orElseThrow();
      assertEquals(2, replayed.offset());
      assertTrue(reopened.replay(id).join().isEmpty(), "a dead letter replays once");
      assertEquals(List.of(), reopened.deadLetters());
    }
    try (LiveEventLog again = LiveEventLog.open(dir)) {
      assertEquals(List.of(), again.deadLetters());
      List<StoredEvent> events = drain(again);
      assertEquals(1, events.size());
      assertArrayEquals(body(1), events.get(0).body());
    }
  }

  @Test
  void concurrentAppendsShareFsyncsAndAllSurvive() throws Exception {
    int n = 4000;
    ExecutorService pool = Executors.newFixedThreadPool(32);
    List<CompletableFuture<StoredEvent>> acks = new ArrayList<>();
    try (LiveEventLog log = LiveEventLog.open(dir)) {
      List<StoredEvent> seen = drain(log);
      for (int i = 0; i < n; i++) {
        int k = i;
        acks.add(CompletableFuture.supplyAsync(() -> k, pool)
            .thenCompose(x -> log.append(Instant.now(), "/webhook", Map.of(), body(x))));
      }
      Set<Long> offsets = new HashSet<>();
      for (CompletableFuture<StoredEvent> a : acks) {
        offsets.add(a.join().offset());
      }
      assertEquals(n, offsets.size());
      assertEquals(n, seen.size(), "the consumer saw every event");
      for (int i = 1; i < n; i++) {
        assertTrue(seen.get(i - 1).offset() < seen.get(i).offset(), "the consumer sees offset order");
      }
    } finally {
      pool.shutdownNow();
    }
    try (LiveEventLog reopened = LiveEventLog.open(dir)) {
      assertEquals(n, drain(reopened).size());
    }
  }

  @Test
  void aFullyProcessedLogRestartsEmptyAndKeepsCountingOffsets() throws Exception {
    try (LiveEventLog log = LiveEventLog.open(dir)) {
      log.subscribe(e -> {});
      append(log, 0);
      log.done(0);
    }
    // The only segment is kept (it is the one appended to); the checkpoint says everything is done.
    try (LiveEventLog reopened = LiveEventLog.open(dir)) {
      assertEquals(0, reopened.depth());
      assertEquals(1, append(reopened, 1).offset());
    }
  }

  @Test
  void inMemoryModeIsExplicitAndHandsEventsToTheConsumer() {
    try (LiveEventLog log = LiveEventLog.inMemory()) {
      assertFalse(log.durable());
      List<StoredEvent> seen = drain(log);
      append(log, 7);
      assertEquals(1, seen.size());
      assertThrows(IllegalStateException.class, () -> log.subscribe(e -> {}));
    }
  }

  @Test
  void appendsAfterCloseFailInsteadOfBeingAcknowledged() {
    LiveEventLog log = LiveEventLog.open(dir);
    log.close();
    CompletableFuture<StoredEvent> late = log.append(Instant.now(), "/webhook", Map.of(), body(1));
    assertTrue(late.isCompletedExceptionally());
  }

  private List<Path> segments() throws Exception {
    try (Stream<Path> s = Files.list(dir)) {
      return s.filter(p -> p.getFileName().toString().startsWith("intake-")).sorted().toList();
    }
  }
}
