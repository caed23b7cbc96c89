package dev.oceanj.actors.trigger.kafka;

import dev.oceanj.actors.resync.ResyncProtocol;
import dev.oceanj.actors.resync.ResyncProtocol.ResyncAccepted;
import dev.oceanj.actors.resync.ResyncProtocol.StartResync;
import dev.oceanj.actors.resync.ResyncProtocol.WhenRunning;
import dev.oceanj.actors.trigger.TriggerInfo;
import dev.oceanj.core.port.PortOrganization;
import dev.oceanj.core.port.PortClient.KafkaCredentials;
import dev.oceanj.core.port.PortClient.Organization;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.pekko.Done;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.PostStop;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;
import org.apache.pekko.kafka.CommitterSettings;
import org.apache.pekko.kafka.ConsumerMessage;
import org.apache.pekko.kafka.ConsumerMessage.CommittableOffsetBatch;
import org.apache.pekko.kafka.ConsumerSettings;
import org.apache.pekko.kafka.RestrictedConsumer;
import org.apache.pekko.kafka.Subscriptions;
import org.apache.pekko.kafka.javadsl.Committer;
import org.apache.pekko.kafka.javadsl.Consumer;
import org.apache.pekko.kafka.javadsl.PartitionAssignmentHandler;

/**
 * The KAFKA connection mode: consumes Port's per-organisation topic ({@code {orgId}.change.log}, or
 * {@code {orgId}.integration.resync.requests} when the organisation has the feature flag
 * {@value #RESYNC_REQUESTS_FLAG}) in the consumer group {@code {orgId}.{type}.{identifier}}, and asks the supervisor
 * for a resync for each message that {@link KafkaMessageFilter} says is for this integration.
 *
 * <p>Lifecycle: resolve (organisation id and flags, and SASL credentials from Port unless configured) via
 * {@code pipeToSelf}, then run a committable-source stream whose completion comes back to this actor; a failed
 * resolution or a stream that ends is restarted after {@code restart-backoff}. Nothing blocks the actor.
 *
 * <p>Delivery, deliberately unlike Ocean (which commits every message before handling it, so a crash loses the
 * trigger): a message's offset is committed only after the supervisor has <em>accepted</em> the resync it asks
 * for. If the process dies or the supervisor does not answer in time, the message stays uncommitted and is read
 * again (at least once). Requests are {@code QUEUE}d, and messages that arrive while the previous one waits for
 * acceptance are collapsed into one request, so a burst yields one more resync, not one per message.
 *
 * <p>When the group's partitions all belong to another consumer, this instance says so and stays on standby: it
 * takes over when the other instance leaves (Ocean exits instead).
 */
public final class KafkaTrigger extends AbstractBehavior<KafkaTrigger.Command> {

  /** The organisation feature flag that moves resync requests to their own topic. */
  public static final String RESYNC_REQUESTS_FLAG = "OCEAN_KAFKA_INTEGRATION_RESYNC_REQUESTS_TOPIC_ENABLED";

  /** Messages of the Kafka trigger. */
  public sealed interface Command {}

  /** Asks for this trigger's facts for {@code /status}. */
  public record Describe(ActorRef<TriggerInfo> replyTo) implements Command {}

  /**
   * What the trigger needs from Port: the organisation (id, feature flags) and the Kafka credentials.
   * {@link #of(PortOrganization)} is the usual instance.
   */
  public record PortAccess(
      Supplier<CompletionStage<Organization>> organization,
      Supplier<CompletionStage<Optional<KafkaCredentials>>> credentials) {
    public static PortAccess of(PortOrganization port) {
      return new PortAccess(port::organization, port::kafkaCredentials);
    }
  }

  /** Where this integration consumes. */
  record Target(String topic, String groupId, ConsumerSettings<String, byte[]> consumerSettings) {}

  private record Resolved(Target target) implements Command {}

  private record ResolveFailed(Throwable cause) implements Command {}

  private enum Restart implements Command { INSTANCE }

  private record StreamEnded(long generation, Throwable failure) implements Command {}

  private record Assigned(long generation, Set<TopicPartition> partitions) implements Command {}

  private record Revoked(long generation, Set<TopicPartition> partitions) implements Command {}

  private record Requested(ResyncAccepted accepted, int messages) implements Command {}

  private record Ignored(int messages, String reason) implements Command {}

