package dev.oceanj.core.port;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletionStage;

/**
 * Port's REST API as the runtime uses it (ocean-reference.md §1.4). One client per integration: it knows the
 * integration's identifier, type and version, which make the User-Agent, and so every written entity's
 * {@code $datasource}.
 *
 * <p>Every call is non-blocking. Implementations authenticate, retry what Port's semantics make safe to
 * retry, and pass every write through one organisation-wide rate limiter. A stage fails with
 * {@link PortApiException} when Port answers with an error that retries did not cure.
 */
public interface PortClient extends AutoCloseable {

  /** The integration this client acts for. */
  PortIdentity identity();

  /**
   * This client for live events: its writes may use the share of the org-wide write budget that resyncs leave
   * free. The default (for clients without a limiter) is this client itself.
   */
  default PortClient forLiveEvents() {
    return this;
  }

  // ---- entities ----------------------------------------------------------------------------------------

  /**
   * Bulk-upserts entities of one blueprint. Per-entity outcomes come back by index, one per entity, in order; a
   * partial failure (HTTP 207) completes normally. Requests hold at most 20 entities and 1 MiB (from the real
   * serialized bytes), so a longer list goes out as several requests; a 413 is cured by splitting the batch, and an
   * entity too large on its own is reported without being sent. A request Port refuses as a whole with a 4xx
   * (unknown blueprint, 422…) gives each of its entities that error; a failure retries did not cure (5xx,
   * connection) fails the stage, though other requests of the same call may have landed (upserts are idempotent).
   */
  CompletionStage<BulkUpsertResult> bulkUpsert(String blueprint, List<ObjectNode> entities, UpsertOptions options);

  /**
   * {@link #bulkUpsert} of entities the caller has already serialized (the resync digests those bytes): a client
   * that sends bytes sends these instead of serializing each entity again. {@code json} must be the serialization
   * of {@code entity}.
   */
  default CompletionStage<BulkUpsertResult> bulkUpsertSerialized(String blueprint, List<SerializedEntity> entities,
      UpsertOptions options) {
    return bulkUpsert(blueprint, entities.stream().map(SerializedEntity::entity).toList(), options);
  }

  /** An entity with its JSON serialization. */
  record SerializedEntity(ObjectNode entity, byte[] json) {}

  /** Upserts one entity; completes with the entity Port returned. */
  CompletionStage<ObjectNode> upsertEntity(String blueprint, ObjectNode entity, UpsertOptions options);

  /** Reads one entity; empty when Port answers 404. */
  CompletionStage<Optional<ObjectNode>> getEntity(String blueprint, String identifier);

  /** Deletes one entity; completes {@code false} when it did not exist. */
  CompletionStage<Boolean> deleteEntity(String blueprint, String identifier, boolean deleteDependents);

  /** Deletes up to 100 entities of one blueprint; completes with the identifiers Port reports deleted. */
  CompletionStage<List<String>> bulkDelete(String blueprint, List<String> identifiers, boolean deleteDependents);

  /**
   * One page of the entities whose {@code $datasource} starts with {@code prefix} and ends with
   * {@code suffix}, optionally only those last updated before {@code before}.
   */
  CompletionStage<EntityPage> datasourceEntities(DatasourceQuery query, Optional<String> cursor);

  /** Entity search with Port's rule language; {@code include} projects fields (empty: Port's default). */
  CompletionStage<List<ObjectNode>> searchEntities(JsonNode query, List<String> include);

  // ---- blueprints and other resources --------------------------------------------------------------------

  CompletionStage<Optional<ObjectNode>> getBlueprint(String identifier);

  CompletionStage<ObjectNode> createBlueprint(JsonNode blueprint);

  CompletionStage<ObjectNode> patchBlueprint(String identifier, JsonNode blueprint);

  CompletionStage<Void> deleteBlueprint(String identifier);

  /**
   * {@code DELETE /v1/blueprints/{bp}/all-entities?delete_blueprint=…}: Port deletes the blueprint's entities (and
   * the blueprint itself when asked) in the background; completes with the migration id to poll.
   */
  CompletionStage<String> deleteAllEntities(String blueprint, boolean deleteBlueprint);

  /** {@code GET /v1/migrations/{id}}: the migration's {@code status} ({@code RUNNING}, {@code COMPLETED}…). */
  CompletionStage<String> migrationStatus(String migrationId);

  CompletionStage<Void> createScorecard(String blueprint, JsonNode scorecard);

  CompletionStage<Void> createAction(JsonNode action);

  CompletionStage<Void> createPage(JsonNode page);

  // ---- the integration record ----------------------------------------------------------------------------

  /** {@code GET /v1/integration/{id}}; empty when Port answers 404. */
  CompletionStage<Optional<ObjectNode>> getIntegration();

  /** {@code POST /v1/integration} with the given body (installationId etc. filled from the identity). */
  CompletionStage<ObjectNode> createIntegration(ObjectNode body);

