package dev.oceanj.runtime.cluster;

import dev.oceanj.emulator.PortEmulator;
import dev.oceanj.runtime.Main;
import dev.oceanj.testsupport.TestPort;
import dev.oceanj.testsupport.process.ChildJvm;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/** What the multi-JVM cluster tests give each node: Port, the fake integration, HTTP, its data dir and the cluster. */
public final class ClusterNodes {

  private ClusterNodes() {}

  /**
   * The environment of node {@code i} (named {@code node-<i+1>}) of a cluster whose seeds are the first two Artery
   * ports; callers add the resync and listener settings of their scenario.
   */
  static Map<String, String> env(PortEmulator port, Path dir, String identifier, int i, int[] artery, int http) {
    Map<String, String> env = nodeEnv(port, dir, i, artery, http);
    env.put("OCEAN__INTEGRATION__TYPE", "fake");
    env.put("OCEAN__INTEGRATION__IDENTIFIER", identifier);
    return env;
  }

  /**
   * The environment of host-mode node {@code i} (its instances in {@code instances}): POLLING every 2 s, at least
   * two members, the Split Brain Resolver's stable-after 5 s.
   */
  static Map<String, String> hostEnv(PortEmulator port, Path dir, int i, int[] artery, int http, Path instances) {
    Map<String, String> env = nodeEnv(port, dir, i, artery, http);
    env.put("OCEAN__INSTANCES_DIR", instances.toString());
    env.put("OCEAN__EVENT_LISTENER__TYPE", "POLLING");
    env.put("OCEAN__EVENT_LISTENER__POLLING__INTERVAL", "2 s");
    env.put("OCEAN__RESYNC__SKIP_UNCHANGED", "false");
    env.put("OCEAN__CLUSTER__MIN_NR_OF_MEMBERS", "2");
    env.put("OCEAN__CLUSTER__STABLE_AFTER", "5 s");
    return env;
  }

  /** Port, HTTP on loopback, the data dir and the cluster (a keep-alive round every second) of node {@code i}. */
  private static Map<String, String> nodeEnv(PortEmulator port, Path dir, int i, int[] artery, int http) {
    String node = "node-" + (i + 1);
    Map<String, String> env = new LinkedHashMap<>(TestPort.env(port));
    env.put("OCEAN__HTTP__BIND_ADDRESS", "127.0.0.1");
    env.put("OCEAN__HTTP__PORT", Integer.toString(http));
    env.put("OCEAN__DATA_DIR", dir.resolve(node).toString());
    env.put("OCEAN__CLUSTER__ENABLED", "true");
    env.put("OCEAN__CLUSTER__HOST", "127.0.0.1");
    env.put("OCEAN__CLUSTER__PORT", Integer.toString(artery[i]));
    env.put("OCEAN__CLUSTER__SEED_NODES", "127.0.0.1:" + artery[0] + ",127.0.0.1:" + artery[1]);
    env.put("OCEAN__CLUSTER__NODE_NAME", node);
    env.put("OCEAN__CLUSTER__KEEP_ALIVE_INTERVAL", "1 s");
    return env;
  }

  /** A node's JVM: small heap, C1 only, serial GC, none of the test JVM's {@code OCEAN__}/{@code APPLICATION__}. */
  static ChildJvm startNode(String node, Path dir, Map<String, String> env) {
    return ChildJvm.builder(node, Main.class.getName(), dir)
        .jvmArgs("-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Xmx256m")
        .withoutEnv("OCEAN__").withoutEnv("APPLICATION__").env(env).start();
  }

  /** Stops the nodes and keeps their logs in {@code target/<test>-<node>.log}, for a failure's post-mortem. */
  static void stopAndKeepLogs(Map<String, ChildJvm> nodes, Class<?> test) throws IOException {
    nodes.values().forEach(ChildJvm::close);
    for (Map.Entry<String, ChildJvm> node : nodes.entrySet()) {
      Files.writeString(Path.of("target", test.getSimpleName() + "-" + node.getKey() + ".log"),
          node.getValue().output());
    }
  }

  /**
   * {@code <dir>/resources/<id>/.port/resources/port-app-config.yml}: the fake integration's persons mapped to
   * {@code <id>-<person id>}; returns the resources path for {@code OCEAN__RESOURCES_PATH}.
   */
  public static Path personMapping(Path dir, String id) throws IOException {
    Path resources = Files.createDirectories(dir.resolve("resources").resolve(id).resolve(".port")
        .resolve("resources"));
    Files.writeString(resources.resolve("port-app-config.yml"), String.join("\n",
        "resources:",
        "  - kind: fake-person",
        "    selector:",
        "      query: 'true'",
        "    port:",
        "      entity:",
        "        mappings:",
        "          identifier: '\"" + id + "-\" + .id'",
        "          title: .name",
        "          blueprint: '\"fake-person\"'",
        "          properties:",
        "            name: .name",
        "            age: .age",
        ""));
    return resources;
  }

  static int freePort() throws IOException {
    try (var socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }
}
