package dev.oceanj.runtime.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.oceanj.emulator.PortEmulator;
import dev.oceanj.emulator.RequestLog;
import dev.oceanj.runtime.Main;
import dev.oceanj.testsupport.Await;
import dev.oceanj.testsupport.TestPort;
import dev.oceanj.testsupport.process.ChildJvm;
import java.io.IOException;
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
 * The allocation guard across JVMs, with real resyncs: node-1 runs two instances (host mode), both in a slow resync
 * (the emulator's POSTs take 200 ms); node-2 joins. Balance wants one of them on node-2, but a rebalance does not
 * move an instance mid-resync: both stay until the shorter resync completes, then that instance moves. No resync is
 * aborted by the move (Port's resync states, from the request log).
 */
class RebalanceSparesResyncsTest {

  private static final String SHORT = "fake-r1";
  private static final String LONG = "fake-r2";
  private static final Duration START = Duration.ofSeconds(120);
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path dir;
  private PortEmulator port;
  private final Map<String, ChildJvm> nodes = new LinkedHashMap<>();
  private final Map<String, Integer> httpPorts = new LinkedHashMap<>();

  @AfterEach
  void stop() throws IOException {
    nodes.values().forEach(ChildJvm::close);
    for (Map.Entry<String, ChildJvm> node : nodes.entrySet()) {
      Files.writeString(Path.of("target", getClass().getSimpleName() + "-" + node.getKey() + ".log"),
          node.getValue().output());
    }
    if (port != null) {
      port.close();
    }
  }

  @Test
  void aJoiningNodeGetsAnInstanceOnlyOnceItsResyncCompleted() throws IOException {
    port = TestPort.start();
    port.requestLog().enable(true, true);
    // About 5 entities per fake person, 20 per bulk upsert, one request at a time, 200 ms each: about 30 s for
    // SHORT, 75 s for LONG; node-2 is up about 10 s after they started, and rebalances run every 10 s.
    port.faults().slowDown("POST", Duration.ofMillis(200));
    Path instances = Files.createDirectories(dir.resolve("instances"));
    instance(instances, SHORT, 600);
    instance(instances, LONG, 1500);
    int[] artery = {ClusterNodes.freePort(), ClusterNodes.freePort()};
    start("node-1", 0, artery, instances);
    Await.until("both instances resyncing on node-1", START,
        () -> running(SHORT).equals(Optional.of("node-1")) && running(LONG).equals(Optional.of("node-1")));

    start("node-2", 1, artery, instances);
    Await.until("node-2 up in the cluster", START, () -> {
      JsonNode members = cluster(status("node-1")).path("members");
      return members.size() == 2 && members.findValuesAsText("status").stream().allMatch("Up"::equals);
    });
    List<Map<String, String>> seenBefore = new ArrayList<>();
    long[] lastLook = {0};
    Await.until(SHORT + "'s resync completed", START, () -> {
      if (completed(SHORT)) {
        return true;
      }
      if (System.nanoTime() - lastLook[0] > Duration.ofMillis(250).toNanos()) {
        lastLook[0] = System.nanoTime();
        Map<String, String> owners = owners();
        if (!owners.isEmpty()) { // empty: the /status of a moment when no owner answered in time
          seenBefore.add(owners);
        }
      }
      return false;
    });
    Map<String, String> onNode1 = Map.of(SHORT, "node-1", LONG, "node-1");
    assertEquals(List.of(onNode1), seenBefore.stream().distinct().toList(),
        "owners while both resynced, node-2 already up (" + seenBefore.size() + " looks)");

    Await.until(SHORT + " moved to node-2 once its resync completed", START,
        () -> owners().equals(Map.of(SHORT, "node-2", LONG, "node-1")));
    Await.until(LONG + "'s resync completed on node-1", START, () -> completed(LONG));
    assertEquals(Map.of(SHORT, "node-2", LONG, "node-1"), owners());
    assertEquals(List.of(), states("aborted"), "resyncs aborted by a move");
  }

  // ---- helpers ---------------------------------------------------------------------------------------------

  private void instance(Path instances, String id, int entities) throws IOException {
    Files.writeString(instances.resolve(id + ".env"), String.join("\n",
        "OCEAN__INTEGRATION__TYPE=fake",
        "OCEAN__INTEGRATION__CONFIG__ENTITY_AMOUNT=\"" + entities + "\"",
        ""));
  }

  private void start(String node, int i, int[] artery, Path instances) throws IOException {
    int http = ClusterNodes.freePort();
    httpPorts.put(node, http);
    Map<String, String> env = ClusterNodes.env(port, dir, "unused", i, artery, http);
    // Host mode: the instances come from the folder, not from the process's integration settings.
    env.remove("OCEAN__INTEGRATION__TYPE");
    env.remove("OCEAN__INTEGRATION__IDENTIFIER");
    env.put("OCEAN__INSTANCES_DIR", instances.toString());
    env.put("OCEAN__EVENT_LISTENER__TYPE", "POLLING");
    env.put("OCEAN__EVENT_LISTENER__POLLING__INTERVAL", "300 s");
    env.put("OCEAN__RESYNC__SKIP_UNCHANGED", "false");
    env.put("OCEAN__RESYNC__UPSERT_CONCURRENCY", "1");
    env.put("OCEAN__CLUSTER__MIN_NR_OF_MEMBERS", "1");
    env.put("OCEAN__CLUSTER__STABLE_AFTER", "5 s");
    nodes.put(node, ChildJvm.builder(node, Main.class.getName(), dir)
        .jvmArgs("-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Xmx256m")
        .withoutEnv("OCEAN__").withoutEnv("APPLICATION__").env(env).start());
  }

  private JsonNode status(String node) {
    return ClusterModeTest.status(node, httpPorts.get(node));
  }

  private static JsonNode cluster(JsonNode status) {
    return status.path("instances").path(0).path("cluster");
  }

  /** Each instance's owner as node-1's {@code /status} shows them. */
  private Map<String, String> owners() {
    Map<String, String> owners = new TreeMap<>();
    cluster(status("node-1")).path("instances").fields().forEachRemaining(f -> owners.put(f.getKey(),
        f.getValue().path("node").asText("?")));
    return owners;
  }

  /** The node that last sent a bulk write of {@code id}'s entities. */
  private Optional<String> running(String id) {
    return port.requestLog().since(0).stream().filter(e -> ClusterModeTest.isBulkWrite(e) && e.node() != null
        && integration(e).equals(id)).reduce((x, y) -> y).map(RequestLog.Entry::node);
  }

  private boolean completed(String id) {
    return states("completed").stream().anyMatch(s -> s.startsWith(id + " "));
  }

  /** {@code "<integration> <node>"} of each resync-state PATCH with {@code status}. */
  private List<String> states(String status) {
    return port.requestLog().since(0).stream()
        .filter(e -> e.route().equals("/v1/integration/{id}/resync-state") && e.body() != null)
        .filter(e -> status.equals(statusOf(e)))
        .map(e -> integration(e) + " " + e.node()).toList();
  }

  private static String statusOf(RequestLog.Entry e) {
    try {
      return JSON.readTree(e.body()).path("status").asText();
    } catch (IOException x) {
      throw new AssertionError("not JSON: " + e.body(), x);
    }
  }

  private static String integration(RequestLog.Entry e) {
    String[] parts = e.userAgent().split("/");
    return parts.length > 3 ? parts[3] : "";
  }
}
