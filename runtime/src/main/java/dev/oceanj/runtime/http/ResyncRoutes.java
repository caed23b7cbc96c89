package dev.oceanj.runtime.http;

import static org.apache.pekko.http.javadsl.server.Directives.complete;
import static org.apache.pekko.http.javadsl.server.Directives.completeWithFuture;
import static org.apache.pekko.http.javadsl.server.Directives.entity;
import static org.apache.pekko.http.javadsl.server.Directives.extractRequest;
import static org.apache.pekko.http.javadsl.server.Directives.optionalHeaderValueByName;
import static org.apache.pekko.http.javadsl.server.Directives.parameterOptional;
import static org.apache.pekko.http.javadsl.server.Directives.path;
import static org.apache.pekko.http.javadsl.server.Directives.post;
import static org.apache.pekko.http.javadsl.server.Directives.withRequestTimeout;
import static org.apache.pekko.http.javadsl.server.Directives.withSizeLimit;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.oceanj.actors.resync.ResyncProtocol.ResyncAccepted;
import dev.oceanj.actors.resync.ResyncProtocol.ResyncFinished;
import dev.oceanj.actors.trigger.webhook.WebhookTrigger;
import dev.oceanj.core.config.Secret;
import java.time.Duration;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Scheduler;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.http.javadsl.model.HttpRequest;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.MediaTypes;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.server.Route;
import org.apache.pekko.http.javadsl.unmarshalling.Unmarshaller;

/**
 * {@code POST /resync}: what Port's WEBHOOK listener calls (at the application root, like Ocean, not under the
 * path prefix).
 *
 * <p>Answers {@code 202 Accepted} with the resync id as soon as the supervisor accepted the request (Ocean holds the
 * request open for the whole resync, so Port's call times out on any large catalog); {@code ?wait=true} answers
 * {@code 200} with the finished resync instead. With {@code ocean.event-listener.webhook.token} set, the caller must
 * present it as {@code Authorization: Bearer <token>} or {@code ?token=<token>} (Port can only call a URL, see
 * {@code ChangelogDestination}); with {@code ocean.http.admin-token} set, {@code Authorization: Bearer <admin
 * token>} is accepted too (an operator's call), and one of the two is required. Tokens are compared in constant
 * time and a mismatch is a {@code 401}. The body is ignored, as in Ocean, but must fit the size limit and, when
 * declared JSON, be JSON.
 */
public final class ResyncRoutes {

  private final Optional<ActorRef<WebhookTrigger.Command>> webhook;
  private final String listenerType;
  private final Optional<AccessToken> token;
  private final Optional<AccessToken> adminToken;
  private final Duration askTimeout;
  private final Duration waitTimeout;
  private final long maxBodyBytes;
  private final Scheduler scheduler;

  /**
   * @param webhook the WEBHOOK trigger; empty when the listener is another type ({@code /resync} then answers 404)
   * @param listenerType the configured listener type, named in that 404
   * @param token the shared secret callers must present, if any
   * @param askTimeout how long the supervisor may take to accept
   * @param waitTimeout how long {@code ?wait=true} may wait for the resync to finish
   * @param maxBodyBytes largest accepted body
   */
  public ResyncRoutes(
      Optional<ActorRef<WebhookTrigger.Command>> webhook,
      String listenerType,
      Optional<Secret> token,
      Duration askTimeout,
      Duration waitTimeout,
      long maxBodyBytes,
      Scheduler scheduler) {
    this(webhook, listenerType, token, Optional.empty(), askTimeout, waitTimeout, maxBodyBytes, scheduler);
  }

  /** As above, and {@code adminToken} ({@code ocean.http.admin-token}) is accepted as a bearer token too. */
  public ResyncRoutes(
      Optional<ActorRef<WebhookTrigger.Command>> webhook,
      String listenerType,
      Optional<Secret> token,
      Optional<Secret> adminToken,
      Duration askTimeout,
      Duration waitTimeout,
      long maxBodyBytes,
      Scheduler scheduler) {
    this.webhook = webhook;
    this.listenerType = listenerType;
    this.token = AccessToken.of(token);
    this.adminToken = AccessToken.of(adminToken);
    this.askTimeout = askTimeout;
    this.waitTimeout = waitTimeout;
    this.maxBodyBytes = maxBodyBytes;
    this.scheduler = scheduler;
  }

