package dev.oceanj.actors.trigger.kafka;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class KafkaMessageFilterTest {

  static final String REQUESTS = "org1.integration.resync.requests";
  static final String CHANGELOG = "org1.change.log";
  final KafkaMessageFilter filter = new KafkaMessageFilter("my-int");

  private boolean resync(String topic, String json) {
    return filter.decide(topic, json.getBytes(StandardCharsets.UTF_8)).resync();
  }

  @Test
  void resyncRequestsTopicMatchesOnTheIntegrationIdOnly() {
    assertTrue(resync(REQUESTS, "{\"context\":{\"integrationId\":\"my-int\"}}"));
    assertFalse(resync(REQUESTS, "{\"context\":{\"integrationId\":\"other\"}}"));
    assertFalse(resync(REQUESTS, "{\"action\":\"RESYNC\"}"));
  }

  @Test
  void changeLogFollowsOceansRules() {
    assertTrue(resync(CHANGELOG, "{\"action\":\"RESYNC\",\"context\":{\"integrationId\":\"my-int\"}}"));
    assertFalse(resync(CHANGELOG, "{\"action\":\"RESYNC\",\"context\":{\"integrationId\":\"other\"}}"));
    assertFalse(resync(CHANGELOG, "{\"diff\":{\"after\":null},\"changelogDestination\":{\"type\":\"KAFKA\"}}"),
        "a deletion");
    assertFalse(resync(CHANGELOG, "{\"diff\":{\"after\":{\"identifier\":\"other\"}},\"changelogDestination\":{\"type\":\"KAFKA\"}}"));
    assertFalse(resync(CHANGELOG, "{\"diff\":{\"after\":{\"identifier\":\"my-int\",\"updatedAt\":\"t1\","
        + "\"resyncState\":{\"updatedAt\":\"t1\"}}},\"changelogDestination\":{\"type\":\"KAFKA\"}}"), "state only");
    assertTrue(resync(CHANGELOG, "{\"diff\":{\"after\":{\"identifier\":\"my-int\",\"updatedAt\":\"t2\","
        + "\"resyncState\":{\"updatedAt\":\"t1\"}}},\"changelogDestination\":{\"type\":\"KAFKA\"}}"));
    assertTrue(resync(CHANGELOG, "{\"diff\":{\"after\":{\"identifier\":\"my-int\",\"updatedAt\":\"t2\","
        + "\"changelogDestination\":{\"type\":\"KAFKA\"}}}}"), "destination inside the integration document");
    assertFalse(resync(CHANGELOG, "{\"diff\":{\"after\":{\"identifier\":\"my-int\",\"updatedAt\":\"t2\","
        + "\"changelogDestination\":{\"type\":\"WEBHOOK\"}}}}"));
  }

  @Test
  void garbageIsIgnoredWithAReason() {
    var decision = filter.decide(CHANGELOG, "not json".getBytes(StandardCharsets.UTF_8));
    assertFalse(decision.resync());
    assertTrue(decision.reason().startsWith("not JSON"), decision.reason());
    assertFalse(filter.decide(CHANGELOG, new byte[0]).resync());
    assertFalse(filter.decide(CHANGELOG, null).resync());
    assertFalse(resync(CHANGELOG, "[1,2]"));
  }
}
