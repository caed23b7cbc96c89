package dev.oceanj.runtime.live;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.oceanj.actors.live.KafkaLiveEventLog;
import dev.oceanj.core.config.HttpSettings;
import dev.oceanj.core.config.LiveEventKafkaSettings;
import dev.oceanj.core.config.LiveEventSettings;
import dev.oceanj.core.jq.JqEngine;
import dev.oceanj.core.port.HttpPortClient;
import dev.oceanj.core.port.PortClient.PortIdentity;
import dev.oceanj.core.port.PortClientSettings;
import dev.oceanj.core.port.WriteLimiter;
import dev.oceanj.core.sync.JqMappingCompiler;
import dev.oceanj.emulator.EmulatorSettings;
import dev.oceanj.emulator.PortEmulator;
import dev.oceanj.integrations.fake.FakeIntegration;
import dev.oceanj.runtime.http.OceanServer;
import dev.oceanj.spi.host.DefinedIntegration;
import dev.oceanj.testsupport.Await;
import dev.oceanj.testsupport.TestPort;
import dev.oceanj.testsupport.kafka.KRaftBroker;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import dev.oceanj.core.live.StoredEvent;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.TimeUnit;
import kafka.testkit.KafkaClusterTestKit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.pekko.http.javadsl.server.Directives;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.http.javadsl.ServerBinding;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Kafka intake in one JVM, on the embedded KRaft broker, the fake integration's webhook and the emulator: an event
 * is answered 202 only once Kafka has it, applied to Port in order per key, still applied when the node that
 * acknowledged it stopped before processing it, dead-lettered to Kafka when Port refuses it, and refused with 503 while Kafka is down (the last test stops it).
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class KafkaIntakeTest {

  static final ActorTestKit testKit = ActorTestKit.create();
  static final HttpClient http = HttpClient.newHttpClient();
  static final ObjectMapper JSON = new ObjectMapper();
  static final String IDENTIFIER = "kafka-intake-test";

  @TempDir static Path dataDir;
  static KafkaClusterTestKit broker;
  static boolean brokerStopped;
  static LiveEventKafkaSettings kafka;
  static PortEmulator emulator;
  static HttpPortClient port;
  static LiveEvents live;
  static ServerBinding binding;
  static String base;

  @BeforeAll
  static void start() throws Exception {
    broker = KRaftBroker.combined();
    kafka = new LiveEventKafkaSettings(List.of(broker.bootstrapServers()), "live-test", Optional.empty(), 4,
        Duration.ofSeconds(3), false, "SASL_SSL", "SCRAM-SHA-512", Optional.empty(), Optional.empty(),
        Map.of("session.timeout.ms", "6000", "heartbeat.interval.ms", "1000"));
    emulator = TestPort.start();
    emulator.requestLog().enable(true, true);
    PortClientSettings ps = PortClientSettings.of(URI.create(emulator.baseUrl()), EmulatorSettings.DEFAULT_CLIENT_ID,
        EmulatorSettings.DEFAULT_CLIENT_SECRET);
    port = HttpPortClient.create(ps, new PortIdentity("fake", "0.1.0", IDENTIFIER), WriteLimiter.unlimited());
    FakeIntegrationInPort.ensureIntegration(port, "fake");
    DefinedIntegration integration = DefinedIntegration.define(new FakeIntegration(), null, HttpClient.newHttpClient());
    LiveEventSettings settings = new LiveEventSettings(Duration.ofSeconds(10), 1, Duration.ofMillis(10),
        Duration.ofMillis(10), 8, 2048, Duration.ofSeconds(1), false).withKafka(kafka);
    var started = new CompletableFuture<LiveEvents>();
    testKit.spawn(Behaviors.setup(guardian -> {
      started.complete(LiveEvents.start(guardian, integration, port, new JqMappingCompiler(JqEngine.create(false)),
          settings, Duration.ofMinutes(1), dataDir, false, new PrometheusMeterRegistry(PrometheusConfig.DEFAULT)));
      return Behaviors.empty();
    }));
    live = started.get(30, TimeUnit.SECONDS);
    binding = OceanServer.start(Directives.concat(live.routes().webhookRoutes(), live.routes().deadLetterRoutes()),
        new HttpSettings("127.0.0.1", 0, 1 << 20),
        Duration.ofSeconds(5), testKit.system()).toCompletableFuture().join();
    base = "http://127.0.0.1:" + binding.localAddress().getPort();
    Await.until("the intake to be assigned the topic's partitions", Duration.ofSeconds(60),
        () -> live.status().path("partitions").size() == 4);
  }

  @AfterAll
  static void stop() throws Exception {
    binding.unbind().toCompletableFuture().join();
    live.close();
    testKit.shutdownTestKit();
    port.close();
    emulator.close();
    if (!brokerStopped) {
      broker.close();
    }
  }

  private static HttpResponse<String> post(String body) throws Exception {
    return post("/integration/webhook", body);
  }

  private static HttpResponse<String> post(String path, String body) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create(base + path))
        .POST(BodyPublishers.ofString(body)).header("Content-Type", "application/json").build(),
        BodyHandlers.ofString());
  }

  static String person(String id, int age) {
    return "{\"action\":\"upsert\",\"person\":{\"id\":\"" + id + "\",\"name\":\"P " + id + "\",\"email\":\"e@example.com\","
        + "\"status\":\"WORKING\",\"age\":" + age + ",\"department\":{\"id\":\"hr\",\"name\":\"hr\"},\"bio\":\"b\"}}";
  }

  private static int age(String id) {
    return emulator.entity("fake-person", id).map(e -> e.path("properties").path("age").asInt()).orElse(-1);
  }

  @Test
  @Order(1)
  void acknowledgedEventsReachPortInSendOrderPerKey() throws Exception {
    long since = emulator.requestLog().since(0).stream().mapToLong(e -> e.seq()).max().orElse(0);
    int keys = 8;
    int perKey = 25;
    // The keys' sequences interleave; each key's events go one after another (the next once the last was acked).
    List<CompletableFuture<Void>> senders = new ArrayList<>();
    for (int k = 0; k < keys; k++) {
      String id = "order-" + k;
      senders.add(CompletableFuture.runAsync(() -> {
        for (int seq = 1; seq <= perKey; seq++) {
          try {
            HttpResponse<String> r = post(person(id, seq));
            assertEquals(202, r.statusCode(), r.body());
          } catch (Exception e) {
            throw new IllegalStateException(e);
          }
        }
      }, ForkJoinPool.commonPool()));
    }
    CompletableFuture.allOf(senders.toArray(new CompletableFuture[0])).get(60, TimeUnit.SECONDS);
    for (int k = 0; k < keys; k++) {
      String id = "order-" + k;
      Await.until(id + " to reach its last value", Duration.ofSeconds(60), () -> age(id) == perKey);
    }
    var applied = AppliedUpdates.agesByPerson(emulator.requestLog().since(since));
    List<Integer> all = java.util.stream.IntStream.rangeClosed(1, perKey).boxed().toList();
    for (int k = 0; k < keys; k++) {
      assertNull(AppliedUpdates.orderProblem(applied.get("order-" + k), all, perKey), "order-" + k);
    }
    Await.until("the lag to come back to 0", Duration.ofSeconds(30), () -> live.status().path("lag").asLong() == 0);
    JsonNode status = live.status();
    assertEquals("kafka", status.path("intake").asText());
    assertEquals("live-test", status.path("topic").asText());
    assertEquals("oceanj-live-" + IDENTIFIER, status.path("group").asText());
    assertEquals(0, status.path("depth").asInt());
  }

  @Test
  @Order(2)
  void eventsAcknowledgedByANodeThatStoppedBeforeProcessingThemAreAppliedByAnother() throws Exception {
    // Another member of the group that acknowledges events and dies before its dispatcher ran: nobody subscribed.
    KafkaLiveEventLog other = KafkaLiveEventLog.open(kafka, IDENTIFIER, e -> Optional.of("/webhook\u0000lost-1"),
        ForkJoinPool.commonPool(), Duration.ofMillis(200));
    for (int age = 1; age <= 5; age++) {
      other.append(Instant.now(), "/webhook", Map.of("content-type", "application/json"),
          person("lost-1", age).getBytes(java.nio.charset.StandardCharsets.UTF_8)).get(30, TimeUnit.SECONDS);
    }
    other.close();
    Await.until("the stopped node's events to be applied here", Duration.ofSeconds(60), () -> age("lost-1") == 5);
  }

  @Test
  @Order(3)
  void aRefusedEventIsDeadLetteredToKafkaCommittedAndCanBeReplayed() throws Exception {
    // Port refuses an identifier with spaces (422): the same answer however often it is sent.
    HttpResponse<String> r = post(person("no spaces allowed", 44));
    assertEquals(202, r.statusCode(), r.body());
    long id = JSON.readTree(r.body()).get("id").asLong();
    Await.until("event " + id + " to reach the dead letters", Duration.ofSeconds(30),
        () -> live.log().deadLetters().stream().anyMatch(d -> d.id() == id));
    var letter = live.log().deadLetters().stream().filter(d -> d.id() == id).findFirst().orElseThrow();
    assertTrue(letter.error().contains("422"), letter.error());
    try (var consumer = new KafkaConsumer<String, byte[]>(Map.of("bootstrap.servers", broker.bootstrapServers()),
        new StringDeserializer(), new ByteArrayDeserializer())) {
      var tp = new TopicPartition("live-test.dead-letters", 0);
      consumer.assign(List.of(tp));
      consumer.seekToBeginning(List.of(tp));
      List<ConsumerRecord<String, byte[]>> records = new ArrayList<>();
      Await.until("the dead letter in Kafka", Duration.ofSeconds(30), () -> {
        consumer.poll(Duration.ofMillis(200)).forEach(records::add);
        return !records.isEmpty();
      });
      var stored = StoredEvent.fromBytes(records.get(0).value());
      assertTrue(new String(stored.body(), StandardCharsets.UTF_8).contains("no spaces allowed"));
      assertTrue(new String(records.get(0).headers().lastHeader("error").value(), StandardCharsets.UTF_8)
          .contains("422"));
    }
    Await.until("the dead-lettered event committed", Duration.ofSeconds(30),
        () -> live.status().path("lag").asLong() == 0 && live.log().depth() == 0);
    HttpResponse<String> replay = post("/live-events/dead-letters/" + id + "/replay", "");
    assertEquals(202, replay.statusCode(), replay.body());
    long again = JSON.readTree(replay.body()).get("id").asLong();
    Await.until("the replayed event dead-lettered again", Duration.ofSeconds(30),
        () -> live.log().deadLetters().stream().anyMatch(d -> d.id() == again));
    assertTrue(live.log().deadLetters().stream().noneMatch(d -> d.id() == id), "the replayed letter is removed");
  }

  @Test
  @Order(4)
  void whileKafkaIsDownAWebhookIs503AndNeverAcknowledged() throws Exception {
    long acked = live.counters().acknowledged.sum();
    broker.close();
    brokerStopped = true;
    HttpResponse<String> r = post(person("down-1", 1));
    assertEquals(503, r.statusCode(), r.body());
    assertTrue(r.body().contains("intake_unavailable"), r.body());
    assertEquals(acked, live.counters().acknowledged.sum());
  }
}
