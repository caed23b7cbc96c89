package dev.oceanj.runtime.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.oceanj.core.port.HttpPortClient;
import dev.oceanj.core.port.PortClient.PortIdentity;
import dev.oceanj.core.port.PortClient.UpsertOptions;
import dev.oceanj.core.port.PortClientSettings;
import dev.oceanj.core.port.WriteLimiter;
import dev.oceanj.emulator.PortEmulator;
import dev.oceanj.emulator.RequestLog;
import dev.oceanj.runtime.Main;
import dev.oceanj.testsupport.Await;
import dev.oceanj.testsupport.TestPort;
import dev.oceanj.testsupport.process.ChildJvm;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Zombie fencing across JVMs (issue 18, criterion 9): three cluster nodes ({@link Main} in child JVMs) and the Port
 * emulator in this JVM, its POSTs slowed so the delete phase lasts (bulk deletes are POSTs). The owner of the
 * instance is frozen ({@code SIGSTOP}) during its delete phase; the survivors down it, mark its resync
 * {@code aborted} and run a new one; thawed ({@code SIGCONT}), the old owner issues no further delete (the request
 * log, by {@code X-Oceanj-Node}), not even the ones that had passed the fence's check and were waiting in its Port
 * client for the connection when it froze, and exits because it was downed.
 */
class ZombieFencingTest {

  private static final String ID = "fake-z";
  private static final int STALE = 200;
  private static final Duration START = Duration.ofSeconds(120);
  private static final String BULK_DELETE = "/v1/blueprints/{bp}/bulk/entities/delete";
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path dir;

  @Test
  void aFrozenOwnerThawedAfterItWasReplacedDeletesNothingMoreAndExits() throws IOException {
    List<ChildJvm> nodes = new ArrayList<>();
    try (PortEmulator port = TestPort.start()) {
      port.requestLog().enable(true, true);
      // 200 stale entities, 5 per bulk delete, one at a time on one connection, 500 ms each: a delete phase of about
      // 20 s.
      port.faults().slowDown("POST", Duration.ofMillis(500));
      int[] artery = {ClusterNodes.freePort(), ClusterNodes.freePort(), ClusterNodes.freePort()};
      try {
        for (int i = 0; i < 3; i++) {
          nodes.add(node(port, i, artery));
          if (i == 0) {
            // The first node sets the integration up in Port; its instance waits for a second member.
            nodes.get(0).awaitOutput(l -> l.contains("HTTP server listening"), START);
            prepareStaleEntities(port);
          }
        }
        for (ChildJvm n : nodes) {
          n.awaitOutput(l -> l.contains("HTTP server listening"), START);
        }

        Await.until("the owner's delete phase", START, () -> deletes(port, 0).size() >= 3);
        String owner = deletes(port, 0).get(0).node();
        ChildJvm zombie = nodes.stream().filter(n -> n.name().equals(owner)).findFirst().orElseThrow();
        zombie.freeze();
        long frozen = lastSeq(port);

        String[] successor = new String[1];
        Await.until("a new resync completed on a survivor", START, () -> {
          successor[0] = port.requestLog().since(frozen).stream()
              .filter(e -> isResyncState(e) && !owner.equals(e.node()) && e.body().contains("\"completed\""))
              .map(RequestLog.Entry::node).findFirst().orElse(null);
          return successor[0] != null;
        });
        List<String> states = port.requestLog().since(frozen).stream().filter(ZombieFencingTest::isResyncState)
            .map(e -> e.node() + " " + status(e)).toList();
        assertEquals(List.of(successor[0] + " aborted", successor[0] + " running", successor[0] + " completed"),
            states, "the frozen owner's resync is marked aborted, then a new one runs");
        assertEquals(List.of(), stale(port), "the new resync deleted every stale entity");

        long thawed = lastSeq(port);
        zombie.thaw();
        int exit = zombie.awaitExit(Duration.ofSeconds(60));
        List<String> late = deletes(port, thawed).stream().filter(e -> owner.equals(e.node()))
            .map(e -> "#" + e.seq() + " " + e.body()).toList();
        System.out.println("Zombie " + owner + " exited with " + exit + "; bulk deletes it sent after the thaw: "
            + late.size());
        assertEquals(List.of(), late, "bulk deletes of the thawed zombie");
        long before = deletes(port, 0).stream().filter(e -> owner.equals(e.node())).count();
        assertTrue(before >= 3 && before < STALE / 5, "the zombie's deletes, all before it froze: " + before);
      } catch (AssertionError | RuntimeException e) {
        nodes.forEach(n -> System.out.println("---- " + n.name() + "\n" + n.tail()));
        throw e;
      } finally {
        nodes.forEach(ChildJvm::close);
      }
    }
  }

