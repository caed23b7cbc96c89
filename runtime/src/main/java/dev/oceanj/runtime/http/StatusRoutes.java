package dev.oceanj.runtime.http;

import static org.apache.pekko.http.javadsl.server.Directives.completeWithFuture;
import static org.apache.pekko.http.javadsl.server.Directives.get;
import static org.apache.pekko.http.javadsl.server.Directives.path;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.oceanj.actors.resync.ResyncProtocol;
import dev.oceanj.actors.resync.ResyncProtocol.Status;
import dev.oceanj.actors.trigger.TriggerInfo;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Scheduler;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.server.Route;

/**
 * {@code GET /status}: the integration, the listener (and the schedule, with the next scheduled resync), the running
 * resync per kind (fetched, mapped, upserted, unchanged, failed, rate) and the last finished one with its summary.
 */
public final class StatusRoutes {

  /** Who runs: fixed facts shown at the top of {@code /status}. */
  public record RuntimeInfo(String integrationType, String identifier, String version, String listenerType,
      boolean embeddedPort, String portBaseUrl) {}

  private final RuntimeInfo info;
  private final ActorRef<ResyncProtocol.Command> supervisor;
  private final Supplier<CompletionStage<Optional<TriggerInfo>>> listener;
  private final Supplier<CompletionStage<Optional<TriggerInfo>>> schedule;
  private final Duration askTimeout;
  private final Scheduler scheduler;
  private final Clock clock;
  private final Supplier<Optional<ObjectNode>> liveEvents;
  private final Optional<Readiness> checks;
  /** What {@code GET /status} answers: {@link #status()}, or a document made elsewhere ({@link #of}). */
  private final Supplier<CompletionStage<ObjectNode>> document;

  /**
   * @param listener describes the connection mode's trigger (empty for modes without one)
   * @param schedule describes the scheduled resync (empty when none is configured)
   */
  public StatusRoutes(
      RuntimeInfo info,
      ActorRef<ResyncProtocol.Command> supervisor,
      Supplier<CompletionStage<Optional<TriggerInfo>>> listener,
      Supplier<CompletionStage<Optional<TriggerInfo>>> schedule,
      Duration askTimeout,
      Scheduler scheduler,
      Clock clock) {
    this(info, supervisor, listener, schedule, askTimeout, scheduler, clock, Optional::empty, Optional.empty(), null);
  }

  private StatusRoutes(RuntimeInfo info, ActorRef<ResyncProtocol.Command> supervisor,
      Supplier<CompletionStage<Optional<TriggerInfo>>> listener,
      Supplier<CompletionStage<Optional<TriggerInfo>>> schedule, Duration askTimeout, Scheduler scheduler, Clock clock,
      Supplier<Optional<ObjectNode>> liveEvents, Optional<Readiness> checks,
      Supplier<CompletionStage<ObjectNode>> document) {
    this.info = info;
    this.supervisor = supervisor;
    this.listener = listener;
    this.schedule = schedule;
    this.askTimeout = askTimeout;
    this.scheduler = scheduler;
    this.clock = clock;
    this.liveEvents = liveEvents;
    this.checks = checks;
    this.document = document != null ? document : this::own;
  }

  /**
   * {@code GET /status} answering {@code document}, made elsewhere (cluster mode: by the node, from the instance's
   * own status where it runs on this node, plus where each instance runs).
   */
  public static StatusRoutes of(Supplier<CompletionStage<ObjectNode>> document, Duration askTimeout) {
    return new StatusRoutes(null, null, null, null, askTimeout, null, null, Optional::empty, Optional.empty(),
        document);
  }

  /**
   * These routes with a {@code liveEvents} section in {@code /status} (log depth, counts and dead letters,
   * from {@code dev.oceanj.runtime.live.LiveEvents#status()}).
   */
  public StatusRoutes withLiveEvents(Supplier<ObjectNode> section) {
    return new StatusRoutes(info, supervisor, listener, schedule, askTimeout, scheduler, clock,
        () -> Optional.of(section.get()), checks, null);
  }

