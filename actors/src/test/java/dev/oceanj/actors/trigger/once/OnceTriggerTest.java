package dev.oceanj.actors.trigger.once;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.oceanj.actors.resync.ResyncProtocol;
import dev.oceanj.actors.resync.ResyncProtocol.Outcome;
import dev.oceanj.actors.resync.ResyncProtocol.ResyncFinished;
import dev.oceanj.actors.resync.ResyncProtocol.StartResync;
import dev.oceanj.actors.resync.ResyncProtocol.WhenRunning;
import dev.oceanj.actors.trigger.Resyncs;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

class OnceTriggerTest {

  static final ActorTestKit testKit = ActorTestKit.create();

  @AfterAll
  static void shutdown() {
    testKit.shutdownTestKit();
  }

  @Test
  void asksForOneQueuedResyncAndReportsItsEndThenStops() {
    var supervisor = testKit.<ResyncProtocol.Command>createTestProbe();
    var report = testKit.<ResyncFinished>createTestProbe();
    var once = testKit.spawn(OnceTrigger.create(supervisor.ref(), report.ref()));

    StartResync start = supervisor.expectMessageClass(StartResync.class);
    assertEquals("once", start.trigger());
    assertEquals(WhenRunning.QUEUE, start.whenRunning());
    start.acceptedTo().tell(Resyncs.started("r1"));
    ResyncFinished finished = Resyncs.finished("r1", "once", Outcome.FAILED);
    start.finishedTo().tell(finished);

    assertEquals(finished, report.receiveMessage());
    report.expectTerminated(once);
    supervisor.expectNoMessage(java.time.Duration.ofMillis(100));
  }
}
