package dev.oceanj.integrations.fake;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.oceanj.spi.host.IntegrationResources;
import dev.oceanj.spi.testing.ResyncHarness;
import java.lang.reflect.RecordComponent;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The shipped .port folder agrees with itself and with the data: spec ↔ settings, mapping ↔ blueprints ↔ items. */
class FakePortFolderTest {

  private static final Pattern PLAIN_PATH = Pattern.compile("(\\.[A-Za-z_][A-Za-z0-9_]*(\\[\\d+])?)+");
  private static final ObjectMapper YAML = new YAMLMapper();
  private static final ObjectMapper JSON = new ObjectMapper();
  private final IntegrationResources port = IntegrationResources.forType(FakeIntegration.TYPE);

  @Test
  void specDeclaresEverySettingAndKind() throws Exception {
    JsonNode spec = YAML.readTree(port.spec().orElseThrow().text());
    Set<String> declared = new HashSet<>();
    for (JsonNode configuration : spec.get("configurations")) {
      declared.add(configuration.get("name").asText());
      assertTrue(Set.of("object", "url", "string", "integer", "boolean", "array")
          .contains(configuration.get("type").asText()), configuration.toString());
    }
    Set<String> settings = new HashSet<>();
    for (RecordComponent component : FakeSettings.class.getRecordComponents()) {
      settings.add(component.getName());
    }
    assertEquals(settings, declared);
    Set<String> kinds = new HashSet<>();
    spec.at("/features/0/resources").forEach(resource -> kinds.add(resource.get("kind").asText()));
    assertEquals(Set.copyOf(FakeIntegration.KINDS), kinds);
  }

  @Test
  void everyMappedPropertyAndRelationExistsOnItsBlueprint() throws Exception {
    Map<String, JsonNode> blueprints = blueprints();
    assertEquals(Set.copyOf(FakeIntegration.KINDS), blueprints.keySet());
    JsonNode mapping = YAML.readTree(port.mapping().orElseThrow().text());
    assertEquals(5, mapping.get("resources").size());
    for (JsonNode resource : mapping.get("resources")) {
      JsonNode entity = resource.at("/port/entity/mappings");
      String blueprint = entity.get("blueprint").asText().replace("\"", "");
      assertEquals(resource.get("kind").asText(), blueprint);
      JsonNode schema = blueprints.get(blueprint);
      entity.path("properties").fieldNames().forEachRemaining(property -> assertTrue(
          schema.at("/schema/properties").has(property), blueprint + " lacks property " + property));
      entity.path("relations").fieldNames().forEachRemaining(relation -> assertTrue(
          schema.path("relations").has(relation), blueprint + " lacks relation " + relation));
    }
  }

  @Test
  void plainMappingPathsFindValuesOfTheBlueprintsTypeInTheData() throws Exception {
    Map<String, JsonNode> blueprints = blueprints();
    JsonNode mapping = YAML.readTree(port.mapping().orElseThrow().text());
    try (var harness = ResyncHarness.start(new FakeIntegration(), "{\"entityAmount\": 3}")) {
      for (JsonNode resource : mapping.get("resources")) {
        String kind = resource.get("kind").asText();
        List<JsonNode> items = harness.collect(kind);
        assertFalse(items.isEmpty(), kind);
        JsonNode entity = resource.at("/port/entity/mappings");
        JsonNode properties = blueprints.get(kind).at("/schema/properties");
        Map<String, String> checks = new HashMap<>();
        checks.put("identifier", entity.get("identifier").asText());
        checks.put("title", entity.get("title").asText());
        entity.path("properties").fields().forEachRemaining(p -> checks.put(p.getKey(), p.getValue().asText()));
        entity.path("relations").fields()
            .forEachRemaining(r -> checks.put("relation " + r.getKey(), r.getValue().asText()));
        for (JsonNode item : items) {
          for (Map.Entry<String, String> check : checks.entrySet()) {
            if (!PLAIN_PATH.matcher(check.getValue()).matches()) {
              continue;
            }
            JsonNode value = item.at(check.getValue().replaceAll("\\[(\\d+)]", ".$1").replace('.', '/'));
            String where = kind + " " + check.getKey() + " (" + check.getValue() + ") in " + item.get("id");
            assertFalse(value.isMissingNode() || value.isNull(), where);
            String type = properties.path(check.getKey()).path("type").asText("string");
            assertTrue(type.equals("number") ? value.isNumber() : value.isTextual(), where + " is " + value);
          }
        }
      }
    }
  }

  private Map<String, JsonNode> blueprints() throws Exception {
    Map<String, JsonNode> byId = new HashMap<>();
    for (JsonNode blueprint : JSON.readTree(port.blueprints().orElseThrow().text())) {
      byId.put(blueprint.get("identifier").asText(), blueprint);
    }
    return byId;
  }
}
