package dev.oceanj.core.port;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Port's REST API as the runtime uses it (ocean-reference.md §1.4). One client per integration: it knows the
 * integration's identifier, type and version, which make the User-Agent, and so every written entity's
 * {@code $datasource}.
 *
 * <p>Every call is non-blocking. Implementations authenticate, retry what Port's semantics make safe to
 * retry, and pass every write through one organisation-wide rate limiter. A stage fails with
 * {@link PortApiException} when Port answers with an error that retries did not cure.
 *
 * <p>This is the union the wiring builds and hands out; each consumer takes only the role it uses:
 * {@link EntityWrites}, {@link CatalogListing}, {@link ResyncPort} (both, plus a kind's examples),
 * {@link IntegrationRecord}, {@link PortSetup}, {@link PortOrganization}.
 */
public interface PortClient
    extends ResyncPort, IntegrationRecord, PortSetup, PortOrganization, AutoCloseable {

  /** The integration this client acts for. */
  @Override
  PortIdentity identity();

  /**
   * This client for live events: its writes may use the share of the org-wide write budget that resyncs leave
   * free. The default (for clients without a limiter) is this client itself.
   */
  @Override
  default PortClient forLiveEvents() {
    return this;
  }

  /** Releases the connection pool. */
  @Override
  void close();

  /** An entity with its JSON serialization ({@link EntityWrites#bulkUpsertSerialized}). */
  record SerializedEntity(ObjectNode entity, byte[] json) {}

  // ---- value types -----------------------------------------------------------------------------------------

  /**
   * Who is calling: makes {@code User-Agent: port-ocean/{type}/{version}/{identifier}[/exporter]}; in cluster mode
   * {@code node} (the node's tag) is sent as {@code X-Oceanj-Node}.
   */
  record PortIdentity(String type, String version, String identifier, Optional<String> node) {

    /** Outside cluster mode: no node tag. */
    public PortIdentity(String type, String version, String identifier) {
      this(type, version, identifier, Optional.empty());
    }

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
