package dev.oceanj.runtime.telemetry;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.UnsynchronizedAppenderBase;
import dev.oceanj.cluster.sharding.InstanceEntity;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.LoggerFactory;

/**
 * Host mode's log shipping (Port's integration logs): one appender on the root logger hands each line to the
 * {@link LogShipper} of the instance it belongs to, which batches, bounds, masks and sends it to that integration's
 * {@code logAttributes.ingestUrl} exactly as a single instance's shipper does.
 *
 * <p>A line belongs to an instance when it was logged
 * <ul>
 *   <li>with the MDC key {@value #MDC_KEY} set to its identifier (the host sets it while it prepares an instance:
 *       the integration's start hooks, its set-up in Port), or</li>
 *   <li>by an actor of the instance's subtree: Pekko's {@code pekkoSource} MDC is a path under
 *       {@code /user/instance-<identifier>[-<generation>]} (the guardian's names for instance actors), or in cluster
 *       mode under its sharded entity {@code /system/sharding/integration-instance/<shard>/<identifier>}, which
 *       covers the supervisor, the resyncs, the kind workers, the triggers and the live-event dispatcher.</li>
 * </ul>
 * Every other line (the HTTP server, reloads, Pekko itself, a stream or pool thread that carries no instance) is a
 * host line and goes to no instance: it may concern any one of them or none, and shipping it to all would put one
 * instance's lines in the others' logs. Host lines stay on the console. A path that could name two instances (one
 * identifier is another's followed by {@code -<digits>}) is shipped to neither.
 *
 * <p>Every shipper masks the sensitive values of every instance, so no instance's secret reaches any log in Port.
 * The router itself takes no lock (logging threads of different instances do not wait for each other here); each
 * shipper only puts the line in its bounded queue.
 */
public final class InstanceLogs extends UnsynchronizedAppenderBase<ILoggingEvent> {

  /** MDC key naming the integration instance a line belongs to. */
  public static final String MDC_KEY = "integration";
  private static final String ACTOR_PREFIX = "instance-";
  private static final String USER = "/user/";
  /** Cluster mode: an instance runs under its sharded entity, {@code <this>/<shard>/<identifier>/...}. */
  private static final String SHARDED = "/system/sharding/" + InstanceEntity.TYPE_KEY.name() + "/";

  private final Map<String, LogShipper> shippers = new ConcurrentHashMap<>();
  private final Map<String, Set<String>> secrets = new ConcurrentHashMap<>();
  private volatile Set<String> allSecrets = Set.of();

  private InstanceLogs() {}

  /**
   * Attaches a router (shipping nothing until an instance is added) to the root logger; with a logging backend other
   * than logback, a router that is attached nowhere (and ships nothing).
   */
  public static InstanceLogs install() {
    InstanceLogs logs = new InstanceLogs();
    if (LoggerFactory.getILoggerFactory() instanceof LoggerContext context) {
      logs.setContext(context);
      logs.setName("oceanj-port-logs-per-instance");
      logs.start();
      context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME).addAppender(logs);
    }
    return logs;
  }

  /**
   * Ships {@code identifier}'s lines through {@code ingest} (its integration's log URL) from now on.
   *
   * @param secrets its values to mask (Port's credentials, its sensitive settings); every shipper masks all
   * @return stops it: sends what is queued (within {@code flush}), then ships nothing more of that instance
   */
  public Runnable add(String identifier, IngestClient ingest, int queueSize, Set<String> secrets, Duration flush) {
    if (!isStarted()) {
      return () -> { };
    }
    this.secrets.put(identifier, Set.copyOf(secrets));
    refreshSecrets();
    LogShipper shipper = new LogShipper(ingest, queueSize, () -> allSecrets);
    shipper.open("oceanj-port-logs-" + identifier);
    LogShipper previous = shippers.put(identifier, shipper);
    if (previous != null) {
      previous.close(flush);
    }
    return () -> {
      if (shippers.remove(identifier, shipper)) {
        shipper.close(flush);
        this.secrets.remove(identifier);
        refreshSecrets();
      }
    };
  }

  private synchronized void refreshSecrets() {
    Set<String> all = new HashSet<>();
    secrets.values().forEach(all::addAll);
    allSecrets = Set.copyOf(all);
  }

  @Override
  protected void append(ILoggingEvent e) {
    if (shippers.isEmpty()) {
      return;
    }
    owner(e.getMDCPropertyMap(), shippers.keySet()).map(shippers::get).ifPresent(s -> s.doAppend(e));
  }

  /** The instance a line belongs to, among {@code identifiers}, if exactly one. */
  static Optional<String> owner(Map<String, String> mdc, Set<String> identifiers) {
    String named = mdc.get(MDC_KEY);
    if (named != null) {
      return identifiers.contains(named) ? Optional.of(named) : Optional.empty();
    }
    String source = mdc.get("pekkoSource");
    int sharded = source == null ? -1 : source.indexOf(SHARDED);
    if (sharded >= 0) {
      String[] shardAndEntity = source.substring(sharded + SHARDED.length()).split("/", 3);
      return shardAndEntity.length < 2 ? Optional.empty() : identifiers.stream()
          .filter(id -> URLEncoder.encode(id, StandardCharsets.UTF_8).equals(shardAndEntity[1])).findFirst();
    }
    int user = source == null ? -1 : source.indexOf(USER);
    if (user < 0) {
      return Optional.empty();
    }
    int from = user + USER.length();
    int to = source.indexOf('/', from);
    String actor = source.substring(from, to < 0 ? source.length() : to);
    if (!actor.startsWith(ACTOR_PREFIX)) {
      return Optional.empty();
    }
    String name = actor.substring(ACTOR_PREFIX.length());
    Optional<String> found = Optional.empty();
    for (String id : identifiers) {
      String encoded = URLEncoder.encode(id, StandardCharsets.UTF_8);
      boolean match = name.equals(encoded) || (name.startsWith(encoded + "-")
          && name.substring(encoded.length() + 1).chars().allMatch(Character::isDigit)
          && name.length() > encoded.length() + 1);
      if (match && found.isPresent()) {
        return Optional.empty();
      }
      if (match) {
        found = Optional.of(id);
      }
    }
    return found;
  }

  /** Detaches from the root logger and closes every shipper (each sends what it holds within {@code flush}). */
  public void close(Duration flush) {
    if (getContext() instanceof LoggerContext context) {
      context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME).detachAppender(this);
    }
    stop();
    shippers.values().forEach(s -> s.close(flush));
    shippers.clear();
  }
}
