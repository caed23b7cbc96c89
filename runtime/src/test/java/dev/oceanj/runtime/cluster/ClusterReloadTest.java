package dev.oceanj.runtime.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.oceanj.emulator.PortEmulator;
import dev.oceanj.emulator.RequestLog;
import dev.oceanj.testsupport.Await;
import dev.oceanj.testsupport.TestPort;
import dev.oceanj.testsupport.process.ChildJvm;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Host mode's reload in cluster mode, across three JVMs that each read their own copy of the instances dir (as
 * each pod mounts the one ConfigMap). With {@code fake-r1} (left alone), {@code fake-r2} (its settings change),
 * {@code fake-r3} (removed while its slow resync runs) running, {@code fake-r4} is added and the reload is sent to
 * one node: every node answers the same difference; the new set runs exactly once in the cluster; the removed
 * instance's resync is reported {@code aborted} and nothing is deleted; {@code fake-r1} keeps its resync and its
 * owner; {@code fake-r2} restarts on the node that owned it. Then a node whose copy differs makes the reload a 409
 * naming each node's fingerprint, with nothing changed; SIGHUP on a node reloads the same way; and a frozen node
 * (SIGSTOP) does not hold up another node's
 * {@code /status}: its instances are {@code unknown} there, the others keep their owners, within the ask timeout.
 */
class ClusterReloadTest {

  private static final Duration START = Duration.ofSeconds(120);
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP = HttpClient.newHttpClient();
  private static final List<String> NODES = List.of("node-1", "node-2", "node-3");

  @TempDir Path dir;
  private PortEmulator port;
  private final Map<String, ChildJvm> nodes = new LinkedHashMap<>();
  private final Map<String, Integer> httpPorts = new LinkedHashMap<>();

  @AfterEach
  void stop() throws IOException {
    nodes.values().forEach(ChildJvm::thaw);
    ClusterNodes.stopAndKeepLogs(nodes, getClass());
    if (port != null) {
      port.close();
    }
  }

