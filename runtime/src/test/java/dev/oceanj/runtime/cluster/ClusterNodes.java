package dev.oceanj.runtime.cluster;

import dev.oceanj.emulator.PortEmulator;
import dev.oceanj.testsupport.TestPort;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/** What the multi-JVM cluster tests give each node: Port, the fake integration, HTTP, its data dir and the cluster. */
final class ClusterNodes {

  private ClusterNodes() {}

  /**
   * The environment of node {@code i} (named {@code node-<i+1>}) of a cluster whose seeds are the first two Artery
   * ports; callers add the resync and listener settings of their scenario.
   */
  static Map<String, String> env(PortEmulator port, Path dir, String identifier, int i, int[] artery, int http) {
    String node = "node-" + (i + 1);
    Map<String, String> env = new LinkedHashMap<>(TestPort.env(port));
    env.put("OCEAN__INTEGRATION__TYPE", "fake");
    env.put("OCEAN__INTEGRATION__IDENTIFIER", identifier);
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

  static int freePort() throws IOException {
    try (var socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }
}
