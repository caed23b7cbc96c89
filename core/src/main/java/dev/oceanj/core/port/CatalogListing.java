package dev.oceanj.core.port;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.oceanj.core.port.PortClient.DatasourceQuery;
import dev.oceanj.core.port.PortClient.EntityPage;
import dev.oceanj.core.port.PortClient.PortIdentity;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletionStage;

/**
 * The Port client's role that reads the catalog: the entities this integration owns (its {@code $datasource}),
 * one entity, and entity search. What the reconciliation's owned listing uses.
 */
public interface CatalogListing {

  /** The integration this client acts for; its datasource prefix and suffix select the owned entities. */
  PortIdentity identity();

  /** Reads one entity; empty when Port answers 404. */
  CompletionStage<Optional<ObjectNode>> getEntity(String blueprint, String identifier);

  /**
   * One page of the entities whose {@code $datasource} starts with {@code prefix} and ends with
   * {@code suffix}, optionally only those last updated before {@code before}.
   */
  CompletionStage<EntityPage> datasourceEntities(DatasourceQuery query, Optional<String> cursor);

  /** Entity search with Port's rule language; {@code include} projects fields (empty: Port's default). */
  CompletionStage<List<ObjectNode>> searchEntities(JsonNode query, List<String> include);
}
