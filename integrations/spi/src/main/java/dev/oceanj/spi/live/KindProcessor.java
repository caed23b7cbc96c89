package dev.oceanj.spi.live;

import com.fasterxml.jackson.databind.JsonNode;
import dev.oceanj.spi.Incubating;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * The common live event in one statement: every webhook on a path affects one kind, and a function turns the event
 * into what to upsert or delete. Registered with
 * {@link dev.oceanj.spi.IntegrationDefinition#onLiveEvent(String, String, Function)}, which returns it so that
 * {@code define} can add, in the same statement, what the event needs beyond that:
 *
 * <pre>{@code
 * ocean.onLiveEvent("/webhook", PERSON, client::personChange)      // LiveEvent -> LiveEventResult
 *     .validWhen(payload -> payload.has("person"))                 // else 400, nothing stored
 *     .orderedBy(event -> event.payload().path("person").path("id").asText())
 *     .authenticatedBy(WebhookAuthenticator.githubSignature(secret));
 * }</pre>
 *
 * <p>Configure it within {@code define} only: the runtime starts serving once {@code define} returned. A processor
 * with several kinds, asynchronous handling or its own authentication implements {@link LiveEventProcessor}.
 *
 * @since 0.2
 */
@Incubating
public final class KindProcessor implements LiveEventProcessor {

  private final String kind;
  private final Function<LiveEvent, LiveEventResult> handler;
  private volatile Predicate<JsonNode> valid = payload -> true;
  private volatile Function<LiveEvent, String> key = event -> "";
  private volatile WebhookAuthenticator authenticator;

  /**
   * @param kind the kind every event affects
   * @param handler what an event upserts or deletes; called on a shared pool, may block briefly; a failure is
   *     retried as {@link #handle} describes
   */
  public KindProcessor(String kind, Function<LiveEvent, LiveEventResult> handler) {
    this.kind = Objects.requireNonNull(kind, "kind");
    this.handler = Objects.requireNonNull(handler, "handler");
  }

  /** Accepts only payloads {@code valid} holds for (see {@link LiveEventProcessor#validate}); default: all. */
  public KindProcessor validWhen(Predicate<JsonNode> valid) {
    this.valid = Objects.requireNonNull(valid, "valid");
    return this;
  }

  /** Keeps events with equal keys in order (see {@link LiveEventProcessor#partitionKey}); default: one sequence. */
  public KindProcessor orderedBy(Function<LiveEvent, String> key) {
    this.key = Objects.requireNonNull(key, "key");
    return this;
  }

  /** Refuses requests {@code authenticator} refuses (401); its {@code secretHeaders()} are not stored. */
  public KindProcessor authenticatedBy(WebhookAuthenticator authenticator) {
    this.authenticator = Objects.requireNonNull(authenticator, "authenticator");
    return this;
  }

  /** The kind every event affects. */
  public String kind() {
    return kind;
  }

  @Override
  public boolean authenticate(Map<String, String> headers, byte[] body) {
    WebhookAuthenticator auth = authenticator;
    return auth == null || auth.authenticate(headers, body);
  }

  @Override
  public Set<String> secretHeaders() {
    WebhookAuthenticator auth = authenticator;
    return auth == null ? Set.of() : auth.secretHeaders();
  }

  @Override
  public boolean validate(JsonNode payload) {
    return valid.test(payload);
  }

  @Override
  public Set<String> kinds(LiveEvent event) {
    return Set.of(kind);
  }

  @Override
  public String partitionKey(LiveEvent event) {
    return key.apply(event);
  }

  @Override
  public CompletionStage<LiveEventResult> handle(LiveEvent event, String kind) {
    return CompletableFuture.completedFuture(handler.apply(event));
  }

  @Override
  public String toString() {
    return "KindProcessor[" + kind + "]";
  }
}
