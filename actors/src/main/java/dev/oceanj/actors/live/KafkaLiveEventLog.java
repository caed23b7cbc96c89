package dev.oceanj.actors.live;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.oceanj.core.config.LiveEventKafkaSettings;
import dev.oceanj.core.config.Secret;
import dev.oceanj.core.live.DeadLetter;
import dev.oceanj.core.live.LiveEventIntake;
import dev.oceanj.core.live.StoredEvent;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Function;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The live-event intake on a Kafka topic shared by every node ({@code ocean.live-events.intake = kafka}): an event
 * acknowledged by a node survives the loss of that node, and any node may answer any webhook.
 *
 * <p><b>Append</b>: the event, in its stored form ({@link StoredEvent#toBytes()}, secret headers already left out by
 * the route), is produced with {@code acks=all} by an idempotent producer, keyed by the instance's identifier and the
 * event's {@link dev.oceanj.core.live.PartitionKey}, so one key always lands in one partition; the append completes
 * only once Kafka acknowledged it, and fails after {@code ack-timeout} (the route answers 503).
 *
 * <p><b>Consume</b>: one consumer thread in the group {@code oceanj-live-<identifier>} (every node of the instance;
 * Kafka assigns the partitions, cooperatively). Each record is handed to the subscriber (the dispatcher) in partition
 * order; records of other instances sharing the topic are skipped. A partition's offset is committed up to its
 * lowest event not yet done, so an event is committed only after its writes to Port (at least once; upserts are
 * idempotent). When a partition is revoked, the thread first waits (up to {@code revokeDrain}) for its events to be
 * done and commits them, so the next owner does not write older values after this node's newer ones. When the
 * events handed out and not done pass {@value #MAX_PENDING}, fetching pauses.
 *
 * <p><b>Positions</b>: an event's offset is the partition in the high 16 bits and Kafka's offset below (increasing
 * per partition). <b>Dead letters</b> are produced to {@code <topic>.dead-letters} (so they outlive the node) and
 * listed from this node's memory; a replay produces the event to the topic again.
 */
public final class KafkaLiveEventLog implements LiveEventIntake {

  private static final Logger LOG = LoggerFactory.getLogger(KafkaLiveEventLog.class);

  static final int PARTITION_SHIFT = 48;
  private static final long OFFSET_MASK = (1L << PARTITION_SHIFT) - 1;
  static final int MAX_PENDING = 5000;
  private static final Duration POLL = Duration.ofMillis(100);
  private static final Duration COMMIT_EVERY = Duration.ofMillis(200);
  private static final Duration LAG_EVERY = Duration.ofSeconds(1);
  private static final char KEY_SEPARATOR = '\u0000';

  private final LiveEventKafkaSettings settings;
  private final String identifier;
  private final String group;
  private final String deadLetterTopic;
  private final Function<StoredEvent, Optional<String>> keyOf;
  private final Executor sender;
  private final Duration revokeDrain;
  private final KafkaProducer<String, byte[]> producer;
  private final KafkaConsumer<String, byte[]> consumer;
  private final Thread thread;
  /** Completes once the topics were created or found (or their creation failed): appends wait for it. */
  private final CompletableFuture<Void> topicReady = new CompletableFuture<>();

  private final Object lock = new Object();
  // guarded by lock
  private final NavigableMap<Long, StoredEvent> pending = new TreeMap<>();
  private final Map<TopicPartition, Long> delivered = new HashMap<>();
  private final Map<Long, DeadLetter> deadLetters = new LinkedHashMap<>();
  private Consumer<StoredEvent> subscriber;
  private boolean closed;

  // consumer thread only
  private final Map<TopicPartition, Long> committed = new HashMap<>();
  private long lastCommitNanos;
  private long lastLagNanos;
  private boolean paused;
  private volatile long lag = -1;
  private volatile List<Integer> assigned = List.of();

  private KafkaLiveEventLog(LiveEventKafkaSettings settings, String identifier,
      Function<StoredEvent, Optional<String>> keyOf, Executor sender, Duration revokeDrain) {
    this.settings = settings;
    this.identifier = identifier;
    this.group = settings.groupFor(identifier);
    this.deadLetterTopic = settings.topic() + ".dead-letters";
    this.keyOf = keyOf;
    this.sender = sender;
    this.revokeDrain = revokeDrain;
    this.producer = new KafkaProducer<>(producerProperties(), new StringSerializer(), new ByteArraySerializer());
    this.consumer = new KafkaConsumer<>(consumerProperties(), new StringDeserializer(), new ByteArrayDeserializer());
    this.thread = new Thread(this::consumeLoop, "oceanj-live-events-kafka");
    this.thread.setDaemon(true);
  }

  /**
   * Connects to the topic of {@code settings} for the instance {@code identifier} and starts consuming it (the
   * topics are created first when missing, on the consumer thread: this returns at once).
   *
   * @param keyOf the partition key of an event (empty: the path alone orders it)
   * @param sender where sends are started (a send may block up to {@code ack-timeout} while Kafka is unknown)
   * @param revokeDrain how long a revoked partition's events may still finish here before it is released
   */
  public static KafkaLiveEventLog open(LiveEventKafkaSettings settings, String identifier,
      Function<StoredEvent, Optional<String>> keyOf, Executor sender, Duration revokeDrain) {
    KafkaLiveEventLog log = new KafkaLiveEventLog(settings, identifier, keyOf, sender, revokeDrain);
    log.thread.start();
    return log;
  }

  /** The event position of Kafka's {@code offset} in {@code partition}. */
  static long position(int partition, long offset) {
    return ((long) partition << PARTITION_SHIFT) | offset;
  }

  @Override
  public CompletableFuture<StoredEvent> append(Instant receivedAt, String path, Map<String, String> headers,
      byte[] body) {
    StoredEvent event = new StoredEvent(-1, receivedAt, path, headers, body);
    return send(settings.topic(), recordKey(event), event.toBytes(), Map.of())
        .thenApply(at -> event.withOffset(at));
  }

  private String recordKey(StoredEvent event) {
    return identifier + KEY_SEPARATOR + keyOf.apply(event).orElse("");
  }

  /** Produces one record; completes with its position once every in-sync replica has it. */
  private CompletableFuture<Long> send(String topic, String key, byte[] value, Map<String, String> headers) {
    synchronized (lock) {
      if (closed) {
        return CompletableFuture.failedFuture(new IllegalStateException("the live-event intake is closed"));
      }
    }
    CompletableFuture<Long> done = new CompletableFuture<>();
    topicReady.thenRunAsync(() -> {
      try {
        ProducerRecord<String, byte[]> record = new ProducerRecord<>(topic, key, value);
        headers.forEach((k, v) -> record.headers().add(k, v.getBytes(StandardCharsets.UTF_8)));
        producer.send(record, (meta, failure) -> {
          if (failure != null) {
            done.completeExceptionally(failure);
          } else {
            done.complete(position(meta.partition(), meta.offset()));
          }
        });
      } catch (RuntimeException e) {
        done.completeExceptionally(e);
      }
    }, sender);
    return done;
  }

  @Override
  public void resubscribe(Consumer<StoredEvent> consumer) {
    synchronized (lock) {
      subscriber = consumer;
      for (StoredEvent e : pending.values()) {
        consumer.accept(e);
      }
    }
  }

  @Override
  public void done(long offset) {
    synchronized (lock) {
      if (pending.remove(offset) != null) {
        lock.notifyAll();
      }
    }
  }

  @Override
  public CompletableFuture<DeadLetter> deadLetter(StoredEvent event, String error) {
    DeadLetter letter = new DeadLetter(event.offset(), event, error, Instant.now());
    return send(deadLetterTopic, recordKey(event), event.toBytes(), Map.of("error", error)).thenApply(at -> {
      synchronized (lock) {
        deadLetters.put(letter.id(), letter);
      }
      done(event.offset());
      return letter;
    });
  }

  @Override
  public CompletableFuture<Optional<StoredEvent>> replay(long id) {
    DeadLetter letter;
    synchronized (lock) {
      letter = deadLetters.get(id);
    }
    if (letter == null) {
      return CompletableFuture.completedFuture(Optional.empty());
    }
    StoredEvent e = letter.event();
    return append(e.receivedAt(), e.path(), e.headers(), e.body()).thenApply(appended -> {
      synchronized (lock) {
        deadLetters.remove(id);
      }
      return Optional.of(appended);
    });
  }

  @Override
  public List<DeadLetter> deadLetters() {
    synchronized (lock) {
      return List.copyOf(deadLetters.values());
    }
  }

  @Override
  public int depth() {
    synchronized (lock) {
      return pending.size();
    }
  }

  @Override
  public boolean durable() {
    return true;
  }

  /** Events in this node's partitions not yet done (Kafka's end offsets less the committable ones); -1 unknown. */
  public long lag() {
    return lag;
  }

  @Override
  public void status(ObjectNode out) {
    out.put("intake", "kafka");
    out.put("topic", settings.topic());
    out.put("group", group);
    ArrayNode partitions = out.putArray("partitions");
    assigned.forEach(partitions::add);
    out.put("lag", lag);
  }

  @Override
  public void close() {
    synchronized (lock) {
      if (closed) {
        return;
      }
      closed = true;
      lock.notifyAll();
    }
    consumer.wakeup();
    try {
      thread.join(TimeUnit.SECONDS.toMillis(30));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    producer.close(Duration.ofSeconds(5));
  }

  @Override
  public String toString() {
    return "KafkaLiveEventLog[" + settings.topic() + ", group=" + group + ", depth=" + depth() + "]";
  }

  // ---- consumer thread -------------------------------------------------------------------------------------

  private void consumeLoop() {
    try {
      createTopics();
      consumer.subscribe(List.of(settings.topic()), new Rebalance());
      while (!isClosed()) {
        for (ConsumerRecord<String, byte[]> r : consumer.poll(POLL)) {
          deliver(r);
        }
        flowControl();
        commit(false);
        measureLag();
      }
    } catch (WakeupException e) {
      // close() woke the thread up
    } catch (RuntimeException e) {
      LOG.error("live events: the Kafka consumer of {} stopped; this node no longer processes live events",
          settings.topic(), e);
    } finally {
      try {
        commit(true);
      } catch (RuntimeException e) {
        LOG.warn("live events: the last commit failed (the events are handled again): {}", e.toString());
      }
      consumer.close(Duration.ofSeconds(5));
    }
  }

  private boolean isClosed() {
    synchronized (lock) {
      return closed;
    }
  }

  private void createTopics() {
    try (Admin admin = Admin.create(commonProperties())) {
      List<NewTopic> topics = List.of(new NewTopic(settings.topic(), Optional.of(settings.partitions()),
          Optional.empty()), new NewTopic(deadLetterTopic, Optional.of(1), Optional.empty()));
      for (var entry : admin.createTopics(topics).values().entrySet()) {
        try {
          entry.getValue().get(settings.ackTimeout().toMillis(), TimeUnit.MILLISECONDS);
          LOG.info("live events: created the Kafka topic {}", entry.getKey());
        } catch (ExecutionException e) {
          if (!(e.getCause() instanceof TopicExistsException)) {
            LOG.warn("live events: could not create the Kafka topic {} ({}); expecting it to exist", entry.getKey(),
                e.getCause().toString());
          }
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (Exception e) {
      LOG.warn("live events: could not create the Kafka topics ({}); expecting them to exist", e.toString());
    } finally {
      topicReady.complete(null);
    }
  }

  private void deliver(ConsumerRecord<String, byte[]> r) {
    TopicPartition tp = new TopicPartition(r.topic(), r.partition());
    StoredEvent e = null;
    if (r.key() != null && r.key().startsWith(identifier + KEY_SEPARATOR) && r.value() != null) {
      try {
        e = StoredEvent.fromBytes(r.value()).withOffset(position(r.partition(), r.offset()));
      } catch (RuntimeException ex) {
        LOG.warn("live events: record {}@{} of {} is not a stored event; skipped", r.offset(), r.partition(),
            r.topic());
      }
    }
    synchronized (lock) {
      delivered.put(tp, r.offset() + 1);
      if (e != null) {
        pending.put(e.offset(), e);
        if (subscriber != null) {
          subscriber.accept(e);
        }
      }
    }
  }

  private void flowControl() {
    int depth = depth();
    if (depth > MAX_PENDING) {
      // Again each time: partitions assigned since the last pause must not fetch either.
      consumer.pause(consumer.assignment());
      paused = true;
    } else if (paused && depth < MAX_PENDING / 2) {
      consumer.resume(consumer.assignment());
      paused = false;
    }
  }

  /** Where each delivered partition may be committed: its lowest event not done, else past everything delivered. */
  private Map<TopicPartition, OffsetAndMetadata> committable(Collection<TopicPartition> partitions) {
    Map<TopicPartition, OffsetAndMetadata> out = new HashMap<>();
    synchronized (lock) {
      for (TopicPartition tp : partitions) {
        Long next = delivered.get(tp);
        if (next == null) {
          continue;
        }
        long at = lowestPending(tp).orElse(next);
        if (!Long.valueOf(at).equals(committed.get(tp))) {
          out.put(tp, new OffsetAndMetadata(at));
        }
      }
    }
    return out;
  }

  private void commit(boolean sync) {
    long now = System.nanoTime();
    if (!sync && now - lastCommitNanos < COMMIT_EVERY.toNanos()) {
      return;
    }
    lastCommitNanos = now;
    Map<TopicPartition, OffsetAndMetadata> offsets = committable(consumer.assignment());
    if (offsets.isEmpty()) {
      return;
    }
    if (sync) {
      consumer.commitSync(offsets, Duration.ofSeconds(5));
      offsets.forEach((tp, o) -> committed.put(tp, o.offset()));
    } else {
      consumer.commitAsync(offsets, (done, failure) -> {
        if (failure == null) {
          done.forEach((tp, o) -> committed.put(tp, o.offset()));
        } else {
          LOG.debug("live events: an offset commit failed (retried): {}", failure.toString());
        }
      });
    }
  }

  private void measureLag() {
    long now = System.nanoTime();
    if (now - lastLagNanos < LAG_EVERY.toNanos()) {
      return;
    }
    lastLagNanos = now;
    Set<TopicPartition> partitions = consumer.assignment();
    assigned = partitions.stream().map(TopicPartition::partition).sorted().toList();
    try {
      Map<TopicPartition, Long> ends = consumer.endOffsets(partitions, Duration.ofSeconds(2));
      Map<TopicPartition, Long> from = new HashMap<>();
      for (TopicPartition tp : partitions) {
        from.put(tp, consumer.position(tp, Duration.ofSeconds(2)));
      }
      synchronized (lock) {
        for (TopicPartition tp : partitions) {
          lowestPending(tp).ifPresent(at -> from.put(tp, at));
        }
      }
      long total = 0;
      for (var end : ends.entrySet()) {
        total += Math.max(0, end.getValue() - from.getOrDefault(end.getKey(), end.getValue()));
      }
      lag = total;
    } catch (KafkaException e) {
      lag = -1;
    }
  }

  /** Drops what this node held of {@code partitions} (they now belong to another member). */
  private void release(Collection<TopicPartition> partitions) {
    synchronized (lock) {
      for (TopicPartition tp : partitions) {
        pending.subMap(position(tp.partition(), 0), position(tp.partition() + 1, 0)).clear();
        delivered.remove(tp);
      }
    }
    partitions.forEach(committed::remove);
  }

  private final class Rebalance implements ConsumerRebalanceListener {

    @Override
    public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
      if (partitions.isEmpty()) {
        return;
      }
      long deadline = System.nanoTime() + revokeDrain.toNanos();
      synchronized (lock) {
        while (!closed && partitions.stream().anyMatch(KafkaLiveEventLog.this::hasPending)
            && System.nanoTime() < deadline) {
          try {
            lock.wait(Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())));
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            break;
          }
        }
      }
      try {
        Map<TopicPartition, OffsetAndMetadata> offsets = committable(partitions);
        if (!offsets.isEmpty()) {
          consumer.commitSync(offsets, Duration.ofSeconds(5));
        }
      } catch (KafkaException e) {
        LOG.warn("live events: committing revoked partitions failed (their events are handled again): {}",
            e.toString());
      }
      release(partitions);
    }

    @Override
    public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
      if (!partitions.isEmpty()) {
        LOG.info("live events: this node now processes partitions {} of {}",
            partitions.stream().map(TopicPartition::partition).sorted().toList(), settings.topic());
      }
    }

    @Override
    public void onPartitionsLost(Collection<TopicPartition> partitions) {
      release(partitions);
    }
  }

  private boolean hasPending(TopicPartition tp) {
    return lowestPending(tp).isPresent();
  }

  /** Kafka's offset of the lowest event of {@code tp} handed out and not done; the caller holds the lock. */
  private OptionalLong lowestPending(TopicPartition tp) {
    Long lowest = pending.ceilingKey(position(tp.partition(), 0));
    return lowest != null && lowest < position(tp.partition() + 1, 0)
        ? OptionalLong.of(lowest & OFFSET_MASK) : OptionalLong.empty();
  }

  // ---- client properties ------------------------------------------------------------------------------------

  private Map<String, Object> commonProperties() {
    Map<String, Object> p = new HashMap<>();
    p.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, settings.bootstrapServers());
    p.put(CommonClientConfigs.CLIENT_ID_CONFIG, "oceanj-live-" + identifier);
    if (settings.securityEnabled()) {
      p.put(CommonClientConfigs.SECURITY_PROTOCOL_CONFIG, settings.securityProtocol());
      p.put("sasl.mechanism", settings.saslMechanism());
      String module = settings.saslMechanism().startsWith("SCRAM")
          ? "org.apache.kafka.common.security.scram.ScramLoginModule"
          : "org.apache.kafka.common.security.plain.PlainLoginModule";
      p.put("sasl.jaas.config", module + " required username=\"" + jaasEscape(settings.username().orElse(""))
          + "\" password=\"" + jaasEscape(settings.password().map(Secret::reveal).orElse("")) + "\";");
    }
    p.putAll(settings.client());
    return p;
  }

  private Map<String, Object> producerProperties() {
    Map<String, Object> p = commonProperties();
    long ack = settings.ackTimeout().toMillis();
    p.putIfAbsent(ProducerConfig.LINGER_MS_CONFIG, "2");
    // delivery.timeout.ms must cover linger.ms + request.timeout.ms.
    p.putIfAbsent(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, String.valueOf(Math.max(500, ack / 2)));
    p.putIfAbsent(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, String.valueOf(Math.max(1000, ack)));
    p.putIfAbsent(ProducerConfig.MAX_BLOCK_MS_CONFIG, String.valueOf(ack));
    // The acknowledgement must mean "stored": these are not the client's to loosen.
    p.put(ProducerConfig.ACKS_CONFIG, "all");
    p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
    return p;
  }

  private Map<String, Object> consumerProperties() {
    Map<String, Object> p = commonProperties();
    p.put(ConsumerConfig.GROUP_ID_CONFIG, group);
    p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    // A new group must not skip events acknowledged before it first joined.
    p.putIfAbsent(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    p.putIfAbsent(ConsumerConfig.PARTITION_ASSIGNMENT_STRATEGY_CONFIG,
        "org.apache.kafka.clients.consumer.CooperativeStickyAssignor");
    p.putIfAbsent(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "500");
    return p;
  }

  private static String jaasEscape(String value) {
    return value.replace("\\", "\\\\").replace("\"", "\\\"");
  }
}
