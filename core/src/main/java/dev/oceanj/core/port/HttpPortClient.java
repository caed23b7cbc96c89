package dev.oceanj.core.port;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.oceanj.core.config.NetworkSettings;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import dev.oceanj.core.port.PortTransport.Call;
import dev.oceanj.core.port.PortTransport.Reply;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * {@link PortClient} over one pool of kept-alive HTTP/1.1 connections ({@link PortTransport}, blocking I/O on its own
 * threads), no actor system; every call returns at once with a stage.
 *
 * <p>Entity writes (upserts and deletes) draw from the shared {@link WriteLimiter} and carry the
 * {@code /exporter} User-Agent, from which Port derives each entity's {@code $datasource}. Retries follow
 * {@link PortTransport}: upserts, deletes, reads, search, the datasource listing and the token are retried on
 * any transient failure; creates and PATCHes only when Port provably did not act (401, 429, no connection).
 *
 * <p>Bulk upserts: the write stage ({@code core.sync.PortWriter}) hands batches it packed with {@link BulkPacker},
 * which go out as one request each, their bytes untouched; a longer list from another caller is packed by the same
 * {@link BulkPacker}. The client itself only splits on a 413, in halves down to single entities.
 */
public final class HttpPortClient implements PortClient {

  private final PortTransport transport;
  private final PortIdentity identity;
  private final WriteLimiter.Priority priority;
  private final ObjectMapper mapper;
  private final boolean owner;
  private final int maxBodyBytes;
  private final BulkPacker.Limits limits;

  private HttpPortClient(PortTransport transport, PortIdentity identity, WriteLimiter.Priority priority,
      ObjectMapper mapper, boolean owner, int maxBodyBytes) {
    this.transport = transport;
    this.identity = identity;
    this.priority = priority;
    this.mapper = mapper;
    this.owner = owner;
    this.maxBodyBytes = maxBodyBytes;
    this.limits = new BulkPacker.Limits(BulkPacker.Limits.PORT.entities(), maxBodyBytes);
  }

  /**
   * A client for one integration.
   *
   * @param settings where Port is and how to talk to it
   * @param identity the integration (makes the User-Agent, hence {@code $datasource})
   * @param limiter  the process-wide write limiter, shared with every other client; not closed by this client
   */
  public static HttpPortClient create(PortClientSettings settings, PortIdentity identity, WriteLimiter limiter) {
    ObjectMapper mapper = newMapper();
    return new HttpPortClient(new PortTransport(settings, identity, limiter, mapper), identity,
        WriteLimiter.Priority.RESYNC, mapper, true, PortLimits.MAX_BODY_BYTES);
  }

  /**
   * A client for one integration, through the proxy and with the trust of {@code network}.
   *
   * @param network proxies, extra certificate authorities and {@code ocean.ssl.port.verify}
   */
  public static HttpPortClient create(PortClientSettings settings, PortIdentity identity, WriteLimiter limiter,
      NetworkSettings network) {
    ObjectMapper mapper = newMapper();
    boolean https = "https".equalsIgnoreCase(settings.baseUrl().getScheme());
    return new HttpPortClient(new PortTransport(settings, identity, limiter, mapper, https ? network.portTls() : null,
        network.proxies().proxyFor(settings.baseUrl()).orElse(null)), identity, WriteLimiter.Priority.RESYNC, mapper,
        true, PortLimits.MAX_BODY_BYTES);
  }

  /** Same, with a smaller body limit than Port's, for tests of batch packing. */
  static HttpPortClient create(PortClientSettings settings, PortIdentity identity, WriteLimiter limiter, int maxBodyBytes) {
    ObjectMapper mapper = newMapper();
    return new HttpPortClient(new PortTransport(settings, identity, limiter, mapper), identity,
        WriteLimiter.Priority.RESYNC, mapper, true, maxBodyBytes);
  }

