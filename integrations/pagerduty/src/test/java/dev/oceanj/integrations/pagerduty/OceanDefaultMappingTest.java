package dev.oceanj.integrations.pagerduty;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.oceanj.core.jq.JqEngine;
import dev.oceanj.core.mapping.CompiledMapping;
import dev.oceanj.core.mapping.CompiledResource;
import dev.oceanj.core.mapping.MapResult;
import dev.oceanj.core.mapping.PortAppConfig;
import dev.oceanj.spi.RawFields;
import dev.oceanj.spi.testing.ResyncHarness;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Ocean's default pagerduty mapping, as Ocean ships it, run with the runtime's mapping engine over the raw objects
 * oceanj reads from a fixed PagerDuty account ({@link PdApi}): the exact entities Ocean would make.
 */
class OceanDefaultMappingTest {

  private static PdApi api;
  private static Map<String, JsonNode> entities;

  @BeforeAll
  static void resync() throws Exception {
    api = new PdApi();
    entities = entities("/ocean-port-app-config.yml");
  }

  @AfterAll
  static void stop() {
    api.close();
  }

  /** Every entity the mapping makes in one full resync of its resources, by {@code blueprint/identifier}. */
  static Map<String, JsonNode> entities(String mappingResource) throws Exception {
    return entities(mappingResource, -1, new ArrayList<>());
  }

