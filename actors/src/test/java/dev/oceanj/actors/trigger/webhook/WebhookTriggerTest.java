package dev.oceanj.actors.trigger.webhook;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.oceanj.actors.resync.ResyncProtocol;
import dev.oceanj.actors.resync.ResyncProtocol.ResyncAccepted;
import dev.oceanj.actors.resync.ResyncProtocol.ResyncFinished;
import dev.oceanj.actors.resync.ResyncProtocol.StartResync;
import dev.oceanj.actors.resync.ResyncProtocol.WhenRunning;
import dev.oceanj.actors.trigger.ListenerType;
import dev.oceanj.actors.trigger.TriggerInfo;
import java.util.Map;
import java.util.Optional;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

class WebhookTriggerTest {

  static final ActorTestKit testKit = ActorTestKit.create();

  @AfterAll
  static void shutdown() {
    testKit.shutdownTestKit();
  }

  @Test
  void forwardsEachRequestAsAQueuedResyncWithTheCallersReplyTargets() {
    var supervisor = testKit.<ResyncProtocol.Command>createTestProbe();
    var accepted = testKit.<ResyncAccepted>createTestProbe();
    var finished = testKit.<ResyncFinished>createTestProbe();
    var webhook = testKit.spawn(WebhookTrigger.create(supervisor.ref()));

    webhook.tell(new WebhookTrigger.RequestResync(accepted.ref(), null));
    StartResync first = supervisor.expectMessageClass(StartResync.class);
    assertEquals("webhook", first.trigger());
    assertEquals(WhenRunning.QUEUE, first.whenRunning());
    assertSame(accepted.ref(), first.acceptedTo());
    assertNull(first.finishedTo());

    webhook.tell(new WebhookTrigger.RequestResync(accepted.ref(), finished.ref()));
    StartResync second = supervisor.expectMessageClass(StartResync.class);
    assertSame(finished.ref(), second.finishedTo());

    var info = testKit.<TriggerInfo>createTestProbe();
    webhook.tell(new WebhookTrigger.Describe(info.ref()));
    TriggerInfo described = info.receiveMessage();
    assertEquals("WEBHOOK", described.mode());
    assertEquals(2L, described.details().get("requests"));
  }

  @Test
  void changelogDestinationPointsPortAtResyncWithTheTokenInTheUrl() {
    assertEquals(Map.of("type", "WEBHOOK", "url", "https://ocean.example.com/resync"),
        ChangelogDestination.of(ListenerType.WEBHOOK, Optional.of("https://ocean.example.com/"), Optional.empty()));
    assertEquals("https://h/resync?token=a+b%26c",
        ChangelogDestination.of(ListenerType.WEBHOOK, Optional.of("https://h"), Optional.of("a b&c")).get("url"));
    assertEquals(Map.of("type", "KAFKA"), ChangelogDestination.of(ListenerType.KAFKA, Optional.empty(), Optional.empty()));
    assertTrue(ChangelogDestination.of(ListenerType.POLLING, Optional.empty(), Optional.empty()).isEmpty());
    var error = assertThrows(IllegalArgumentException.class,
        () -> ChangelogDestination.of(ListenerType.WEBHOOK, Optional.empty(), Optional.empty()));
    assertTrue(error.getMessage().contains("ocean.base-url"), error.getMessage());
  }

  @Test
  void listenerTypesParseOceansSpellingsAndNameTheKeyOnError() {
    assertEquals(ListenerType.WEBHOOKS_ONLY, ListenerType.parse("webhooks-only", "k"));
    assertEquals(ListenerType.ONCE, ListenerType.parse(" once ", "k"));
    var error = assertThrows(IllegalArgumentException.class, () -> ListenerType.parse("SOMETIMES", "ocean.event-listener.type"));
    assertTrue(error.getMessage().contains("ocean.event-listener.type"), error.getMessage());
    assertTrue(error.getMessage().contains("SOMETIMES"), error.getMessage());
  }
}
