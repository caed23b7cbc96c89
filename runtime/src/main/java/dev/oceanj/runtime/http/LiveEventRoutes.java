package dev.oceanj.runtime.http;

import static org.apache.pekko.http.javadsl.server.Directives.complete;
import static org.apache.pekko.http.javadsl.server.Directives.completeWithFuture;
import static org.apache.pekko.http.javadsl.server.Directives.concat;
import static org.apache.pekko.http.javadsl.server.Directives.extractRequest;
import static org.apache.pekko.http.javadsl.server.Directives.extractUnmatchedPath;
import static org.apache.pekko.http.javadsl.server.Directives.get;
import static org.apache.pekko.http.javadsl.server.Directives.path;
import static org.apache.pekko.http.javadsl.server.Directives.pathEnd;
import static org.apache.pekko.http.javadsl.server.Directives.pathPrefix;
import static org.apache.pekko.http.javadsl.server.Directives.post;
import static org.apache.pekko.http.javadsl.server.Directives.withoutSizeLimit;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.oceanj.core.live.DeadLetter;
import dev.oceanj.core.live.LiveEventIntake;
import dev.oceanj.core.live.LiveEventCounters;
import dev.oceanj.core.live.WebhookPaths;
import dev.oceanj.spi.live.KindProcessor;
import dev.oceanj.spi.live.LiveEventProcessor;
import io.micrometer.core.instrument.Timer;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.regex.Pattern;
import org.apache.pekko.http.javadsl.model.HttpHeader;
import org.apache.pekko.http.javadsl.model.HttpRequest;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.server.PathMatchers;
import org.apache.pekko.http.javadsl.server.Route;
import org.apache.pekko.stream.Materializer;
import org.apache.pekko.util.ByteString;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code POST /integration/<path>}: the 3rd party's webhooks (under {@code ocean.path-prefix} when set, as in
 * Ocean), and the dead letters: {@code GET /live-events/dead-letters},
 * {@code POST /live-events/dead-letters/<id>/replay}.
 *
 * <p>A webhook is checked in this order, and refused before anything is stored: unknown path 404; declared or
 * actual body larger than {@code ocean.live-events.max-body-size} 413 (read up to the limit only); any
 * processor's {@link LiveEventProcessor#authenticate} false 401; not JSON 400 {@code invalid_json}; not a JSON
 * object, or any processor's {@link LiveEventProcessor#validate} false 400 {@code invalid_event} (an event that could
 * only fail later is never acknowledged). Then it is appended to the
 * intake ({@link LiveEventIntake}: the node's durable log, or the shared Kafka topic) and answered
 * {@code 202 {"status":"accepted","id":…}} only once it is stored (on disk, or acknowledged by Kafka's in-sync
 * replicas); a failed append is a 503, so the sender retries. Headers that carry credentials are not stored: those whose names
 * look like credentials ({@code SECRET_HEADER}) and those any processor declares in
 * {@link LiveEventProcessor#secretHeaders} (its authenticator's {@code secretHeaders()}).
 */
public final class LiveEventRoutes {

  private static final Logger LOG = LoggerFactory.getLogger(LiveEventRoutes.class);
  private static final Pattern SECRET_HEADER =
      Pattern.compile(".*(authorization|cookie|signature|token|secret|api-key|apikey|password).*");
  // More than one JSON value in a body is malformed, not "the first one".
  private static final ObjectMapper TREE = new ObjectMapper().enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

  private final LiveEventIntake log;
  private final Map<String, List<LiveEventProcessor>> processors;
  private final WebhookPaths paths;
  private final Set<String> secretHeaders;
  private final long maxBodyBytes;
  private final LiveEventCounters counters;
  private final Timer ackLatency;
  private final Materializer materializer;

  /**
   * @param processors the integration's processors by path pattern
   * @param maxBodyBytes {@code ocean.live-events.max-body-size}
   * @param ackLatency timer of the time from request to 202
   */
  public LiveEventRoutes(LiveEventIntake log, Map<String, List<LiveEventProcessor>> processors, long maxBodyBytes,
      LiveEventCounters counters, Timer ackLatency, Materializer materializer) {
    this.log = log;
    this.processors = processors;
    this.paths = new WebhookPaths(processors.keySet());
    this.secretHeaders = secretHeaders(processors);
    this.maxBodyBytes = maxBodyBytes;
    this.counters = counters;
    this.ackLatency = ackLatency;
    this.materializer = materializer;
  }

  /** The webhook route ({@code /integration/...}); mount it under the path prefix. */
  public Route webhookRoutes() {
    return pathPrefix("integration", () -> post(() -> extractUnmatchedPath(rest -> extractRequest(request ->
        // The body limit is enforced below, per live-event settings, not by the server's default.
        withoutSizeLimit(() -> completeWithFuture(accept(rest, request)))))));
  }

  /** The dead-letter routes ({@code /live-events/dead-letters...}); mount them under the path prefix. */
  public Route deadLetterRoutes() {
    return pathPrefix(PathMatchers.segment("live-events").slash("dead-letters"), () -> concat(
        path(PathMatchers.longSegment().slash("replay"), id -> post(() -> completeWithFuture(replay(id)))),
        pathEnd(() -> get(() -> extractRequest(r -> complete(HttpJson.response(StatusCodes.OK,
            deadLettersJson(log, 100))))))));
  }

  /** The dead letters as JSON, newest {@code limit} of them, for {@code /status} and the listing. */
  public static ObjectNode deadLettersJson(LiveEventIntake log, int limit) {
    ObjectNode out = JsonNodeFactory.instance.objectNode();
    List<DeadLetter> letters = log.deadLetters();
    out.put("count", letters.size());
    out.put("depth", log.depth());
    out.put("durable", log.durable());
    ArrayNode items = out.putArray("deadLetters");
    for (DeadLetter d : letters.subList(Math.max(0, letters.size() - limit), letters.size())) {
      items.addObject()
          .put("id", d.id())
          .put("path", "/integration" + d.event().path())
          .put("receivedAt", d.event().receivedAt().toString())
          .put("deadLetteredAt", d.at().toString())
          .put("error", d.error());
    }
    return out;
  }

  private CompletionStage<HttpResponse> replay(long id) {
    return log.replay(id).thenApply(replayed -> replayed
        .map(e -> HttpJson.response(StatusCodes.ACCEPTED, JsonNodeFactory.instance.objectNode()
            .put("status", "replaying").put("id", e.offset())))
        .orElseGet(() -> HttpJson.error(StatusCodes.NOT_FOUND, "not_found", "no dead letter " + id)));
  }

  private CompletionStage<HttpResponse> accept(String rest, HttpRequest request) {
    long start = System.nanoTime();
    counters.received.increment();
    String path = rest.isEmpty() ? "/" : rest;
    Optional<WebhookPaths.Match> match = paths.match(path);
    if (match.isEmpty()) {
      return refused(HttpJson.error(StatusCodes.NOT_FOUND, "not_found",
          "no live-event processor is registered for /integration" + path));
    }
    OptionalLong declared = request.entity().getContentLengthOption();
    if (declared.isPresent() && declared.getAsLong() > maxBodyBytes) {
      return refused(tooLarge());
    }
    return request.entity().withSizeLimit(maxBodyBytes)
        // The limit passed here too: toStrict has its own (pekko.http.parsing.max-to-strict-bytes, 8 MiB).
        .toStrict(Duration.ofSeconds(30).toMillis(), maxBodyBytes, materializer)
        .thenCompose(strict -> accept(path, match.get(), request, strict.getData(), start))
        .exceptionally(e -> {
          Throwable c = e.getCause() != null ? e.getCause() : e;
          if (c.getClass().getSimpleName().equals("EntityStreamSizeException")) {
            counters.rejected.increment();
            return tooLarge();
          }
          LOG.warn("live event on /integration{} could not be read: {}", path, c.toString());
          counters.rejected.increment();
          return HttpJson.error(StatusCodes.BAD_REQUEST, "bad_request", "the request body could not be read");
        });
  }

  private CompletionStage<HttpResponse> accept(String path, WebhookPaths.Match match, HttpRequest request,
      ByteString data, long start) {
    byte[] body = data.toArray();
    Map<String, String> headers = new HashMap<>();
    for (HttpHeader h : request.getHeaders()) {
      headers.put(h.lowercaseName(), h.value());
    }
    headers.put("content-type", request.entity().getContentType().toString());
    for (LiveEventProcessor p : processors.get(match.pattern())) {
      boolean ok;
      try {
        ok = p.authenticate(headers, body);
      } catch (RuntimeException e) {
        LOG.warn("live-event authentication on /integration{} failed: {}", path, e.toString());
        ok = false;
      }
      if (!ok) {
        return refused(HttpJson.error(StatusCodes.UNAUTHORIZED, "unauthorized",
            "the request to /integration" + path + " failed authentication"));
      }
    }
    JsonNode payload;
    try {
      payload = parse(body);
    } catch (IOException e) {
      return refused(HttpJson.error(StatusCodes.BAD_REQUEST, "invalid_json",
          "the body of the request to /integration" + path + " is not JSON: " + firstLine(e)));
    }
    Optional<String> invalid = validationProblem(processors.get(match.pattern()), payload);
    if (invalid.isPresent()) {
      return refused(HttpJson.error(StatusCodes.BAD_REQUEST, "invalid_event",
          "the live event to /integration" + path + " was refused: " + invalid.get()));
    }
    headers.keySet().removeIf(name -> SECRET_HEADER.matcher(name).matches() || secretHeaders.contains(name));
    return log.append(Instant.now(), path, headers, body)
        .thenApply(stored -> {
          counters.acknowledged.increment();
          ackLatency.record(Duration.ofNanos(System.nanoTime() - start));
          return HttpJson.response(StatusCodes.ACCEPTED, JsonNodeFactory.instance.objectNode()
              .put("status", "accepted").put("id", stored.offset()));
        })
        .exceptionally(e -> {
          LOG.error("live event on /integration{} could not be stored; refused with 503", path, e);
          counters.rejected.increment();
          return HttpJson.error(StatusCodes.SERVICE_UNAVAILABLE, "intake_unavailable",
              "the event could not be stored durably; retry later");
        });
  }

  /** Every header some processor declared secret ({@link LiveEventProcessor#secretHeaders}), lower-case. */
  private static Set<String> secretHeaders(Map<String, List<LiveEventProcessor>> processors) {
    Set<String> names = new HashSet<>();
    for (List<LiveEventProcessor> list : processors.values()) {
      for (LiveEventProcessor p : list) {
        Set<String> declared = p.secretHeaders();
        if (declared != null) {
          declared.forEach(name -> names.add(name.toLowerCase(Locale.ROOT)));
        }
      }
    }
    return Set.copyOf(names);
  }

  private HttpResponse tooLarge() {
    return HttpJson.error(StatusCodes.PAYLOAD_TOO_LARGE, "payload_too_large",
        "the body exceeds ocean.live-events.max-body-size (" + maxBodyBytes + " bytes)");
  }

  private CompletionStage<HttpResponse> refused(HttpResponse response) {
    counters.rejected.increment();
    return CompletableFuture.completedFuture(response);
  }

  /**
   * Why the event would fail anyway, checked before it is acknowledged: the payload is not a JSON object (Ocean's
   * webhook payload is one), or a processor's {@link LiveEventProcessor#validate} refuses it.
   */
  private static Optional<String> validationProblem(List<LiveEventProcessor> processors, JsonNode payload) {
    if (!payload.isObject()) {
      return Optional.of("the body must be a JSON object, got " + (payload.isArray() ? "an array" : "a "
          + payload.getNodeType().name().toLowerCase(Locale.ROOT)));
    }
    for (LiveEventProcessor p : processors) {
      String name = p instanceof KindProcessor ? p.toString()
          : p.getClass().getSimpleName().isEmpty() ? p.getClass().getName() : p.getClass().getSimpleName();
      try {
        if (!p.validate(payload)) {
          return Optional.of("its processor " + name + " does not accept this payload (validate returned false)");
        }
      } catch (RuntimeException e) {
        LOG.warn("live-event validation by {} failed: {}", name, e.toString());
        return Optional.of("its processor " + name + " could not validate it: " + e.getMessage());
      }
    }
    return Optional.empty();
  }

  /** The one JSON value {@code body} holds. */
  private static JsonNode parse(byte[] body) throws IOException {
    JsonNode node = TREE.readTree(body);
    if (node == null || node.isMissingNode()) {
      throw new IOException("the body is empty");
    }
    return node;
  }

  /** Only the first line: the rest of Jackson's message quotes the body, which may carry personal data. */
  private static String firstLine(IOException e) {
    String m = e.getMessage() == null ? "malformed JSON" : e.getMessage();
    int nl = m.indexOf('\n');
    return nl > 0 ? m.substring(0, nl) : m;
  }
}