  /**
   * As {@link #entities(String)}; with {@code wholeFirst} ≥ 0 the source of each resource is asked for only the
   * fields its mapping reads (the first {@code wholeFirst} objects whole), as the runtime asks. The raw objects of
   * each resource are added to {@code raw}.
   */
  static Map<String, JsonNode> entities(String mappingResource, int wholeFirst, List<List<JsonNode>> raw)
      throws Exception {
    String yaml;
    try (InputStream in = OceanDefaultMappingTest.class.getResourceAsStream(mappingResource)) {
      assertNotNull(in, mappingResource);
      yaml = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
    CompiledMapping mapping = CompiledMapping.compile(PortAppConfig.parse(yaml, mappingResource),
        JqEngine.create(false));
    String resources = new ObjectMapper().writeValueAsString(new YAMLMapper().readTree(yaml).get("resources"));
    try (ResyncHarness h = ResyncHarness.start(new PagerDutyIntegration(),
        "{\"token\":\"u+key\",\"apiUrl\":\"" + api.url() + "\"}", Duration.ofSeconds(20))) {
      raw.addAll(h.resync(resources, i -> wholeFirst < 0 ? RawFields.all()
          : rawFields(mapping.resources().get(i), wholeFirst)));
    }
    Map<String, JsonNode> out = new TreeMap<>();
    for (CompiledResource resource : mapping.resources()) {
      for (JsonNode item : raw.get(resource.index())) {
        MapResult result = resource.map(item);
        assertTrue(result instanceof MapResult.Mapped, resource.kind() + ": " + result);
        MapResult.Mapped mapped = (MapResult.Mapped) result;
        out.put(mapped.blueprint() + "/" + mapped.identifier(), mapped.entity());
      }
    }
    return out;
  }

  private static RawFields rawFields(CompiledResource resource, int wholeFirst) {
    var reads = resource.rawReads().orElseThrow(() -> new AssertionError(resource + " reads the whole object"));
    return RawFields.paths(reads.whole(), reads.present(), wholeFirst);
  }

  @Test
  void theCatalogIsExactlyTheAccountsObjects() {
    assertEquals(Set.of("pagerdutyEscalationPolicy/PEP1", "pagerdutyEscalationPolicy/PEP2",
        "pagerdutyIncident/Q1", "pagerdutyIncident/Q2",
        "pagerdutyOncall/PU1-PS1-2026-12-01T14:00:00Z", "pagerdutyOncall/PU2-PS1-2026-12-01T14:00:00Z",
        "pagerdutyOncall/PU2-PS1-2026-12-02T09:00:00Z", "pagerdutySchedule/PS1",
        "pagerdutyService/PSV1", "pagerdutyService/PSV2", "pagerdutyUser/PU1", "pagerdutyUser/PU2"),
        entities.keySet());
  }

  @Test
  void everyMappedPropertyHasTheAccountsData() {
    Set<String> nulls = new TreeSet<>();
    entities.forEach((key, entity) -> {
      entity.get("properties").fields().forEachRemaining(p -> {
        if (p.getValue().isNull()) {
          nulls.add(key + "." + p.getKey());
        }
      });
      entity.path("relations").fields().forEachRemaining(p -> {
        if (p.getValue().isNull()) {
          nulls.add(key + ".relations." + p.getKey());
        }
      });
    });
    // PSV2 has one on-call level and no analytics row in the account.
    assertEquals(Set.of("pagerdutyService/PSV2.meanSecondsToEngage", "pagerdutyService/PSV2.meanSecondsToFirstAck",
        "pagerdutyService/PSV2.meanSecondsToResolve", "pagerdutyService/PSV2.secondaryOncall"), nulls);
  }

  @Test
  void theEntitiesAreExactlyOceans() throws Exception {
    // Checked by hand against A.6 of the reference: e.g. PSV1's secondaryOncall is the level-2 user, Q2 (from the
    // resolved-incidents resource) has no assignees, the schedule skips its unknown user, users keep objects.
    JsonNode expected;
    try (InputStream in = getClass().getResourceAsStream("/ocean-default-entities.json")) {
      expected = new ObjectMapper().readTree(in);
    }
    assertEquals(expected, new ObjectMapper().valueToTree(entities));
  }

  @Test
  void rawObjectsWithOnlyTheFieldsTheMappingReadsGiveTheSameEntities() throws Exception {
    for (String mapping : List.of("/ocean-port-app-config.yml",
        "/oceanj/integration/pagerduty/.port/resources/port-app-config.yml")) {
      List<List<JsonNode>> whole = new ArrayList<>();
      Map<String, JsonNode> expected = entities(mapping, -1, whole);
      List<List<JsonNode>> projected = new ArrayList<>();
      assertEquals(expected, entities(mapping, 0, projected), mapping);
      // The projection is real: an incident of the account has 20-odd fields, the mapping reads 13 of them (plus
      // the integration's own id, created_at and service), some only in part, and nothing it reads is lost.
      JsonNode incident = projected.get(1).get(0);
      assertTrue(whole.get(1).get(0).has("incident_number"));
      assertFalse(incident.has("incident_number"), incident.toString());
      assertTrue(incident.has("service") && incident.has("created_at"), incident.toString());
      assertEquals("{\"agent\":{\"summary\":" + whole.get(1).get(0).at("/first_trigger_log_entry/agent/summary") + "}}",
          incident.get("first_trigger_log_entry").toString());
      assertTrue(projected.get(0).get(0).has("__oncall_user"), "enrichment is added after the projection");
      List<List<JsonNode>> firstWhole = new ArrayList<>();
      assertEquals(expected, entities(mapping, 1, firstWhole), mapping);
      assertEquals(whole.get(0).get(0), firstWhole.get(0).get(0), "the first object of each resource is whole");
      assertTrue(firstWhole.get(0).get(0).has("self"));
      assertFalse(firstWhole.get(0).get(1).has("self"), firstWhole.get(0).get(1).toString());
    }
  }

  @Test
  void theShippedMappingDiffersOnlyInTheUsersArraysOceanGetsWrong() throws Exception {
    Map<String, JsonNode> shipped = entities("/oceanj/integration/pagerduty/.port/resources/port-app-config.yml");
    assertEquals(entities.keySet(), shipped.keySet());
    assertEquals("[\"Platform\"]", shipped.get("pagerdutyUser/PU1").at("/properties/teams").toString());
    assertEquals("[\"Default\"]", shipped.get("pagerdutyUser/PU1").at("/properties/contact_methods").toString());
    entities.forEach((key, entity) -> {
      JsonNode expected = entity.deepCopy();
      JsonNode actual = shipped.get(key).deepCopy();
      if (key.startsWith("pagerdutyUser/")) {
        for (JsonNode e : List.of(expected, actual)) {
          ((com.fasterxml.jackson.databind.node.ObjectNode) e.get("properties")).remove(List.of("teams",
              "contact_methods"));
        }
      }
      assertEquals(expected, actual, key);
    });
  }
}
