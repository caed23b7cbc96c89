package dev.oceanj.actors.trigger.kafka;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.oceanj.actors.resync.ResyncProtocol;
import dev.oceanj.actors.resync.ResyncProtocol.Disposition;
import dev.oceanj.actors.resync.ResyncProtocol.ResyncAccepted;
import dev.oceanj.actors.resync.ResyncProtocol.StartResync;
import dev.oceanj.actors.resync.ResyncProtocol.WhenRunning;
import dev.oceanj.actors.trigger.Resyncs;
import dev.oceanj.actors.trigger.TriggerInfo;
import dev.oceanj.core.port.PortClient.Organization;
import dev.oceanj.testsupport.kafka.KRaftBroker;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import kafka.testkit.KafkaClusterTestKit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The KAFKA trigger against a real single-node KRaft cluster (broker and controller) started here. */
class KafkaTriggerTest {

  static final ActorTestKit testKit = ActorTestKit.create();
  static final Duration WAIT = Duration.ofSeconds(20);
  static final AtomicInteger orgs = new AtomicInteger();
  static KafkaClusterTestKit cluster;
  static Admin admin;
  static KafkaProducer<String, byte[]> producer;
  static String bootstrap;

  @BeforeAll
  static void startKafka() throws Exception {
    // A fixed broker port, so clients find the broker again after it restarts.
    int port = KRaftBroker.freePort();
    cluster = KRaftBroker.onPort(port);
    bootstrap = cluster.bootstrapServers();
    var adminProps = new Properties();
    adminProps.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    admin = Admin.create(adminProps);
    var producerProps = new Properties();
    producerProps.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    producer = new KafkaProducer<>(producerProps, new StringSerializer(), new ByteArraySerializer());
  }

  @AfterAll
  static void stopKafka() throws Exception {
    testKit.shutdownTestKit();
    if (producer != null) {
      producer.close(Duration.ofSeconds(2));
    }
    if (admin != null) {
      admin.close(Duration.ofSeconds(2));
    }
    if (cluster != null) {
      cluster.close();
    }
  }

  /** A fresh organisation per test: its own topic and consumer group. */
  record Org(String id, String topic, String group) {}

  static Org newOrg(boolean resyncRequestsTopic) throws Exception {
    String id = "org" + orgs.incrementAndGet();
    String topic = resyncRequestsTopic ? id + ".integration.resync.requests" : id + ".change.log";
    admin.createTopics(List.of(new NewTopic(topic, 1, (short) 1))).all().get();
    return new Org(id, topic, id + ".fake.my-int");
  }

  static KafkaSettings settings() {
    return settings(Map.of());
  }

  static KafkaSettings settings(Map<String, String> clientProperties) {
    return new KafkaSettings(List.of(bootstrap), false, "PLAINTEXT", "PLAIN", Optional.empty(), Optional.empty(),
        Optional.empty(), "earliest", Duration.ofSeconds(2), Duration.ofMillis(200), clientProperties);
  }

  static ActorRef<KafkaTrigger.Command> spawn(Org org, boolean flag, TestProbe<ResyncProtocol.Command> supervisor) {
    return spawn(org, flag, supervisor, settings());
  }

  static ActorRef<KafkaTrigger.Command> spawn(Org org, boolean flag, TestProbe<ResyncProtocol.Command> supervisor,
      KafkaSettings settings) {
    var port = new KafkaTrigger.PortAccess(
        () -> CompletableFuture.completedFuture(
            new Organization(org.id(), flag ? List.of(KafkaTrigger.RESYNC_REQUESTS_FLAG) : List.of())),
        () -> CompletableFuture.completedFuture(Optional.empty()));
    return testKit.spawn(KafkaTrigger.create(supervisor.ref(), settings, port, "fake", "my-int"));
  }

  static TriggerInfo describe(ActorRef<KafkaTrigger.Command> trigger) {
    var probe = testKit.<TriggerInfo>createTestProbe();
    trigger.tell(new KafkaTrigger.Describe(probe.ref()));
    return probe.receiveMessage(WAIT);
  }

  static void awaitState(ActorRef<KafkaTrigger.Command> trigger, String state) {
    Resyncs.await(WAIT, "the trigger to be " + state, () -> state.equals(describe(trigger).details().get("state")));
  }

