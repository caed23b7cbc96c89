package dev.oceanj.runtime.telemetry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.oceanj.actors.resync.ResyncProtocol;
import dev.oceanj.actors.resync.ResyncProtocol.Outcome;
import dev.oceanj.actors.resync.ResyncProtocol.ResyncFinished;
import dev.oceanj.actors.resync.ResyncProtocol.ResyncProgress;
import dev.oceanj.actors.resync.ResyncProtocol.Status;
import dev.oceanj.core.sync.KindResult;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Ocean's sync status in Port (ocean-deploy-reference.md §9.1-9.2): each resync's per-kind and per-resync figures go
 * to {@code {metricAttributes.ingestUrl}/syncMetrics} in Ocean's order (all kinds at the start, {@code __runtime__}
 * syncing, each kind's start and end, {@code __reconciliation__}, {@code __runtime__} with the final state), and
 * while a resync runs a heartbeat goes to {@code /heartbeat} every {@code ocean.telemetry.heartbeat-interval}.
 *
 * <p>It watches the supervisor's status (polled, as {@code ProgressReporter} does, so the supervisor's protocol stays
 * as it is); the figures are the resync's own counters. Calls leave one after another, off the actors' threads; a
 * failure is logged and never touches the resync. {@link #stop()} reports what is left (a ONCE run ends only after
 * its last figures left).
 */
public final class SyncTelemetry {

  private static final Logger LOG = LoggerFactory.getLogger(SyncTelemetry.class);
  private static final Duration POLL = Duration.ofMillis(500);

  /** Who reports: the integration and the versions. */
  public record Identity(String integrationType, String integrationIdentifier, String integrationVersion,
      String oceanVersion) {}

  private final IngestClient ingest;
  private final Identity identity;
  private final Duration heartbeatInterval;
  private final Duration askTimeout;
  private final ScheduledExecutorService executor = Executors.newSingleThreadScheduledExecutor(r -> {
    Thread t = new Thread(r, "oceanj-telemetry");
    t.setDaemon(true);
    return t;
  });
  // State below: only on the executor's thread.
  private CompletableFuture<Void> chain = CompletableFuture.completedFuture(null);
  private ActorRef<ResyncProtocol.Command> supervisor;
  private ActorSystem<?> system;
  private String syncState = "pending";
  private volatile String eventId;
  private volatile boolean polling;
  private String lastFinished;
  private final Set<Integer> started = new HashSet<>();
  private final Set<Integer> ended = new HashSet<>();
  private final Map<Integer, Long> startedAtNanos = new HashMap<>();
  private Map<Integer, String> blueprints = Map.of();

  /** @param askTimeout {@code ocean.timeouts.ask}: how long one status poll of the supervisor may take */
  public SyncTelemetry(IngestClient ingest, Identity identity, Duration heartbeatInterval, Duration askTimeout) {
    this.ingest = ingest;
    this.identity = identity;
    this.heartbeatInterval = heartbeatInterval;
    this.askTimeout = askTimeout;
  }

  /**
   * A telemetry like this one, not started: one is started and stopped once, and an instance that starts again
   * (cluster mode: it moved back to this node) needs another.
   */
  public SyncTelemetry renewed() {
    return new SyncTelemetry(ingest, identity, heartbeatInterval, askTimeout);
  }

  /** Starts watching {@code supervisor} and the heartbeat loop. */
  public void start(ActorSystem<?> system, ActorRef<ResyncProtocol.Command> supervisor) {
    executor.execute(() -> {
      this.system = system;
      this.supervisor = supervisor;
    });
    executor.scheduleWithFixedDelay(() -> {
      if (!polling) {
        polling = true;
        poll().whenComplete((v, e) -> polling = false);
      }
    }, POLL.toMillis(), POLL.toMillis(), TimeUnit.MILLISECONDS);
    executor.scheduleAtFixedRate(this::heartbeat, heartbeatInterval.toMillis(), heartbeatInterval.toMillis(),
        TimeUnit.MILLISECONDS);
  }

