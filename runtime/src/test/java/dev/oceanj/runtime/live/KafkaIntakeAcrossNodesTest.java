package dev.oceanj.runtime.live;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.oceanj.core.port.HttpPortClient;
import dev.oceanj.core.port.PortClient.PortIdentity;
import dev.oceanj.core.port.PortClientSettings;
import dev.oceanj.core.port.WriteLimiter;
import dev.oceanj.emulator.EmulatorSettings;
import dev.oceanj.emulator.PortEmulator;
import dev.oceanj.emulator.RequestLog;
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
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.IntStream;
import kafka.testkit.KafkaClusterTestKit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Scale-out criterion 11 with real processes: three runtimes ({@link Main} in WEBHOOKS_ONLY mode, the fake integration,
 * {@code ocean.live-events.intake = kafka}) in child JVMs, one embedded KRaft broker and the Port emulator in this
 * JVM. {@value #EVENTS} webhook events over {@value #KEYS} persons go round-robin to the three nodes, each person's
 * events one after another with a sequence number as its {@code age}; halfway, while Port is slow and the node
 * holds events not yet written to Port, one node is killed with SIGKILL. Every acknowledged event must be applied, and per person the emulator
 * (its request log, with bodies) must have seen the updates in send order, the last value being the last sent.
 */
class KafkaIntakeAcrossNodesTest {

  static final int NODES = 3;
  static final int KEYS = 100;
  static final int PER_KEY = 100;
  static final int EVENTS = KEYS * PER_KEY;
  static final int SENDERS = 20;
  static final String IDENTIFIER = "live-kafka-nodes";
  static final String READY = "HTTP server listening on";
  static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path dir;

  @Test
  void everyAcknowledgedEventIsAppliedInSendOrderPerKeyAfterANodeIsKilled() throws Exception {
    try (KafkaClusterTestKit broker = KRaftBroker.combined(); PortEmulator emulator = TestPort.start()) {
      PortClientSettings ps = PortClientSettings.of(URI.create(emulator.baseUrl()), EmulatorSettings.DEFAULT_CLIENT_ID,
          EmulatorSettings.DEFAULT_CLIENT_SECRET);
      try (HttpPortClient port = HttpPortClient.create(ps, new PortIdentity("fake", "0.1.0", IDENTIFIER),
          WriteLimiter.unlimited())) {
        FakeIntegrationInPort.ensureIntegration(port, "fake");
      }
      emulator.requestLog().enable(true, true);
      int[] ports = new int[NODES];
      List<ChildJvm> nodes = new ArrayList<>();
      try {
        for (int n = 0; n < NODES; n++) {
          ports[n] = freePort();
          nodes.add(ChildJvm.builder("node-" + n, Main.class.getName(), dir)
              .jvmArgs("-Xmx192m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1")
              .withoutEnv("OCEAN__")
              .env(nodeEnv(emulator, broker.bootstrapServers(), ports[n], dir.resolve("data-" + n)))
              .start());
        }
        for (ChildJvm node : nodes) {
          node.awaitOutput(line -> line.contains(READY), Duration.ofSeconds(90));
        }
        log("nodes ready");
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        Await.until("the topic's 12 partitions spread over the 3 nodes", Duration.ofSeconds(60),
            () -> IntStream.range(0, NODES).allMatch(n -> partitions(http, ports[n]) > 0)
                && IntStream.range(0, NODES).map(n -> partitions(http, ports[n])).sum() == 12);

        log("partitions assigned");
        AtomicIntegerArray dead = new AtomicIntegerArray(NODES);
        AtomicInteger acks = new AtomicInteger();
        AtomicIntegerArray acksByNode = new AtomicIntegerArray(NODES);
        AtomicLong turn = new AtomicLong();
        ExecutorService senders = Executors.newFixedThreadPool(SENDERS);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(150);
        List<CompletableFuture<Void>> done = new ArrayList<>();
        for (int s = 0; s < SENDERS; s++) {
          int sender = s;
          done.add(CompletableFuture.runAsync(() -> {
            for (int seq = 1; seq <= PER_KEY; seq++) {
              for (int k = sender; k < KEYS; k += SENDERS) {
                int node = sendUntilAcknowledged(http, ports, dead, turn, "k" + k, seq, deadline);
                acks.incrementAndGet();
                acksByNode.incrementAndGet(node);
              }
            }
          }, senders));
        }
        int acknowledgedAtKill;
        long writesAtKill;
        try {
          Await.until("a third of the events acknowledged", remaining(deadline), () -> acks.get() >= EVENTS / 3);
          // A slow Port from now on, so acknowledged events still wait in the killed node's partitions.
          emulator.faults().slowDown("POST", Duration.ofMillis(150));
          Await.until("half of the events acknowledged", remaining(deadline), () -> acks.get() >= EVENTS / 2);
          // The witness that the kill loses work in progress: node-0 holds events it has not written to Port yet.
          Await.until("node-0 holding events not yet processed", remaining(deadline),
              () -> status(http, ports[0]).path("liveEvents").path("depth").asInt() > 0);
          dead.set(0, 1);
          nodes.get(0).kill9();
          acknowledgedAtKill = acks.get();
          writesAtKill = personWrites(emulator.requestLog().since(0));
          log("node-0 killed at " + acknowledgedAtKill + " acknowledged events, " + writesAtKill + " person writes");
          emulator.faults().slowDown("POST", Duration.ZERO);
          CompletableFuture.allOf(done.toArray(new CompletableFuture[0])).get(remaining(deadline).toSeconds() + 1,
              TimeUnit.SECONDS);
        } finally {
          senders.shutdownNow();
        }
        log("all " + acks.get() + " events acknowledged, per node " + acksByNode);
        assertEquals(EVENTS, acks.get());
        assertTrue(acksByNode.get(0) > 0, "the killed node acknowledged events before it died");
        assertTrue(writesAtKill < acknowledgedAtKill,
            "acknowledged events were still waiting at the kill: " + writesAtKill + " written of " + acknowledgedAtKill);

        Await.until("every person's last event applied", remaining(deadline), () -> IntStream.range(0, KEYS)
            .allMatch(k -> age(emulator, "k" + k) == PER_KEY));
        log("every last event applied");
        Map<String, List<Integer>> applied = AppliedUpdates.agesByPerson(emulator.requestLog().since(0));
        List<Integer> sent = IntStream.rangeClosed(1, PER_KEY).boxed().toList();
        List<String> problems = new ArrayList<>();
        for (int k = 0; k < KEYS; k++) {
          String problem = AppliedUpdates.orderProblem(applied.get("k" + k), sent, PER_KEY);
          if (problem != null) {
            problems.add("k" + k + ": " + problem);
          }
        }
        assertEquals(List.of(), problems);
        for (int n = 1; n < NODES; n++) {
          JsonNode live = status(http, ports[n]).path("liveEvents");
          assertEquals("kafka", live.path("intake").asText(), live.toString());
          assertTrue(live.path("partitions").size() > 0, live.toString());
        }
        Await.until("the survivors' lag back to 0", Duration.ofSeconds(30), () -> IntStream.range(1, NODES)
            .allMatch(n -> status(http, ports[n]).path("liveEvents").path("lag").asLong() == 0));
      } finally {
        nodes.forEach(ChildJvm::close);
      }
    }
  }

  private static void log(String what) {
    System.out.println("KafkaIntakeAcrossNodesTest " + java.time.LocalTime.now() + ": " + what);
  }

  private Map<String, String> nodeEnv(PortEmulator emulator, String brokers, int httpPort, Path dataDir) {
    Map<String, String> env = new HashMap<>(TestPort.env(emulator));
    env.put("OCEAN__EVENT_LISTENER__TYPE", "WEBHOOKS_ONLY");
    env.put("OCEAN__INTEGRATION__TYPE", "fake");
    env.put("OCEAN__INTEGRATION__IDENTIFIER", IDENTIFIER);
    env.put("OCEAN__INITIALIZE_PORT_RESOURCES", "false");
    env.put("OCEAN__HTTP__HOST", "127.0.0.1");
    env.put("OCEAN__HTTP__PORT", Integer.toString(httpPort));
    env.put("OCEAN__DATA_DIR", dataDir.toString());
    env.put("OCEAN__LIVE_EVENTS__WORKERS", "32");
    env.put("OCEAN__LIVE_EVENTS__INTAKE", "kafka");
    env.put("OCEAN__LIVE_EVENTS__KAFKA__BROKERS", brokers);
    env.put("OCEAN__LIVE_EVENTS__KAFKA__PARTITIONS", "12");
    // A dead node's partitions move after the session timeout: the broker's minimum, not the client's 45 s.
    env.put("OCEAN__LIVE_EVENTS__KAFKA__CLIENT", "{\"session.timeout.ms\":\"6000\",\"heartbeat.interval.ms\":\"1000\"}");
    return env;
  }

  /** Sends one event round-robin to a live node, moving on to the next node until one answers 202; returns it. */
  private static int sendUntilAcknowledged(HttpClient http, int[] ports, AtomicIntegerArray dead, AtomicLong turn, String id,
      int seq, long deadline) {
    String body = "{\"action\":\"upsert\",\"person\":{\"id\":\"" + id + "\",\"name\":\"Person " + id
        + "\",\"email\":\"" + id + "@example.com\",\"status\":\"WORKING\",\"age\":" + seq
        + ",\"department\":{\"id\":\"d1\",\"name\":\"D1\"},\"bio\":\"seq " + seq + "\"}}";
    while (System.nanoTime() < deadline) {
      int node = (int) (turn.getAndIncrement() % ports.length);
      if (dead.get(node) == 1) {
        continue;
      }
      HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + ports[node]
          + "/integration/webhook")).timeout(Duration.ofSeconds(15)).header("Content-Type", "application/json")
          .POST(HttpRequest.BodyPublishers.ofString(body)).build();
      try {
        if (http.send(request, BodyHandlers.discarding()).statusCode() == 202) {
          return node;
        }
      } catch (IOException e) {
        // The node is down: a webhook provider resends, here to the next node.
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
      Await.pause(Duration.ofMillis(20));
    }
    throw new AssertionError("event " + seq + " of " + id + " was never acknowledged");
  }

  private static JsonNode status(HttpClient http, int port) {
    try {
      var r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/status"))
          .timeout(Duration.ofSeconds(5)).build(), BodyHandlers.ofString());
      return JSON.readTree(r.body());
    } catch (IOException e) {
      return JSON.createObjectNode();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private static int partitions(HttpClient http, int port) {
    return status(http, port).path("liveEvents").path("partitions").size();
  }

  private static long personWrites(List<RequestLog.Entry> entries) {
    return AppliedUpdates.agesByPerson(entries).values().stream().mapToLong(List::size).sum();
  }

  private static int age(PortEmulator emulator, String id) {
    return emulator.entity("fake-person", id).map(e -> e.path("properties").path("age").asInt(-1)).orElse(-1);
  }

  private static Duration remaining(long deadline) {
    return Duration.ofNanos(Math.max(0, deadline - System.nanoTime()));
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }
}
