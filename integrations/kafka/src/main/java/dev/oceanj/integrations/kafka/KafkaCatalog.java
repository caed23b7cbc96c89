package dev.oceanj.integrations.kafka;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.ConsumerGroupListing;
import org.apache.kafka.clients.admin.DescribeClusterResult;
import org.apache.kafka.clients.admin.ListTopicsOptions;
import org.apache.kafka.clients.admin.MemberDescription;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.ConsumerGroupState;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.TopicPartitionInfo;
import org.apache.kafka.common.config.ConfigResource;

/**
 * Reads one cluster through Kafka's Admin API and shapes each object as Ocean's kafka integration hands it to the
 * mapping (field names, types and order; {@code ocean-integrations-reference.md} B.3).
 *
 * <p>Unlike Ocean, a failure to describe one object fails the kind instead of dropping the object: a dropped
 * object would look deleted and reconciliation would delete its entity. Every call is bounded by
 * {@code default.api.timeout.ms}, so an unreachable cluster fails its kinds instead of blocking.
 */
final class KafkaCatalog implements AutoCloseable {

  /** Objects described per Admin request, as Ocean batches them. */
  static final int BATCH = 50;

  private static final JsonNodeFactory JSON = JsonNodeFactory.instance;

  private final String cluster;
  private final Admin admin;
  private final Duration timeout;

  KafkaCatalog(KafkaSettings.Cluster cluster) {
    this.cluster = cluster.name();
    this.admin = Admin.create(cluster.admin());
    this.timeout = Duration.ofMillis(
        Long.parseLong(cluster.admin().getProperty("default.api.timeout.ms")) + 5_000);
  }

  /** {@code cluster}: {@code name}, {@code controller_id}. */
  ObjectNode cluster() {
    DescribeClusterResult described = admin.describeCluster();
    Node controller = get(described.controller(), "describe the cluster");
    ObjectNode o = JSON.objectNode();
    o.put("name", cluster);
    o.put("controller_id", controller == null ? -1 : controller.id());
    return o;
  }

  /** {@code broker}s in id order, in batches of {@value #BATCH}. */
  void brokers(Consumer<List<ObjectNode>> batches) {
    List<Node> nodes = new ArrayList<>(get(admin.describeCluster().nodes(), "list the brokers"));
    nodes.sort(Comparator.comparingInt(Node::id));
    for (int from = 0; from < nodes.size(); from += BATCH) {
      List<Node> batch = nodes.subList(from, Math.min(nodes.size(), from + BATCH));
      Map<ConfigResource, Config> configs = configs(ConfigResource.Type.BROKER,
          batch.stream().map(n -> Integer.toString(n.id())).toList());
      List<ObjectNode> out = new ArrayList<>(batch.size());
      for (Node node : batch) {
        ObjectNode o = JSON.objectNode();
        o.put("id", node.id());
        o.put("address", node.host() + ":" + node.port() + "/" + node.id());
        o.put("cluster_name", cluster);
        o.set("config", config(configs, ConfigResource.Type.BROKER, Integer.toString(node.id())));
        out.add(o);
      }
      batches.accept(out);
    }
  }

  /** {@code topic}s, internal ones included (as librdkafka's metadata lists them), in batches of {@value #BATCH}. */
  void topics(Consumer<List<ObjectNode>> batches) {
    List<String> names = new ArrayList<>(get(admin.listTopics(new ListTopicsOptions().listInternal(true)).names(),
        "list the topics"));
    names.sort(null);
    for (int from = 0; from < names.size(); from += BATCH) {
      List<String> batch = names.subList(from, Math.min(names.size(), from + BATCH));
      Map<String, TopicDescription> descriptions = get(admin.describeTopics(batch).allTopicNames(),
          "describe topics " + batch.get(0) + "…");
      Map<ConfigResource, Config> configs = configs(ConfigResource.Type.TOPIC, batch);
      List<ObjectNode> out = new ArrayList<>(batch.size());
      for (String name : batch) {
        TopicDescription description = descriptions.get(name);
        if (description == null) {
          throw new KafkaFetchException(cluster, "topic " + name + " was listed but not described");
        }
        ObjectNode o = JSON.objectNode();
        o.put("name", name);
        o.put("cluster_name", cluster);
        ArrayNode partitions = o.putArray("partitions");
        List<TopicPartitionInfo> infos = new ArrayList<>(description.partitions());
        infos.sort(Comparator.comparingInt(TopicPartitionInfo::partition));
        for (TopicPartitionInfo p : infos) {
          ObjectNode po = partitions.addObject();
          po.put("id", p.partition());
          po.put("leader", p.leader() == null ? -1 : p.leader().id());
          ArrayNode replicas = po.putArray("replicas");
          p.replicas().forEach(n -> replicas.add(n.id()));
          ArrayNode isrs = po.putArray("isrs");
          p.isr().forEach(n -> isrs.add(n.id()));
        }
        o.set("config", config(configs, ConfigResource.Type.TOPIC, name));
        out.add(o);
      }
      batches.accept(out);
    }
  }

