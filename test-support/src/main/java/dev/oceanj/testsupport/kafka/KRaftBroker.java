package dev.oceanj.testsupport.kafka;

import java.io.IOException;
import java.net.ServerSocket;
import java.util.Map;
import kafka.testkit.KafkaClusterTestKit;
import kafka.testkit.TestKitNodes;

/**
 * A single-node KRaft cluster (Kafka's own test kit) on loopback for tests and local tries, formatted, started and
 * ready: one replica for the offsets topic, one partition. The caller closes it.
 *
 * <p>Needs Kafka's test artifacts on the class path ({@code kafka_2.13} with and without the {@code test}
 * classifier, {@code kafka-clients:test}, {@code kafka-server-common:test}, {@code kafka-server}): they are optional
 * here, so a module that starts a broker declares them itself, test-scoped.
 */
public final class KRaftBroker {

  private KRaftBroker() {}

  /** Broker and controller in one node, on a port Kafka picks. */
  public static KafkaClusterTestKit combined() throws Exception {
    var nodes = new TestKitNodes.Builder().setCombined(true).setNumBrokerNodes(1).setNumControllerNodes(1).build();
    return started(new KafkaClusterTestKit.Builder(nodes)
        .setConfigProp("offsets.topic.replication.factor", "1")
        .setConfigProp("offsets.topic.num.partitions", "1")
        .build());
  }

  /**
   * Broker and controller apart, the broker's listener on the fixed {@code brokerPort} (so clients find it again
   * after it restarts), and no initial rebalance delay for consumer groups.
   */
  public static KafkaClusterTestKit onPort(int brokerPort) throws Exception {
    var nodes = new TestKitNodes.Builder()
        .setCombined(false)
        .setNumBrokerNodes(1)
        .setNumControllerNodes(1)
        .setPerServerProperties(Map.of(0, Map.of("listeners", "EXTERNAL://localhost:" + brokerPort)))
        .build();
    return started(new KafkaClusterTestKit.Builder(nodes)
        .setConfigProp("offsets.topic.replication.factor", "1")
        .setConfigProp("offsets.topic.num.partitions", "1")
        .setConfigProp("group.initial.rebalance.delay.ms", "0")
        .build());
  }

  /** A port free on this host now, for {@link #onPort}. */
  public static int freePort() throws IOException {
    try (var socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }

  private static KafkaClusterTestKit started(KafkaClusterTestKit cluster) throws Exception {
    cluster.format();
    cluster.startup();
    cluster.waitForReadyBrokers();
    return cluster;
  }
}
