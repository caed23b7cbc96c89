package dev.oceanj.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.oceanj.core.config.IntegrationSpec;
import dev.oceanj.core.config.OceanSettings;
import dev.oceanj.core.config.SettingsLoader;
import dev.oceanj.emulator.PortEmulator;
import dev.oceanj.spi.host.IntegrationResources;
import dev.oceanj.testsupport.TestPort;
import dev.oceanj.testsupport.kafka.KRaftBroker;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import kafka.testkit.KafkaClusterTestKit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The kafka integration as a user runs it: ONCE resyncs of {@link OceanRuntime} with
 * {@code OCEAN__INTEGRATION__TYPE=kafka} and Ocean's {@code OCEAN__INTEGRATION__CONFIG__CLUSTER_CONF_MAPPING}, a
 * real KRaft broker started here, and the Port emulator as Port, which gets the integration's default blueprints
 * and mapping.
 */
class KafkaIntegrationEndToEndTest {

  static final Duration WAIT = Duration.ofSeconds(90);
  static KafkaClusterTestKit cluster;
  static Admin admin;

  @TempDir Path dataDir;
  PortEmulator port;

  @BeforeAll
  static void startKafka() throws Exception {
    cluster = KRaftBroker.combined();
    var props = new Properties();
    props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.bootstrapServers());
    admin = Admin.create(props);
    admin.createTopics(List.of(new NewTopic("orders", 2, (short) 1), new NewTopic("payments", 1, (short) 1),
        new NewTopic("audit", 1, (short) 1))).all().get();
    admin.alterConsumerGroupOffsets("billing", Map.of(new TopicPartition("orders", 0), new OffsetAndMetadata(0)))
        .all().get();
  }

  @AfterAll
  static void stopKafka() throws Exception {
    if (admin != null) {
      admin.close(Duration.ofSeconds(2));
    }
    if (cluster != null) {
      cluster.close();
    }
  }

  @BeforeEach
  void startPort() {
    port = TestPort.start("id", "secret");
  }

  @AfterEach
  void stopPort() {
    port.close();
  }

  int resyncOnce(String clusterConfMapping) throws Exception {
    return resyncOnce(clusterConfMapping, Map.of());
  }

  int resyncOnce(String clusterConfMapping, Map<String, String> moreEnv) throws Exception {
    Map<String, String> env = new HashMap<>(moreEnv);
    env.putAll(Map.of(
        "OCEAN__PORT__CLIENT_ID", "id", "OCEAN__PORT__CLIENT_SECRET", "secret", "OCEAN__PORT__BASE_URL", port.baseUrl(),
        "OCEAN__EVENT_LISTENER__TYPE", "ONCE", "OCEAN__INTEGRATION__TYPE", "kafka",
        "OCEAN__INTEGRATION__IDENTIFIER", "my-kafka",
        "OCEAN__INTEGRATION__CONFIG__CLUSTER_CONF_MAPPING", clusterConfMapping,
        "OCEAN__HTTP__PORT", "0", "OCEAN__DATA_DIR", dataDir.toString()));
    IntegrationSpec spec = IntegrationSpec.fromClasspath(getClass().getClassLoader(),
        IntegrationResources.CLASSPATH_ROOT + "kafka/.port").orElseThrow();
    OceanSettings settings = SettingsLoader.create().environment(env).systemProperties(new Properties()).spec(spec)
        .load();
    try (OceanRuntime runtime = OceanRuntime.start(settings, line -> {})) {
      return runtime.exitCode().toCompletableFuture().get(WAIT.toSeconds(), TimeUnit.SECONDS);
    }
  }

  Set<String> identifiers(String blueprint) {
    return port.entities(blueprint).stream().map(e -> e.path("identifier").asText())
        .collect(Collectors.toCollection(TreeSet::new));
  }

  static String local() {
    return "{\"local\": {\"bootstrap.servers\": \"" + cluster.bootstrapServers() + "\"}}";
  }

  @Test
  void aResyncFillsTheCatalogAndTheNextOneDeletesWhatIsGone() throws Exception {
    assertEquals(0, resyncOnce(local()));
    assertEquals(Set.of("local"), identifiers("kafkaCluster"));
    assertEquals(Set.of("local_0"), identifiers("kafkaBroker"));
    assertEquals(Set.of("local___consumer_offsets", "local_audit", "local_orders", "local_payments"),
        identifiers("kafkaTopic"));
    assertEquals(Set.of("local_billing"), identifiers("kafkaConsumerGroup"));
    JsonNode orders = port.entity("kafkaTopic", "local_orders").orElseThrow();
    assertEquals(2, orders.at("/properties/partitions").asInt());
    assertEquals("local", orders.at("/relations/cluster").asText());
    assertEquals("[\"local_0\"]", orders.at("/relations/brokers").toString());
    assertEquals("EMPTY", port.entity("kafkaConsumerGroup", "local_billing").orElseThrow()
        .at("/properties/state").asText());

    admin.deleteTopics(List.of("audit")).all().get();
    assertEquals(0, resyncOnce(local()));
    assertEquals(Set.of("local___consumer_offsets", "local_orders", "local_payments"), identifiers("kafkaTopic"));
  }

  @Test
  void anUnreachableClusterFailsTheResyncAndDeletesNothing() throws Exception {
    assertEquals(0, resyncOnce(local()));
    Set<String> topics = identifiers("kafkaTopic");
    assertTrue(topics.contains("local_orders"), topics.toString());
    int closed;
    try (var socket = new ServerSocket(0)) {
      closed = socket.getLocalPort();
    }
    // The same cluster listed under a second name that cannot be reached: the kinds fail after the first cluster.
    String withDown = "{\"local\": {\"bootstrap.servers\": \"" + cluster.bootstrapServers() + "\"},"
        + " \"down\": {\"bootstrap.servers\": \"127.0.0.1:" + closed + "\", \"socket.timeout.ms\": 1000}}";
    admin.deleteTopics(List.of("payments")).all().get();
    assertEquals(1, resyncOnce(withDown, Map.of("OCEAN__RESYNC__KIND_RESTART__MAX_RESTARTS", "0")),
        "a failed kind fails the ONCE run");
    assertEquals(topics, identifiers("kafkaTopic"), "nothing deleted, not even the topic that is gone");
  }
}
