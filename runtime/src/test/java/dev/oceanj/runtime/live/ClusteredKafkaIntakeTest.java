package dev.oceanj.runtime.live;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.oceanj.core.port.HttpPortClient;
import dev.oceanj.core.port.PortClient.PortIdentity;
import dev.oceanj.core.port.PortClientSettings;
import dev.oceanj.core.port.WriteLimiter;
import dev.oceanj.emulator.EmulatorSettings;
import dev.oceanj.emulator.PortEmulator;
import dev.oceanj.runtime.Main;
import dev.oceanj.testsupport.Await;
import dev.oceanj.testsupport.TestPort;
import dev.oceanj.testsupport.kafka.KRaftBroker;
import dev.oceanj.testsupport.process.ChildJvm;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import kafka.testkit.KafkaClusterTestKit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Cluster mode with the Kafka intake: two nodes of one Pekko cluster ({@link Main} in child JVMs) run one instance,
 * sharded onto one of them, yet both serve its webhooks and process their share of the topic; webhooks sent to both
 * nodes all reach Port in send order per key, and each node's {@code /status} shows the intake beside the cluster.
 */
class ClusteredKafkaIntakeTest {

  static final String ID = "fake-ck";
  static final int KEYS = 20;
  static final int PER_KEY = 5;
  static final ObjectMapper JSON = new ObjectMapper();
  static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  @TempDir Path dir;

  @Test
  void bothNodesServeAndProcessWebhooksWhereverTheInstanceRuns() throws Exception {
    try (KafkaClusterTestKit broker = KRaftBroker.combined(); PortEmulator emulator = TestPort.start()) {
      PortClientSettings ps = PortClientSettings.of(URI.create(emulator.baseUrl()), EmulatorSettings.DEFAULT_CLIENT_ID,
          EmulatorSettings.DEFAULT_CLIENT_SECRET);
      try (HttpPortClient port = HttpPortClient.create(ps, new PortIdentity("fake", "0.1.0", ID),
          WriteLimiter.unlimited())) {
        FakeIntegrationInPort.ensureIntegration(port, "fake");
      }
      emulator.requestLog().enable(true, true);
      int[] artery = {freePort(), freePort()};
      int[] http = {freePort(), freePort()};
      List<ChildJvm> nodes = new ArrayList<>();
      try {
        for (int i = 0; i < 2; i++) {
          Map<String, String> env = new LinkedHashMap<>(TestPort.env(emulator));
          env.put("OCEAN__INTEGRATION__TYPE", "fake");
          env.put("OCEAN__INTEGRATION__IDENTIFIER", ID);
          env.put("OCEAN__INITIALIZE_PORT_RESOURCES", "false");
          env.put("OCEAN__EVENT_LISTENER__TYPE", "WEBHOOKS_ONLY");
          env.put("OCEAN__HTTP__BIND_ADDRESS", "127.0.0.1");
          env.put("OCEAN__HTTP__PORT", Integer.toString(http[i]));
          env.put("OCEAN__DATA_DIR", dir.resolve("node-" + i).toString());
          env.put("OCEAN__CLUSTER__ENABLED", "true");
          env.put("OCEAN__CLUSTER__HOST", "127.0.0.1");
          env.put("OCEAN__CLUSTER__PORT", Integer.toString(artery[i]));
          env.put("OCEAN__CLUSTER__SEED_NODES", "127.0.0.1:" + artery[0]);
          env.put("OCEAN__CLUSTER__MIN_NR_OF_MEMBERS", "2");
          env.put("OCEAN__CLUSTER__NODE_NAME", "node-" + i);
          env.put("OCEAN__LIVE_EVENTS__INTAKE", "kafka");
          env.put("OCEAN__LIVE_EVENTS__KAFKA__BROKERS", broker.bootstrapServers());
          env.put("OCEAN__LIVE_EVENTS__KAFKA__PARTITIONS", "6");
          nodes.add(ChildJvm.builder("node-" + i, Main.class.getName(), dir)
              .jvmArgs("-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Xmx160m")
              .withoutEnv("OCEAN__").withoutEnv("APPLICATION__").env(env).start());
        }
        for (ChildJvm node : nodes) {
          node.awaitOutput(l -> l.contains("HTTP server listening"), Duration.ofSeconds(120));
        }
        Await.until("the topic's 6 partitions shared by both nodes", Duration.ofSeconds(90),
            () -> partitions(http[0]) > 0 && partitions(http[1]) > 0 && partitions(http[0]) + partitions(http[1]) == 6);
        for (int seq = 1; seq <= PER_KEY; seq++) {
          for (int k = 0; k < KEYS; k++) {
            HttpResponse<String> r = post(http[(k + seq) % 2], "ck" + k, seq);
            assertEquals(202, r.statusCode(), r.body());
          }
        }
        Await.until("every key's last event in Port", Duration.ofSeconds(60), () -> IntStream.range(0, KEYS)
            .allMatch(k -> emulator.entity("fake-person", "ck" + k)
                .map(e -> e.path("properties").path("age").asInt()).orElse(-1) == PER_KEY));
        var applied = AppliedUpdates.agesByPerson(emulator.requestLog().since(0));
        List<Integer> sent = IntStream.rangeClosed(1, PER_KEY).boxed().toList();
        for (int k = 0; k < KEYS; k++) {
          assertEquals(null, AppliedUpdates.orderProblem(applied.get("ck" + k), sent, PER_KEY), "ck" + k);
        }
        for (int port : http) {
          JsonNode status = status(port);
          assertEquals("kafka", status.path("liveEvents").path("intake").asText(), status.toString());
          assertFalse(status.path("cluster").isMissingNode(), status.toString());
        }
        assertTrue(emulator.requestLog().since(0).stream().anyMatch(e -> e.node() != null),
            "Port's requests carry the node tag");
      } finally {
        nodes.forEach(ChildJvm::close);
      }
    }
  }

  private static HttpResponse<String> post(int port, String id, int seq) throws Exception {
    String body = "{\"action\":\"upsert\",\"person\":{\"id\":\"" + id + "\",\"name\":\"P " + id + "\",\"email\":\""
        + id + "@example.com\",\"status\":\"WORKING\",\"age\":" + seq + ",\"department\":{\"id\":\"d1\",\"name\":"
        + "\"D1\"},\"bio\":\"b\"}}";
    return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/integration/webhook"))
        .timeout(Duration.ofSeconds(15)).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(body)).build(), BodyHandlers.ofString());
  }

  private static JsonNode status(int port) {
    try {
      return JSON.readTree(HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/status"))
          .timeout(Duration.ofSeconds(5)).build(), BodyHandlers.ofString()).body());
    } catch (IOException e) {
      return JSON.createObjectNode();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private static int partitions(int port) {
    return status(port).path("liveEvents").path("partitions").size();
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }
}