  /** One last look at the supervisor, then waits (at most {@code within}) for every call to have left. */
  public CompletionStage<Void> stop(Duration within) {
    CompletableFuture<Void> done = CompletableFuture.supplyAsync(this::poll, executor).thenCompose(p -> p)
        .thenCompose(v -> CompletableFuture.supplyAsync(() -> chain, executor).thenCompose(c -> c))
        .completeOnTimeout(null, within.toMillis(), TimeUnit.MILLISECONDS)
        .exceptionally(e -> null);
    return done.whenComplete((v, e) -> executor.shutdown());
  }

  /** Asks the supervisor for its status and reports what changed; completes once the status was looked at. */
  private CompletableFuture<Void> poll() {
    if (supervisor == null) {
      return CompletableFuture.completedFuture(null);
    }
    return AskPattern.<ResyncProtocol.Command, Status>ask(supervisor, ResyncProtocol.GetStatus::new, askTimeout,
            system.scheduler()).toCompletableFuture()
        .thenAcceptAsync(this::observe, executor)
        .exceptionally(e -> null);
  }

  private void heartbeat() {
    String id = eventId;
    if (id == null) {
      return;
    }
    ObjectNode body = IngestClient.JSON.createObjectNode().put("eventId", id);
    ingest.urls().thenCompose(u -> u.metrics().isPresent() ? ingest.send("POST", u.metrics().get() + "/heartbeat", body)
        : CompletableFuture.completedFuture(false)).exceptionally(e -> false);
  }

  private void observe(Status s) {
    if (s.last().isPresent() && !s.last().get().resyncId().equals(lastFinished)
        && (s.running().isEmpty() || !s.running().get().resyncId().equals(s.last().get().resyncId()))) {
      ResyncFinished last = s.last().get();
      if (!last.resyncId().equals(eventId)) {
        // A resync that began and ended between two looks: its whole sequence now.
        begin(last.resyncId(), last.kinds());
      }
      finish(last);
    }
    if (s.running().isPresent()) {
      ResyncProgress running = s.running().get();
      if (!running.resyncId().equals(eventId) && !running.resyncId().equals(lastFinished)) {
        begin(running.resyncId(), running.kinds());
      }
      if (running.resyncId().equals(eventId)) {
        progress(running);
      }
    }
  }

  private void begin(String id, List<KindResult> kinds) {
    eventId = id;
    started.clear();
    ended.clear();
    startedAtNanos.clear();
    List<KindResult> known = List.copyOf(kinds);
    String stateAtStart = syncState;
    enqueue(() -> ingest.urls().thenCompose(u -> mapping().thenCompose(resources -> {
      // Every resource of the mapping, as Ocean lists them at the start (the status lists only those begun).
      Map<Integer, String> bps = new HashMap<>();
      ObjectNode body = IngestClient.JSON.createObjectNode();
      ArrayNode events = body.putArray("syncKindsMetrics");
      for (int i = 0; i < resources.size(); i++) {
        bps.put(i, resources.get(i).blueprint());
        events.add(event(u, id, resources.get(i).kind() + "-" + i, resources.get(i).blueprint(), stateAtStart,
            IngestClient.JSON.createObjectNode()));
      }
      if (resources.isEmpty()) {
        known.forEach(k -> events.add(event(u, id, kindId(k), "", stateAtStart, IngestClient.JSON.createObjectNode())));
      }
      blueprints = bps;
      return post(u, id, body);
    })));
    syncState = "syncing";
    enqueueSimple(id, "__runtime__", "syncing", phaseResync(0, false), true);
  }

