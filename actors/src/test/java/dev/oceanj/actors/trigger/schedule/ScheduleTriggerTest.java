package dev.oceanj.actors.trigger.schedule;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.oceanj.actors.resync.ResyncProtocol;
import dev.oceanj.actors.resync.ResyncProtocol.Disposition;
import dev.oceanj.actors.resync.ResyncProtocol.ResyncAccepted;
import dev.oceanj.actors.resync.ResyncProtocol.StartResync;
import dev.oceanj.actors.resync.ResyncProtocol.WhenRunning;
import dev.oceanj.actors.trigger.Resyncs;
import dev.oceanj.actors.trigger.TriggerInfo;
import java.time.Duration;
import java.time.Instant;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

class ScheduleTriggerTest {

  static final ActorTestKit testKit = ActorTestKit.create();

  @AfterAll
  static void shutdown() {
    testKit.shutdownTestKit();
  }

  @Test
  void asksEveryIntervalWithSkipSoATickDuringAResyncIsDropped() {
    var supervisor = testKit.<ResyncProtocol.Command>createTestProbe();
    var schedule = testKit.spawn(ScheduleTrigger.create(supervisor.ref(), Duration.ofMillis(150)));

    StartResync first = supervisor.expectMessageClass(StartResync.class, Duration.ofSeconds(3));
    assertEquals("schedule", first.trigger());
    assertEquals(WhenRunning.SKIP, first.whenRunning());
    assertNull(first.finishedTo(), "the schedule never waits for a resync");
    first.acceptedTo().tell(Resyncs.started("r1"));

    StartResync second = supervisor.expectMessageClass(StartResync.class, Duration.ofSeconds(3));
    second.acceptedTo().tell(new ResyncAccepted("r1", Disposition.SKIPPED));

    var info = testKit.<TriggerInfo>createTestProbe();
    Resyncs.await(Duration.ofSeconds(3), "the skipped tick to be counted", () -> {
      schedule.tell(new ScheduleTrigger.Describe(info.ref()));
      return Long.valueOf(1).equals(info.receiveMessage().details().get("skipped"));
    });
    schedule.tell(new ScheduleTrigger.Describe(info.ref()));
    TriggerInfo described = info.receiveMessage();
    assertEquals("SCHEDULE", described.mode());
    Instant next = Instant.parse((String) described.details().get("nextResync"));
    assertTrue(next.isAfter(Instant.now().minusMillis(50)), "next tick is in the future: " + next);
    testKit.stop(schedule);
  }

  @Test
  void refusesANonPositiveInterval() {
    var supervisor = testKit.<ResyncProtocol.Command>createTestProbe();
    var error = assertThrows(IllegalArgumentException.class, () -> ScheduleTrigger.create(supervisor.ref(), Duration.ZERO));
    assertTrue(error.getMessage().contains("ocean.scheduled-resync-interval"));
  }

  @Test
  void nextResyncIsTheFirstMultipleOfTheIntervalAfterNow() {
    Instant start = Instant.parse("2026-01-01T00:00:00Z");
    var schedule = new ResyncSchedule(start, Duration.ofMinutes(60));
    assertEquals(Instant.parse("2026-01-01T01:00:00Z"), schedule.next(start));
    assertEquals(Instant.parse("2026-01-01T01:00:00Z"), schedule.next(start.plusSeconds(59 * 60)));
    assertEquals(Instant.parse("2026-01-01T02:00:00Z"), schedule.next(start.plusSeconds(60 * 60)));
    assertEquals(Instant.parse("2026-01-01T03:00:00Z"), schedule.next(start.plusSeconds(150 * 60)));
    assertEquals(Instant.parse("2026-01-01T01:00:00Z"), schedule.next(start.minusSeconds(5)));
    assertEquals(60, schedule.intervalInMinutes());
    assertEquals(1, new ResyncSchedule(start, Duration.ofSeconds(5)).intervalInMinutes());
  }
}
