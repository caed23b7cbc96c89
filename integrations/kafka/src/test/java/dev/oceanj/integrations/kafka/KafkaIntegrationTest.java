package dev.oceanj.integrations.kafka;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.oceanj.core.jq.JqEngine;
import dev.oceanj.core.mapping.CompiledMapping;
import dev.oceanj.core.mapping.CompiledResource;
import dev.oceanj.core.mapping.MapResult;
import dev.oceanj.core.mapping.PortAppConfig;
import dev.oceanj.spi.testing.ResyncHarness;
import dev.oceanj.testsupport.kafka.KRaftBroker;
import java.io.InputStream;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;
import kafka.testkit.KafkaClusterTestKit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The kafka integration against a real single-node KRaft cluster started here: topics, partitions, configs and
 * consumer groups created by the test, read back as Ocean's raw objects and mapped with Ocean's default mapping.
 */
class KafkaIntegrationTest {

  private static KafkaClusterTestKit cluster;
  private static Admin admin;
  private static KafkaConsumer<String, String> member;
  private static String bootstrap;
  private static int brokerPort;

  @BeforeAll
  static void startKafka() throws Exception {
    brokerPort = KRaftBroker.freePort();
    cluster = KRaftBroker.onPort(brokerPort);
    bootstrap = cluster.bootstrapServers();
    var props = new Properties();
    props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    admin = Admin.create(props);
    admin.createTopics(List.of(
        new NewTopic("orders", 3, (short) 1),
        new NewTopic("users", 1, (short) 1).configs(Map.of("cleanup.policy", "compact",
            "delete.retention.ms", "3600000")))).all().get();
    // An empty group: committed offsets, no member.
    admin.alterConsumerGroupOffsets("reporting",
        Map.of(new TopicPartition("orders", 0), new OffsetAndMetadata(0))).all().get();
    // A stable group with one member that owns every partition of "orders".
    var consumerProps = new Properties();
    consumerProps.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    consumerProps.put(ConsumerConfig.GROUP_ID_CONFIG, "billing");
    consumerProps.put(ConsumerConfig.CLIENT_ID_CONFIG, "billing-1");
    member = new KafkaConsumer<>(consumerProps, new StringDeserializer(), new StringDeserializer());
    member.subscribe(List.of("orders"));
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (member.assignment().size() < 3) {
      assertTrue(System.nanoTime() < deadline, "the consumer never got its partitions");
      member.poll(Duration.ofMillis(100));
    }
  }

  @AfterAll
  static void stopKafka() throws Exception {
    if (member != null) {
      member.close(Duration.ofSeconds(2));
    }
    if (admin != null) {
      admin.close(Duration.ofSeconds(2));
    }
    if (cluster != null) {
      cluster.close();
    }
  }

  private static String settings(String clusterName, String servers) {
    return "{\"clusterConfMapping\": {\"" + clusterName + "\": {\"bootstrap.servers\": \"" + servers + "\"}}}";
  }

  private static List<JsonNode> collect(String kind) {
    return ResyncHarness.collect(new KafkaIntegration(), settings("local cluster", bootstrap), kind);
  }

  private static Map<String, JsonNode> byField(List<JsonNode> objects, String field) {
    Map<String, JsonNode> out = new TreeMap<>();
    objects.forEach(o -> out.put(o.get(field).asText(), o));
    return out;
  }

  private static List<String> fieldNames(JsonNode o) {
    List<String> names = new ArrayList<>();
    o.fieldNames().forEachRemaining(names::add);
    return names;
  }

  @Test
  void clusterIsItsSanitisedNameAndController() {
    List<JsonNode> clusters = collect(KafkaIntegration.CLUSTER);
    assertEquals(1, clusters.size());
    JsonNode c = clusters.get(0);
    assertEquals(List.of("name", "controller_id"), fieldNames(c));
    assertEquals("localcluster", c.get("name").asText());
    assertTrue(c.get("controller_id").isInt());
    assertEquals(0, c.get("controller_id").asInt(), "the only broker, id 0");
  }

  @Test
  void brokersCarryOceansAddressFormAndEveryConfigAsStrings() {
    List<JsonNode> brokers = collect(KafkaIntegration.BROKER);
    assertEquals(1, brokers.size());
    JsonNode b = brokers.get(0);
    assertEquals(List.of("id", "address", "cluster_name", "config"), fieldNames(b));
    assertEquals(0, b.get("id").asInt());
    assertEquals("localhost:" + brokerPort + "/0", b.get("address").asText());
    assertEquals("localcluster", b.get("cluster_name").asText());
    JsonNode config = b.get("config");
    assertTrue(config.size() > 100, "every broker config, defaults included: " + config.size());
    assertEquals("0", config.get("node.id").asText());
    assertTrue(config.get("node.id").isTextual(), "values are strings, as librdkafka gives them");
    assertTrue(config.has("broker.rack") && config.get("broker.rack").isNull(), "unset values are null");
  }

