package dev.oceanj.core.config;

import com.typesafe.config.Config;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.List;

/**
 * Processing of live events from third-party webhooks ({@code ocean.live-events}).
 *
 * @param maxEventProcessing time budget of one event, retries included
 * @param maxRetries retries of a processor that failed with a retriable error
 * @param retryBaseDelay first wait before a retry, doubled per retry
 * @param retryMaxDelay cap of one wait
 * @param workers workers per webhook path
 * @param maxBodySize largest event body accepted, in bytes
 * @param shutdownDrain how long queued events may drain at shutdown
 * @param inMemory keep acknowledged events in memory only instead of the durable intake under the data dir
 * @param intake where acknowledged events are stored: this node's log under the data dir, or a shared Kafka topic
 * @param kafka the Kafka log's settings (read always, used with {@link Intake#KAFKA})
 */
public record LiveEventSettings(
    Duration maxEventProcessing,
    int maxRetries,
    Duration retryBaseDelay,
    Duration retryMaxDelay,
    int workers,
    long maxBodySize,
    Duration shutdownDrain,
    boolean inMemory,
    Intake intake,
    LiveEventKafkaSettings kafka) {

  /** Where the webhooks a node acknowledges are stored before they are processed ({@code ocean.live-events.intake}). */
  public enum Intake {
    /** This node's durable log under {@code ocean.data-dir} (lost with the node's disk). */
    LOCAL,
    /** A Kafka topic shared by every node, consumed as one consumer group (survives the loss of a node). */
    KAFKA
  }

  /** The local intake (the shipped {@code intake = local}). */
  public LiveEventSettings(Duration maxEventProcessing, int maxRetries, Duration retryBaseDelay, Duration retryMaxDelay,
      int workers, long maxBodySize, Duration shutdownDrain, boolean inMemory) {
    this(maxEventProcessing, maxRetries, retryBaseDelay, retryMaxDelay, workers, maxBodySize, shutdownDrain, inMemory,
        Intake.LOCAL, LiveEventKafkaSettings.plain("localhost:9092"));
  }

  /** The same settings with the Kafka intake on {@code kafka}. */
  public LiveEventSettings withKafka(LiveEventKafkaSettings kafka) {
    return new LiveEventSettings(maxEventProcessing, maxRetries, retryBaseDelay, retryMaxDelay, workers, maxBodySize,
        shutdownDrain, false, Intake.KAFKA, kafka);
  }

  /** Durable intake (the shipped {@code in-memory = false}). */
  public LiveEventSettings(Duration maxEventProcessing, int maxRetries, Duration retryBaseDelay, Duration retryMaxDelay,
      int workers, long maxBodySize, Duration shutdownDrain) {
    this(maxEventProcessing, maxRetries, retryBaseDelay, retryMaxDelay, workers, maxBodySize, shutdownDrain, false);
  }

  /** Reads {@code ocean.live-events} from a root config (defaults already merged in). */
  public static LiveEventSettings fromConfig(Config config) {
    ConfigReader r = new ConfigReader(OceanKeys.normalize(config, null));
    LiveEventSettings s = read(r);
    r.throwIfProblems();
    return s;
  }

  static LiveEventSettings read(ConfigReader r) {
    String p = "ocean.live-events.";
    Duration one = Duration.ofSeconds(1);
    Intake intake = r.choice(p + "intake", v -> v.equals("LOCAL") ? Intake.LOCAL : v.equals("KAFKA") ? Intake.KAFKA
        : null, List.of("local", "kafka"), Intake.LOCAL);
    return new LiveEventSettings(
        r.duration(p + "max-event-processing", ChronoUnit.SECONDS, Duration.ofSeconds(90)),
        r.integer(p + "max-retries", 0, 1000, 3),
        r.duration(p + "retry-base-delay", ChronoUnit.SECONDS, one),
        r.duration(p + "retry-max-delay", ChronoUnit.SECONDS, one),
        r.integer(p + "workers", 1, 1024, 1),
        r.bytes(p + "max-body-size", 1, 10L << 20),
        r.duration(p + "shutdown-drain", ChronoUnit.SECONDS, Duration.ofSeconds(5)),
        r.bool(p + "in-memory", false),
        intake,
        LiveEventKafkaSettings.read(r, intake == Intake.KAFKA));
  }
}
