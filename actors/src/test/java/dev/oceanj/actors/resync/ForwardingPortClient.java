package dev.oceanj.actors.resync;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.oceanj.core.port.PortClient;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletionStage;

/** A {@link PortClient} that forwards every call; tests override one method to observe or disturb it. */
class ForwardingPortClient implements PortClient {

  private final PortClient delegate;

  ForwardingPortClient(PortClient delegate) {
    this.delegate = delegate;
  }

  @Override
  public PortIdentity identity() {
    return delegate.identity();
  }

  @Override
  public CompletionStage<BulkUpsertResult> bulkUpsert(String blueprint, List<ObjectNode> entities, UpsertOptions options) {
    return delegate.bulkUpsert(blueprint, entities, options);
  }

  @Override
  public CompletionStage<ObjectNode> upsertEntity(String blueprint, ObjectNode entity, UpsertOptions options) {
    return delegate.upsertEntity(blueprint, entity, options);
  }

  @Override
  public CompletionStage<Optional<ObjectNode>> getEntity(String blueprint, String identifier) {
    return delegate.getEntity(blueprint, identifier);
  }

  @Override
  public CompletionStage<Boolean> deleteEntity(String blueprint, String identifier, boolean deleteDependents) {
    return delegate.deleteEntity(blueprint, identifier, deleteDependents);
  }

  @Override
  public CompletionStage<List<String>> bulkDelete(String blueprint, List<String> identifiers, boolean deleteDependents) {
    return delegate.bulkDelete(blueprint, identifiers, deleteDependents);
  }

  @Override
  public CompletionStage<List<String>> bulkDelete(String blueprint, List<String> identifiers, boolean deleteDependents,
      dev.oceanj.core.port.DeleteGuard guard) {
    return delegate.bulkDelete(blueprint, identifiers, deleteDependents, guard);
  }

  @Override
  public CompletionStage<EntityPage> datasourceEntities(DatasourceQuery query, Optional<String> cursor) {
    return delegate.datasourceEntities(query, cursor);
  }

  @Override
  public CompletionStage<List<ObjectNode>> searchEntities(JsonNode query, List<String> include) {
    return delegate.searchEntities(query, include);
  }

  @Override
  public CompletionStage<Optional<ObjectNode>> getBlueprint(String identifier) {
    return delegate.getBlueprint(identifier);
  }

  @Override
  public CompletionStage<ObjectNode> createBlueprint(JsonNode blueprint) {
    return delegate.createBlueprint(blueprint);
  }

  @Override
  public CompletionStage<ObjectNode> patchBlueprint(String identifier, JsonNode blueprint) {
    return delegate.patchBlueprint(identifier, blueprint);
  }

  @Override
  public CompletionStage<Void> deleteBlueprint(String identifier) {
    return delegate.deleteBlueprint(identifier);
  }

  @Override
  public CompletionStage<String> deleteAllEntities(String blueprint, boolean deleteBlueprint) {
    return delegate.deleteAllEntities(blueprint, deleteBlueprint);
  }

  @Override
  public CompletionStage<String> migrationStatus(String migrationId) {
    return delegate.migrationStatus(migrationId);
  }

  @Override
  public CompletionStage<Boolean> deleteIntegration() {
    return delegate.deleteIntegration();
  }

  @Override
  public CompletionStage<Void> createScorecard(String blueprint, JsonNode scorecard) {
    return delegate.createScorecard(blueprint, scorecard);
  }

  @Override
  public CompletionStage<Void> createAction(JsonNode action) {
    return delegate.createAction(action);
  }

  @Override
  public CompletionStage<Void> createPage(JsonNode page) {
    return delegate.createPage(page);
  }

  @Override
  public CompletionStage<Optional<ObjectNode>> getIntegration() {
    return delegate.getIntegration();
  }

  @Override
  public CompletionStage<ObjectNode> createIntegration(ObjectNode body) {
    return delegate.createIntegration(body);
  }

  @Override
  public CompletionStage<ObjectNode> patchIntegration(ObjectNode patch) {
    return delegate.patchIntegration(patch);
  }

  @Override
  public CompletionStage<ObjectNode> patchMapping(JsonNode mapping) {
    return delegate.patchMapping(mapping);
  }

  @Override
  public CompletionStage<Void> patchResyncState(ResyncState state) {
    return delegate.patchResyncState(state);
  }

  @Override
  public CompletionStage<Optional<ResyncRequest>> resyncRequest() {
    return delegate.resyncRequest();
  }

  @Override
  public CompletionStage<Void> sendRawDataExamples(String kind, List<JsonNode> examples) {
    return delegate.sendRawDataExamples(kind, examples);
  }

  @Override
  public CompletionStage<Organization> organization() {
    return delegate.organization();
  }

  @Override
  public CompletionStage<Optional<KafkaCredentials>> kafkaCredentials() {
    return delegate.kafkaCredentials();
  }

  @Override
  public void close() {
    delegate.close();
  }

}