  /**
   * A client over a shared channel and credential, writing through its own lane of a shared limiter
   * ({@link PortConnections}); closing it closes only its lane.
   */
  static HttpPortClient shared(PortClientSettings settings, PortIdentity identity, WriteLimiter.Lane lane,
      PortChannel channel, AccessTokens tokens) {
    ObjectMapper mapper = newMapper();
    return new HttpPortClient(new PortTransport(settings, identity, lane, mapper, channel, tokens), identity,
        WriteLimiter.Priority.RESYNC, mapper, true, PortLimits.MAX_BODY_BYTES);
  }

  /** The write limiter this client's writes draw from (shared with every client of its organisation), or null. */
  public WriteLimiter limiter() {
    return transport.limiter();
  }

  /** The access tokens this client authenticates with. */
  AccessTokens tokens() {
    return transport.tokens();
  }

  static ObjectMapper newMapper() {
    return new ObjectMapper().registerModule(new JavaTimeModule())
        .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);
  }

  /**
   * The {@code Authorization} header's value for Port (a token fetched or refreshed as needed), for calls this client
   * does not make itself: telemetry to the integration's ingest URLs.
   */
  public CompletionStage<String> authorization() {
    return transport.authorization();
  }

  @Override
  public PortIdentity identity() {
    return identity;
  }

  /** A view of this client whose writes draw on the live-events share of the budget; closing it does nothing. */
  @Override
  public PortClient forLiveEvents() {
    return new HttpPortClient(transport, identity, WriteLimiter.Priority.LIVE_EVENT, mapper, false, maxBodyBytes);
  }

  /**
   * Request figures of this client's connection pool since start.
   *
   * @return exchanges sent, retries, 429s and 401s received, tokens fetched
   */
  public ClientStats stats() {
    PortTransport.Stats s = transport.stats();
    return new ClientStats(s.sent(), s.retries(), s.throttled(), s.unauthorized(), s.tokens());
  }

  /**
   * Request figures of one client.
   *
   * @param sent         HTTP exchanges attempted, retries included
   * @param retries      of which were retries
   * @param throttled    429 answers received
   * @param unauthorized 401 answers received (each forced a token refresh)
   * @param tokens       access tokens fetched
   */
  public record ClientStats(long sent, long retries, long throttled, long unauthorized, long tokens) {}

  // ---- entities ------------------------------------------------------------------------------------------

  @Override
  public CompletionStage<BulkUpsertResult> bulkUpsert(String blueprint, List<ObjectNode> entities,
      UpsertOptions options) {
    int n = entities.size();
    EntityOutcome[] outcomes = new EntityOutcome[n];
    byte[][] bytes = new byte[n][];
    for (int i = 0; i < n; i++) {
      try {
        bytes[i] = mapper.writeValueAsBytes(entities.get(i));
      } catch (IOException e) {
        outcomes[i] = failed(i, entities.get(i), 400, "invalid_entity", "entity cannot be serialized: " + e.getMessage());
      }
    }
    return packAndSend(blueprint, entities, bytes, outcomes, options);
  }

  @Override
  public CompletionStage<BulkUpsertResult> bulkUpsertSerialized(String blueprint, List<SerializedEntity> serialized,
      UpsertOptions options) {
    int n = serialized.size();
    List<ObjectNode> entities = new ArrayList<>(n);
    byte[][] bytes = new byte[n][];
    for (int i = 0; i < n; i++) {
      entities.add(serialized.get(i).entity());
      bytes[i] = serialized.get(i).json();
    }
    return packAndSend(blueprint, entities, bytes, new EntityOutcome[n], options);
  }

  /**
   * Sends the serialized entities in the batches {@link BulkPacker} makes (one for a batch the write stage packed);
   * an entity too large on its own is reported without being sent. Fills {@code outcomes}.
   */
  private CompletionStage<BulkUpsertResult> packAndSend(String blueprint, List<ObjectNode> entities, byte[][] bytes,
      EntityOutcome[] outcomes, UpsertOptions options) {
    List<Integer> sendable = new ArrayList<>(entities.size());
    for (int i = 0; i < entities.size(); i++) {
      if (bytes[i] == null) {
        continue;
      }
      if (BulkPacker.ENVELOPE_BYTES + bytes[i].length > maxBodyBytes) {
        outcomes[i] = failed(i, entities.get(i), 413, "payload_too_large", "entity is " + bytes[i].length
            + " bytes serialized; Port accepts request bodies of at most " + maxBodyBytes + " bytes");
        continue;
      }
      sendable.add(i);
    }
    List<CompletableFuture<Void>> sends = new ArrayList<>();
    for (List<Integer> chunk : BulkPacker.pack(sendable, limits, i -> bytes[i].length)) {
      sends.add(sendBulk(blueprint, chunk, entities, bytes, options, outcomes));
    }
    return CompletableFuture.allOf(sends.toArray(CompletableFuture[]::new))
        .thenApply(v -> new BulkUpsertResult(List.of(outcomes)));
  }

  /** Sends one packed request; fills {@code outcomes} at the given indices (distinct per request, so no race). */
  private CompletableFuture<Void> sendBulk(String blueprint, List<Integer> indices, List<ObjectNode> entities,
      byte[][] bytes, UpsertOptions options, EntityOutcome[] outcomes) {
    int size = BulkPacker.ENVELOPE_BYTES + indices.size() - 1;
    for (int i : indices) {
      size += bytes[i].length;
    }
    // The entities are serialized once; the body is their bytes joined, copied once into an array of exact size.
    byte[] body = new byte[size];
    int at = 0;
    System.arraycopy(BulkPacker.PREFIX, 0, body, at, BulkPacker.PREFIX.length);
    at += BulkPacker.PREFIX.length;
    for (int k = 0; k < indices.size(); k++) {
      if (k > 0) {
        body[at++] = ',';
      }
      byte[] e = bytes[indices.get(k)];
      System.arraycopy(e, 0, body, at, e.length);
      at += e.length;
    }
    System.arraycopy(BulkPacker.SUFFIX, 0, body, at, BulkPacker.SUFFIX.length);
    Call call = write("POST", "/v1/blueprints/" + seg(blueprint) + "/entities/bulk", upsertQuery(options), body);
    return transport.send(call).thenCompose(reply -> {
      if (reply.ok()) {
        readBulkReply(call, reply, indices, entities, outcomes);
        return CompletableFuture.<Void>completedFuture(null);
      }
      if (reply.status() == 413 && indices.size() > 1) {
        int half = indices.size() / 2;
        return CompletableFuture.allOf(
            sendBulk(blueprint, indices.subList(0, half), entities, bytes, options, outcomes),
            sendBulk(blueprint, indices.subList(half, indices.size()), entities, bytes, options, outcomes));
      }
      if (isRequestError(reply.status())) {
        // Port refused the request as a whole (413 for one entity, 422, 404 unknown blueprint…): each entity in it
        // gets that answer, so callers count and report them like per-entity errors.
        PortError e = portError(reply);
        for (int i : indices) {
          outcomes[i] = new EntityOutcome(i, identifierOf(entities.get(i)), false, Optional.of(e));
        }
        return CompletableFuture.<Void>completedFuture(null);
      }
      throw transport.error(call, reply);
    });
  }

  private void readBulkReply(Call call, Reply reply, List<Integer> indices, List<ObjectNode> entities,
      EntityOutcome[] outcomes) {
    JsonNode root = parse(call, reply);
    for (JsonNode e : root.path("entities")) {
      int local = e.path("index").asInt(-1);
      if (local >= 0 && local < indices.size()) {
        int i = indices.get(local);
        outcomes[i] = new EntityOutcome(i, e.path("identifier").asText(identifierOf(entities.get(i))),
            e.path("created").asBoolean(false), Optional.empty());
      }
    }
    for (JsonNode e : root.path("errors")) {
      int local = e.path("index").asInt(-1);
      if (local >= 0 && local < indices.size()) {
        int i = indices.get(local);
        PortError err = new PortError(e.path("statusCode").asInt(reply.status()), e.path("error").asText(""),
            e.path("message").asText(""));
        outcomes[i] = new EntityOutcome(i, e.path("identifier").asText(identifierOf(entities.get(i))), false,
            Optional.of(err));
      }
    }
    for (int i : indices) {
      if (outcomes[i] == null) {
        outcomes[i] = failed(i, entities.get(i), reply.status(), "missing_result",
            "Port's bulk answer did not mention this entity (x-trace-id " + reply.traceId() + ")");
      }
    }
  }

  @Override
  public CompletionStage<ObjectNode> upsertEntity(String blueprint, ObjectNode entity, UpsertOptions options) {
    byte[] body = bytes(entity);
    String path = "/v1/blueprints/" + seg(blueprint) + "/entities";
    if (body.length > maxBodyBytes) {
      return CompletableFuture.failedFuture(new PortApiException("POST", path, 413,
          "entity is " + body.length + " bytes serialized; Port accepts request bodies of at most " + maxBodyBytes
              + " bytes (not sent)", null, null));
    }
    Call call = write("POST", path, upsertQuery(options), body);
    return json(call).thenApply(n -> n.path("entity") instanceof ObjectNode o ? o : entity.deepCopy());
  }

  @Override
  public CompletionStage<Optional<ObjectNode>> getEntity(String blueprint, String identifier) {
    Call call = read("GET", "/v1/blueprints/" + seg(blueprint) + "/entities/" + seg(identifier), "", null);
    return optionalJson(call).thenApply(o -> o.map(n -> n.path("entity")).filter(ObjectNode.class::isInstance)
        .map(ObjectNode.class::cast));
  }

  @Override
  public CompletionStage<Boolean> deleteEntity(String blueprint, String identifier, boolean deleteDependents) {
    Call call = write("DELETE", "/v1/blueprints/" + seg(blueprint) + "/entities/" + seg(identifier),
        "delete_dependents=" + deleteDependents, null);
    return transport.send(call).thenApply(reply -> {
      if (reply.ok()) {
        return true;
      }
      if (reply.status() == 404) {
        return false;
      }
      throw transport.error(call, reply);
    });
  }

  /**
   * {@inheritDoc}
   *
   * <p>More than 100 identifiers are sent as consecutive requests, one after the other: the first failure stops
   * the rest (deletion is the cautious path) and fails the stage.
   */
  @Override
  public CompletionStage<List<String>> bulkDelete(String blueprint, List<String> identifiers, boolean deleteDependents) {
    return bulkDelete(blueprint, identifiers, deleteDependents, DeleteGuard.NONE);
  }

  /**
   * {@inheritDoc}
   *
   * <p>The guard is asked by the transport for each request (and each retry of one) once it holds its write-limiter
   * and connection permits, and read again on its I/O thread right before the bytes are written.
   */
  @Override
  public CompletionStage<List<String>> bulkDelete(String blueprint, List<String> identifiers, boolean deleteDependents,
      DeleteGuard guard) {
    List<String> deleted = new ArrayList<>();
    CompletableFuture<Void> chain = CompletableFuture.completedFuture(null);
    for (int from = 0; from < identifiers.size(); from += PortLimits.MAX_DELETE_IDENTIFIERS) {
      List<String> batch = identifiers.subList(from, Math.min(identifiers.size(), from + PortLimits.MAX_DELETE_IDENTIFIERS));
      chain = chain.thenCompose(v -> deleteBatch(blueprint, batch, deleteDependents, guard)).thenAccept(d -> {
        synchronized (deleted) {
          deleted.addAll(d);
        }
      });
    }
    return chain.thenApply(v -> {
      synchronized (deleted) {
        return List.copyOf(deleted);
      }
    });
  }

  private CompletableFuture<List<String>> deleteBatch(String blueprint, List<String> ids, boolean deleteDependents,
      DeleteGuard guard) {
    ObjectNode body = mapper.createObjectNode();
    ArrayNode arr = body.putArray("entities");
    ids.forEach(arr::add);
    Call call = write("POST", "/v1/blueprints/" + seg(blueprint) + "/bulk/entities/delete",
        "delete_dependents=" + deleteDependents, bytes(body)).guardedBy(guard);
    return json(call).thenApply(n -> {
      List<String> out = new ArrayList<>();
      for (JsonNode d : n.path("deletedEntities")) {
        out.add(d.isObject() ? d.path("identifier").asText() : d.asText());
      }
      return out;
    });
  }

  @Override
  public CompletionStage<EntityPage> datasourceEntities(DatasourceQuery query, Optional<String> cursor) {
    if (query.limit() < 1 || query.limit() > 5000) {
      return CompletableFuture.failedFuture(
          new IllegalArgumentException("datasource listing limit must be within 1..5000, was " + query.limit()));
    }
    ObjectNode body = mapper.createObjectNode()
        .put("datasource_prefix", query.prefix())
        .put("datasource_suffix", query.suffix())
        .put("limit", query.limit());
    query.before().ifPresent(b -> body.put("before", b.toString()));
    cursor.ifPresent(c -> body.put("from", c));
    Call call = read("POST", "/v1/blueprints/entities/datasource-entities", "", bytes(body));
    return transport.send(call).thenApply(reply -> {
      if (!reply.ok()) {
        throw transport.error(call, reply);
      }
      return readEntityPage(call, reply);
    });
  }

  /**
   * Reads a datasource listing page with a streaming parser, keeping only each entity's blueprint, identifier and
   * {@code updatedAt}.
   * Port answers with whole entities (a 5,000-entity page of 1 KiB entities is over 6 MiB); building a tree of it
   * only to read two fields costs more than the rest of a no-change resync, and its garbage sets the peak heap.
   * The parser skips everything else without decoding it.
   */
  private EntityPage readEntityPage(Call call, Reply reply) {
    List<EntityRef> refs = new ArrayList<>();
    Optional<String> nextCursor = Optional.empty();
    try (JsonParser p = mapper.getFactory().createParser(reply.body())) {
      if (p.nextToken() != JsonToken.START_OBJECT) {
        throw new IOException("the answer is not a JSON object");
      }
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String field = p.currentName();
        JsonToken value = p.nextToken();
        if (field.equals("entities") && value == JsonToken.START_ARRAY) {
          for (JsonToken t = p.nextToken(); t != null && t != JsonToken.END_ARRAY; t = p.nextToken()) {
            if (t != JsonToken.START_OBJECT) {
              p.skipChildren(); // not an entity: nothing to own
              continue;
            }
            String blueprint = "";
            String identifier = "";
            long updatedAt = 0;
            while (p.nextToken() == JsonToken.FIELD_NAME) {
              String name = p.currentName();
              JsonToken v = p.nextToken();
              if (name.equals("blueprint") && v.isScalarValue()) {
                blueprint = p.getValueAsString("");
              } else if (name.equals("identifier") && v.isScalarValue()) {
                identifier = p.getValueAsString("");
              } else if (name.equals("updatedAt") && v == JsonToken.VALUE_STRING) {
                updatedAt = IsoMillis.parse(p.getText());
              } else {
                p.skipChildren();
              }
            }
            refs.add(new EntityRef(blueprint, identifier, updatedAt));
          }
        } else if (field.equals("next") && (value == JsonToken.VALUE_STRING || value.isNumeric())) {
          String next = p.getValueAsString("");
          nextCursor = next.isEmpty() ? Optional.empty() : Optional.of(next);
        } else {
          p.skipChildren();
        }
      }
    } catch (IOException e) {
      throw new PortApiException(call.method(), call.target(), reply.status(),
          "unreadable JSON answer: " + e.getMessage(), reply.traceId(), e);
    }
    return new EntityPage(List.copyOf(refs), nextCursor);
  }

  @Override
  public CompletionStage<List<ObjectNode>> searchEntities(JsonNode query, List<String> include) {
    StringBuilder q = new StringBuilder("exclude_calculated_properties=true");
    include.forEach(f -> q.append("&include=").append(enc(f)));
    Call call = read("POST", "/v1/entities/search", q.toString(), bytes(query));
    return json(call).thenApply(n -> objects(n.path("entities")));
  }

  // ---- blueprints and other resources ----------------------------------------------------------------------

  @Override
  public CompletionStage<Optional<ObjectNode>> getBlueprint(String identifier) {
    Call call = read("GET", "/v1/blueprints/" + seg(identifier), "", null);
    return optionalJson(call).thenApply(o -> o.map(n -> n.path("blueprint")).filter(ObjectNode.class::isInstance)
        .map(ObjectNode.class::cast));
  }

  @Override
  public CompletionStage<ObjectNode> createBlueprint(JsonNode blueprint) {
    Call call = once("POST", "/v1/blueprints", bytes(blueprint));
    return json(call).thenApply(n -> member(n, "blueprint"));
  }

  @Override
  public CompletionStage<ObjectNode> patchBlueprint(String identifier, JsonNode blueprint) {
    Call call = once("PATCH", "/v1/blueprints/" + seg(identifier), bytes(blueprint));
    return json(call).thenApply(n -> member(n, "blueprint"));
  }

  /** {@inheritDoc} A blueprint that does not exist counts as deleted. */
  @Override
  public CompletionStage<Void> deleteBlueprint(String identifier) {
    Call call = read("DELETE", "/v1/blueprints/" + seg(identifier), "", null);
    return transport.send(call).thenApply(reply -> {
      if (reply.ok() || reply.status() == 404) {
        return null;
      }
      throw transport.error(call, reply);
    });
  }

  @Override
  public CompletionStage<String> deleteAllEntities(String blueprint, boolean deleteBlueprint) {
    Call call = new Call("DELETE", "/v1/blueprints/" + seg(blueprint) + "/all-entities",
        "delete_blueprint=" + deleteBlueprint, null, false, false, priority, false);
    return json(call).thenApply(n -> n.path("migrationId").asText(""));
  }

  @Override
  public CompletionStage<String> migrationStatus(String migrationId) {
    return json(read("GET", "/v1/migrations/" + seg(migrationId), "", null))
        .thenApply(n -> n.path("migration").path("status").asText(""));
  }

  @Override
  public CompletionStage<Void> createScorecard(String blueprint, JsonNode scorecard) {
    return json(once("POST", "/v1/blueprints/" + seg(blueprint) + "/scorecards", bytes(scorecard))).thenApply(n -> null);
  }

  @Override
  public CompletionStage<Void> createAction(JsonNode action) {
    return json(once("POST", "/v1/actions", bytes(action))).thenApply(n -> null);
  }

  @Override
  public CompletionStage<Void> createPage(JsonNode page) {
    return json(once("POST", "/v1/pages", bytes(page))).thenApply(n -> null);
  }

  // ---- the integration record --------------------------------------------------------------------------------

  @Override
  public CompletionStage<Optional<ObjectNode>> getIntegration() {
    Call call = read("GET", integrationPath(), "", null);
    return optionalJson(call).thenApply(o -> o.map(n -> n.path("integration")).filter(ObjectNode.class::isInstance)
        .map(ObjectNode.class::cast));
  }

  @Override
  public CompletionStage<ObjectNode> createIntegration(ObjectNode body) {
    return createIntegration(body, "");
  }

  @Override
  public CompletionStage<ObjectNode> createIntegrationWithPortResources(ObjectNode body) {
    return createIntegration(body, "integration_modes=create_resources");
  }

  @Override
  public CompletionStage<List<String>> provisionEnabledTypes() {
    return json(read("GET", "/v1/integration/provision-enabled", "", null)).thenApply(n -> {
      List<String> types = new ArrayList<>();
      n.path("integrations").forEach(t -> types.add(t.asText()));
      return List.copyOf(types);
    });
  }

  private CompletionStage<ObjectNode> createIntegration(ObjectNode body, String query) {
    ObjectNode b = body.deepCopy();
    if (!b.hasNonNull("installationId")) {
      b.put("installationId", identity.identifier());
    }
    if (!b.hasNonNull("installationAppType")) {
      b.put("installationAppType", identity.type());
    }
    if (!b.hasNonNull("version")) {
      b.put("version", identity.version());
    }
    return json(new Call("POST", "/v1/integration", query, bytes(b), false, false, priority, false))
        .thenApply(n -> member(n, "integration"));
  }

  @Override
  public CompletionStage<ObjectNode> patchIntegration(ObjectNode patch) {
    ObjectNode b = patch.deepCopy();
    if (!b.hasNonNull("version")) {
      b.put("version", identity.version());
    }
    return json(once("PATCH", integrationPath(), bytes(b))).thenApply(n -> member(n, "integration"));
  }

  @Override
  public CompletionStage<Boolean> deleteIntegration() {
    Call call = once("DELETE", integrationPath(), null);
    return transport.send(call).thenApply(reply -> {
      if (reply.status() == 404) {
        return false;
      }
      if (!reply.ok()) {
        throw transport.error(call, reply);
      }
      return true;
    });
  }

  @Override
  public CompletionStage<ObjectNode> patchMapping(JsonNode mapping) {
    ObjectNode b = mapper.createObjectNode();
    b.set("config", mapping);
    return json(once("PATCH", integrationPath() + "/config", bytes(b))).thenApply(n -> member(n, "integration"));
  }

  @Override
  public CompletionStage<Void> patchResyncState(ResyncState state) {
    ObjectNode b = mapper.createObjectNode();
    putIfPresent(b, "status", state.status());
    putIfPresent(b, "lastResyncStart", state.lastResyncStart());
    putIfPresent(b, "lastResyncEnd", state.lastResyncEnd());
    putIfPresent(b, "nextResync", state.nextResync());
    if (state.intervalInMinutes() != null) {
      // Port's wire name really is misspelled.
      b.put("intervalInMinuets", state.intervalInMinutes());
    }
    return json(once("PATCH", integrationPath() + "/resync-state", bytes(b))).thenApply(n -> null);
  }

  @Override
  public CompletionStage<Optional<ResyncRequest>> resyncRequest() {
    Call call = read("GET", integrationPath() + "/resync-request", "", null);
    return optionalJson(call).thenApply(o -> o.flatMap(n -> {
      JsonNode r = n.path("request");
      if (!r.hasNonNull("id")) {
        return Optional.empty();
      }
      Instant updated = r.hasNonNull("updatedAt") ? Instant.parse(r.get("updatedAt").asText()) : null;
      return Optional.of(new ResyncRequest(r.get("id").asText(), updated));
    }));
  }

  @Override
  public CompletionStage<Void> sendRawDataExamples(String kind, List<JsonNode> examples) {
    ObjectNode b = mapper.createObjectNode();
    ArrayNode arr = b.putArray("examples");
    examples.forEach(arr::add);
    return json(once("POST", integrationPath() + "/kinds/" + seg(kind) + "/examples", bytes(b))).thenApply(n -> null);
  }

  // ---- organisation --------------------------------------------------------------------------------------------

  @Override
  public CompletionStage<Organization> organization() {
    return json(read("GET", "/v1/organization", "", null)).thenApply(n -> {
      JsonNode org = n.path("organization");
      List<String> flags = new ArrayList<>();
      org.path("featureFlags").forEach(f -> flags.add(f.asText()));
      return new Organization(org.path("id").asText(), List.copyOf(flags));
    });
  }

  @Override
  public CompletionStage<Optional<KafkaCredentials>> kafkaCredentials() {
    return optionalJson(read("GET", "/v1/kafka-credentials", "", null)).thenApply(o -> o.flatMap(n -> {
      JsonNode c = n.path("credentials");
      if (!c.hasNonNull("username") || !c.hasNonNull("password")) {
        return Optional.empty();
      }
      return Optional.of(new KafkaCredentials(c.get("username").asText(), c.get("password").asText()));
    }));
  }

  /**
   * Releases the connection pool (a shared one: this client's lane of the limiter); a {@link #forLiveEvents()} view
   * does nothing. The limiter stays open.
   */
  @Override
  public void close() {
    if (owner) {
      transport.close();
    }
  }

  // ---- helpers ----------------------------------------------------------------------------------------------

  private Call write(String method, String path, String query, byte[] body) {
    return new Call(method, path, query, body, true, true, priority, true);
  }

  private Call read(String method, String path, String query, byte[] body) {
    return new Call(method, path, query, body, true, false, priority, false);
  }

  private Call once(String method, String path, byte[] body) {
    return new Call(method, path, "", body, false, false, priority, false);
  }

  private String integrationPath() {
    return "/v1/integration/" + seg(identity.identifier());
  }

  private static String upsertQuery(UpsertOptions o) {
    return "upsert=true&merge=" + o.merge() + "&create_missing_related_entities=" + o.createMissingRelatedEntities()
        + "&validation_only=" + o.validationOnly();
  }

  /** 4xx answers that are Port's verdict on the request itself (the transient ones were retried already). */
  private static boolean isRequestError(int status) {
    return status >= 400 && status < 500 && status != 401 && status != 408 && status != 429;
  }

  private CompletableFuture<JsonNode> json(Call call) {
    return transport.send(call).thenApply(reply -> {
      if (!reply.ok()) {
        throw transport.error(call, reply);
      }
      return parse(call, reply);
    });
  }

  private CompletableFuture<Optional<JsonNode>> optionalJson(Call call) {
    return transport.send(call).thenApply(reply -> {
      if (reply.status() == 404) {
        return Optional.empty();
      }
      if (!reply.ok()) {
        throw transport.error(call, reply);
      }
      return Optional.of(parse(call, reply));
    });
  }

  private JsonNode parse(Call call, Reply reply) {
    if (reply.body().length == 0) {
      return mapper.createObjectNode();
    }
    try {
      return mapper.readTree(reply.body());
    } catch (IOException e) {
      throw new PortApiException(call.method(), call.target(), reply.status(),
          "unreadable JSON answer: " + e.getMessage(), reply.traceId(), e);
    }
  }

  private PortError portError(Reply reply) {
    try {
      JsonNode n = mapper.readTree(reply.body());
      return new PortError(reply.status(), n.path("error").asText(""), n.path("message").asText(reply.text()));
    } catch (IOException | RuntimeException e) {
      return new PortError(reply.status(), "", reply.text());
    }
  }

  private ObjectNode member(JsonNode n, String name) {
    JsonNode m = n.path(name);
    return m instanceof ObjectNode o ? o : (n instanceof ObjectNode whole ? whole : mapper.createObjectNode());
  }

  private List<ObjectNode> objects(JsonNode arr) {
    List<ObjectNode> out = new ArrayList<>();
    for (JsonNode e : arr) {
      if (e instanceof ObjectNode o) {
        out.add(o);
      }
    }
    return out;
  }

  private byte[] bytes(JsonNode n) {
    try {
      return mapper.writeValueAsBytes(n);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void putIfPresent(ObjectNode b, String field, Object value) {
    if (value instanceof String s) {
      b.put(field, s);
    } else if (value instanceof Instant i) {
      b.put(field, i.toString());
    }
  }

  private static EntityOutcome failed(int index, ObjectNode entity, int status, String error, String message) {
    return new EntityOutcome(index, identifierOf(entity), false, Optional.of(new PortError(status, error, message)));
  }

  /** The entity's identifier as sent: the string, or the search query's JSON. */
  private static String identifierOf(ObjectNode entity) {
    JsonNode id = entity.get("identifier");
    if (id == null || id.isNull()) {
      return "";
    }
    return id.isTextual() ? id.asText() : id.toString();
  }

  /** One path segment: identifiers may hold {@code / + : = @ \}, which must not change the path. */
  static String seg(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
  }

  private static String enc(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }

  @Override
  public String toString() {
    return "HttpPortClient[" + identity + ", " + priority + "]";
  }
}
