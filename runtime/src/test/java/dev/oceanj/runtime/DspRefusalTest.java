package dev.oceanj.runtime;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.oceanj.core.config.OceanSettings;
import dev.oceanj.core.config.SettingsLoader;
import dev.oceanj.core.port.PortClient.Organization;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Ocean's DSP processing, active only with mode dsp, the lakehouse on and both organisation flags, is refused. */
class DspRefusalTest {

  private static final Organization DSP_ORG = new Organization("org", OceanRuntime.DSP_FLAGS);

  private static OceanSettings settings(Map<String, String> env) {
    return SettingsLoader.create().environment(env).load();
  }

  @Test
  void dspActiveForTheOrganisationIsRefusedNamingTheWayOut() {
    IllegalStateException e = assertThrows(IllegalStateException.class,
        () -> OceanRuntime.refuseDsp(settings(Map.of("OCEAN__PROCESSING_MODE", "dsp")), DSP_ORG));
    assertTrue(e.getMessage().contains("OCEAN__PROCESSING_MODE=ocean-core"), e.getMessage());
    // Unset is Ocean's default, dsp, too.
    assertThrows(IllegalStateException.class, () -> OceanRuntime.refuseDsp(settings(Map.of()), DSP_ORG));
  }

  @Test
  void anyMissingConditionLetsOceanjStart() {
    assertDoesNotThrow(() -> OceanRuntime.refuseDsp(settings(Map.of("OCEAN__PROCESSING_MODE", "ocean-core")), DSP_ORG));
    assertDoesNotThrow(() -> OceanRuntime.refuseDsp(settings(Map.of("OCEAN__LAKEHOUSE_ENABLED", "false")), DSP_ORG));
    assertDoesNotThrow(() -> OceanRuntime.refuseDsp(settings(Map.of()),
        new Organization("org", List.of("LAKEHOUSE_ELIGIBLE"))));
  }
}
