package dev.oceanj.runtime;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.oceanj.core.port.PortClient;
import dev.oceanj.spi.host.IntegrationResources;
import dev.oceanj.spi.host.PortFile;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * The start-up setup the runtime needs before the first resync, in its smallest form: create the integration in
 * Port when it is missing (with the mapping of {@code .port/resources/port-app-config.yml} and the listener's
 * {@code changelogDestination}), and create the default blueprints Port lacks (bare first, then with their
 * relations, so blueprints may point at each other). The engine's full defaults initializer (actions, scorecards,
 * pages, rollback, {@code arePortResourcesInitialized}) replaces it when it lands.
 */
final class PortSetup {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

  private PortSetup() {}

  static CompletionStage<Void> run(PortClient port, IntegrationResources resources, String version,
      Map<String, Object> changelogDestination, boolean initializeResources) {
    Optional<JsonNode> mapping = resources.mapping().map(PortSetup::parse);
    List<JsonNode> blueprints = new ArrayList<>();
    resources.blueprints().map(PortSetup::parse).ifPresent(list -> list.forEach(blueprints::add));
    CompletionStage<Void> stage = port.getIntegration().thenCompose(existing -> {
      if (existing.isPresent()) {
        return CompletableFuture.completedFuture(null);
      }
      ObjectNode body = JSON.createObjectNode();
      body.put("installationAppType", port.identity().type());
      body.put("version", version);
      body.set("changelogDestination", JSON.valueToTree(changelogDestination));
      body.set("config", mapping.orElse(JSON.createObjectNode()));
      return port.createIntegration(body).thenApply(created -> null);
    });
    if (!initializeResources || blueprints.isEmpty()) {
      return stage;
    }
    return stage.thenCompose(v -> missing(port, blueprints)).thenCompose(toCreate -> {
      CompletionStage<Void> chain = CompletableFuture.completedFuture(null);
      for (JsonNode blueprint : toCreate) {
        ObjectNode bare = blueprint.deepCopy();
        bare.remove("relations");
        chain = chain.thenCompose(x -> port.createBlueprint(bare).thenApply(created -> null));
      }
      for (JsonNode blueprint : toCreate) {
        if (blueprint.has("relations")) {
          chain = chain.thenCompose(x -> port.patchBlueprint(blueprint.path("identifier").asText(), blueprint)
              .thenApply(patched -> null));
        }
      }
      return chain;
    });
  }

  private static CompletionStage<List<JsonNode>> missing(PortClient port, List<JsonNode> blueprints) {
    List<JsonNode> missing = new ArrayList<>();
    CompletionStage<Void> chain = CompletableFuture.completedFuture(null);
    for (JsonNode blueprint : blueprints) {
      chain = chain.thenCompose(x -> port.getBlueprint(blueprint.path("identifier").asText())
          .thenAccept(found -> {
            if (found.isEmpty()) {
              missing.add(blueprint);
            }
          }));
    }
    return chain.thenApply(x -> missing);
  }

  private static JsonNode parse(PortFile file) {
    try {
      return file.extension().equals("json") ? JSON.readTree(file.text()) : YAML.readTree(file.text());
    } catch (IOException e) {
      throw new IllegalArgumentException(file.location() + ": not valid " + file.extension() + ": " + e.getMessage(), e);
    }
  }
}
