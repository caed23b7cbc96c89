package dev.oceanj.core.port;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.concurrent.CompletionStage;

/**
 * What one resync does to Port: write entities, list the ones it owns to delete the stale, and send a kind's
 * first raw items as examples. The resync pipeline and the reconciler take this, so their test doubles implement
 * these methods only.
 */
public interface ResyncPort extends EntityWrites, CatalogListing {

  /** {@code POST /v1/integration/{id}/kinds/{kind}/examples}. */
  CompletionStage<Void> sendRawDataExamples(String kind, List<JsonNode> examples);
}