  private ChildJvm node(PortEmulator port, int i, int[] artery) throws IOException {
    Map<String, String> env = ClusterNodes.env(port, dir, ID, i, artery, ClusterNodes.freePort());
    env.put("OCEAN__INTEGRATION__CONFIG__ENTITY_AMOUNT", "40");
    env.put("OCEAN__EVENT_LISTENER__TYPE", "POLLING");
    env.put("OCEAN__EVENT_LISTENER__POLLING__INTERVAL", "60 s");
    env.put("OCEAN__RESYNC__SKIP_UNCHANGED", "false");
    // Four deletes in flight through one connection: when the owner freezes, three of them have passed the fence's
    // check and wait in its client for the connection. Only the check at the transport keeps them from going out
    // after the thaw.
    env.put("OCEAN__RESYNC__UPSERT_CONCURRENCY", "4");
    env.put("OCEAN__PORT__MAX_CONNECTIONS", "1");
    env.put("OCEAN__RESYNC__DELETE_BATCH_SIZE", "5");
    // Not 3: a sharding coordinator that moves after its node is downed places no shard until that many regions
    // have registered, so with all three required the instance would never move.
    env.put("OCEAN__CLUSTER__MIN_NR_OF_MEMBERS", "2");
    env.put("OCEAN__CLUSTER__STABLE_AFTER", "5 s");
    return ChildJvm.builder("node-" + (i + 1), Main.class.getName(), dir)
        .jvmArgs("-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Xmx160m")
        .withoutEnv("OCEAN__").withoutEnv("APPLICATION__").env(env).start();
  }

  /**
   * Persons of this integration its source does not have, and a threshold that lets a complete resync delete them
   * all (they are most of what it owns).
   */
  private static void prepareStaleEntities(PortEmulator port) {
    var settings = PortClientSettings.of(URI.create(port.baseUrl()), port.settings().clientId(),
        port.settings().clientSecret());
    try (WriteLimiter limiter = WriteLimiter.unlimited();
        HttpPortClient client = HttpPortClient.create(settings, new PortIdentity("fake", "0.0.1", ID,
            Optional.empty()), limiter)) {
      ObjectNode mapping = ((ObjectNode) client.getIntegration().toCompletableFuture().join().orElseThrow()
          .path("config")).deepCopy();
      mapping.put("entityDeletionThreshold", 1.0);
      client.patchMapping(mapping).toCompletableFuture().join();
      List<ObjectNode> stale = new ArrayList<>();
      for (int i = 0; i < STALE; i++) {
        ObjectNode e = JSON.createObjectNode().put("identifier", "stale-" + i).put("title", "stale " + i);
        e.putObject("properties");
        stale.add(e);
      }
      var result = client.bulkUpsert("fake-person", stale, UpsertOptions.defaults()).toCompletableFuture().join();
      assertTrue(result.outcomes().stream().allMatch(o -> o.ok()), result.toString());
    }
    assertEquals(STALE, stale(port).size());
  }

  private static List<String> stale(PortEmulator port) {
    return port.entities("fake-person").stream().map(e -> e.path("identifier").asText())
        .filter(id -> id.startsWith("stale-")).toList();
  }

  private static List<RequestLog.Entry> deletes(PortEmulator port, long since) {
    return port.requestLog().since(since).stream().filter(e -> e.route().equals(BULK_DELETE) && e.node() != null)
        .toList();
  }

  private static boolean isResyncState(RequestLog.Entry e) {
    return e.route().equals("/v1/integration/{id}/resync-state") && e.body() != null;
  }

  private static String status(RequestLog.Entry e) {
    try {
      return JSON.readTree(e.body()).path("status").asText();
    } catch (IOException x) {
      throw new AssertionError("not JSON: " + e.body(), x);
    }
  }

  private static long lastSeq(PortEmulator port) {
    return port.requestLog().since(0).stream().mapToLong(RequestLog.Entry::seq).max().orElse(0);
  }

}