  @Test
  void topicsIncludeInternalOnesWithPartitionsInIdOrderAndConfigs() {
    Map<String, JsonNode> topics = byField(collect(KafkaIntegration.TOPIC), "name");
    assertTrue(topics.keySet().containsAll(Set.of("orders", "users", "__consumer_offsets")), topics.keySet().toString());
    JsonNode orders = topics.get("orders");
    assertEquals(List.of("name", "cluster_name", "partitions", "config"), fieldNames(orders));
    assertEquals("localcluster", orders.get("cluster_name").asText());
    JsonNode partitions = orders.get("partitions");
    assertEquals(3, partitions.size());
    for (int i = 0; i < 3; i++) {
      JsonNode p = partitions.get(i);
      assertEquals(List.of("id", "leader", "replicas", "isrs"), fieldNames(p));
      assertEquals(i, p.get("id").asInt());
      assertEquals(0, p.get("leader").asInt());
      assertEquals("[0]", p.get("replicas").toString());
      assertEquals("[0]", p.get("isrs").toString());
    }
    assertEquals("delete", orders.at("/config/cleanup.policy").asText());
    assertEquals("compact", topics.get("users").at("/config/cleanup.policy").asText());
    assertEquals("3600000", topics.get("users").at("/config/delete.retention.ms").asText());
  }

  @Test
  void consumerGroupsHaveOceansStateNamesMembersAndAssignments() {
    Map<String, JsonNode> groups = byField(collect(KafkaIntegration.CONSUMER_GROUP), "group_id");
    assertEquals(Set.of("billing", "reporting"), groups.keySet());
    JsonNode billing = groups.get("billing");
    assertEquals(List.of("group_id", "state", "members", "cluster_name", "coordinator", "partition_assignor",
        "is_simple_consumer_group", "authorized_operations"), fieldNames(billing));
    assertEquals("STABLE", billing.get("state").asText());
    assertEquals(1, billing.get("members").size());
    JsonNode m = billing.get("members").get(0);
    assertEquals(List.of("id", "client_id", "host", "assignment"), fieldNames(m));
    assertEquals("billing-1", m.get("client_id").asText());
    assertTrue(m.get("id").asText().startsWith("billing-1-"), m.toString());
    assertTrue(m.get("host").asText().startsWith("/"), "verbatim from the broker: " + m.get("host"));
    assertEquals("[{\"topic\":\"orders\",\"partition\":0},{\"topic\":\"orders\",\"partition\":1},"
        + "{\"topic\":\"orders\",\"partition\":2}]", m.at("/assignment/topic_partitions").toString());
    assertEquals(0, billing.get("coordinator").asInt());
    assertEquals("range", billing.get("partition_assignor").asText());
    assertFalse(billing.get("is_simple_consumer_group").asBoolean());
    assertTrue(billing.get("authorized_operations").isNull());
    JsonNode reporting = groups.get("reporting");
    assertEquals("EMPTY", reporting.get("state").asText());
    assertEquals(0, reporting.get("members").size());
    assertEquals("", reporting.get("partition_assignor").asText());
  }

  @Test
  void anUnreachableClusterFailsItsKindsInsteadOfLookingEmpty() throws Exception {
    int closed;
    try (var socket = new ServerSocket(0)) {
      closed = socket.getLocalPort();
    }
    String settings = "{\"clusterConfMapping\": {\"up\": {\"bootstrap.servers\": \"" + bootstrap + "\"},"
        + " \"down\": {\"bootstrap.servers\": \"127.0.0.1:" + closed + "\", \"socket.timeout.ms\": 1000}}}";
    for (String kind : List.of(KafkaIntegration.CLUSTER, KafkaIntegration.TOPIC)) {
      var failed = assertThrows(ResyncHarness.KindFailedException.class,
          () -> ResyncHarness.collect(new KafkaIntegration(), settings, kind));
      assertTrue(failed.getMessage().contains("Kafka cluster 'down'"), failed.getMessage());
      assertTrue(failed.itemsBefore() >= 1, "the reachable cluster was read first: " + failed.itemsBefore());
    }
  }

  /** Every entity the mapping makes of the raw objects of every kind, by {@code blueprint/identifier}. */
  private static Map<String, JsonNode> entities(String mappingResource) throws Exception {
    CompiledMapping mapping;
    try (InputStream in = KafkaIntegration.class.getResourceAsStream(mappingResource)) {
      assertNotNull(in, mappingResource);
      mapping = CompiledMapping.compile(
          PortAppConfig.parse(new String(in.readAllBytes(), StandardCharsets.UTF_8), mappingResource),
          JqEngine.create(false));
    }
    Map<String, JsonNode> entities = new TreeMap<>();
    for (String kind : List.of("cluster", "broker", "topic", "consumer_group")) {
      for (JsonNode raw : collect(kind)) {
        for (CompiledResource resource : mapping.forKind(kind)) {
          MapResult result = resource.map(raw);
          assertTrue(result instanceof MapResult.Mapped, kind + ": " + result);
          MapResult.Mapped mapped = (MapResult.Mapped) result;
          entities.put(mapped.blueprint() + "/" + mapped.identifier(), mapped.entity());
        }
      }
    }
    return entities;
  }

