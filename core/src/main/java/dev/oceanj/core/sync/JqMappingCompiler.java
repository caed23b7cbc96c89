package dev.oceanj.core.sync;

import com.fasterxml.jackson.databind.JsonNode;
import dev.oceanj.core.jq.JqEngine;
import dev.oceanj.core.mapping.CompiledMapping;
import dev.oceanj.core.mapping.CompiledResource;
import dev.oceanj.core.mapping.MapResult;
import dev.oceanj.core.mapping.MappingException;
import dev.oceanj.core.mapping.PortAppConfig;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * The production {@link MappingPlan.Compiler}: parses Port's {@code integration.config} as a port app config
 * and compiles its jq with the given engine.
 */
public final class JqMappingCompiler implements MappingPlan.Compiler {

  private final JqEngine jq;

  public JqMappingCompiler(JqEngine jq) {
    this.jq = jq;
  }

  /**
   * @throws IllegalArgumentException naming the resource, field and expression of every problem
   */
  @Override
  public MappingPlan compile(JsonNode config) {
    CompiledMapping mapping;
    try {
      mapping = CompiledMapping.compile(PortAppConfig.fromJson(config, "Port integration config"), jq);
    } catch (MappingException e) {
      throw new IllegalArgumentException(e.getMessage(), e);
    }
    List<ResourceMapper> resources = new ArrayList<>();
    for (CompiledResource r : mapping.resources()) {
      resources.add(new Adapter(r));
    }
    PortAppConfig c = mapping.config();
    return new MappingPlan(resources, c.enableMergeEntity(), c.createMissingRelatedEntities(),
        c.deleteDependentEntities(), c.entityDeletionThreshold());
  }

  private record Adapter(CompiledResource resource) implements ResourceMapper {
    @Override
    public String kind() {
      return resource.kind();
    }

    @Override
    public int index() {
      return resource.index();
    }

    @Override
    public void expandItems(JsonNode raw, Consumer<JsonNode> out) {
      resource.expandItems(raw, out);
    }

    @Override
    public Outcome map(JsonNode item) {
      MapResult r = resource.map(item);
      if (r instanceof MapResult.Mapped m) {
        return new Mapped(m.entity(), m.blueprint(), m.identifier(), m.misconfigured());
      }
      if (r instanceof MapResult.FilteredOut) {
        return new FilteredOut();
      }
      if (r instanceof MapResult.Dropped d) {
        return new Dropped(d.reason(), d.misconfigured());
      }
      return new Failed(((MapResult.SelectorError) r).message());
    }
  }
}
