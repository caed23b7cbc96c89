package dev.oceanj.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.oceanj.actors.trigger.kafka.KafkaTrigger;
import dev.oceanj.core.config.IntegrationSpec;
import dev.oceanj.core.config.SettingsLoader;
import dev.oceanj.emulator.EmulatorSettings;
import dev.oceanj.emulator.PortEmulator;
import dev.oceanj.spi.host.IntegrationResources;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CopyOnWriteArrayList;
import kafka.testkit.KafkaClusterTestKit;
import kafka.testkit.TestKitNodes;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The KAFKA mode as a user runs it: {@link OceanRuntime} with the fake integration, the Port emulator as Port
 * (organisation id and feature flag from {@code GET /v1/organization}) and a real KRaft broker started here.
 */
class KafkaModeEndToEndTest {

  static final HttpClient http = HttpClient.newHttpClient();
  static final ObjectMapper json = new ObjectMapper();
  static KafkaClusterTestKit cluster;
  static KafkaProducer<String, byte[]> producer;

  @TempDir Path dataDir;

  @BeforeAll
  static void startKafka() throws Exception {
    var nodes = new TestKitNodes.Builder().setCombined(true).setNumBrokerNodes(1).setNumControllerNodes(1).build();
    cluster = new KafkaClusterTestKit.Builder(nodes)
        .setConfigProp("offsets.topic.replication.factor", "1")
        .setConfigProp("offsets.topic.num.partitions", "1")
        .setConfigProp("group.initial.rebalance.delay.ms", "0")
        .build();
    cluster.format();
    cluster.startup();
    cluster.waitForReadyBrokers();
    var props = new Properties();
    props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.bootstrapServers());
    producer = new KafkaProducer<>(props, new StringSerializer(), new ByteArraySerializer());
  }

  @AfterAll
  static void stopKafka() throws Exception {
    if (producer != null) {
      producer.close(Duration.ofSeconds(2));
    }
    if (cluster != null) {
      cluster.close();
    }
  }

  @Test
  void aMessageForThisIntegrationResyncsOnceAndOthersAreIgnored() throws Exception {
    try (var port = PortEmulator.start(EmulatorSettings.defaults().withClientId("id").withClientSecret("secret"))) {
      port.featureFlags(List.of(KafkaTrigger.RESYNC_REQUESTS_FLAG));
      String org = port.settings().organizationId();
      String topic = org + ".integration.resync.requests";
      var adminProps = new Properties();
      adminProps.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.bootstrapServers());
      try (Admin admin = Admin.create(adminProps)) {
        admin.createTopics(List.of(new NewTopic(topic, 1, (short) 1))).all().get();
      }
      var env = Map.of(
          "OCEAN__PORT__CLIENT_ID", "id", "OCEAN__PORT__CLIENT_SECRET", "secret", "OCEAN__PORT__BASE_URL", port.baseUrl(),
          "OCEAN__EVENT_LISTENER__TYPE", "KAFKA",
          "OCEAN__EVENT_LISTENER__BROKERS", cluster.bootstrapServers(),
          "OCEAN__EVENT_LISTENER__KAFKA_SECURITY_ENABLED", "false",
          "OCEAN__HTTP__PORT", "0", "OCEAN__DATA_DIR", dataDir.toString());
      var props = new Properties();
      props.put("ocean.event-listener.kafka.auto-offset-reset", "earliest");
      IntegrationSpec spec = IntegrationSpec.fromClasspath(getClass().getClassLoader(),
          IntegrationResources.CLASSPATH_ROOT + "fake/.port").orElseThrow();
      var settings = SettingsLoader.create().environment(env).systemProperties(props).spec(spec).load();
      var printed = new CopyOnWriteArrayList<String>();
      try (OceanRuntime runtime = OceanRuntime.start(settings, printed::add)) {
        String base = "http://127.0.0.1:" + runtime.httpPort().orElseThrow();
        ModesEndToEndTest.await("the consumer to own the partition",
            ModesEndToEndTest.quietly(() -> "consuming".equals(status(base).path("listener").path("state").asText())));
        JsonNode listener = status(base).path("listener");
        assertEquals(topic, listener.path("topic").asText());
        assertEquals(org + ".fake.my-fake-integration", listener.path("groupId").asText());

        send(topic, "{\"context\":{\"integrationId\":\"someone-else\"}}");
        send(topic, "{\"context\":{\"integrationId\":\"my-fake-integration\"}}");
        ModesEndToEndTest.await("the catalog to be complete", () -> port.entities("fake-person").size() == 100);
        ModesEndToEndTest.await("the resync to finish",
            ModesEndToEndTest.quietly(() -> "completed".equals(status(base).path("last").path("outcome").asText())));
        assertEquals("kafka", status(base).path("last").path("trigger").asText());

        send(topic, "{\"context\":{\"integrationId\":\"someone-else\"}}");
        ModesEndToEndTest.await("three messages read",
            ModesEndToEndTest.quietly(() -> status(base).path("listener").path("read").asInt() == 3));
        JsonNode after = status(base);
        assertEquals(1, after.path("listener").path("resyncsRequested").asInt());
        assertEquals(2, after.path("listener").path("ignored").asInt());
      }
    }
  }

  static void send(String topic, String value) throws Exception {
    producer.send(new ProducerRecord<>(topic, value.getBytes(StandardCharsets.UTF_8))).get();
  }

  static JsonNode status(String base) throws Exception {
    var response = http.send(HttpRequest.newBuilder(URI.create(base + "/status")).build(),
        HttpResponse.BodyHandlers.ofString());
    return json.readTree(response.body());
  }
}
