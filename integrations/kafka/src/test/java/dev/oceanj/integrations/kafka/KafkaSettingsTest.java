package dev.oceanj.integrations.kafka;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.oceanj.spi.InvalidSettingsException;
import dev.oceanj.spi.testing.ResyncHarness;
import java.util.List;
import org.junit.jupiter.api.Test;

class KafkaSettingsTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void theObjectWinsOverTheStringAndNamesAreSanitisedInOrder() throws Exception {
    var settings = new KafkaSettings((ObjectNode) JSON.readTree(
        "{\"my cluster!\": {\"bootstrap.servers\": \"a:1\"}, \"dev\": {\"bootstrap.servers\": \"b:1\"}}"),
        "{\"ignored\": {\"bootstrap.servers\": \"c:1\"}}");
    assertEquals(List.of("mycluster", "dev"), settings.clusters().stream().map(KafkaSettings.Cluster::name).toList());
    assertEquals("KafkaSettings[mycluster, dev]", settings.toString());
  }

  @Test
  void theStringIsUsedWhenTheObjectIsEmpty() {
    var settings = new KafkaSettings(JSON.createObjectNode(), "{\"ci\": {\"bootstrap.servers\": \"c:1\"}}");
    assertEquals("ci", settings.clusters().get(0).name());
  }

  @Test
  void neitherBrokenJsonNorCollidingNamesAreAccepted() {
    var neither = assertThrows(IllegalArgumentException.class, () -> new KafkaSettings(null, null));
    assertTrue(neither.getMessage().contains("OCEAN__INTEGRATION__CONFIG__CLUSTER_CONF_MAPPING_STRING"));
    var broken = assertThrows(IllegalArgumentException.class,
        () -> new KafkaSettings(null, "{\"x\": {\"sasl.password\": \"hunter2\""));
    assertTrue(broken.getMessage().startsWith("clusterConfMappingString is not valid JSON"), broken.getMessage());
    assertFalse(broken.getMessage().contains("hunter2"));
    var twice = assertThrows(IllegalArgumentException.class, () -> new KafkaSettings((ObjectNode) JSON.readTree(
        "{\"a b\": {\"bootstrap.servers\": \"a:1\"}, \"ab\": {\"bootstrap.servers\": \"b:1\"}}"), null));
    assertTrue(twice.getMessage().contains("\"ab\""), twice.getMessage());
  }

  @Test
  void aBadMappingStopsTheIntegrationAtStartNamingTheSetting() {
    var e = assertThrows(InvalidSettingsException.class, () -> ResyncHarness.start(new KafkaIntegration(),
        "{\"clusterConfMapping\": {\"prod\": {\"bootstrap.servers\": \"b:1\", \"sasl.kerberos.kinit.cmd\": \"k\"}}}"));
    assertTrue(e.getMessage().contains("clusterConfMapping.prod.sasl.kerberos.kinit.cmd"), e.getMessage());
  }
}
