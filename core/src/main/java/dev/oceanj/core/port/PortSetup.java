package dev.oceanj.core.port;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Optional;
import java.util.concurrent.CompletionStage;

/**
 * The Port client's role that sets up and tears down the data model: blueprints, their scorecards, actions and
 * pages, and the background deletion of a blueprint's entities. What the first-start defaults and
 * {@code defaults clean} use.
 */
public interface PortSetup {

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
}
