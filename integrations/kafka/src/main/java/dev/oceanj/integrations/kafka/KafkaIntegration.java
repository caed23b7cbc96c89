package dev.oceanj.integrations.kafka;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.oceanj.spi.Integration;
import dev.oceanj.spi.IntegrationDefinition;
import dev.oceanj.spi.ResyncSource;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.SubmissionPublisher;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Ocean's {@code kafka} integration on oceanj: the clusters, brokers, topics and consumer groups of every cluster in
 * {@code clusterConfMapping}, read through Kafka's Admin API and shaped as Ocean's raw objects, so Ocean's mapping
 * gives the same entities.
 *
 * <p>Each kind reads the clusters one after the other, in configuration order, with an admin client of its own
 * (as Ocean does), on the integration's own threads, streaming batches of {@value KafkaCatalog#BATCH} objects with
 * back-pressure. A cluster that cannot be read fails the kind, so nothing of it is deleted.
 *
 * @since 0.2
 */
public final class KafkaIntegration implements Integration {

  public static final String TYPE = "kafka";
  public static final String CLUSTER = "cluster";
  public static final String BROKER = "broker";
  public static final String TOPIC = "topic";
  public static final String CONSUMER_GROUP = "consumer_group";

  private static final Logger log = LoggerFactory.getLogger(KafkaIntegration.class);

  @Override
  public String type() {
    return TYPE;
  }

  @Override
  public void define(IntegrationDefinition ocean) {
    KafkaSettings settings = ocean.settings(KafkaSettings.class);
    // With no CA of their own, TLS clusters trust the JVM's authorities and the runtime's (SSL_CERT_FILE, …).
    List<KafkaSettings.Cluster> clusters = settings.clusters().stream().map(c -> new KafkaSettings.Cluster(c.name(),
        LibrdkafkaConfig.trusting(c.admin(), ocean.trustedAuthorities()), c.warnings())).toList();
    clusters.forEach(c -> c.warnings().forEach(log::warn));
    AtomicInteger threads = new AtomicInteger();
    ExecutorService executor = Executors.newCachedThreadPool(r -> {
      Thread t = new Thread(r, "oceanj-kafka-admin-" + threads.incrementAndGet());
      t.setDaemon(true);
      return t;
    });
    ocean.onStop(() -> {
      executor.shutdownNow();
      executor.awaitTermination(10, TimeUnit.SECONDS);
    });

    ocean.kind(CLUSTER).resync(source(executor, clusters, (catalog, out) -> out.accept(List.of(catalog.cluster()))));
    ocean.kind(BROKER).resync(source(executor, clusters, KafkaCatalog::brokers));
    ocean.kind(TOPIC).resync(source(executor, clusters, KafkaCatalog::topics));
    ocean.kind(CONSUMER_GROUP).resync(source(executor, clusters, KafkaCatalog::consumerGroups));
  }

  /**
   * A kind's source: on each subscription (each resync), one producer task reads the clusters in turn and submits
   * each batch; {@link SubmissionPublisher#submit} blocks while the subscriber has no demand, so a slow Port slows
   * the reading. A cancelled subscription stops the reading at the next batch.
   */
  private static ResyncSource<ObjectNode> source(ExecutorService executor, List<KafkaSettings.Cluster> clusters,
      BiConsumer<KafkaCatalog, Consumer<List<ObjectNode>>> read) {
    return ResyncSource.fromPublisher(() -> subscriber -> {
      SubmissionPublisher<List<ObjectNode>> publisher = new SubmissionPublisher<>(executor, 4);
      publisher.subscribe(subscriber);
      executor.execute(() -> produce(publisher, clusters, read));
    });
  }

  private static void produce(SubmissionPublisher<List<ObjectNode>> publisher, List<KafkaSettings.Cluster> clusters,
      BiConsumer<KafkaCatalog, Consumer<List<ObjectNode>>> read) {
    try {
      for (KafkaSettings.Cluster cluster : clusters) {
        try (KafkaCatalog catalog = new KafkaCatalog(cluster)) {
          read.accept(catalog, batch -> {
            if (publisher.getNumberOfSubscribers() == 0) {
              throw new Cancelled();
            }
            publisher.submit(batch);
          });
        }
      }
      publisher.close();
    } catch (Cancelled e) {
      publisher.close();
    } catch (RuntimeException e) {
      publisher.closeExceptionally(e);
    }
  }

  /** The subscriber went away (an aborted resync): stop reading. */
  private static final class Cancelled extends RuntimeException {
    Cancelled() {
      super(null, null, false, false);
    }
  }
}
