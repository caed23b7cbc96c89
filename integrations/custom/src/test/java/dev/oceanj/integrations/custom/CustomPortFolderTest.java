package dev.oceanj.integrations.custom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.oceanj.spi.InvalidSettingsException;
import dev.oceanj.spi.host.IntegrationResources;
import dev.oceanj.spi.host.Integrations;
import java.lang.reflect.RecordComponent;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The shipped .port folder is Ocean's, the settings record reads it, and the integration is discoverable. */
class CustomPortFolderTest {

  private static final ObjectMapper YAML = new YAMLMapper();
  private final IntegrationResources port = IntegrationResources.forType(CustomIntegration.TYPE);

  @Test
  void theSpecHasOceansConfigurationNamesAndDefaults() throws Exception {
    JsonNode spec = YAML.readTree(port.spec().orElseThrow().text());
    Map<String, String> defaults = new LinkedHashMap<>();
    for (JsonNode c : spec.get("configurations")) {
      defaults.put(c.get("name").asText(), c.path("default").asText(null));
    }
    Map<String, String> components = new LinkedHashMap<>();
    for (RecordComponent component : CustomSettings.class.getRecordComponents()) {
      components.put(component.getName(), null);
    }
    assertEquals(components.keySet(), defaults.keySet());
    assertEquals("none", defaults.get("authType"));
    assertEquals("X-API-Key", defaults.get("apiKeyHeader"));
    assertEquals("none", defaults.get("paginationType"));
    assertEquals("100", defaults.get("pageSize"));
    assertEquals("1", defaults.get("startPage"));
    assertEquals("@odata.nextLink", defaults.get("nextLinkPath"));
    assertEquals("next", defaults.get("headerLinkRel"));
    assertEquals("30", defaults.get("timeout"));
    assertEquals("true", defaults.get("verifySsl"));
    assertEquals("10", defaults.get("maxConcurrentRequests"));
    assertEquals("dynamic", spec.at("/features/0/resources/0/kind").asText());
    assertTrue(spec.path("formMappingEnabled").asBoolean());
  }

  @Test
  void theDefaultMappingIsEmptyAsOceansAndThereAreNoBlueprints() throws Exception {
    JsonNode mapping = YAML.readTree(port.mapping().orElseThrow().text());
    assertEquals(0, mapping.get("resources").size());
    assertTrue(mapping.get("createMissingRelatedEntities").asBoolean());
    assertTrue(mapping.get("deleteDependentEntities").asBoolean());
    assertEquals(0, new ObjectMapper().readTree(port.blueprints().orElseThrow().text()).size());
  }

  @Test
  void theIntegrationIsFoundByTypeAndServesAnyEndpointWithItsSelectorType() {
    assertInstanceOf(CustomIntegration.class, Integrations.load("custom"));
    try (var api = new ApiServer(); var harness = api.harness("{}")) {
      assertEquals(EndpointSelector.class, harness.defined().selectorType("/any/endpoint").orElseThrow());
      assertTrue(harness.defined().servesAnyKind());
    }
  }

  @Test
  void settingsFromOceansEnvironmentKeysBindAndBadOnesAreNamed() {
    try (var api = new ApiServer()) {
      // OCEAN__INTEGRATION__CONFIG__* keys arrive snake_case, numbers as strings
      api.route("/x", r -> ApiServer.Answer.json("[" + "{\"id\": 1},".repeat(2) + "{\"id\": 3}]"));
      var items = api.resync("{\"base_url\": \"" + api.baseUrl() + "/\", \"pagination_type\": \"page\", \"page_size\": \"5\"}",
          "[{\"kind\": \"x\", \"selector\": {\"query\": \"true\"}}]");
      assertEquals(3, items.get(0).size());
      assertEquals("5", api.to("/x").get(0).query().get("size"));
      var missing = assertThrows(InvalidSettingsException.class, () -> api.harness("{\"baseUrl\": \"\"}"));
      assertEquals("baseUrl", missing.field());
      var size = assertThrows(InvalidSettingsException.class, () -> api.harness("{\"pageSize\": \"0\"}"));
      assertEquals("pageSize", size.field());
      var tls = assertThrows(InvalidSettingsException.class, () -> api.harness("{\"verifySsl\": \"maybe\"}"));
      assertEquals("verifySsl", tls.field());
    }
  }
}