  static void send(Org org, String json) throws Exception {
    producer.send(new ProducerRecord<>(org.topic(), json.getBytes(StandardCharsets.UTF_8))).get();
  }

  static long committed(Org org) {
    try {
      Map<TopicPartition, OffsetAndMetadata> offsets =
          admin.listConsumerGroupOffsets(org.group()).partitionsToOffsetAndMetadata().get();
      OffsetAndMetadata offset = offsets.get(new TopicPartition(org.topic(), 0));
      return offset == null ? 0 : offset.offset();
    } catch (Exception e) {
      return -1;
    }
  }

  static void awaitCommitted(Org org, long offset) {
    Resyncs.await(WAIT, "offset " + offset + " committed for " + org.group(), () -> committed(org) == offset);
  }

  static StartResync expectStart(TestProbe<ResyncProtocol.Command> supervisor) {
    StartResync start = supervisor.expectMessageClass(StartResync.class, WAIT);
    assertEquals("kafka", start.trigger());
    assertEquals(WhenRunning.QUEUE, start.whenRunning());
    return start;
  }

  static final String FOR_US = "{\"context\":{\"integrationId\":\"my-int\"}}";
  static final String FOR_OTHER = "{\"context\":{\"integrationId\":\"other-int\"}}";

  @Test
  void aMessageForThisIntegrationTriggersExactlyOneResyncAndOthersAreIgnored() throws Exception {
    Org org = newOrg(true);
    var supervisor = testKit.<ResyncProtocol.Command>createTestProbe();
    var trigger = spawn(org, true, supervisor);
    awaitState(trigger, "consuming");
    assertEquals(org.group(), describe(trigger).details().get("groupId"));

    send(org, FOR_OTHER);
    send(org, FOR_US);
    send(org, FOR_OTHER);
    expectStart(supervisor).acceptedTo().tell(Resyncs.started("r1"));
    awaitCommitted(org, 3);
    supervisor.expectNoMessage(Duration.ofMillis(300));
    Map<String, Object> details = describe(trigger).details();
    assertEquals(1L, details.get("resyncsRequested"));
    assertEquals(org.topic(), details.get("topic"));
    testKit.stop(trigger);
  }

  @Test
  void theLegacyChangeLogFollowsOceansRules() throws Exception {
    Org org = newOrg(false);
    var supervisor = testKit.<ResyncProtocol.Command>createTestProbe();
    var trigger = spawn(org, false, supervisor);
    awaitState(trigger, "consuming");

    send(org, "{\"diff\":{\"after\":{\"identifier\":\"other-int\",\"updatedAt\":\"t2\"}},"
        + "\"changelogDestination\":{\"type\":\"KAFKA\"}}");
    send(org, "{\"diff\":{\"after\":{\"identifier\":\"my-int\",\"updatedAt\":\"t1\",\"resyncState\":{\"updatedAt\":\"t1\"}}},"
        + "\"changelogDestination\":{\"type\":\"KAFKA\"}}");
    awaitCommitted(org, 2);
    supervisor.expectNoMessage(Duration.ofMillis(200));
    send(org, "{\"action\":\"RESYNC\",\"context\":{\"integrationId\":\"my-int\"}}");
    expectStart(supervisor).acceptedTo().tell(Resyncs.started("r1"));
    awaitCommitted(org, 3);
    testKit.stop(trigger);
  }

  @Test
  void aBurstWhileARequestWaitsCollapsesIntoOneMoreRequest() throws Exception {
    Org org = newOrg(true);
    var supervisor = testKit.<ResyncProtocol.Command>createTestProbe();
    var trigger = spawn(org, true, supervisor);
    awaitState(trigger, "consuming");

    send(org, FOR_US);
    StartResync first = expectStart(supervisor);
    send(org, FOR_US);
    send(org, FOR_US);
    send(org, FOR_US);
    Resyncs.await(WAIT, "the burst to be read", () -> Long.valueOf(4).equals(describe(trigger).details().get("read")));
    assertEquals(0, committed(org), "nothing is committed before the supervisor accepts");
    first.acceptedTo().tell(Resyncs.started("r1"));

    expectStart(supervisor).acceptedTo().tell(new ResyncAccepted("r2", Disposition.QUEUED));
    awaitCommitted(org, 4);
    supervisor.expectNoMessage(Duration.ofMillis(300));
    assertEquals(2L, describe(trigger).details().get("resyncsRequested"));
    testKit.stop(trigger);
  }

