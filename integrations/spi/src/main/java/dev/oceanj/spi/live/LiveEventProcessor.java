package dev.oceanj.spi.live;

import dev.oceanj.spi.Incubating;
import com.fasterxml.jackson.databind.JsonNode;
import dev.oceanj.spi.Resource;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletionStage;

/**
 * Handles the webhooks a 3rd party sends to one path, registered with
 * {@link dev.oceanj.spi.IntegrationDefinition#onLiveEvent}.
 *
 * <p>Order of calls: {@link #authenticate} and then {@link #validate} on the HTTP request thread before anything
 * is stored (false: 401, 400); then, once the event is durable and acknowledged, on a worker: {@link #validate}
 * again, {@link #kinds}, {@link #partitionKey}, and {@link #handle} once per affected kind. Events with the same partition key are
 * handled one after another in arrival order; different keys run in parallel, so implementations must be
 * thread-safe. After a crash, events acknowledged but not yet finished are handled again in the same order,
 * so {@code handle} must tolerate seeing an event twice (returning the same result is enough: upserts are
 * idempotent and deleting an absent entity is a no-op).
 *
 * @since 0.1
 */
@Incubating
public interface LiveEventProcessor {

  /**
   * Whether the request is genuine (e.g. its HMAC signature matches). Called on the HTTP thread with the raw
   * body, so it must be quick and must not block. The default accepts everything; see
   * {@link WebhookAuthenticator} for ready-made schemes.
   *
   * @param headers request headers, lower-case names
   * @param body the raw request body, exactly as received
   */
  default boolean authenticate(Map<String, String> headers, byte[] body) {
    return true;
  }

  /**
   * The request headers (lower-case names) that carry this processor's credentials, e.g. its
   * {@link WebhookAuthenticator#secretHeaders()}: the runtime does not store them with the event, so they are only
   * seen by {@link #authenticate}. Headers whose names look like credentials ({@code authorization}, {@code cookie},
   * {@code *signature*}, {@code *token*}, {@code *secret*}, {@code *api-key*}, {@code *password*}) are never stored
   * either; declare the others here (a custom signature header such as {@code x-acme-hmac}). Called once at start.
   * The default declares none.
   *
   * @since 0.2
   */
  default Set<String> secretHeaders() {
    return Set.of();
  }

  /**
   * Whether the payload (always a JSON object) is one this processor understands: the right event type, the
   * fields {@link #handle} needs. Called on the HTTP thread before the event is stored, so it must be quick; false
   * refuses the request with a 400 and nothing is stored (the sender learns at once, instead of an event that
   * fails later). Called again before handling; false there drops the event with a warning. The default accepts
   * every payload.
   */
  default boolean validate(JsonNode payload) {
    return true;
  }

  /** The kinds this event affects; {@link #handle} is called once per kind that the current mapping has. */
  Set<String> kinds(LiveEvent event);

  /**
   * Events with equal keys are handled in arrival order; the default key (the empty string) puts every event of
   * the path in one sequence. A resource id (repository, issue, person id) keeps per-resource order while
   * letting unrelated resources proceed in parallel.
   */
  default String partitionKey(LiveEvent event) {
    return "";
  }

  /**
   * Handles the event for one kind. Runs on a shared pool; return a stage for I/O rather than blocking. A
   * failure is retried with backoff within {@code ocean.live-events.max-event-processing}; an event that keeps
   * failing is moved to the dead letters, from where it can be replayed.
   */
  CompletionStage<LiveEventResult> handle(LiveEvent event, String kind);

  /**
   * Handles the event for one resource of the current mapping, seeing its selector as a resync source does
   * ({@link Resource#selector()} bound to the type the kind declared, or the raw selector object when it declared
   * none; {@link Resource#resync()} is this event's own, with an empty cache): for options that shape the raw
   * objects, e.g. enrichment a selector asks for. When a processor overrides this method, the runtime calls it
   * instead of {@link #handle(LiveEvent, String)}, once per resource of each affected kind, and maps its result
   * by that resource only (as Ocean does); otherwise it calls the two-argument form once per kind. Same threading,
   * retries and idempotence as {@link #handle(LiveEvent, String)}.
   *
   * @since 0.2
   */
  default CompletionStage<LiveEventResult> handle(LiveEvent event, Resource<?> resource) {
    return handle(event, resource.kind());
  }
}