  private enum Read implements Command { INSTANCE }

  /** Offsets read since the last request, and how many of them ask for a resync. */
  private record Pending(CommittableOffsetBatch offsets, int messages, int resyncRequests, String lastReason) {
    Pending merge(Pending next) {
      return new Pending(offsets.updated(next.offsets), messages + next.messages, resyncRequests + next.resyncRequests,
          next.lastReason);
    }
  }

  private final ActorRef<ResyncProtocol.Command> supervisor;
  private final KafkaSettings settings;
  private final PortAccess port;
  private final String integrationType;
  private final String integrationId;
  private final KafkaMessageFilter filter;
  private final TimerScheduler<Command> timers;

  private String state = "resolving";
  private Target target;
  private Consumer.DrainingControl<Done> control;
  private long generation;
  private final Set<TopicPartition> assigned = new TreeSet<>((a, b) -> a.toString().compareTo(b.toString()));
  private boolean standbyReported;
  private long read;
  private long messages;
  private long ignored;
  private long resyncsRequested;
  private String lastError;

  private KafkaTrigger(
      ActorContext<Command> context,
      TimerScheduler<Command> timers,
      ActorRef<ResyncProtocol.Command> supervisor,
      KafkaSettings settings,
      PortAccess port,
      String integrationType,
      String integrationId) {
    super(context);
    this.timers = timers;
    this.supervisor = supervisor;
    this.settings = settings;
    this.port = port;
    this.integrationType = integrationType;
    this.integrationId = integrationId;
    this.filter = new KafkaMessageFilter(integrationId);
  }

  /**
   * @param supervisor the integration's supervisor
   * @param settings brokers, security, timeouts
   * @param port organisation and credentials lookups
   * @param integrationType Ocean's {@code ocean.integration.type} (part of the group id)
   * @param integrationId Ocean's {@code ocean.integration.identifier}
   */
  public static Behavior<Command> create(
      ActorRef<ResyncProtocol.Command> supervisor,
      KafkaSettings settings,
      PortAccess port,
      String integrationType,
      String integrationId) {
    return Behaviors.setup(context -> Behaviors.withTimers(timers -> {
      KafkaTrigger trigger = new KafkaTrigger(context, timers, supervisor, settings, port, integrationType, integrationId);
      trigger.resolve();
      return trigger;
    }));
  }

  @Override
  public Receive<Command> createReceive() {
    return newReceiveBuilder()
        .onMessage(Resolved.class, this::onResolved)
        .onMessage(ResolveFailed.class, this::onResolveFailed)
        .onMessageEquals(Restart.INSTANCE, this::onRestart)
        .onMessage(StreamEnded.class, this::onStreamEnded)
        .onMessage(Assigned.class, this::onAssigned)
        .onMessage(Revoked.class, this::onRevoked)
        .onMessage(Requested.class, this::onRequested)
        .onMessage(Ignored.class, this::onIgnored)
        .onMessageEquals(Read.INSTANCE, this::onRead)
        .onMessage(Describe.class, this::onDescribe)
        .onSignal(PostStop.class, signal -> onPostStop())
        .build();
  }

  private void resolve() {
    state = "resolving";
    CompletionStage<Target> resolved;
    try {
      resolved = port.organization().get().thenCompose(org -> credentials().thenApply(creds -> target(org, creds)));
    } catch (RuntimeException e) {
      resolved = CompletableFuture.failedFuture(e);
    }
    getContext().pipeToSelf(resolved, (t, failure) -> failure == null ? new Resolved(t) : new ResolveFailed(failure));
  }

  private CompletionStage<Optional<KafkaCredentials>> credentials() {
    if (!settings.securityEnabled()) {
      return CompletableFuture.completedFuture(Optional.empty());
    }
    if (settings.username().isPresent() && settings.password().isPresent()) {
      return CompletableFuture.completedFuture(
          Optional.of(new KafkaCredentials(settings.username().get(), settings.password().get())));
    }
    return port.credentials().get().thenApply(creds -> {
      if (creds.isEmpty()) {
        throw new IllegalStateException("Port has no Kafka credentials for this organisation (GET /v1/kafka-credentials);"
            + " set ocean.event-listener.kafka.username/password or disable kafka-security-enabled");
      }
      return creds;
    });
  }

