package dev.oceanj.core.mapping;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

class MappingSchemaTest {

  @Retention(RetentionPolicy.RUNTIME)
  @Target({ElementType.RECORD_COMPONENT, ElementType.FIELD})
  @interface Nullable {}

  enum State { OPEN, CLOSED }

  record Owner(String login, Optional<Integer> id) {}

  record IssueSelector(
      String query,
      @JsonPropertyDescription("Only issues in these states") List<State> states,
      Optional<Boolean> includeArchived,
      Map<String, Integer> limits,
      Owner owner,
      @JsonProperty(value = "max_age", defaultValue = "30") int maxAge,
      @Nullable String label,
      Instant since,
      double ratio) {}

  record Tree(String name, List<Tree> children) {}

  record TreeSelector(Tree root) {}

  record Odd(Object anything, Set<Thread> threads) {}

  static Map<String, Optional<Class<?>>> kinds(Object... pairs) {
    Map<String, Optional<Class<?>>> m = new LinkedHashMap<>();
    for (int i = 0; i < pairs.length; i += 2) {
      m.put((String) pairs[i], Optional.ofNullable((Class<?>) pairs[i + 1]));
    }
    return m;
  }

  static List<String> texts(JsonNode array) {
    List<String> out = new ArrayList<>();
    array.forEach(n -> out.add(n.asText()));
    return out;
  }

  @Test
  void topLevelFlagsCarryOceansDefaultsAndTheThresholdIsBounded() {
    ObjectNode s = MappingSchema.json("Demo", kinds("issue", null));
    JsonNode p = s.get("properties");
    assertEquals("object", s.get("type").asText());
    for (String flag : List.of("enableMergeEntity", "deleteDependentEntities", "createMissingRelatedEntities")) {
      assertEquals("boolean", p.at("/" + flag + "/type").asText(), flag);
      assertTrue(p.at("/" + flag + "/default").asBoolean(), flag);
      assertFalse(p.at("/" + flag + "/description").asText().isBlank(), flag);
    }
    assertTrue(p.at("/enableMergeEntity/extra/ui_schema/hidden").asBoolean());
    assertEquals(0.9, p.at("/entityDeletionThreshold/default").asDouble());
    assertEquals(0, p.at("/entityDeletionThreshold/minimum").asInt());
    assertEquals(1, p.at("/entityDeletionThreshold/maximum").asInt());
    assertEquals(List.of("resources"), texts(s.get("required")));
  }

  @Test
  void aKindWithoutASelectorTypeGetsTheBaseSelector() {
    ObjectNode s = MappingSchema.json("Demo", kinds("pull-request", null));
    JsonNode resource = s.at("/definitions/PullRequestResource");
    assertEquals(List.of("pull-request"), texts(resource.at("/properties/kind/enum")));
    assertEquals("#/definitions/PullRequestSelector", resource.at("/properties/selector/allOf/0/$ref").asText());
    JsonNode selector = s.at("/definitions/PullRequestSelector");
    assertEquals(Set.of("query"), fieldNames(selector.get("properties")));
    assertEquals(List.of("query"), texts(selector.get("required")));
    assertFalse(selector.get("additionalProperties").asBoolean(true));
    assertEquals("#/definitions/PullRequestResource", s.at("/properties/resources/items/anyOf/0/$ref").asText());
  }

  @Test
  void recordComponentsBecomeTypedSelectorFields() {
    ObjectNode s = MappingSchema.json("Demo", kinds("issue", IssueSelector.class, "repo", null));
    JsonNode sel = s.at("/definitions/IssueSelector");
    JsonNode p = sel.get("properties");
    assertEquals(Set.of("query", "states", "includeArchived", "limits", "owner", "max_age", "label", "since", "ratio"),
        fieldNames(p));
    assertEquals("string", p.at("/query/type").asText());
    assertEquals("array", p.at("/states/type").asText());
    assertEquals(List.of("OPEN", "CLOSED"), texts(p.at("/states/items/enum")));
    assertEquals("Only issues in these states", p.at("/states/description").asText());
    assertEquals("boolean", p.at("/includeArchived/type").asText());
    assertEquals("Include Archived", p.at("/includeArchived/title").asText());
    assertEquals("object", p.at("/limits/type").asText());
    assertEquals("integer", p.at("/limits/additionalProperties/type").asText());
    assertEquals("#/definitions/Owner", p.at("/owner/$ref").asText());
    assertEquals("integer", p.at("/max_age/type").asText());
    assertEquals(30, p.at("/max_age/default").asInt());
    assertEquals("string", p.at("/label/anyOf/0/type").asText());
    assertEquals("null", p.at("/label/anyOf/1/type").asText());
    assertEquals("date-time", p.at("/since/format").asText());
    assertEquals("number", p.at("/ratio/type").asText());
    assertEquals(List.of("query", "states", "limits", "owner", "since", "ratio"), texts(sel.get("required")));
    assertFalse(sel.get("additionalProperties").asBoolean(true));
    JsonNode owner = s.at("/definitions/Owner");
    assertEquals(List.of("login"), texts(owner.get("required")));
    assertEquals("integer", owner.at("/properties/id/type").asText());
    assertEquals(Set.of("query"), fieldNames(s.at("/definitions/RepoSelector/properties")));
  }

  @Test
  void theUiFormInlinesSelectorsAndKeepsTheFourFlags() {
    ObjectNode ui = MappingSchema.ui("Demo", kinds("issue", IssueSelector.class, "tree", TreeSelector.class));
    assertEquals(Set.of("kinds", "advancedConfig"), fieldNames(ui));
    assertEquals(Set.of("enableMergeEntity", "deleteDependentEntities", "createMissingRelatedEntities",
        "entityDeletionThreshold"), fieldNames(ui.get("advancedConfig")));
    JsonNode issue = ui.at("/kinds/issue/selectors");
    assertEquals("login", issue.at("/properties/owner/required/0").asText(), issue.toString());
    assertFalse(issue.toString().contains("$ref"), issue.toString());
    JsonNode tree = ui.at("/kinds/tree/selectors/properties/root");
    assertEquals("object", tree.at("/properties/children/items/type").asText(), "a recursive type stops");
    assertFalse(ui.toString().contains("definitions"));
  }

  @Test
  void aTypeWithoutJsonCounterpartIsRefusedNamingTheField() {
    var e = assertThrows(IllegalArgumentException.class, () -> MappingSchema.json("Demo", kinds("odd", Odd.class)));
    assertTrue(e.getMessage().contains("Odd") && e.getMessage().contains("'threads'"), e.getMessage());
    var notRecord = assertThrows(IllegalArgumentException.class,
        () -> MappingSchema.json("Demo", kinds("odd", String.class)));
    assertTrue(notRecord.getMessage().contains("java.lang.String is not a record"), notRecord.getMessage());
  }

  static Set<String> fieldNames(JsonNode n) {
    Set<String> names = new java.util.LinkedHashSet<>();
    n.fieldNames().forEachRemaining(names::add);
    return names;
  }
}
