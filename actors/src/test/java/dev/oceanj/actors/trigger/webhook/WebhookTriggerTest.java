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
import dev.oceanj.actors.trigger.TriggerInfo;
import dev.oceanj.core.config.EventListenerType;
import dev.oceanj.core.config.Secret;
import java.net.URI;
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
        ChangelogDestination.of(EventListenerType.WEBHOOK, Optional.of(URI.create("https://ocean.example.com/")), Optional.empty()));
    assertEquals("https://h/resync?token=a+b%26c",
        ChangelogDestination.of(EventListenerType.WEBHOOK, Optional.of(URI.create("https://h")), Optional.of(Secret.of("a b&c"))).get("url"));
    assertEquals(Map.of("type", "KAFKA"), ChangelogDestination.of(EventListenerType.KAFKA, Optional.empty(), Optional.empty()));
    assertTrue(ChangelogDestination.of(EventListenerType.POLLING, Optional.empty(), Optional.empty()).isEmpty());
    var error = assertThrows(IllegalArgumentException.class,
        () -> ChangelogDestination.of(EventListenerType.WEBHOOK, Optional.empty(), Optional.empty()));
    assertTrue(error.getMessage().contains("ocean.base-url"), error.getMessage());
  }
}
