package dev.oceanj.core.mapping.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.oceanj.core.mapping.MapResult;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Keeps the benchmark honest: its mappings compile and map every generated person completely. */
class MappingBenchmarkTest {

  @Test
  void benchmarkMappingsMapEveryPersonWithoutMisconfiguration() throws Exception {
    MappingBenchmark b = new MappingBenchmark();
    b.setUp();
    List<JsonNode> persons = MappingBenchmark.persons(50, 7);
    var fake = MappingBenchmark.fakePersonResource();
    var heavy = dev.oceanj.core.mapping.CompiledMapping.compile(
        dev.oceanj.core.mapping.PortAppConfig.parse(MappingBenchmark.HEAVY_MAPPING, "heavy"),
        dev.oceanj.core.jq.JqEngine.create(false)).forKind("person").get(0);
    for (JsonNode p : persons) {
      var f = assertInstanceOf(MapResult.Mapped.class, fake.map(p));
      assertEquals(Map.of(), f.misconfigured(), p.toString());
      assertEquals(p.get("id").asText(), f.identifier());
      assertEquals(p.path("department").path("id"), f.entity().path("relations").path("department"));
      var h = assertInstanceOf(MapResult.Mapped.class, heavy.map(p));
      assertEquals(Map.of(), h.misconfigured(), p + " -> " + h.entity());
      JsonNode props = h.entity().path("properties");
      assertTrue(props.path("createdEpoch").asLong() > 1_600_000_000L, props.toString());
      assertTrue(p.get("createdAt").asText().startsWith(props.path("createdDay").asText()), props.toString());
      assertTrue(p.get("email").asText().endsWith("@" + props.path("domain").asText()), props.toString());
    }
  }
}
