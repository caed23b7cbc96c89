package dev.oceanj.core.sync;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.oceanj.core.jq.JqEngine;
import dev.oceanj.core.mapping.CompiledResource;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * The mapping of stage tests, compiled by the production compiler: {id, name, dept?, skip?, bad?, pad?} → an entity
 * of {@code blueprint}; {@code bad} makes the selector yield a string (a mapping error), {@code skip} filters the item
 * out, no {@code id} drops it, no {@code dept} leaves the relation null (a misconfigured field).
 */
final class TestMapper {

  private static final JqEngine JQ = JqEngine.create(false);

  private TestMapper() {}

  static ObjectNode item(String id, String name) {
    return JsonNodeFactory.instance.objectNode().put("id", id).put("name", name);
  }

  /** The resource of {@code kind}; with {@code itemsToParse}, each element of the raw object's {@code items}. */
  static CompiledResource resource(String kind, String blueprint, boolean itemsToParse) {
    String at = itemsToParse ? ".item" : "";
    String yaml = """
        resources:
          - kind: %s
            selector: {query: 'if %2$s.bad then "not a boolean" else (%2$s.skip != true) end'}
            port:
              %3$s
              entity:
                mappings:
                  identifier: %2$s.id
                  title: %2$s.name
                  blueprint: '"%4$s"'
                  properties: {name: %2$s.name, pad: '%2$s.pad // ""'}
                  relations: {department: %2$s.dept}
        """.formatted(kind, at, itemsToParse ? "itemsToParse: .items" : "", blueprint);
    try {
      return new JqMappingCompiler(JQ).compile(new YAMLMapper().readTree(yaml)).resources().get(0);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static CompiledResource resource(String kind, String blueprint) {
    return resource(kind, blueprint, false);
  }
}