  @Test
  void aCrashBeforeTheSupervisorAcceptedReplaysTheMessage() throws Exception {
    Org org = newOrg(true);
    var supervisor = testKit.<ResyncProtocol.Command>createTestProbe();
    var crashing = spawn(org, true, supervisor);
    awaitState(crashing, "consuming");
    send(org, FOR_US);
    expectStart(supervisor);
    testKit.stop(crashing);
    assertEquals(0, committed(org));

    var restarted = spawn(org, true, supervisor);
    expectStart(supervisor).acceptedTo().tell(Resyncs.started("r1"));
    awaitCommitted(org, 1);
    testKit.stop(restarted);

    // The third consumer starts after the committed offset: it reads a new, ignored message and never the old one.
    var third = spawn(org, true, supervisor);
    awaitState(third, "consuming");
    send(org, FOR_OTHER);
    awaitCommitted(org, 2);
    assertEquals(1L, describe(third).details().get("read"), "only the message after the committed offset");
    supervisor.expectNoMessage(Duration.ZERO);
    testKit.stop(third);
  }

  @Test
  void aSecondInstanceSaysAnotherHoldsTheGroupAndTakesOverWhenItLeaves() throws Exception {
    Org org = newOrg(true);
    var supervisor = testKit.<ResyncProtocol.Command>createTestProbe();
    var first = spawn(org, true, supervisor);
    awaitState(first, "consuming");
    var second = spawn(org, true, supervisor);
    awaitState(second, "standby");
    assertTrue(((List<?>) describe(second).details().get("assignedPartitions")).isEmpty());

    testKit.stop(first);
    awaitState(second, "consuming");
    send(org, FOR_US);
    expectStart(supervisor).acceptedTo().tell(Resyncs.started("r1"));
    awaitCommitted(org, 1);
    testKit.stop(second);
  }

  @Test
  void aBrokerRestartWithATriggerInFlightLosesNothing() throws Exception {
    Org org = newOrg(true);
    var supervisor = testKit.<ResyncProtocol.Command>createTestProbe();
    // A consumer that lost its broker rejoins its group once the coordinator gave up its old membership: the
    // shortest session the broker allows keeps that wait short.
    var trigger = spawn(org, true, supervisor, settings(Map.of("session.timeout.ms", "6000")));
    awaitState(trigger, "consuming");
    send(org, FOR_US);
    expectStart(supervisor).acceptedTo().tell(Resyncs.started("r1"));
    awaitCommitted(org, 1);

    // In flight: produced and read, its resync asked for but not yet accepted, so not committed; the supervisor
    // accepts it while the broker is down, so its commit cannot land before the restart.
    send(org, FOR_US);
    StartResync inFlight = expectStart(supervisor);
    assertEquals(1, committed(org), "not committed before the supervisor accepts");
    var broker = cluster.brokers().get(0);
    broker.shutdown();
    broker.awaitShutdown();
    inFlight.acceptedTo().tell(Resyncs.started("r2"));
    broker.startup();
    cluster.waitForReadyBrokers();

    // The commit lands once the broker is back; a redelivery after the restart (the group may have rebalanced) is
    // accepted too: at least once, never lost.
    long deadline = System.nanoTime() + WAIT.multipliedBy(2).toNanos();
    while (committed(org) != 2) {
      assertTrue(System.nanoTime() < deadline, "offset 2 committed after the restart");
      try {
        if (supervisor.receiveMessage(Duration.ofMillis(200)) instanceof StartResync redelivered) {
          redelivered.acceptedTo().tell(Resyncs.started("r2-again"));
        }
      } catch (AssertionError nothingRedelivered) {
        // nothing in this slice: look at the commit again
      }
    }
    long requested = (Long) describe(trigger).details().get("resyncsRequested");
    assertTrue(requested == 2 || requested == 3, "the in-flight trigger asked for its resync: " + requested);
    testKit.stop(trigger);
  }

}