  /** {@code consumer_group}s, in batches of {@value #BATCH}. */
  void consumerGroups(Consumer<List<ObjectNode>> batches) {
    Collection<ConsumerGroupListing> listed = get(admin.listConsumerGroups().valid(), "list the consumer groups");
    List<String> ids = listed.stream().map(ConsumerGroupListing::groupId).sorted().toList();
    for (int from = 0; from < ids.size(); from += BATCH) {
      List<String> batch = ids.subList(from, Math.min(ids.size(), from + BATCH));
      Map<String, ConsumerGroupDescription> described = get(admin.describeConsumerGroups(batch).all(),
          "describe consumer groups " + batch.get(0) + "…");
      List<ObjectNode> out = new ArrayList<>(batch.size());
      for (String id : batch) {
        ConsumerGroupDescription group = described.get(id);
        if (group == null) {
          throw new KafkaFetchException(cluster, "consumer group " + id + " was listed but not described");
        }
        out.add(consumerGroup(group));
      }
      batches.accept(out);
    }
  }

  private ObjectNode consumerGroup(ConsumerGroupDescription group) {
    ObjectNode o = JSON.objectNode();
    o.put("group_id", group.groupId());
    o.put("state", stateName(group.state()));
    ArrayNode members = o.putArray("members");
    for (MemberDescription m : group.members()) {
      ObjectNode mo = members.addObject();
      mo.put("id", m.consumerId());
      mo.put("client_id", m.clientId());
      mo.put("host", m.host());
      ArrayNode tps = mo.putObject("assignment").putArray("topic_partitions");
      List<TopicPartition> assigned = new ArrayList<>(m.assignment().topicPartitions());
      assigned.sort(Comparator.comparing(TopicPartition::topic).thenComparingInt(TopicPartition::partition));
      for (TopicPartition tp : assigned) {
        tps.addObject().put("topic", tp.topic()).put("partition", tp.partition());
      }
    }
    o.put("cluster_name", cluster);
    if (group.coordinator() == null) {
      o.putNull("coordinator");
    } else {
      o.put("coordinator", group.coordinator().id());
    }
    o.put("partition_assignor", group.partitionAssignor() == null ? "" : group.partitionAssignor());
    o.put("is_simple_consumer_group", group.isSimpleConsumerGroup());
    o.putNull("authorized_operations");
    return o;
  }

  /**
   * The Python client's enum name for a group state: Java's {@code PREPARING_REBALANCE} and
   * {@code COMPLETING_REBALANCE} are {@code PREPARING_REBALANCING} and {@code COMPLETING_REBALANCING} there; states
   * the Python client does not have are {@code UNKNOWN}.
   */
  static String stateName(ConsumerGroupState state) {
    if (state == null) {
      return "UNKNOWN";
    }
    return switch (state) {
      case PREPARING_REBALANCE -> "PREPARING_REBALANCING";
      case COMPLETING_REBALANCE -> "COMPLETING_REBALANCING";
      case STABLE -> "STABLE";
      case DEAD -> "DEAD";
      case EMPTY -> "EMPTY";
      default -> "UNKNOWN";
    };
  }

  private Map<ConfigResource, Config> configs(ConfigResource.Type type, List<String> names) {
    List<ConfigResource> resources = names.stream().map(n -> new ConfigResource(type, n)).toList();
    return get(admin.describeConfigs(resources).all(), "describe the configs of " + type.name().toLowerCase()
        + (names.size() == 1 ? " " + names.get(0) : "s " + names.get(0) + "…"));
  }

  /** Every entry, name → value as a string, or null for sensitive or unset values (librdkafka's rule). */
  private ObjectNode config(Map<ConfigResource, Config> configs, ConfigResource.Type type, String name) {
    Config config = configs.get(new ConfigResource(type, name));
    if (config == null) {
      throw new KafkaFetchException(cluster, "no configs were returned for " + type.name().toLowerCase() + " "
          + name);
    }
    ObjectNode o = JSON.objectNode();
    List<ConfigEntry> entries = new ArrayList<>(config.entries());
    entries.sort(Comparator.comparing(ConfigEntry::name));
    for (ConfigEntry e : entries) {
      if (e.isSensitive() || e.value() == null) {
        o.putNull(e.name());
      } else {
        o.put(e.name(), e.value());
      }
    }
    return o;
  }

  private <T> T get(KafkaFuture<T> future, String what) {
    try {
      return future.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new KafkaFetchException(cluster, "interrupted while trying to " + what);
    } catch (ExecutionException e) {
      Throwable cause = e.getCause() == null ? e : e.getCause();
      throw new KafkaFetchException(cluster, "could not " + what + ": " + cause.getClass().getSimpleName() + ": "
          + cause.getMessage());
    } catch (TimeoutException e) {
      throw new KafkaFetchException(cluster, "could not " + what + " within " + timeout.toSeconds() + " s");
    }
  }

  @Override
  public void close() {
    admin.close(Duration.ofSeconds(5));
  }

  /** A cluster could not be read: the kind fails, so nothing of it is deleted. */
  static final class KafkaFetchException extends RuntimeException {
    KafkaFetchException(String cluster, String message) {
      super("Kafka cluster '" + cluster + "': " + message);
    }
  }
}
