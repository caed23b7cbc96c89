package dev.oceanj.integrations.kafka;

import dev.oceanj.testsupport.kafka.KRaftBroker;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import kafka.testkit.KafkaClusterTestKit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

/**
 * A single-node KRaft cluster on loopback with seeded topics and consumer groups, for trying the kafka
 * integration and for its benchmark (README). Prints {@code bootstrap=<host:port>} once ready, then runs until
 * killed.
 *
 * <p>{@code java -cp <test class path> dev.oceanj.integrations.kafka.LocalKafka [topics] [partitions] [groups]}
 */
public final class LocalKafka {

  private LocalKafka() {}

  public static void main(String[] args) throws Exception {
    int topics = args.length > 0 ? Integer.parseInt(args[0]) : 10;
    int partitions = args.length > 1 ? Integer.parseInt(args[1]) : 3;
    int groups = args.length > 2 ? Integer.parseInt(args[2]) : 5;
    KafkaClusterTestKit cluster = KRaftBroker.combined();
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      try {
        cluster.close();
      } catch (Exception e) {
        // exiting anyway
      }
    }));
    var props = new Properties();
    props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.bootstrapServers());
    try (Admin admin = Admin.create(props)) {
      for (int from = 0; from < topics; from += 500) {
        List<NewTopic> batch = new ArrayList<>();
        for (int i = from; i < Math.min(topics, from + 500); i++) {
          batch.add(new NewTopic(String.format("topic-%05d", i), partitions, (short) 1)
              .configs(i % 2 == 0 ? Map.of("cleanup.policy", "compact") : Map.of()));
        }
        admin.createTopics(batch).all().get();
      }
      for (int g = 0; g < groups; g++) {
        admin.alterConsumerGroupOffsets(String.format("group-%04d", g),
            Map.of(new TopicPartition("topic-00000", 0), new OffsetAndMetadata(0))).all().get();
      }
    }
    System.out.println("bootstrap=" + cluster.bootstrapServers());
    System.out.flush();
    new CountDownLatch(1).await();
  }
}