  @Test
  void aReloadOnOneNodeAppliesTheSetOnEveryNodeAndNodesThatDisagreeChangeNothing() throws Exception {
    port = TestPort.start();
    port.requestLog().enable(true, true);
    instance("fake-r1");
    instance("fake-r2");
    // fake-r3's 3rd party is slow: its resync still runs when the reload removes it.
    instance("fake-r3", "OCEAN__INTEGRATION__CONFIG__THIRD_PARTY_LATENCY_MS=3000",
        "OCEAN__INTEGRATION__CONFIG__THIRD_PARTY_BATCH_SIZE=2");
    int[] artery = {ClusterNodes.freePort(), ClusterNodes.freePort(), ClusterNodes.freePort()};
    start("node-1", 0, artery);
    nodes.get("node-1").awaitOutput(l -> l.contains("HTTP server listening"), START);
    start("node-2", 1, artery);
    start("node-3", 2, artery);
    for (String node : NODES) {
      nodes.get(node).awaitOutput(l -> l.contains("HTTP server listening"), START);
    }
    Await.until("three members up", START, () -> {
      JsonNode members = cluster("node-1").path("members");
      return members.size() == 3 && members.findValuesAsText("status").stream().allMatch("Up"::equals);
    });
    // The placement settled (one instance per node: rebalancing after a join is over), so that what moves next is
    // the reload's doing.
    Await.until("one instance per node", START, () -> placement("node-1").values().stream()
        .map(o -> o.path("node").asText("?")).distinct().filter(n -> n.startsWith("node-")).count() == 3
        && placement("node-1").size() == 3);
    Await.until("fake-r1 and fake-r2 resynced", START,
        () -> completed("fake-r1").isPresent() && completed("fake-r2").isPresent());
    Await.until("fake-r3's resync to run in Port", START, () -> port.integration("fake-r3")
        .map(i -> i.path("resyncState").path("status").asText().equals("running")).orElse(false));
    Map<String, JsonNode> before = placement("node-1");
    String r1Resync = completed("fake-r1").orElseThrow();
    String r2Resync = completed("fake-r2").orElseThrow();

    instance("fake-r4");
    for (String node : NODES) {
      Files.delete(instances(node).resolve("fake-r3.env"));
    }
    instance("fake-r2", "OCEAN__RESYNC__UPSERT_CONCURRENCY=1");
    long mark = lastSeq();
    HttpResponse<String> reload = reload("node-2");
    assertEquals(200, reload.statusCode(), reload.body());
    JsonNode what = JSON.readTree(reload.body());
    assertEquals("[\"fake-r4\"]", what.path("added").toString(), reload.body());
    assertEquals(NODES, names(what.path("nodes")), reload.body());
    for (String node : NODES) {
      JsonNode n = what.path("nodes").path(node);
      assertEquals("[\"fake-r4\"]", n.path("added").toString(), node + ": " + reload.body());
      assertEquals("[\"fake-r3\"]", n.path("removed").toString(), node + ": " + reload.body());
      assertEquals("[\"fake-r2\"]", n.path("changed").toString(), node + ": " + reload.body());
      assertEquals("[\"fake-r1\"]", n.path("unchanged").toString(), node + ": " + reload.body());
    }

    List<String> set = List.of("fake-r1", "fake-r2", "fake-r4");
    Await.until("fake-r4 resynced and fake-r2 resynced again", START,
        () -> completed("fake-r4").isPresent() && completed("fake-r2").filter(r -> !r.equals(r2Resync)).isPresent());
    Await.until("the new set listed on every node", START, () -> NODES.stream().allMatch(n -> listed(n).equals(set)));
    for (String id : set) {
      assertEquals(1, NODES.stream().filter(n -> state(n, id).equals("running")).count(),
          id + " runs on exactly one node: " + NODES.stream().map(n -> n + "=" + state(n, id)).toList());
    }
    Map<String, JsonNode> after = placement("node-1");
    assertEquals(before.get("fake-r1"), after.get("fake-r1"), "fake-r1 kept its owner (same node, same since)");
    assertEquals(r1Resync, completed("fake-r1").orElseThrow(), "fake-r1 was not restarted");
    assertEquals(before.get("fake-r2").path("node"), after.get("fake-r2").path("node"),
        "fake-r2 restarted on the node that owned it");
    assertFalse(after.containsKey("fake-r3"), "fake-r3 is gone: " + after);
    Await.until("fake-r3's resync reported aborted", START, () -> port.integration("fake-r3")
        .map(i -> i.path("resyncState").path("status").asText().equals("aborted")).orElse(false));
    assertEquals(List.of(), port.requestLog().since(0).stream().filter(e -> e.method().equals("DELETE"))
        .map(RequestLog.Entry::path).toList(), "nothing deleted");
    // Several keep-alive rounds later (1 s each; the three others poll Port every 2 s): nobody revived fake-r3.
    long aborted = lastSeq();
    Await.until("three polling rounds of the others", START, () -> port.requestLog().since(aborted).stream()
        .filter(e -> e.method().equals("GET") && e.node() != null).count() >= 9);
    // Its log shipper's last flush (the lines of its stop) may land after the abort: telemetry, not a revival.
    assertEquals(List.of(), port.requestLog().since(aborted).stream().filter(e -> "fake-r3".equals(integration(e)))
        .filter(e -> !e.path().startsWith("/v1/ingest/"))
        .map(e -> e.method() + " " + e.path() + " from " + e.node()).toList(), "fake-r3's requests once aborted");
    Map<String, List<String>> writers = new TreeMap<>();
    port.requestLog().since(mark).stream().filter(e -> ClusterModeTest.isBulkWrite(e) && e.node() != null)
        .forEach(e -> writers.computeIfAbsent(integration(e), k -> new ArrayList<>()).add(e.node()));
    assertEquals(List.of(after.get("fake-r4").path("node").asText()),
        writers.getOrDefault("fake-r4", List.of()).stream().distinct().toList(), "fake-r4's writers");

    // A node whose copy differs: refused, with each node's fingerprint; nothing changes anywhere.
    Files.writeString(instances("node-3").resolve("fake-r1.env"), envFile("fake-r1",
        "OCEAN__RESYNC__UPSERT_CONCURRENCY=1"));
    HttpResponse<String> refused = reload("node-1");
    assertEquals(409, refused.statusCode(), refused.body());
    JsonNode fingerprints = JSON.readTree(refused.body()).path("fingerprints");
    assertEquals(List.of("fake-r1"), names(fingerprints), refused.body());
    JsonNode r1 = fingerprints.path("fake-r1");
    assertEquals(NODES, names(r1), refused.body());
    assertEquals(r1.path("node-1"), r1.path("node-2"), refused.body());
    assertFalse(r1.path("node-1").equals(r1.path("node-3")), refused.body());
    assertEquals(placement("node-1").get("fake-r1"), after.get("fake-r1"), "fake-r1 left alone");
    assertEquals(r1Resync, completed("fake-r1").orElseThrow(), "fake-r1 was not restarted");

    // SIGHUP on one node: the same reload (fake-r1 made alike again, fake-r5 added).
    instance("fake-r1");
    instance("fake-r5");
    nodes.get("node-3").hangUp();
    List<String> withR5 = List.of("fake-r1", "fake-r2", "fake-r4", "fake-r5");
    Await.until("fake-r5 listed on every node and running on one", START, () -> NODES.stream()
        .allMatch(n -> listed(n).equals(withR5)) && NODES.stream().filter(n -> state(n, "fake-r5").equals("running"))
        .count() == 1);
    assertEquals(after.get("fake-r1"), placement("node-1").get("fake-r1"), "fake-r1 left alone by the SIGHUP");

    // A frozen node: another node's /status still answers within the ask timeout, the frozen node's instances
    // unknown, the others with their owners.
    Map<String, JsonNode> placed = placement("node-1");
    String frozen = placed.values().stream().map(o -> o.path("node").asText()).filter(n -> !n.equals("node-1"))
        .findFirst().orElse("node-3");
    nodes.get(frozen).freeze();
    long asked = System.nanoTime();
    Map<String, JsonNode> seen = placement("node-1");
    long took = (System.nanoTime() - asked) / 1_000_000;
    nodes.get(frozen).thaw();
    System.out.printf("/status with %s frozen: %d ms%n", frozen, took);
    assertTrue(took < 10_000, "/status took " + took + " ms with " + frozen + " frozen");
    placed.forEach((id, owner) -> {
      if (owner.path("node").asText().equals(frozen)) {
        assertTrue(seen.get(id).path("node").isNull() && seen.get(id).path("unknown").asText().contains(frozen),
            id + " on the frozen node: " + seen.get(id));
      } else {
        assertEquals(owner, seen.get(id), id + " on a node that answered");
      }
    });
  }