  public Route routes() {
    return path("resync", () -> post(() -> withSizeLimit(maxBodyBytes, () ->
        parameterOptional("wait", wait -> parameterOptional("token", queryToken ->
            optionalHeaderValueByName("Authorization", authorization -> extractRequest(request ->
                entity(Unmarshaller.entityToString(), body ->
                    handle(request, body, wait, queryToken, authorization)))))))));
  }

  private Route handle(
      HttpRequest request, String body, Optional<String> wait, Optional<String> queryToken, Optional<String> authorization) {
    if (webhook.isEmpty()) {
      return complete(HttpJson.error(StatusCodes.NOT_FOUND, "not_found",
          "POST /resync is served by the WEBHOOK event listener; this integration's listener is " + listenerType));
    }
    if ((token.isPresent() || adminToken.isPresent()) && !authorized(queryToken, authorization)) {
      return complete(AccessToken.unauthorized(token.isPresent()
          ? "missing or wrong webhook token (ocean.event-listener.webhook.token): send Authorization: Bearer <token>"
              + " or ?token=<token>"
          : "missing or wrong admin token (ocean.http.admin-token): send Authorization: Bearer <token>"));
    }
    Optional<Boolean> waitFlag = parseBoolean(wait.orElse("false"));
    if (waitFlag.isEmpty()) {
      return complete(HttpJson.error(StatusCodes.BAD_REQUEST, "bad_request",
          "query parameter wait must be true or false, was '" + wait.get() + "'"));
    }
    if (!body.isBlank() && request.entity().getContentType().mediaType().equals(MediaTypes.APPLICATION_JSON)) {
      try {
        ResyncJson.MAPPER.readTree(body);
      } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
        return complete(HttpJson.error(StatusCodes.BAD_REQUEST, "bad_request",
            "malformed JSON body: " + e.getOriginalMessage()));
      }
    }
    ActorRef<WebhookTrigger.Command> trigger = webhook.get();
    if (waitFlag.get()) {
      CompletionStage<ResyncFinished> finished = AskPattern.ask(
          trigger, replyTo -> new WebhookTrigger.RequestResync(null, replyTo), waitTimeout, scheduler);
      return withRequestTimeout(waitTimeout.plusSeconds(5), () -> completeWithFuture(finished
          .thenApply(f -> HttpJson.response(StatusCodes.OK, ResyncJson.finished(f)))
          .exceptionally(e -> unavailable("did not finish within " + waitTimeout))));
    }
    CompletionStage<ResyncAccepted> accepted = AskPattern.ask(
        trigger, replyTo -> new WebhookTrigger.RequestResync(replyTo, null), askTimeout, scheduler);
    return completeWithFuture(accepted
        .thenApply(ResyncRoutes::acceptedResponse)
        .exceptionally(e -> unavailable("was not accepted within " + askTimeout)));
  }

  private static HttpResponse acceptedResponse(ResyncAccepted accepted) {
    ObjectNode body = JsonNodeFactory.instance.objectNode();
    body.put("resyncId", accepted.resyncId());
    body.put("disposition", accepted.disposition().name().toLowerCase(Locale.ROOT));
    body.put("status", "/status");
    return HttpJson.response(StatusCodes.ACCEPTED, body);
  }

  private static HttpResponse unavailable(String what) {
    return HttpJson.error(StatusCodes.SERVICE_UNAVAILABLE, "unavailable", "the resync " + what + "; try again later");
  }

  private boolean authorized(Optional<String> queryToken, Optional<String> authorization) {
    Optional<String> bearer = AccessToken.bearer(authorization);
    return token.map(t -> t.matches(bearer.or(() -> queryToken))).orElse(false)
        || adminToken.map(t -> t.matches(bearer)).orElse(false);
  }

  private static Optional<Boolean> parseBoolean(String value) {
    String v = value.trim().toLowerCase(Locale.ROOT);
    if (v.equals("true") || v.equals("1") || v.equals("yes") || v.isEmpty()) {
      return Optional.of(true);
    }
    if (v.equals("false") || v.equals("0") || v.equals("no")) {
      return Optional.of(false);
    }
    return Optional.empty();
  }
}