  /**
   * These routes with {@code port.problems} in {@code /status} (Port unreachable, no integration or no mapping in
   * Port yet) and {@code port.reachable}; these do not hold readiness, as in Ocean.
   */
  public StatusRoutes withChecks(Readiness check) {
    return new StatusRoutes(info, supervisor, listener, schedule, askTimeout, scheduler, clock, liveEvents,
        Optional.of(check), null);
  }

  public Route routes() {
    return path("status", () -> get(() -> completeWithFuture(status()
        .thenApply(body -> HttpJson.response(StatusCodes.OK, body))
        .exceptionally(e -> HttpJson.error(StatusCodes.SERVICE_UNAVAILABLE, "unavailable",
            "the integration did not report its status within " + askTimeout)))));
  }

  /** The status document (as {@link #of} was given it, or the instance's own). */
  public CompletionStage<ObjectNode> status() {
    return document.get();
  }

  private CompletionStage<ObjectNode> own() {
    CompletionStage<Status> status = AskPattern.ask(supervisor, ResyncProtocol.GetStatus::new, askTimeout, scheduler);
    CompletableFuture<Optional<TriggerInfo>> listenerInfo = optional(listener);
    CompletableFuture<Optional<TriggerInfo>> scheduleInfo = optional(schedule);
    return status.thenCombine(listenerInfo, (s, l) -> {
      ObjectNode body = JsonNodeFactory.instance.objectNode();
      ObjectNode integration = body.putObject("integration");
      integration.put("type", info.integrationType());
      integration.put("identifier", info.identifier());
      integration.put("version", info.version());
      ObjectNode port = body.putObject("port");
      port.put("embeddedEmulator", info.embeddedPort());
      port.put("baseUrl", info.portBaseUrl());
      ObjectNode listenerNode = l.map(ResyncJson::trigger).orElseGet(() -> JsonNodeFactory.instance.objectNode());
      listenerNode.put("type", info.listenerType());
      body.set("listener", listenerNode);
      body.set("running", s.running().map(p -> ResyncJson.running(p, clock.instant())).orElse(null));
      body.set("last", s.last().map(ResyncJson::finished).orElse(null));
      s.pending().ifPresent(p -> body.set("pending", ResyncJson.pending(p)));
      liveEvents.get().ifPresent(section -> body.set("liveEvents", section));
      return body;
    }).thenCombine(scheduleInfo, (body, sched) -> {
      body.set("schedule", sched.map(ResyncJson::trigger).orElse(null));
      body.put("nextResync", sched.map(t -> (String) t.details().get("nextResync")).orElse(null));
      return body;
    }).thenCombine(problems(), (body, problems) -> {
      if (checks.isPresent()) {
        ObjectNode port = (ObjectNode) body.get("port");
        port.put("reachable", problems.stream().noneMatch(p -> p.startsWith(PortReadiness.UNREACHABLE)));
        problems.forEach(port.putArray("problems")::add);
      }
      return body;
    });
  }

  private CompletableFuture<java.util.List<String>> problems() {
    if (checks.isEmpty()) {
      return CompletableFuture.completedFuture(java.util.List.of());
    }
    try {
      return checks.get().problems().toCompletableFuture()
          .exceptionally(e -> java.util.List.of("the check failed: " + e.getMessage()));
    } catch (RuntimeException e) {
      return CompletableFuture.completedFuture(java.util.List.of("the check failed: " + e.getMessage()));
    }
  }

  private static CompletableFuture<Optional<TriggerInfo>> optional(Supplier<CompletionStage<Optional<TriggerInfo>>> s) {
    try {
      return s.get().toCompletableFuture().exceptionally(e -> Optional.empty());
    } catch (RuntimeException e) {
      return CompletableFuture.completedFuture(Optional.empty());
    }
  }
}
