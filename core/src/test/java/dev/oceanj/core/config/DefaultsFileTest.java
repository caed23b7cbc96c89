package dev.oceanj.core.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigObject;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueType;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DefaultsFileTest {

  @Test
  void everyKeyInTheDefaultsIsCommented() {
    List<String> uncommented = new ArrayList<>();
    walk(OceanSettings.defaults().getObject("ocean"), "ocean", uncommented);
    assertEquals(List.of(), uncommented, "keys without a comment in config/application.conf");
  }

  @Test
  void defaultsShipUnderTheirOwnNameNotTypesafesAutomaticOne() {
    var loader = getClass().getClassLoader();
    assertTrue(loader.getResource("oceanj/application.conf") != null);
    assertTrue(loader.getResource("application.conf") == null, "would be picked up by ConfigFactory.load()");
  }

  @Test
  void everyAliasTargetExistsInTheDefaults() {
    var defaults = OceanSettings.defaults();
    OceanKeys.ALIASES.values().forEach(t -> assertTrue(defaults.hasPathOrNull(t), t));
  }

  private static void walk(ConfigObject obj, String prefix, List<String> uncommented) {
    for (Map.Entry<String, ConfigValue> e : obj.entrySet()) {
      String path = prefix + "." + e.getKey();
      ConfigValue v = e.getValue();
      if (v.valueType() == ConfigValueType.OBJECT && !((ConfigObject) v).isEmpty()) {
        walk((ConfigObject) v, path, uncommented);
      } else if (v.origin().comments().isEmpty()) {
        uncommented.add(path);
      }
    }
  }
}
