package dev.oceanj.core.sync;

import com.fasterxml.jackson.databind.JsonNode;
import dev.oceanj.core.jq.JqEngine;
import dev.oceanj.core.mapping.CompiledMapping;
import dev.oceanj.core.mapping.MappingException;
import dev.oceanj.core.mapping.PortAppConfig;

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
    PortAppConfig c = mapping.config();
    return new MappingPlan(mapping.resources(), c.enableMergeEntity(), c.createMissingRelatedEntities(),
        c.deleteDependentEntities(), c.entityDeletionThreshold());
  }
}
