package dev.oceanj.runtime.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
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
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * Cluster mode across JVMs: three nodes ({@link Main} in child JVMs, static seeds on 127.0.0.1, stable-after 5 s)
 * and the Port emulator in this JVM, whose request log (with each request's {@code X-Oceanj-Node}) is the witness of
 * who wrote and deleted what. One cluster goes through three acts, in order: placement (the instance runs on one
 * node, every node agrees which; a live event sent to another node is applied by that node), a crash ({@code kill -9} of the node mid-resync: a survivor starts a new resync
 * within stable-after + 15 s and nothing is deleted before that new resync's own delete phase), then a graceful leave
 * (SIGTERM on the new owner mid-resync: the last node takes over within 20 s, no resync reported {@code failed}).
 *
 * <p>Each node here runs one integration (the single-instance form), so the cluster has one instance; the balance of
 * host mode's instance set over nodes is {@code ClusterHostModeTest}'s.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ClusterModeTest {

  private static final String ID = "fake-c";
  private static final Duration START = Duration.ofSeconds(120);
  /**
   * The handover after a crash takes the failure detector's ~5 s, stable-after, then Pekko's removal margin (as long
   * as stable-after with the Split Brain Resolver): 5 s keeps it within stable-after + 15 s on a loaded 2-core box.
   */
  private static final Duration STABLE_AFTER = Duration.ofSeconds(5);
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  private static PortEmulator port;
  @TempDir static Path dir;
  /** By node tag, in start order. */
  private static final Map<String, ChildJvm> NODES = new LinkedHashMap<>();
  private static final Map<String, Integer> HTTP_PORTS = new LinkedHashMap<>();

  private static String killed;
  private static String survivor;

  @BeforeAll
  static void startCluster() throws IOException {
    port = TestPort.start();
    port.requestLog().enable(true, true);
    // A resync of 2,065 entities takes seconds, so that nodes are stopped in the middle of one.
    port.faults().slowDown("POST", Duration.ofMillis(150));
    int[] artery = {freePort(), freePort(), freePort()};
    for (int i = 0; i < 3; i++) {
      String node = "node-" + (i + 1);
      int http = freePort();
      HTTP_PORTS.put(node, http);
      Map<String, String> env = ClusterNodes.env(port, dir, ID, i, artery, http);
      env.put("OCEAN__INTEGRATION__CONFIG__ENTITY_AMOUNT", "400");
      env.put("OCEAN__EVENT_LISTENER__TYPE", "POLLING");
      env.put("OCEAN__EVENT_LISTENER__POLLING__INTERVAL", "2 s");
      env.put("OCEAN__RESYNC__SKIP_UNCHANGED", "false");
      env.put("OCEAN__RESYNC__UPSERT_CONCURRENCY", "2");
      env.put("OCEAN__CLUSTER__MIN_NR_OF_MEMBERS", "3");
      env.put("OCEAN__CLUSTER__STABLE_AFTER", STABLE_AFTER.toSeconds() + " s");
      NODES.put(node, ChildJvm.builder(node, Main.class.getName(), dir)
          .jvmArgs("-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Xmx160m")
          .withoutEnv("OCEAN__").withoutEnv("APPLICATION__").env(env).start());
      if (i == 0) {
        // The first node sets the integration up in Port; the others find it there.
        NODES.get(node).awaitOutput(l -> l.contains("HTTP server listening"), START);
        allowDeletingEveryStaleEntity();
      }
    }
    NODES.values().forEach(n -> n.awaitOutput(l -> l.contains("HTTP server listening"), START));
  }

  @AfterAll
  static void stopCluster() {
    NODES.values().forEach(ChildJvm::close);
    if (port != null) {
      port.close();
    }
  }

  @Test
  @Order(1)
  void theInstanceRunsOnOneNodeAndEveryNodeSaysWhich() {
    Await.until("the first resync's writes", START, () -> !writes(0).isEmpty());
    String owner = ownerSeenBy("node-1");
    for (String node : NODES.keySet()) {
      assertEquals(owner, ownerSeenBy(node), "the owner as " + node + " sees it");
      JsonNode members = status(node).path("cluster").path("members");
      assertEquals(3, members.size(), members.toString());
    }
    assertEquals(Set.of(owner), writes(0).stream().filter(ClusterModeTest::isBulkWrite).map(RequestLog.Entry::node)
        .collect(Collectors.toSet()), "every resync write so far from the owner");

    // A live event goes to a node that does not run the instance: that node takes and applies it.
    String other = NODES.keySet().stream().filter(n -> !n.equals(owner)).findFirst().orElseThrow();
    assertEquals(202, post(other, "/integration/webhook", "{\"action\":\"upsert\",\"person\":{\"id\":\"live-1\","
        + "\"name\":\"Live\",\"email\":\"l@x.io\",\"status\":\"WORKING\",\"age\":30,"
        + "\"department\":{\"id\":\"hr\",\"name\":\"HR\"},\"bio\":\"b\"}}"));
    Await.until("the live event applied by " + other, START, () -> port.entity("fake-person", "live-1").isPresent());
    assertTrue(port.requestLog().since(0).stream().anyMatch(e -> isWrite(e) && other.equals(e.node())
        && e.body() != null && e.body().contains("live-1")), "written by " + other);
  }

  @Test
  @Order(2)
  void aNodeKilledMidResyncIsReplacedByANewResyncAndNothingIsDeletedBeforeIt() {
    killed = ownerSeenBy("node-1");
    long ownWrites = port.requestLog().since(0).stream().filter(e -> isWrite(e) && killed.equals(e.node())).count();
    Await.until("the owner well into its resync", START, () -> writes(0).size() >= ownWrites + 10);
    assertFalse(completedBy(killed, 0), "killed mid-resync, not after it");
    seedStaleEntities();
    long mark = lastSeq();
    long killedAt = System.currentTimeMillis();
    NODES.get(killed).kill9();

    Await.until("a resync started on another node", STABLE_AFTER.plusSeconds(60), () -> resyncStarted(mark)
        .anyMatch(e -> !killed.equals(e.node())));
    RequestLog.Entry started = resyncStarted(mark).filter(e -> !killed.equals(e.node())).findFirst().orElseThrow();
    survivor = started.node();
    long took = started.atMillis() - killedAt;
    assertTrue(took <= STABLE_AFTER.plusSeconds(15).toMillis(), "the new resync started " + took + " ms after the"
        + " kill");
    System.out.printf("kill -9 of %s: %s started a new resync %d ms later%n", killed, survivor, took);
    Await.until("writes from " + survivor, START, () -> writes(mark).stream().anyMatch(e -> survivor.equals(e.node())));

    Await.until("the new resync completed", START, () -> completedBy(survivor, mark));
    List<RequestLog.Entry> after = port.requestLog().since(mark);
    // Requests in flight at the kill are answered (and logged) up to the emulator's latency later.
    assertEquals(List.of(), after.stream().filter(e -> killed.equals(e.node()) && e.atMillis() > killedAt + 1_000)
        .map(ClusterModeTest::describe).toList(), "requests from the killed node after the kill");
    long lastWrite = after.stream().filter(ClusterModeTest::isWrite).mapToLong(RequestLog.Entry::seq).max()
        .orElseThrow();
    List<RequestLog.Entry> deletes = after.stream().filter(ClusterModeTest::isDelete).toList();
    assertFalse(deletes.isEmpty(), "the new resync deletes the stale entities");
    for (RequestLog.Entry delete : deletes) {
      assertEquals(survivor, delete.node(), describe(delete));
      assertTrue(delete.seq() > lastWrite, "a delete before the new resync's last write: " + describe(delete));
    }
    assertEquals(List.of(), port.entities("fake-person").stream().map(e -> e.path("identifier").asText())
        .filter(id -> id.startsWith("stale-")).toList(), "stale entities left");
    assertEquals(survivor, ownerSeenBy(survivor));
  }

  @Test
  @Order(3)
  void aNodeThatLeavesHandsItsInstanceOverWithoutAFailedResync() {
    String leaving = survivor;
    String last = NODES.keySet().stream().filter(n -> !n.equals(killed) && !n.equals(leaving)).findFirst()
        .orElseThrow();
    long before = lastSeq();
    port.raiseResyncRequest(ID);
    Await.until("a resync requested from Port running on " + leaving, START, () -> writes(before).size() >= 10);
    long mark = lastSeq();
    long leftAt = System.currentTimeMillis();
    NODES.get(leaving).term();

    Await.until("writes from " + last, Duration.ofSeconds(60), () -> writes(mark).stream()
        .anyMatch(e -> last.equals(e.node())));
    RequestLog.Entry first = writes(mark).stream().filter(e -> last.equals(e.node())).findFirst().orElseThrow();
    assertTrue(first.atMillis() - leftAt <= 20_000, "handed over in " + (first.atMillis() - leftAt) + " ms");
    System.out.printf("SIGTERM of %s: %s wrote %d ms later%n", leaving, last, first.atMillis() - leftAt);
    // 143: the JVM's status after SIGTERM, once its shutdown hooks (CoordinatedShutdown: leave, hand over) ran.
    int exit = NODES.get(leaving).awaitExit(Duration.ofSeconds(60));
    assertTrue(exit == 0 || exit == 143, "the leaving node's exit code: " + exit);
    Await.until("the resync on " + last + " completed", START, () -> completedBy(last, mark));

    List<String> states = port.requestLog().since(0).stream().filter(ClusterModeTest::isResyncState)
        .map(e -> e.node() + " " + e.body()).toList();
    assertTrue(states.stream().anyMatch(s -> s.startsWith(leaving + " ") && s.contains("\"aborted\"")),
        "the leaving node reported its resync aborted: " + states);
    assertEquals(List.of(), states.stream().filter(s -> s.contains("\"failed\"")).toList(), "resyncs failed");
    assertEquals(last, ownerSeenBy(last));
  }

  // ---- helpers ---------------------------------------------------------------------------------------------

  static int freePort() throws IOException {
    return ClusterNodes.freePort();
  }

  private static JsonNode status(String node) {
    return status(node, HTTP_PORTS.get(node));
  }

  /** {@code GET /status} of the node serving HTTP on {@code httpPort}, answered 200. */
  static JsonNode status(String node, int httpPort) {
    try {
      var request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort + "/status"))
          .timeout(Duration.ofSeconds(20)).build();
      HttpResponse<String> response = HTTP.send(request, HttpResponse.BodyHandlers.ofString());
      assertEquals(200, response.statusCode(), response.body());
      return JSON.readTree(response.body());
    } catch (IOException e) {
      throw new AssertionError("GET /status on " + node + ": " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  /** The owner of the instance as {@code node}'s {@code /status} shows it, once one is known. */
  private static String ownerSeenBy(String node) {
    String[] owner = new String[1];
    Await.until(node + " knowing the instance's owner", Duration.ofSeconds(60), () -> {
      owner[0] = status(node).path("cluster").path("instances").path(ID).path("node").asText(null);
      return owner[0] != null;
    });
    return owner[0];
  }

  private static long lastSeq() {
    return port.requestLog().since(0).stream().mapToLong(RequestLog.Entry::seq).max().orElse(0);
  }

  /** Resync writes (bulk upserts) by a node (the test's own seeding carries no node tag), after {@code since}. */
  private static List<RequestLog.Entry> writes(long since) {
    return port.requestLog().since(since).stream().filter(e -> isBulkWrite(e) && e.node() != null).toList();
  }

  private static int post(String node, String path, String json) {
    return post(node, HTTP_PORTS.get(node), path, json);
  }

  /** {@code POST path} with a JSON body to the node serving HTTP on {@code httpPort}: the answer's status code. */
  static int post(String node, int httpPort, String path, String json) {
    try {
      var request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort + path))
          .header("Content-Type", "application/json").timeout(Duration.ofSeconds(20))
          .POST(HttpRequest.BodyPublishers.ofString(json)).build();
      return HTTP.send(request, HttpResponse.BodyHandlers.ofString()).statusCode();
    } catch (IOException e) {
      throw new AssertionError("POST " + path + " on " + node + ": " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  static boolean isBulkWrite(RequestLog.Entry e) {
    return e.method().equals("POST") && e.route().equals("/v1/blueprints/{bp}/entities/bulk") && e.status() < 300;
  }

  /** An entity write: a resync's bulk upsert, or a live event's (bulk or single). */
  private static boolean isWrite(RequestLog.Entry e) {
    return isBulkWrite(e)
        || e.method().equals("POST") && e.route().equals("/v1/blueprints/{bp}/entities") && e.status() < 300;
  }

  private static boolean isDelete(RequestLog.Entry e) {
    return e.method().equals("DELETE") && e.route().equals("/v1/blueprints/{bp}/entities/{id}")
        || e.route().equals("/v1/blueprints/{bp}/bulk/entities/delete");
  }

  private static boolean isResyncState(RequestLog.Entry e) {
    return e.route().equals("/v1/integration/{id}/resync-state");
  }

  /** The resync-state reports {@code running} (a resync starting) after {@code since}. */
  private static java.util.stream.Stream<RequestLog.Entry> resyncStarted(long since) {
    return port.requestLog().since(since).stream().filter(e -> isResyncState(e) && e.node() != null
        && e.body() != null && e.body().contains("\"running\""));
  }

  private static boolean completedBy(String node, long since) {
    return port.requestLog().since(since).stream().anyMatch(e -> isResyncState(e) && node.equals(e.node())
        && e.body() != null && e.body().contains("\"completed\""));
  }

  private static String describe(RequestLog.Entry e) {
    return "#" + e.seq() + " " + e.method() + " " + e.path() + " from " + e.node();
  }

  /** A client writing as the integration does (same {@code $datasource}), with no node tag. */
  private static HttpPortClient asTheIntegration(WriteLimiter limiter) {
    var settings = PortClientSettings.of(URI.create(port.baseUrl()), port.settings().clientId(),
        port.settings().clientSecret());
    return HttpPortClient.create(settings, new PortIdentity("fake", "0.0.1", ID, Optional.empty()), limiter);
  }

  /**
   * Every resync here rewrites every entity (skip-unchanged off), so the stale ones are all that is left to list at
   * the delete phase: 100 % of the listed, above the default entityDeletionThreshold (0.9), which would skip them.
   */
  private static void allowDeletingEveryStaleEntity() {
    try (WriteLimiter limiter = WriteLimiter.unlimited(); HttpPortClient client = asTheIntegration(limiter)) {
      ObjectNode integration = client.getIntegration().toCompletableFuture().join().orElseThrow();
      ObjectNode mapping = ((ObjectNode) integration.path("config")).deepCopy();
      mapping.put("entityDeletionThreshold", 1.0);
      client.patchMapping(mapping).toCompletableFuture().join();
    }
  }

  /** Persons of this integration that its source no longer has: only a complete resync may delete them. */
  private static void seedStaleEntities() {
    try (WriteLimiter limiter = WriteLimiter.unlimited(); HttpPortClient client = asTheIntegration(limiter)) {
      List<ObjectNode> stale = new ArrayList<>();
      for (int i = 1; i <= 3; i++) {
        ObjectNode e = JSON.createObjectNode().put("identifier", "stale-" + i).put("title", "stale " + i);
        e.putObject("properties");
        stale.add(e);
      }
      var result = client.bulkUpsert("fake-person", stale, UpsertOptions.defaults()).toCompletableFuture().join();
      assertTrue(result.outcomes().stream().allMatch(o -> o.ok()), result.toString());
      assertNotEquals(List.of(), port.entities("fake-person").stream()
          .filter(e -> e.path("identifier").asText().startsWith("stale-")).toList());
    }
  }
}