  // ---- helpers ---------------------------------------------------------------------------------------------

  private Path instances(String node) throws IOException {
    return Files.createDirectories(dir.resolve(node + "-instances"));
  }

  /** {@code <id>.env} in every node's copy of the instances dir. */
  private void instance(String id, String... lines) throws IOException {
    for (String node : NODES) {
      Files.writeString(instances(node).resolve(id + ".env"), envFile(id, lines));
    }
  }

  private String envFile(String id, String... lines) throws IOException {
    List<String> all = new ArrayList<>(List.of("OCEAN__INTEGRATION__TYPE=fake",
        "OCEAN__INTEGRATION__CONFIG__ENTITY_AMOUNT=\"200\"",
        "OCEAN__RESOURCES_PATH=" + ClusterNodes.personMapping(dir, id)));
    all.addAll(List.of(lines));
    return String.join("\n", all) + "\n";
  }

  private void start(String node, int i, int[] artery) throws IOException {
    int http = ClusterNodes.freePort();
    httpPorts.put(node, http);
    Map<String, String> env = ClusterNodes.hostEnv(port, dir, i, artery, http, instances(node));
    // Longer than the freeze at the end: the frozen node is unreachable, not downed.
    env.put("OCEAN__CLUSTER__STABLE_AFTER", "30 s");
    nodes.put(node, ClusterNodes.startNode(node, dir, env));
  }

  private HttpResponse<String> reload(String node) throws IOException, InterruptedException {
    return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPorts.get(node)
            + "/instances/reload")).timeout(Duration.ofSeconds(60)).POST(HttpRequest.BodyPublishers.noBody()).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private JsonNode status(String node) {
    return ClusterModeTest.status(node, httpPorts.get(node));
  }

  private JsonNode cluster(String node) {
    return status(node).path("instances").path(0).path("cluster");
  }

  /** The {@code cluster.instances} section as {@code node} sees it, by identifier. */
  private Map<String, JsonNode> placement(String node) {
    Map<String, JsonNode> out = new TreeMap<>();
    cluster(node).path("instances").fields().forEachRemaining(f -> out.put(f.getKey(), f.getValue()));
    return out;
  }

  /** The identifiers {@code node}'s {@code /status} lists, sorted (the list is in start order). */
  private List<String> listed(String node) {
    List<String> ids = new ArrayList<>();
    status(node).path("instances").forEach(i -> ids.add(i.path("identifier").asText()));
    return ids.stream().sorted().toList();
  }

  private String state(String node, String id) {
    for (JsonNode i : status(node).path("instances")) {
      if (i.path("identifier").asText().equals(id)) {
        return i.path("state").asText();
      }
    }
    return "absent";
  }

  /** The last completed resync of {@code id}, from the node that runs it. */
  private Optional<String> completed(String id) {
    for (String node : NODES) {
      for (JsonNode i : status(node).path("instances")) {
        if (i.path("identifier").asText().equals(id) && i.path("state").asText().equals("running")
            && i.path("last").path("outcome").asText().equals("completed")) {
          return Optional.of(i.path("last").path("resyncId").asText());
        }
      }
    }
    return Optional.empty();
  }

  private static List<String> names(JsonNode object) {
    List<String> names = new ArrayList<>();
    object.fieldNames().forEachRemaining(names::add);
    return names;
  }

  private static String integration(RequestLog.Entry e) {
    String[] parts = e.userAgent() == null ? new String[0] : e.userAgent().split("/");
    return parts.length > 3 ? parts[3] : "";
  }

  private long lastSeq() {
    return port.requestLog().since(0).stream().mapToLong(RequestLog.Entry::seq).max().orElse(0);
  }
}
