package dev.oceanj.core.mapping;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class PortAppConfigTest {

  private static final String MINIMAL = """
      resources:
        - kind: repo
          selector:
            query: 'true'
          port:
            entity:
              mappings:
                identifier: .id
                blueprint: '"service"'
      """;

  @Test
  void appliesOceansDefaults() {
    PortAppConfig c = PortAppConfig.parse(MINIMAL, "m.yml");
    assertTrue(c.enableMergeEntity());
    assertTrue(c.deleteDependentEntities());
    assertTrue(c.createMissingRelatedEntities());
    assertEquals(0.9, c.entityDeletionThreshold());
    ResourceConfig r = c.resources().get(0);
    assertEquals(0, r.index());
    assertEquals("repo", r.kind());
    assertEquals("true", r.selectorQuery());
    assertEquals(Optional.empty(), r.itemsToParse());
    assertEquals("item", r.itemsToParseName());
    assertTrue(r.itemsToParseTopLevelTransform());
    assertEquals(new MappingValue.Expr(".id"), r.mappings().identifier());
    assertEquals("\"service\"", r.mappings().blueprint());
    assertEquals(Optional.empty(), r.mappings().title());
    assertEquals(Optional.empty(), r.mappings().team());
    assertTrue(r.mappings().properties().isEmpty());
    assertTrue(r.mappings().relations().isEmpty());
    assertEquals("m.yml", c.source());
  }

  @Test
  void emptyOrMissingResourcesIsAnEmptyMapping() {
    assertEquals(List.of(), PortAppConfig.parse("deleteDependentEntities: false", "x").resources());
    assertFalse(PortAppConfig.parse("deleteDependentEntities: false", "x").deleteDependentEntities());
  }

  @Test
  void readsEveryTopLevelSettingAndIgnoresUnknownKeys() {
    PortAppConfig c = PortAppConfig.parse("""
        enableMergeEntity: false
        deleteDependentEntities: "false"
        createMissingRelatedEntities: no
        entityDeletionThreshold: 0.5
        someFutureSetting: {a: 1}
        resources:
          - kind: repo
            unknownResourceKey: 1
            selector: {query: '.x == 1', exportEnvVariables: [A]}
            port:
              unknownPortKey: true
              itemsToParse: .files
              itemsToParseName: file
              itemsToParseTopLevelTransform: false
              entity:
                mappings:
                  identifier: .id
                  title: .name
                  icon: '"Github"'
                  blueprint: '"service"'
                  team: .team
                  unknownMappingKey: .foo
                  properties: {url: .url, n: .n}
                  relations: {owner: .owner.id}
        """, "m.yml");
    assertFalse(c.enableMergeEntity());
    assertFalse(c.deleteDependentEntities());
    assertFalse(c.createMissingRelatedEntities());
    assertEquals(0.5, c.entityDeletionThreshold());
    ResourceConfig r = c.resources().get(0);
    assertEquals(".x == 1", r.selectorQuery());
    assertEquals(Optional.of(".files"), r.itemsToParse());
    assertEquals("file", r.itemsToParseName());
    assertFalse(r.itemsToParseTopLevelTransform());
    assertEquals(Optional.of(".name"), r.mappings().title());
    assertEquals(Optional.of("\"Github\""), r.mappings().icon());
    assertEquals(Optional.of(new MappingValue.Expr(".team")), r.mappings().team());
    assertEquals(List.of("url", "n"), List.copyOf(r.mappings().properties().keySet()));
    assertEquals(new MappingValue.Expr(".owner.id"), r.mappings().relations().get("owner"));
    assertTrue(c.raw().path("someFutureSetting").isObject(), "raw keeps the document as read");
  }

  @Test
  void yamlAndJsonGiveTheSameModel() throws Exception {
    PortAppConfig yaml = PortAppConfig.parse(MINIMAL, "m.yml");
    String json = new ObjectMapper().writeValueAsString(yaml.raw());
    PortAppConfig fromJson = PortAppConfig.parse("\t" + json.replace(",", ",\t"), "m.json");
    assertEquals(yaml.resources(), fromJson.resources());
    assertEquals(yaml.resources(), PortAppConfig.fromJson(new ObjectMapper().readTree(json), "Port integration config").resources());
  }

  @Test
  void unquotedScalarsAreReadAsTheirJqText() {
    PortAppConfig c = PortAppConfig.parse(MINIMAL.replace("query: 'true'", "query: true"), "m.yml");
    assertEquals("true", c.resources().get(0).selectorQuery());
  }

  @Test
  void searchQueryIdentifierRelationAndTeamAreObjectsWithJqLeaves() {
    PortAppConfig c = PortAppConfig.parse("""
        resources:
          - kind: pr
            selector: {query: 'true'}
            port:
              entity:
                mappings:
                  identifier:
                    combinator: '"and"'
                    rules:
                      - {property: '"$identifier"', operator: '"="', value: .id}
                  blueprint: '"pr"'
                  team:
                    combinator: '"and"'
                    rules: [{property: '"name"', operator: '"="', value: .team}]
                  relations:
                    repo:
                      combinator: '"or"'
                      rules: [{property: '"url"', operator: '"="', value: .repo.url}]
        """, "m.yml");
    EntityMappingConfig m = c.resources().get(0).mappings();
    assertTrue(m.usesSearchIdentifier());
    MappingValue.Obj id = assertInstanceOf(MappingValue.Obj.class, m.identifier());
    assertEquals(new MappingValue.Expr("\"and\""), id.fields().get("combinator"));
    MappingValue.Arr rules = assertInstanceOf(MappingValue.Arr.class, id.fields().get("rules"));
    MappingValue.Obj rule = assertInstanceOf(MappingValue.Obj.class, rules.elements().get(0));
    assertEquals(new MappingValue.Expr(".id"), rule.fields().get("value"));
    assertInstanceOf(MappingValue.Obj.class, m.team().orElseThrow());
    assertInstanceOf(MappingValue.Obj.class, m.relations().get("repo"));
  }

  @Test
  void listsEveryStructuralProblemWithSourceIndexKindAndField() {
    MappingException e = assertThrows(MappingException.class, () -> PortAppConfig.parse("""
        entityDeletionThreshold: 2
        resources:
          - kind: a
            selector: {query: 'true'}
            port: {entity: {mappings: {blueprint: '"x"'}}}
          - kind: b
            port: {entity: {mappings: {identifier: .id, blueprint: '"x"', relations: {r: {foo: .x}}}}}
          - selector: {query: 'true'}
            port: {entity: {mappings: {identifier: .id, blueprint: '"x"'}}}
        """, "bad.yml"));
    assertEquals("bad.yml", e.source());
    List<String> described = e.problems().stream().map(MappingException.Problem::describe).toList();
    assertEquals(5, e.problems().size(), String.join("\n", described));
    assertTrue(described.get(0).startsWith("entityDeletionThreshold: "), described.get(0));
    assertEquals("resources[0] (kind a) port.entity.mappings.identifier: required: jq or a search query {combinator, rules}",
        described.get(1));
    assertTrue(described.get(2).startsWith("resources[1] (kind b) selector.query: required"), described.get(2));
    assertTrue(described.get(3).startsWith("resources[1] (kind b) port.entity.mappings.relations.r: an object here must be a search query"),
        described.get(3));
    assertTrue(described.get(4).startsWith("resources[2] kind: required"), described.get(4));
    assertTrue(e.getMessage().startsWith("Invalid mapping in bad.yml: 5 problems"), e.getMessage());
  }

  @Test
  void unreadableDocumentNamesTheSourceAndLine() {
    MappingException e = assertThrows(MappingException.class, () -> PortAppConfig.parse("resources:\n  - kind: [a\n", "broken.yml"));
    assertTrue(e.getMessage().contains("broken.yml"), e.getMessage());
    assertTrue(e.getMessage().contains("line"), e.getMessage());
    assertThrows(MappingException.class, () -> PortAppConfig.parse("  ", "empty.yml"));
    assertThrows(MappingException.class, () -> PortAppConfig.parse("[1, 2]", "list.json"));
  }

  @Test
  void kindsAreDistinctInDocumentOrder() {
    PortAppConfig c = PortAppConfig.parse(MINIMAL + MINIMAL.substring(MINIMAL.indexOf("  - kind")).replace("repo", "pr")
        + MINIMAL.substring(MINIMAL.indexOf("  - kind")), "m.yml");
    assertEquals(List.of("repo", "pr"), List.copyOf(c.kinds()));
    assertEquals(List.of(0, 1, 2), c.resources().stream().map(ResourceConfig::index).toList());
  }
}
