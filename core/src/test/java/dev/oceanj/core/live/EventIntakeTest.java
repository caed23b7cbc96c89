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

class EventIntakeTest {

  @TempDir Path dir;

  private static byte[] body(int i) {
    return ("{\"n\":" + i + "}").getBytes(StandardCharsets.UTF_8);
  }

  private static IntakeEvent append(EventIntake intake, int i) {
    return intake.append(Instant.parse("2026-01-01T00:00:00.123456Z"), "/webhook", Map.of("x-n", "" + i), body(i))
        .join();
  }

  private static List<IntakeEvent> drain(EventIntake intake) {
    List<IntakeEvent> out = new CopyOnWriteArrayList<>();
    intake.subscribe(out::add);
    return out;
  }

  @Test
  void recoversEveryAcknowledgedEventInOrderWithItsContent() {
    try (EventIntake intake = EventIntake.open(dir)) {
      for (int i = 0; i < 50; i++) {
        assertEquals(i, append(intake, i).offset());
      }
    }
    try (EventIntake reopened = EventIntake.open(dir)) {
      List<IntakeEvent> events = drain(reopened);
      assertEquals(50, events.size());
      for (int i = 0; i < 50; i++) {
        IntakeEvent e = events.get(i);
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
    try (EventIntake intake = EventIntake.open(dir)) {
      for (int i = 0; i < 10; i++) {
        append(intake, i);
      }
      for (long o : new long[] {0, 1, 2, 5, 6}) {
        intake.done(o);
      }
      assertEquals(3, intake.lowWatermark());
      assertEquals(5, intake.depth());
    }
    try (EventIntake reopened = EventIntake.open(dir)) {
      // 5 and 6 were done but lie above the checkpoint: handled again, which processing tolerates.
      assertEquals(List.of(3L, 4L, 5L, 6L, 7L, 8L, 9L), drain(reopened).stream().map(IntakeEvent::offset).toList());
    }
  }

  @Test
  void aTornLastRecordIsTruncatedAndNothingAcknowledgedIsLost() throws Exception {
    try (EventIntake intake = EventIntake.open(dir)) {
      for (int i = 0; i < 3; i++) {
        append(intake, i);
      }
    }
    Path segment = segments().get(0);
    long before = Files.size(segment);
    try (FileChannel ch = FileChannel.open(segment, StandardOpenOption.WRITE, StandardOpenOption.APPEND)) {
      // A kill in the middle of a write: a length announcing 500 bytes, then only a few of them.
      ch.write(ByteBuffer.wrap(new byte[] {0, 0, 1, (byte) 0xF4, 1, 2, 3, 4, 9, 9}));
    }
    try (EventIntake reopened = EventIntake.open(dir)) {
      assertEquals(before, Files.size(segment), "torn tail truncated");
      assertEquals(3, drain(reopened).size());
      assertEquals(3, append(reopened, 3).offset());
    }
    try (EventIntake again = EventIntake.open(dir)) {
      assertEquals(List.of(0L, 1L, 2L, 3L), drain(again).stream().map(IntakeEvent::offset).toList());
    }
  }

  @Test
  void aDamagedRecordInTheMiddleEndsRecoveryThereWithoutInventingEvents() throws Exception {
    try (EventIntake intake = EventIntake.open(dir)) {
      for (int i = 0; i < 3; i++) {
        append(intake, i);
      }
    }
    Path segment = segments().get(0);
    byte[] bytes = Files.readAllBytes(segment);
    bytes[bytes.length - 3] ^= 0x55;
    Files.write(segment, bytes);
    try (EventIntake reopened = EventIntake.open(dir)) {
      assertEquals(List.of(0L, 1L), drain(reopened).stream().map(IntakeEvent::offset).toList());
    }
  }

  @Test
  void deadLettersAreDurableAndReplayAppendsTheEventAgain() {
    long id;
    try (EventIntake intake = EventIntake.open(dir)) {
      append(intake, 0);
      IntakeEvent failing = append(intake, 1);
      DeadLetter letter = intake.deadLetter(failing, "processor failed:\n boom").join();
      id = letter.id();
      assertEquals(1, id);
      assertEquals(1, intake.depth(), "a dead letter is no longer pending");
      intake.done(0);
    }
    try (EventIntake reopened = EventIntake.open(dir)) {
      assertEquals(List.of(), drain(reopened));
      List<DeadLetter> letters = reopened.deadLetters();
      assertEquals(1, letters.size());
      assertEquals("processor failed: boom", letters.get(0).error());
      assertArrayEquals(body(1), letters.get(0).event().body());
      IntakeEvent replayed = reopened.replay(id).join().orElseThrow();
      assertEquals(2, replayed.offset());
      assertTrue(reopened.replay(id).join().isEmpty(), "a dead letter replays once");
      assertEquals(List.of(), reopened.deadLetters());
    }
    try (EventIntake again = EventIntake.open(dir)) {
      assertEquals(List.of(), again.deadLetters());
      List<IntakeEvent> events = drain(again);
      assertEquals(1, events.size());
      assertArrayEquals(body(1), events.get(0).body());
    }
  }

  @Test
  void concurrentAppendsShareFsyncsAndAllSurvive() throws Exception {
    int n = 4000;
    ExecutorService pool = Executors.newFixedThreadPool(32);
    List<CompletableFuture<IntakeEvent>> acks = new ArrayList<>();
    try (EventIntake intake = EventIntake.open(dir)) {
      List<IntakeEvent> seen = drain(intake);
      for (int i = 0; i < n; i++) {
        int k = i;
        acks.add(CompletableFuture.supplyAsync(() -> k, pool)
            .thenCompose(x -> intake.append(Instant.now(), "/webhook", Map.of(), body(x))));
      }
      Set<Long> offsets = new HashSet<>();
      for (CompletableFuture<IntakeEvent> a : acks) {
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
    try (EventIntake reopened = EventIntake.open(dir)) {
      assertEquals(n, drain(reopened).size());
    }
  }

  @Test
  void aFullyProcessedIntakeRestartsEmptyAndKeepsCountingOffsets() throws Exception {
    try (EventIntake intake = EventIntake.open(dir)) {
      intake.subscribe(e -> {});
      append(intake, 0);
      intake.done(0);
    }
    // The only segment is kept (it is the one appended to); the checkpoint says everything is done.
    try (EventIntake reopened = EventIntake.open(dir)) {
      assertEquals(0, reopened.depth());
      assertEquals(1, append(reopened, 1).offset());
    }
  }

  @Test
  void inMemoryModeIsExplicitAndHandsEventsToTheConsumer() {
    try (EventIntake intake = EventIntake.inMemory()) {
      assertFalse(intake.durable());
      List<IntakeEvent> seen = drain(intake);
      append(intake, 7);
      assertEquals(1, seen.size());
      assertThrows(IllegalStateException.class, () -> intake.subscribe(e -> {}));
    }
  }

  @Test
  void appendsAfterCloseFailInsteadOfBeingAcknowledged() {
    EventIntake intake = EventIntake.open(dir);
    intake.close();
    CompletableFuture<IntakeEvent> late = intake.append(Instant.now(), "/webhook", Map.of(), body(1));
    assertTrue(late.isCompletedExceptionally());
  }

  private List<Path> segments() throws Exception {
    try (Stream<Path> s = Files.list(dir)) {
      return s.filter(p -> p.getFileName().toString().startsWith("intake-")).sorted().toList();
    }
  }
}
