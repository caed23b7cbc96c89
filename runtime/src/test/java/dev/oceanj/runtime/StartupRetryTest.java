package dev.oceanj.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.oceanj.core.config.SettingsLoader;
import dev.oceanj.emulator.FaultControl;
import dev.oceanj.emulator.PortEmulator;
import dev.oceanj.testsupport.TestPort;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A transient fault while the runtime sets the integration up in Port is retried; the run completes. */
class StartupRetryTest {

  @TempDir Path dataDir;

  @Test
  void aServerErrorAndADroppedConnectionDuringSetupDoNotEndTheRun() throws Exception {
    try (PortEmulator port = TestPort.start("test-id", "test-secret")) {
      port.faults().failNext("POST", "/v1/integration", 1, FaultControl.Injected.SERVER_ERROR);
      port.faults().failNext("POST", "/v1/blueprints", 1, FaultControl.Injected.DROP_CONNECTION);
      port.faults().failNext("PATCH", "/v1/integration/{id}", 1, FaultControl.Injected.SERVER_ERROR);
      var settings = SettingsLoader.create().environment(Map.of(
          "OCEAN__PORT__CLIENT_ID", "test-id", "OCEAN__PORT__CLIENT_SECRET", "test-secret",
          "OCEAN__PORT__BASE_URL", port.baseUrl(), "OCEAN__EVENT_LISTENER__TYPE", "ONCE",
          "OCEAN__DATA_DIR", dataDir.toString())).load();
      OceanRuntime runtime = OceanRuntime.start(settings, line -> { });
      assertEquals(0, runtime.exitCode().toCompletableFuture().get(90, TimeUnit.SECONDS));
      assertEquals(2, port.counters().serverErrorsInjected(), "both 503s were met");
      assertEquals(1, port.counters().connectionsDropped(), "the drop was met");
      assertEquals(100, port.entities("fake-person").size());
      assertTrue(port.integration("my-fake-integration").orElseThrow().path("arePortResourcesInitialized").asBoolean());
    }
  }
}