  private void progress(ResyncProgress running) {
    for (KindResult k : running.kinds()) {
      boolean finished = running.finished().contains(k.index());
      if (!started.contains(k.index()) && (k.fetched() > 0 || finished)) {
        startKind(k);
      }
      if (finished && !ended.contains(k.index())) {
        endKind(k, k.error().isPresent() ? "failed" : "completed");
      }
    }
  }

  private void startKind(KindResult k) {
    started.add(k.index());
    startedAtNanos.put(k.index(), System.nanoTime());
    String id = eventId;
    enqueue(() -> ingest.urls().thenCompose(u -> put(u, id, kindId(k),
        event(u, id, kindId(k), blueprint(k), "syncing", IngestClient.JSON.createObjectNode()))));
  }

  private void endKind(KindResult k, String state) {
    if (!started.contains(k.index())) {
      startKind(k);
    }
    ended.add(k.index());
    syncState = state;
    double seconds = (System.nanoTime() - startedAtNanos.getOrDefault(k.index(), System.nanoTime())) / 1e9;
    ObjectNode metrics = kindMetrics(k, seconds, state.equals("completed"));
    String id = eventId;
    enqueue(() -> ingest.urls().thenCompose(u -> put(u, id, kindId(k), event(u, id, kindId(k), blueprint(k), state,
        metrics))));
  }

  private void finish(ResyncFinished last) {
    String id = last.resyncId();
    for (KindResult k : last.kinds()) {
      if (!ended.contains(k.index())) {
        endKind(k, k.error().isPresent() ? "failed" : last.outcome() == Outcome.ABORTED ? "aborted" : "completed");
      }
    }
    String finalState = last.outcome() == Outcome.COMPLETED ? "completed"
        : last.outcome() == Outcome.ABORTED ? "aborted" : "failed";
    syncState = last.outcome() == Outcome.ABORTED ? "aborted" : "syncing";
    enqueueSimple(id, "__reconciliation__", syncState, phaseResync(0, false), true);
    ObjectNode reconciliation = phaseResync(0, last.reconciliation().ran() && last.outcome() == Outcome.COMPLETED);
    ((ObjectNode) reconciliation.get("phase")).putObject("delete").putObject("object_count_type")
        .putObject("deleted").put("object_count", (double) last.reconciliation().deleted());
    String reconciliationState = last.outcome() == Outcome.ABORTED ? "aborted"
        : last.outcome() == Outcome.COMPLETED ? "completed" : "failed";
    syncState = reconciliationState;
    enqueueSimple(id, "__reconciliation__", reconciliationState, reconciliation, false);
    syncState = finalState;
    enqueueSimple(id, "__runtime__", finalState,
        phaseResync(last.duration().toMillis() / 1000.0, last.outcome() == Outcome.COMPLETED), true);
    lastFinished = id;
    eventId = null;
  }

  /** A POST (or PUT) of one of the process-wide kinds ({@code __runtime__}, {@code __reconciliation__}). */
  private void enqueueSimple(String id, String kind, String state, ObjectNode metrics, boolean post) {
    enqueue(() -> ingest.urls().thenCompose(u -> {
      ObjectNode event = event(u, id, kind, "", state, metrics);
      if (!post) {
        return put(u, id, kind, event);
      }
      ObjectNode body = IngestClient.JSON.createObjectNode();
      body.putArray("syncKindsMetrics").add(event);
      return post(u, id, body);
    }));
  }

  private void enqueue(Supplier<CompletionStage<?>> call) {
    chain = chain.thenCompose(v -> {
      try {
        return call.get().toCompletableFuture().handle((r, e) -> (Void) null);
      } catch (RuntimeException e) {
        return CompletableFuture.<Void>completedFuture(null);
      }
    });
  }

  private CompletionStage<Boolean> post(IngestClient.Urls u, String id, ObjectNode body) {
    return u.metrics().isEmpty() ? CompletableFuture.completedFuture(false)
        : ingest.send("POST", u.metrics().get() + "/syncMetrics", body);
  }

