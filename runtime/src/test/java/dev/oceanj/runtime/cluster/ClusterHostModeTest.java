package dev.oceanj.runtime.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.oceanj.emulator.PortEmulator;
import dev.oceanj.emulator.RequestLog;
import dev.oceanj.testsupport.Await;
import dev.oceanj.testsupport.TestPort;
import dev.oceanj.testsupport.process.ChildJvm;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Host mode and cluster mode together, across JVMs: every node reads the same instances dir (six fake integrations,
 * one env file each) and the instances are spread over the cluster. Two nodes take three each; when a third joins,
 * two move to it (one per rebalance round) and the cluster settles at two per node within 30 s; every node's
 * {@code /status} lists all six with the same owners; each integration's writes in the emulator's request log come
 * from one node at a time (a moved instance's old owner stopped writing before the new one started); and an
 * instance's live events are taken by a node that does not run it, at {@code /<identifier>/integration/...}.
 */
class ClusterHostModeTest {

  private static final List<String> IDS = IntStream.rangeClosed(1, 6).mapToObj(i -> "fake-h" + i).toList();
  private static final Duration START = Duration.ofSeconds(120);
  private static final Duration SETTLE = Duration.ofSeconds(30);

  @TempDir Path dir;
  private PortEmulator port;
  private final Map<String, ChildJvm> nodes = new LinkedHashMap<>();
  private final Map<String, Integer> httpPorts = new LinkedHashMap<>();

  @AfterEach
  void stop() throws IOException {
    ClusterNodes.stopAndKeepLogs(nodes, getClass());
    if (port != null) {
      port.close();
    }
  }

  @Test
  void sixInstancesSpreadTwoPerNodeAndEveryNodeServesThemAll() throws IOException {
    port = TestPort.start();
    port.requestLog().enable(true, true);
    // Resyncs of 1,000 entities take seconds, so that instances move in the middle of one.
    port.faults().slowDown("POST", Duration.ofMillis(100));
    Path instances = Files.createDirectories(dir.resolve("instances"));
    for (String id : IDS) {
      instance(instances, id);
    }
    int[] artery = {ClusterModeTest.freePort(), ClusterModeTest.freePort(), ClusterModeTest.freePort()};
    start("node-1", 0, artery, instances);
    // The first node sets the integrations up in Port; the others find them there.
    nodes.get("node-1").awaitOutput(l -> l.contains("HTTP server listening"), START);
    start("node-2", 1, artery, instances);
    Await.until("three instances on each of two nodes", START,
        () -> counts(owners("node-1")).equals(Map.of("node-1", 3, "node-2", 3)));

    Map<String, String> before = owners("node-1");
    long mark = lastSeq();
    start("node-3", 2, artery, instances);
    Await.until("node-3 up in the cluster", START, () -> {
      JsonNode members = cluster(status("node-1")).path("members");
      return members.size() == 3 && members.findValuesAsText("status").stream().allMatch("Up"::equals);
    });
    long joined = System.currentTimeMillis();
    // Resyncs running on every instance while two of them move.
    IDS.forEach(port::raiseResyncRequest);
    Await.until("two instances on each node", SETTLE.plusSeconds(30),
        () -> counts(owners("node-1")).equals(Map.of("node-1", 2, "node-2", 2, "node-3", 2)));
    long took = System.currentTimeMillis() - joined;
    System.out.printf("node-3 joined: two instances per node %d ms later%n", took);
    assertTrue(took <= SETTLE.toMillis(), "settled " + took + " ms after the third node joined");

    Map<String, String> owners = owners("node-1");
    for (String node : nodes.keySet()) {
      JsonNode status = status(node);
      List<String> listed = new ArrayList<>();
      status.path("instances").forEach(i -> listed.add(i.path("identifier").asText()));
      assertEquals(IDS, listed, node + "'s /status");
      assertEquals(owners, owners(node), "the owners as " + node + " sees them");
      for (JsonNode instance : status.path("instances")) {
        String id = instance.path("identifier").asText();
        assertEquals(owners.get(id).equals(node) ? "running" : "elsewhere", instance.path("state").asText(),
            node + " about " + id);
      }
    }

    // Each integration's writes: from one node at a time, the moved ones from their old owner, then the new.
    Await.until("every instance writing from its owner", START, () -> IDS.stream().allMatch(i -> owners.get(i)
        .equals(port.requestLog().since(mark).stream().filter(e -> ClusterModeTest.isBulkWrite(e) && e.node() != null
            && integration(e).equals(i)).reduce((x, y) -> y).map(RequestLog.Entry::node).orElse(null))));
    Map<String, List<Run>> runs = new TreeMap<>();
    for (RequestLog.Entry e : port.requestLog().since(0)) {
      if (ClusterModeTest.isBulkWrite(e) && e.node() != null) {
        List<Run> run = runs.computeIfAbsent(integration(e), k -> new ArrayList<>());
        if (run.isEmpty() || !run.get(run.size() - 1).node().equals(e.node())) {
          run.add(new Run(e.node(), e.seq(), e.atMillis(), new long[] {e.seq(), e.atMillis()}));
        } else {
          run.get(run.size() - 1).last()[0] = e.seq();
          run.get(run.size() - 1).last()[1] = e.atMillis();
        }
      }
    }
    assertEquals(IDS, List.copyOf(runs.keySet()), "integrations that wrote");
    for (Map.Entry<String, List<Run>> run : runs.entrySet()) {
      List<String> writers = run.getValue().stream().map(Run::node).toList();
      assertEquals(writers.stream().distinct().toList(), writers,
          run.getKey() + "'s writers, in order (a node back after another wrote means two wrote at once): "
              + run.getValue());
      assertEquals(owners.get(run.getKey()), writers.get(writers.size() - 1), run.getKey());
    }
    // The moves, from ownership (an instance that moved before its first write on the old node wrote from one).
    List<String> moved = IDS.stream().filter(i -> !before.get(i).equals(owners.get(i))).toList();
    assertEquals(IDS.stream().filter(i -> owners.get(i).equals("node-3")).toList(), moved,
        "the instances that changed owner are the two now on node-3 (before: " + before + ", after: " + owners + ")");
    assertTrue(port.requestLog().since(mark).stream().anyMatch(e -> ClusterModeTest.isBulkWrite(e)
        && "node-3".equals(e.node())), "node-3 wrote");

    // (Live events are processed on the node that took them, so they come after this check.)
    // A live event for an instance, sent to a node that does not run it, is taken and applied there.
    String id = IDS.get(0);
    String other = nodes.keySet().stream().filter(n -> !n.equals(owners.get(id))).findFirst().orElseThrow();
    assertEquals(202, post(other, "/" + id + "/integration/webhook", "{\"action\":\"upsert\",\"person\":{\"id\":"
        + "\"live-1\",\"name\":\"Live\",\"email\":\"l@x.io\",\"status\":\"WORKING\",\"age\":30,"
        + "\"department\":{\"id\":\"hr\",\"name\":\"HR\"},\"bio\":\"b\"}}"));
    Await.until("the live event applied by " + other, START,
        () -> port.entity("fake-person", id + "-live-1").isPresent());
    assertEquals(404, post(other, "/fake-nope/integration/webhook", "{}"), "an identifier no instance has");
  }

  /** Consecutive writes of one integration from one node: the first's sequence number and time, the last's. */
  private record Run(String node, long firstSeq, long firstAt, long[] last) {
    @Override
    public String toString() {
      return node + " #" + firstSeq + "@" + firstAt + "..#" + last[0] + "@" + last[1];
    }
  }

  // ---- helpers ---------------------------------------------------------------------------------------------

  /** {@code <id>.env}: the fake integration, its persons mapped to {@code <id>-<person id>}. */
  private void instance(Path instances, String id) throws IOException {
    Path resources = ClusterNodes.personMapping(dir, id);
    Files.writeString(instances.resolve(id + ".env"), String.join("\n",
        "OCEAN__INTEGRATION__TYPE=fake",
        "OCEAN__INTEGRATION__CONFIG__ENTITY_AMOUNT=\"1000\"",
        "OCEAN__RESOURCES_PATH=" + resources,
        ""));
  }

  private void start(String node, int i, int[] artery, Path instances) throws IOException {
    int http = ClusterModeTest.freePort();
    httpPorts.put(node, http);
    Map<String, String> env = ClusterNodes.hostEnv(port, dir, i, artery, http, instances);
    env.put("OCEAN__RESYNC__UPSERT_CONCURRENCY", "2");
    nodes.put(node, ClusterNodes.startNode(node, dir, env));
  }

  /** The integration a request is from: the identifier in its User-Agent ({@code port-ocean/type/version/id}). */
  private static String integration(RequestLog.Entry e) {
    String[] parts = e.userAgent().split("/");
    return parts.length > 3 ? parts[3] : "";
  }

  private long lastSeq() {
    return port.requestLog().since(0).stream().mapToLong(RequestLog.Entry::seq).max().orElse(0);
  }

  private JsonNode status(String node) {
    return ClusterModeTest.status(node, httpPorts.get(node));
  }

  /** The {@code cluster} section of a host-mode {@code /status} (each instance's document carries it). */
  private static JsonNode cluster(JsonNode status) {
    return status.path("instances").path(0).path("cluster");
  }

  /** Every instance's owner as {@code node}'s {@code /status} shows them; no entry for one without an owner yet. */
  private Map<String, String> owners(String node) {
    Map<String, String> owners = new TreeMap<>();
    cluster(status(node)).path("instances").fields().forEachRemaining(f -> Optional.ofNullable(
        f.getValue().path("node").textValue()).ifPresent(owner -> owners.put(f.getKey(), owner)));
    return owners;
  }

  /** Instances per node, when every instance has an owner; else empty. */
  private static Map<String, Integer> counts(Map<String, String> owners) {
    if (owners.size() != IDS.size()) {
      return Collections.emptyMap();
    }
    return owners.values().stream().collect(Collectors.toMap(n -> n, n -> 1, Integer::sum));
  }

  private int post(String node, String path, String json) {
    return ClusterModeTest.post(node, httpPorts.get(node), path, json);
  }
}