  @Test
  void theShippedMappingDiffersFromOceansOnlyInTheTwoTypesOceanGetsWrong() throws Exception {
    Map<String, JsonNode> ocean = entities("/ocean-port-app-config.yml");
    Map<String, JsonNode> shipped = entities("/oceanj/integration/kafka/.port/resources/port-app-config.yml");
    assertEquals(ocean.keySet(), shipped.keySet());
    assertEquals("\"0\"", shipped.get("kafkaCluster/localcluster").at("/properties/controllerId").toString());
    assertEquals("3600000", shipped.get("kafkaTopic/localcluster_users").at("/properties/deleteRetentionTime")
        .toString(), "a number, as the blueprint says");
    ocean.forEach((key, entity) -> {
      var expected = entity.deepCopy();
      var actual = shipped.get(key).deepCopy();
      for (String property : List.of("controllerId", "deleteRetentionTime")) {
        ((com.fasterxml.jackson.databind.node.ObjectNode) expected.get("properties")).remove(property);
        ((com.fasterxml.jackson.databind.node.ObjectNode) actual.get("properties")).remove(property);
      }
      assertEquals(expected, actual, key);
    });
  }

  @Test
  void oceansDefaultMappingGivesOceansEntities() throws Exception {
    Map<String, JsonNode> entities = entities("/ocean-port-app-config.yml");
    JsonNode kafkaCluster = entities.get("kafkaCluster/localcluster");
    assertEquals("localcluster", kafkaCluster.get("title").asText());
    assertEquals("{\"controllerId\":0}", kafkaCluster.get("properties").toString(), "an integer, as in Ocean");
    JsonNode broker = entities.get("kafkaBroker/localcluster_0");
    assertEquals("localcluster 0", broker.get("title").asText());
    assertEquals("localhost:" + brokerPort + "/0", broker.at("/properties/address").asText());
    assertTrue(broker.at("/properties/region").isNull(), "no broker.rack on the test broker");
    assertTrue(broker.at("/properties/version").asText().startsWith("3."), broker.at("/properties/version").toString());
    assertTrue(broker.at("/properties/config").size() > 100);
    assertEquals("localcluster", broker.at("/relations/cluster").asText());
    JsonNode users = entities.get("kafkaTopic/localcluster_users");
    assertEquals("localcluster users", users.get("title").asText());
    assertEquals(1, users.at("/properties/replicas").asInt());
    assertEquals(1, users.at("/properties/partitions").asInt());
    assertTrue(users.at("/properties/compaction").asBoolean());
    assertFalse(users.at("/properties/retention").asBoolean());
    assertEquals("3600000", users.at("/properties/deleteRetentionTime").asText(), "a string, as in Ocean");
    assertEquals("[\"localcluster_0\"]", users.at("/relations/brokers").toString());
    JsonNode orders = entities.get("kafkaTopic/localcluster_orders");
    assertEquals(3, orders.at("/properties/partitions").asInt());
    assertTrue(orders.at("/properties/retention").asBoolean());
    assertTrue(entities.containsKey("kafkaTopic/localcluster___consumer_offsets"));
    JsonNode billing = entities.get("kafkaConsumerGroup/localcluster_billing");
    assertEquals("billing", billing.get("title").asText());
    assertEquals("STABLE", billing.at("/properties/state").asText());
    assertEquals("[\"billing-1\"]", billing.at("/properties/members").toString());
    assertTrue(billing.at("/properties/coordinator").isNull(), "Ocean's .coordinator.id on an integer is null");
    assertEquals("range", billing.at("/properties/partition_assignor").asText());
    assertFalse(billing.at("/properties/is_simple_consumer_group").asBoolean());
    assertEquals("localcluster", billing.at("/relations/cluster").asText());
    // Every property the mapping sets is non-null where the broker holds the data.
    Set<String> nullProperties = new TreeSet<>();
    entities.forEach((key, entity) -> {
      for (Iterator<Map.Entry<String, JsonNode>> it = entity.get("properties").fields(); it.hasNext(); ) {
        var p = it.next();
        if (p.getValue().isNull()) {
          nullProperties.add(key.substring(0, key.indexOf('/')) + "." + p.getKey());
        }
      }
    });
    assertEquals(Set.of("kafkaBroker.region", "kafkaConsumerGroup.coordinator",
        "kafkaConsumerGroup.authorized_operations"), nullProperties.stream()
        .filter(p -> !p.startsWith("kafkaTopic.")).collect(Collectors.toSet()),
        "region: no broker.rack on the test broker; coordinator and authorized_operations: null in Ocean too");
  }
}
