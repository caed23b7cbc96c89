package dev.oceanj.core.mapping;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.oceanj.core.jq.JqEngine;
import dev.oceanj.core.mapping.MappingException.Problem;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class CompiledMappingTest {

  private static final JqEngine JQ = JqEngine.create(true);

  @Test
  void rejectsTheWholeMappingListingEveryBrokenExpression() {
    PortAppConfig config = PortAppConfig.parse("""
        resources:
          - kind: good
            selector: {query: 'true'}
            port: {entity: {mappings: {identifier: .id, blueprint: '"b"'}}}
          - kind: repo
            selector: {query: '.a =='}
            port:
              itemsToParse: '.files[]  |'
              entity:
                mappings:
                  identifier: .id
                  blueprint: '"b"'
                  title: '.name | ascii_downcase('
                  properties: {url: '.url |', ok: .ok}
                  relations:
                    owner:
                      combinator: '"and"'
                      rules: [{property: '"$identifier"', operator: '"="', value: '.x |||'}]
          - kind: other
            selector: {query: 'true'}
            port: {entity: {mappings: {identifier: '{', blueprint: '"b"'}}}
        """, "broken.yml");
    MappingException e = assertThrows(MappingException.class, () -> CompiledMapping.compile(config, JQ));
    List<Problem> p = e.problems();
    assertEquals(List.of("selector.query", "port.itemsToParse", "port.entity.mappings.title",
        "port.entity.mappings.properties.url", "port.entity.mappings.relations.owner.rules[0].value",
        "port.entity.mappings.identifier"), p.stream().map(Problem::fieldPath).toList(), e.getMessage());
    assertEquals(List.of(1, 1, 1, 1, 1, 2), p.stream().map(Problem::resourceIndex).toList());
    assertEquals("repo", p.get(0).kind());
    assertEquals("other", p.get(5).kind());
    assertEquals(".a ==", p.get(0).expression());
    assertEquals(".url |", p.get(3).expression());
    for (Problem problem : p) {
      assertNotNull(problem.message());
      assertTrue(!problem.message().isBlank(), "the parser's message is kept");
    }
    assertTrue(e.getMessage().startsWith("Invalid mapping in broken.yml: 6 problems"), e.getMessage());
    assertTrue(e.getMessage().contains("resources[1] (kind repo) port.entity.mappings.properties.url = '.url |': "), e.getMessage());
  }

  @Test
  void groupsResourcesByKindInDocumentOrder() {
    CompiledMapping m = CompiledMapping.of("""
        resources:
          - kind: a
            selector: {query: 'true'}
            port: {entity: {mappings: {identifier: .id, blueprint: '"x"'}}}
          - kind: b
            selector: {query: 'true'}
            port: {entity: {mappings: {identifier: .id, blueprint: '"y"'}}}
          - kind: a
            selector: {query: '.z'}
            port: {entity: {mappings: {identifier: .id, blueprint: '"z"'}}}
        """, "m.yml", JQ);
    assertEquals(List.of("a", "b"), List.copyOf(m.kinds()));
    assertEquals(List.of(0, 2), m.forKind("a").stream().map(CompiledResource::index).toList());
    assertEquals(List.of(), m.forKind("nope"));
    assertEquals(3, m.resources().size());
    assertEquals("m.yml", m.config().source());
  }

  @Test
  void rawFieldsAreWhatEveryExpressionOfTheResourceReads() {
    CompiledMapping m = CompiledMapping.of("""
        resources:
          - kind: a
            selector: {query: '.labels.env == "prod"'}
            port:
              itemsToParse: .files
              entity:
                mappings:
                  identifier: .item.name
                  title: .title // .name
                  blueprint: '"x"'
                  team: .team
                  properties: {url: .links.html, tags: '.tags | map(.name)'}
                  relations: {owner: {combinator: '"and"', rules: [{property: '"$identifier"', operator: '"="', value: .owner.id}]}}
          - kind: b
            selector: {query: 'true'}
            port: {entity: {mappings: {identifier: .id, blueprint: '"y"', properties: {raw: '. | tojson'}}}}
          - kind: c
            selector: {query: 'has("x")'}
            port: {entity: {mappings: {identifier: .id, blueprint: '"y"'}}}
        """, "m.yml", JQ);
    var reads = m.resources().get(0).rawReads().orElseThrow();
    assertEquals(java.util.Set.of("labels", "files", "item", "title", "name", "team", "links", "tags", "owner"),
        reads.topLevel());
    assertEquals(java.util.Set.of(List.of("labels", "env"), List.of("files"), List.of("item", "name"),
        List.of("title"), List.of("name"), List.of("team"), List.of("links", "html"), List.of("tags", "[]", "name"),
        List.of("owner", "id")), reads.whole());
    assertEquals(java.util.Set.of(), reads.present(), "title is read whole too");
    assertEquals(java.util.Optional.empty(), m.resources().get(1).rawReads(), "a property reads the whole object");
    assertEquals(java.util.Optional.empty(), m.resources().get(2).rawReads(), "the selector asks for any field");
  }

  @Test
  void compilesTheFakeIntegrationMapping() throws Exception {
    Path file = RepoFiles.find("integrations/fake/.port/resources/port-app-config.yml");
    CompiledMapping m = CompiledMapping.of(Files.readString(file), file.getFileName().toString(), JQ);
    assertEquals(List.of("fake-department", "fake-person", "fake-office", "fake-team", "fake-project"), List.copyOf(m.kinds()));
    CompiledResource person = m.forKind("fake-person").get(0);
    assertEquals("fake-person", person.literalBlueprint().orElseThrow());
    assertEquals(List.of("identifier", "title", "properties", "relations"), person.fieldNames());
  }

  @Test
  void deletionPathHeuristicMatchesOceans() {
    assertEquals(".files", ItemsToParsePath.extract(".files"));
    assertEquals(".file.content.raw", ItemsToParsePath.extract(".file.content.raw | fromjson"));
    assertEquals(".a[0].b", ItemsToParsePath.extract(".a[0].b | map(.x)"));
    assertEquals(".items", ItemsToParsePath.extract(". as $root | .items | map(. + {r: $root.id})"));
    assertEquals(".values", ItemsToParsePath.extract("(.values // [])"));
    assertEquals(".x.[\"y\"]", ItemsToParsePath.extract(".x.[\"y\"]"));
    assertEquals(".tags", ItemsToParsePath.extract("$__x | .tags"));
    assertNull(ItemsToParsePath.extract("[.a[] | select(.b)]"));
    assertNull(ItemsToParsePath.extract("."));
  }
}
