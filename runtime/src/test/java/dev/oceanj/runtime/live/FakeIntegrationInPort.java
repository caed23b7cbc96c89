package dev.oceanj.runtime.live;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.oceanj.core.port.PortClient;
import dev.oceanj.spi.host.IntegrationResources;

/** Puts an integration's shipped blueprints and default mapping into Port before a live-events test runs. */
final class FakeIntegrationInPort {

  private FakeIntegrationInPort() {}

  /** Creates the blueprints and the integration with its default mapping when Port does not know it yet. */
  static void ensureIntegration(PortClient port, String type) throws Exception {
    if (port.getIntegration().toCompletableFuture().join().isPresent()) {
      return;
    }
    IntegrationResources resources = IntegrationResources.forType(type);
    ObjectMapper json = new ObjectMapper();
    if (resources.blueprints().isPresent()) {
      for (JsonNode bp : json.readTree(resources.blueprints().get().text())) {
        if (port.getBlueprint(bp.get("identifier").asText()).toCompletableFuture().join().isEmpty()) {
          port.createBlueprint(bp).toCompletableFuture().join();
        }
      }
    }
    ObjectNode body = json.createObjectNode();
    if (resources.mapping().isPresent()) {
      body.set("config", new YAMLMapper().readTree(resources.mapping().get().text()));
    }
    port.createIntegration(body).toCompletableFuture().join();
  }
}