  private CompletionStage<Boolean> put(IngestClient.Urls u, String id, String kind, ObjectNode event) {
    if (u.metrics().isEmpty()) {
      return CompletableFuture.completedFuture(false);
    }
    ObjectNode body = IngestClient.JSON.createObjectNode();
    body.set("syncKindMetrics", event);
    return ingest.send("PUT", u.metrics().get() + "/syncMetrics/resync/" + encode(id) + "/kind/" + encode(kind), body);
  }

  private static String encode(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }

  private record Resource(String kind, String blueprint) {}

  /** The kind and blueprint expression of each resource of the mapping (Ocean sends the expression's text). */
  private CompletionStage<List<Resource>> mapping() {
    return ingest.port().getIntegration().thenApply(found -> {
      List<Resource> out = new ArrayList<>();
      JsonNode resources = found.map(i -> i.path("config").path("resources")).orElse(IngestClient.JSON.missingNode());
      for (JsonNode r : resources) {
        out.add(new Resource(r.path("kind").asText(""),
            r.path("port").path("entity").path("mappings").path("blueprint").asText("")));
      }
      return out;
    }).exceptionally(e -> List.of());
  }

  private String blueprint(KindResult k) {
    return blueprints.getOrDefault(k.index(), "");
  }

  static String kindId(KindResult k) {
    return k.kind() + "-" + k.index();
  }

  private ObjectNode event(IngestClient.Urls u, String id, String kindIdentifier, String blueprint, String state,
      ObjectNode metrics) {
    ObjectNode e = IngestClient.JSON.createObjectNode();
    e.put("integrationType", identity.integrationType());
    e.put("installationType", u.installationType());
    e.put("executionMode", "single_process");
    e.put("integrationIdentifier", identity.integrationIdentifier());
    e.put("integrationVersion", identity.integrationVersion());
    e.put("oceanVersion", identity.oceanVersion());
    e.put("kindIdentifier", kindIdentifier);
    int dash = kindIdentifier.lastIndexOf('-');
    boolean indexed = dash > 0 && kindIdentifier.substring(dash + 1).chars().allMatch(Character::isDigit)
        && dash < kindIdentifier.length() - 1;
    e.put("kind", dash > 0 ? kindIdentifier.substring(0, dash) : kindIdentifier);
    e.put("kindIndex", indexed ? Integer.parseInt(kindIdentifier.substring(dash + 1)) : 0);
    e.put("eventId", id);
    e.put("syncState", state);
    e.put("blueprint", blueprint);
    e.set("metrics", metrics);
    return e;
  }

  private static ObjectNode phaseResync(double seconds, boolean success) {
    ObjectNode m = IngestClient.JSON.createObjectNode();
    m.putObject("phase").putObject("resync").put("duration_seconds", seconds).put("success", success ? 1.0 : 0.0);
    return m;
  }

  /** The kind's own counters, in Ocean's metric names. */
  static ObjectNode kindMetrics(KindResult k, double seconds, boolean success) {
    ObjectNode m = phaseResync(seconds, success);
    ObjectNode phase = (ObjectNode) m.get("phase");
    count(phase, "extract", "raw_extracted", k.fetched());
    count(phase, "transform", "transformed", k.mapped());
    count(phase, "transform", "filtered_out", k.filteredOut());
    count(phase, "transform", "failed", 0);
    count(phase, "load", "loaded", k.upserted());
    count(phase, "load", "failed", k.failedTotal());
    count(phase, "load", "skipped", k.unchanged());
    return m;
  }

  private static void count(ObjectNode phase, String name, String type, long n) {
    ObjectNode p = phase.has(name) ? (ObjectNode) phase.get(name) : phase.putObject(name);
    ObjectNode types = p.has("object_count_type") ? (ObjectNode) p.get("object_count_type")
        : p.putObject("object_count_type");
    types.putObject(type).put("object_count", (double) n);
  }
}
