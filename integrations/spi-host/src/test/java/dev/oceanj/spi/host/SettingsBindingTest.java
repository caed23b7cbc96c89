package dev.oceanj.spi.host;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.oceanj.spi.Integration;
import dev.oceanj.spi.IntegrationDefinition;
import dev.oceanj.spi.InvalidSettingsException;
import java.net.http.HttpClient;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class SettingsBindingTest {

  record Limit(String kind, int items) {
    Limit {
      if (items < 0) {
        throw new IllegalArgumentException("failAfter.items must be >= 0, got " + items);
      }
    }
  }

  record Settings(Integer entityAmount, Integer thirdPartyLatencyMS, Boolean singleDepartmentRun, String apiToken,
      Limit failAfter) {
    Settings {
      entityAmount = entityAmount == null ? 20 : entityAmount;
    }
  }

  private static final ObjectMapper JSON = new ObjectMapper();

  private static Settings bind(String json) throws Exception {
    AtomicReference<Settings> bound = new AtomicReference<>();
    Integration integration = new Integration() {
      @Override
      public String type() {
        return "acme";
      }

      @Override
      public void define(IntegrationDefinition ocean) {
        bound.set(ocean.settings(Settings.class));
      }
    };
    DefinedIntegration.define(integration, (ObjectNode) JSON.readTree(json), HttpClient.newHttpClient());
    return bound.get();
  }

  @Test
  void bindsCamelCaseNamesAndAppliesRecordDefaults() throws Exception {
    Settings s = bind("{\"thirdPartyLatencyMS\": 5, \"singleDepartmentRun\": true,"
        + " \"failAfter\": {\"kind\": \"k\", \"items\": 3}, \"notInTheRecord\": 1}");
    assertEquals(20, s.entityAmount());
    assertEquals(5, s.thirdPartyLatencyMS());
    assertTrue(s.singleDepartmentRun());
    assertEquals(new Limit("k", 3), s.failAfter());
    assertNull(s.apiToken());
  }

  @Test
  void bindsOceansSnakeCaseKeys() throws Exception {
    Settings s = bind("{\"entity_amount\": 7, \"third_party_latency_ms\": 9, \"single_department_run\": false}");
    assertEquals(7, s.entityAmount());
    assertEquals(9, s.thirdPartyLatencyMS());
    assertEquals(false, s.singleDepartmentRun());
  }

  @Test
  void exactKeyWinsOverSnakeCaseAlias() throws Exception {
    assertEquals(1, bind("{\"entityAmount\": 1, \"entity_amount\": 2}").entityAmount());
    assertEquals(1, bind("{\"entity_amount\": 2, \"entityAmount\": 1}").entityAmount());
  }

  @Test
  void wrongTypeNamesTheFieldWithoutEchoingTheValue() {
    var e = assertThrows(InvalidSettingsException.class, () -> bind("{\"entityAmount\": \"s3cr3t-ish\"}"));
    assertEquals("entityAmount", e.field());
    assertTrue(e.getMessage().contains("'acme'"), e.getMessage());
    assertTrue(e.getMessage().contains("ocean.integration.config.entityAmount"), e.getMessage());
    assertTrue(e.getMessage().contains("must be an integer, but is a string"), e.getMessage());
    assertFalse(e.getMessage().contains("s3cr3t"), e.getMessage());
  }

  @Test
  void nestedFieldIsNamedByItsPath() {
    var e = assertThrows(InvalidSettingsException.class, () -> bind("{\"failAfter\": {\"items\": true}}"));
    assertEquals("failAfter.items", e.field());
    assertTrue(e.getMessage().contains("'failAfter.items'"), e.getMessage());
  }

  @Test
  void fractionalValueIsNotTruncatedIntoAnInteger() {
    var e = assertThrows(InvalidSettingsException.class, () -> bind("{\"thirdPartyLatencyMS\": 1.5}"));
    assertEquals("thirdPartyLatencyMS", e.field());
  }

  @Test
  void validationInTheRecordConstructorIsReported() {
    var e = assertThrows(InvalidSettingsException.class, () -> bind("{\"failAfter\": {\"items\": -1}}"));
    assertTrue(e.getMessage().contains("failAfter.items must be >= 0"), e.getMessage());
    assertTrue(e.getMessage().contains("'acme'"), e.getMessage());
  }

  @Test
  void objectWhereAnIntegerIsExpected() {
    var e = assertThrows(InvalidSettingsException.class, () -> bind("{\"entityAmount\": {\"a\": 1}}"));
    assertEquals("entityAmount", e.field());
    assertTrue(e.getMessage().contains("but is an object"), e.getMessage());
  }
}
