package dev.oceanj.actors.resync;

import com.fasterxml.jackson.databind.JsonNode;
import dev.oceanj.core.mapping.CompiledResource;
import dev.oceanj.core.sync.KindCounters;
import dev.oceanj.core.sync.KindResult;
import dev.oceanj.core.sync.RawSources;
import dev.oceanj.core.sync.ResyncPipeline;
import dev.oceanj.core.sync.ResyncRun;
import dev.oceanj.spi.ResyncSource;
import dev.oceanj.spi.host.SpiTimeoutException;
import java.util.concurrent.CompletionException;
import java.util.function.Function;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.PostStop;
import org.apache.pekko.actor.typed.PreRestart;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;
import org.apache.pekko.stream.AbruptStageTerminationException;
import org.apache.pekko.stream.Materializer;
import org.apache.pekko.stream.UniqueKillSwitch;

/**
 * Resyncs one resource (kind) of the mapping: materializes its {@link ResyncPipeline} when it starts, reports
 * {@link KindDone} to the {@link Resync} that spawned it, which then stops it.
 *
 * <p>When the kind's source or pipeline fails, it reports {@link AttemptFailed} and throws
 * {@link KindFailedException}; the resync spawned it with restart-with-backoff, so a restart materializes
 * the pipeline again from the first page. A restart keeps the resync's seen set (adding is idempotent) and
 * resets the kind's counters, so nothing is counted twice. Stopping the worker (it finished, or its resync was
 * aborted and stops with its children) pulls the kill switch, and its streams run on a materializer bound to it,
 * so nothing outlives it.
 */
public final class KindWorker extends AbstractBehavior<KindWorker.Command> {

  /** What the worker handles: only its own pipeline's completion. */
  public sealed interface Command {}

  /** What the worker tells the {@link Resync} that spawned it. */
  public sealed interface Report {}

  /** The kind finished; {@code result} holds its counters. */
  public record KindDone(int slot, KindResult result) implements Report {}

  /**
   * An attempt failed; the worker restarts after a backoff unless its resync stops it.
   *
   * @param timedOut the integration's source did not deliver a page within {@code ocean.host.page-timeout}: the
   *     resync does not ask it again
   */
  public record AttemptFailed(int slot, String message, boolean timedOut) implements Report {

    public AttemptFailed(int slot, String message) {
      this(slot, message, false);
    }
  }

  /** Thrown to let supervision restart the kind. */
  public static final class KindFailedException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public KindFailedException(String message, Throwable cause) {
      super(message, cause);
    }
  }

  /**
   * Everything one kind needs.
   *
   * @param slot the kind's position in the mapping, echoed in reports
   */
  public record Job(int slot, ResyncRun run, CompiledResource resource, ResyncSource<?> source,
      KindCounters counters, ResyncPipeline pipeline, Function<Object, JsonNode> toJson, ActorRef<Report> reportTo) {}

  private record PipelineDone(KindResult result, Throwable error) implements Command {}

  private final Job job;
  private final UniqueKillSwitch killSwitch;
  private volatile boolean streamStopped;

  /** The worker's behaviour; the caller wraps it in restart-with-backoff supervision. */
  public static Behavior<Command> create(Job job) {
    return Behaviors.setup(context -> new KindWorker(context, job));
  }

  private KindWorker(ActorContext<Command> context, Job job) {
    super(context);
    this.job = job;
    var graph = job.pipeline().graph(job.run(), job.resource(), RawSources.of(job.source(), job.toJson()),
        job.counters());
    var materialized = graph.run(Materializer.createMaterializer(context));
    this.killSwitch = materialized.first();
    // Not pipeToSelf: once this incarnation stopped its stream (its resync stopped the worker: an abort or a
    // shutdown), the stream's end is no news, and sent anyway it is logged as a dead letter. An abrupt termination
    // is the worker's materializer going down with the worker, which is then stopping too.
    ActorRef<Command> self = context.getSelf();
    materialized.second().whenComplete((result, error) -> {
      Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
      if (!streamStopped && !(cause instanceof AbruptStageTerminationException)) {
        self.tell(new PipelineDone(result, error));
      }
    });
  }

  @Override
  public Receive<Command> createReceive() {
    return newReceiveBuilder()
        .onMessage(PipelineDone.class, this::onPipelineDone)
        .onSignal(PostStop.class, s -> stopStream())
        .onSignal(PreRestart.class, s -> stopStream())
        .build();
  }

  private Behavior<Command> onPipelineDone(PipelineDone done) {
    if (done.error() == null) {
      // The resync stops this worker when it has the result: were the worker to stop itself, the death
      // notification (a system message) could overtake the result and read as a failure.
      job.reportTo().tell(new KindDone(job.slot(), done.result()));
      return this;
    }
    Throwable cause = done.error() instanceof CompletionException && done.error().getCause() != null
        ? done.error().getCause() : done.error();
    String message = "kind " + job.resource().kind() + " (resource " + job.resource().index() + ") failed: "
        + cause.getClass().getSimpleName() + (cause.getMessage() == null ? "" : ": " + cause.getMessage());
    getContext().getLog().warn("{}", message);
    job.reportTo().tell(new AttemptFailed(job.slot(), message, cause instanceof SpiTimeoutException));
    throw new KindFailedException(message, cause);
  }

  private Behavior<Command> stopStream() {
    streamStopped = true;
    killSwitch.abort(new KindFailedException("kind " + job.resource().kind() + " stopped", null));
    return this;
  }
}