  /**
   * {@code POST /v1/integration?integration_modes=create_resources}: creates the integration and asks Port to
   * provision its default resources ({@code createPortResourcesOrigin: Port}).
   */
  default CompletionStage<ObjectNode> createIntegrationWithPortResources(ObjectNode body) {
    return createIntegration(body);
  }

  /** {@code GET /v1/integration/provision-enabled}: the integration types Port can provision the defaults of. */
  default CompletionStage<List<String>> provisionEnabledTypes() {
    return java.util.concurrent.CompletableFuture.completedFuture(List.of());
  }

  /** {@code PATCH /v1/integration/{id}}; never retried blindly. */
  CompletionStage<ObjectNode> patchIntegration(ObjectNode patch);

  /** {@code DELETE /v1/integration/{id}}; completes {@code false} when Port answers 404. */
  CompletionStage<Boolean> deleteIntegration();

  /** {@code PATCH /v1/integration/{id}/config} with {@code {"config": mapping}}. */
  CompletionStage<ObjectNode> patchMapping(JsonNode mapping);

  /** {@code PATCH /v1/integration/{id}/resync-state} (wire field {@code intervalInMinuets}, sic). */
  CompletionStage<Void> patchResyncState(ResyncState state);

  /** {@code GET /v1/integration/{id}/resync-request}; empty when there is none. */
  CompletionStage<Optional<ResyncRequest>> resyncRequest();

  /** {@code POST /v1/integration/{id}/kinds/{kind}/examples}. */
  CompletionStage<Void> sendRawDataExamples(String kind, List<JsonNode> examples);

  // ---- organisation ----------------------------------------------------------------------------------------

  /** {@code GET /v1/organization}: id and feature flags. */
  CompletionStage<Organization> organization();

  /** {@code GET /v1/kafka-credentials}; empty when Port has none for the organisation. */
  CompletionStage<Optional<KafkaCredentials>> kafkaCredentials();

  /** Releases the connection pool. */
  @Override
  void close();

  // ---- value types -----------------------------------------------------------------------------------------

  /** Who is calling: makes {@code User-Agent: port-ocean/{type}/{version}/{identifier}[/exporter]}. */
  record PortIdentity(String type, String version, String identifier) {
    /** Port's {@code $datasource} prefix of this integration's entities, version-agnostic. */
    public String datasourcePrefix() {
      return "port-ocean/" + type + "/";
    }

    /** Port's {@code $datasource} suffix of this integration's entities. */
    public String datasourceSuffix() {
      return "/" + identifier + "/exporter";
    }
  }

  /** Query flags of entity writes: {@code upsert=true} always, plus these. */
  record UpsertOptions(boolean merge, boolean createMissingRelatedEntities, boolean validationOnly) {
    public static UpsertOptions defaults() {
      return new UpsertOptions(true, true, false);
    }
  }

  /** Port's error for one entity or request: HTTP status, Port's error code and message. */
  record PortError(int statusCode, String error, String message) {}

  /**
   * The outcome of one entity of a bulk upsert.
   *
   * @param index the entity's index in the request
   * @param identifier the identifier Port resolved or reported ({@code "unknown"} for an unmatched search identifier)
   * @param created whether Port created it (false: updated); meaningful only when {@code error} is empty
   */
  record EntityOutcome(int index, String identifier, boolean created, Optional<PortError> error) {
    public boolean ok() {
      return error.isEmpty();
    }
  }

  /** Outcomes of a bulk upsert, one per requested entity, in request order. */
  record BulkUpsertResult(List<EntityOutcome> outcomes) {}

  /**
   * A compact reference to an entity.
   *
   * @param updatedAtMillis Port's {@code updatedAt} in epoch milliseconds, 0 when not known
   */
  record EntityRef(String blueprint, String identifier, long updatedAtMillis) {

    /** A reference without a known {@code updatedAt} (0). */
    public EntityRef(String blueprint, String identifier) {
      this(blueprint, identifier, 0);
    }
  }

  /** A page of the datasource listing; {@code next} is the cursor of the following page. */
  record EntityPage(List<EntityRef> entities, Optional<String> next) {}

  /** The datasource listing's filter; {@code limit} ≤ 5000 per page. */
  record DatasourceQuery(String prefix, String suffix, Optional<Instant> before, int limit) {}

  /** The integration's resync state as Port stores it. Null components are omitted on the wire. */
  record ResyncState(
      String status, Instant lastResyncStart, Instant lastResyncEnd, Instant nextResync, Integer intervalInMinutes) {}

  /** A resync Port asked for (polling listener). */
  record ResyncRequest(String id, Instant updatedAt) {}

  /** The organisation: id and feature flags. */
  record Organization(String id, List<String> featureFlags) {}

  /** Kafka SASL credentials Port hands out. {@code toString} never shows the password. */
  record KafkaCredentials(String username, String password) {
    @Override
    public String toString() {
      return "KafkaCredentials[username=" + username + ", password=****]";
    }
  }
}