  private Target target(Organization org, Optional<KafkaCredentials> creds) {
    String topic = org.featureFlags().contains(RESYNC_REQUESTS_FLAG)
        ? org.id() + ".integration.resync.requests"
        : org.id() + ".change.log";
    // Ocean uses "no-security" as the group when security is off, which makes every integration share one group;
    // the org/type/identifier group keeps them apart in both cases.
    String groupId = settings.groupId().orElse(org.id() + "." + integrationType + "." + integrationId);
    ConsumerSettings<String, byte[]> consumer = ConsumerSettings
        .create(getContext().getSystem(), new StringDeserializer(), new ByteArrayDeserializer())
        .withBootstrapServers(settings.bootstrapServers())
        .withGroupId(groupId)
        .withClientId("oceanj-" + integrationId)
        .withStopTimeout(java.time.Duration.ZERO)
        .withProperty(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false")
        .withProperty(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, settings.autoOffsetReset())
        .withProperty(ConsumerConfig.PARTITION_ASSIGNMENT_STRATEGY_CONFIG,
            "org.apache.kafka.clients.consumer.CooperativeStickyAssignor");
    if (creds.isPresent()) {
      consumer = consumer
          .withProperty("security.protocol", settings.securityProtocol())
          .withProperty("sasl.mechanism", settings.saslMechanism())
          .withProperty("sasl.jaas.config", "org.apache.kafka.common.security.scram.ScramLoginModule required username=\""
              + jaasEscape(creds.get().username()) + "\" password=\"" + jaasEscape(creds.get().password()) + "\";");
    }
    consumer = consumer.withProperties(settings.clientProperties());
    return new Target(topic, groupId, consumer);
  }

  private static String jaasEscape(String value) {
    return value.replace("\\", "\\\\").replace("\"", "\\\"");
  }

  private Behavior<Command> onResolved(Resolved resolved) {
    target = resolved.target();
    lastError = null;
    generation++;
    long gen = generation;
    ActorRef<Command> self = getContext().getSelf();
    var handler = new PartitionAssignmentHandler() {
      @Override
      public void onRevoke(Set<TopicPartition> revoked, RestrictedConsumer consumer) {
        self.tell(new Revoked(gen, Set.copyOf(revoked)));
      }

      @Override
      public void onAssign(Set<TopicPartition> added, RestrictedConsumer consumer) {
        self.tell(new Assigned(gen, Set.copyOf(added)));
      }

      @Override
      public void onLost(Set<TopicPartition> lost, RestrictedConsumer consumer) {
        self.tell(new Revoked(gen, Set.copyOf(lost)));
      }

      @Override
      public void onStop(Set<TopicPartition> current, RestrictedConsumer consumer) {}
    };
    var system = getContext().getSystem();
    control = Consumer
        .committableSource(target.consumerSettings(), Subscriptions.topics(target.topic()).withPartitionAssignmentHandler(handler))
        .map(msg -> {
          self.tell(Read.INSTANCE);
          return pending(filter, msg);
        })
        .batch(10_000, first -> first, Pending::merge)
        .mapAsync(1, pending -> request(pending, self, supervisor, settings.acceptTimeout(), system.scheduler()))
        .toMat(Committer.sink(CommitterSettings.create(system).withMaxBatch(1)), Consumer::createDrainingControl)
        .run(system);
    getContext().pipeToSelf(control.streamCompletion(), (done, failure) -> new StreamEnded(gen, failure));
    state = "joining";
    assigned.clear();
    standbyReported = false;
    getContext().getLog().info("KAFKA: consuming {} as group {} from {}", target.topic(), target.groupId(),
        settings.bootstrapServers());
    return this;
  }

  private static Pending pending(KafkaMessageFilter filter, ConsumerMessage.CommittableMessage<String, byte[]> msg) {
    KafkaMessageFilter.Decision decision = filter.decide(msg.record().topic(), msg.record().value());
    return new Pending(ConsumerMessage.createCommittableOffsetBatch(msg.committableOffset()), 1,
        decision.resync() ? 1 : 0, decision.reason());
  }

  /**
   * Runs on the stream, so it touches no actor state: completes with the offsets to commit once the supervisor
   * accepted the resync (at once when no message asked for one).
   */
  private static CompletionStage<CommittableOffsetBatch> request(
      Pending pending,
      ActorRef<Command> self,
      ActorRef<ResyncProtocol.Command> supervisor,
      java.time.Duration timeout,
      org.apache.pekko.actor.typed.Scheduler scheduler) {
    if (pending.resyncRequests() == 0) {
      self.tell(new Ignored(pending.messages(), pending.lastReason()));
      return CompletableFuture.completedFuture(pending.offsets());
    }
    CompletionStage<ResyncAccepted> accepted = AskPattern.ask(
        supervisor,
        replyTo -> new StartResync("kafka", WhenRunning.QUEUE, replyTo, null),
        timeout,
        scheduler);
    return accepted.thenApply(a -> {
      self.tell(new Requested(a, pending.messages()));
      return pending.offsets();
    });
  }

  private Behavior<Command> onResolveFailed(ResolveFailed failed) {
    lastError = String.valueOf(failed.cause().getMessage());
    state = "retrying";
    getContext().getLog().warn("KAFKA: cannot start the consumer ({}); retrying in {}", lastError,
        settings.restartBackoff());
    timers.startSingleTimer(Restart.INSTANCE, settings.restartBackoff());
    return this;
  }

  private Behavior<Command> onRestart() {
    resolve();
    return this;
  }

  private Behavior<Command> onStreamEnded(StreamEnded ended) {
    if (ended.generation() != generation) {
      return this;
    }
    control = null;
    assigned.clear();
    state = "restarting";
    lastError = ended.failure() == null ? "consumer stopped" : String.valueOf(ended.failure().getMessage());
    getContext().getLog().warn("KAFKA: the consumer ended ({}); messages not yet accepted stay uncommitted and are read"
        + " again; restarting in {}", lastError, settings.restartBackoff());
    timers.startSingleTimer(Restart.INSTANCE, settings.restartBackoff());
    return this;
  }

  private Behavior<Command> onAssigned(Assigned msg) {
    if (msg.generation() != generation) {
      return this;
    }
    assigned.addAll(msg.partitions());
    if (assigned.isEmpty()) {
      state = "standby";
      if (!standbyReported) {
        standbyReported = true;
        getContext().getLog().warn("KAFKA: no partition of {} is assigned to this instance: another instance of"
            + " integration '{}' holds consumer group {}. This one stays on standby and takes over if that one stops.",
            target.topic(), integrationId, target.groupId());
      }
    } else {
      state = "consuming";
      standbyReported = false;
      getContext().getLog().info("KAFKA: assigned {}", assigned);
    }
    return this;
  }

  private Behavior<Command> onRevoked(Revoked msg) {
    if (msg.generation() == generation) {
      assigned.removeAll(msg.partitions());
      if (assigned.isEmpty() && control != null) {
        state = "joining";
      }
    }
    return this;
  }

  private Behavior<Command> onRequested(Requested msg) {
    messages += msg.messages();
    resyncsRequested++;
    getContext().getLog().info("KAFKA: {} message(s) asked for a resync: {} {}", msg.messages(),
        msg.accepted().resyncId(), msg.accepted().disposition());
    return this;
  }

  private Behavior<Command> onRead() {
    read++;
    return this;
  }

  private Behavior<Command> onIgnored(Ignored msg) {
    messages += msg.messages();
    ignored += msg.messages();
    getContext().getLog().debug("KAFKA: {} message(s) ignored ({})", msg.messages(), msg.reason());
    return this;
  }

  private Behavior<Command> onDescribe(Describe describe) {
    var details = new LinkedHashMap<String, Object>();
    details.put("state", state);
    details.put("brokers", settings.bootstrapServers());
    details.put("topic", target == null ? null : target.topic());
    details.put("groupId", target == null ? null : target.groupId());
    var partitions = new ArrayList<String>();
    assigned.forEach(tp -> partitions.add(tp.toString()));
    details.put("assignedPartitions", partitions);
    details.put("read", read);
    details.put("messages", messages);
    details.put("ignored", ignored);
    details.put("resyncsRequested", resyncsRequested);
    details.put("lastError", lastError);
    describe.replyTo().tell(new TriggerInfo("KAFKA", details));
    return this;
  }

  private Behavior<Command> onPostStop() {
    if (control != null) {
      // No drain: a message whose resync was not accepted yet must stay uncommitted, to be read again.
      control.shutdown();
    }
    return this;
  }
}
