package dev.oceanj.core.port;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.oceanj.core.port.PortClient.PortIdentity;
import dev.oceanj.core.port.PortClient.ResyncRequest;
import dev.oceanj.core.port.PortClient.ResyncState;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * The Port client's role that reads and writes this integration's record in Port ({@code /v1/integration/{id}}):
 * its mapping, its resync state, a resync Port asked for. What readiness, the live-event mapping, telemetry and
 * the resync's state reports use.
 */
public interface IntegrationRecord {

  /** The integration this client acts for. */
  PortIdentity identity();

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
    return CompletableFuture.completedFuture(List.of());
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
}
