package dev.oceanj.deploy;

import static dev.oceanj.deploy.Deployments.CLIENT_ID;
import static dev.oceanj.deploy.Deployments.CLIENT_SECRET;
import static dev.oceanj.deploy.Deployments.await;
import static dev.oceanj.deploy.Deployments.imageEnvironment;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.oceanj.emulator.PortEmulator;
import dev.oceanj.runtime.OceanRuntime;
import dev.oceanj.testsupport.TestPort;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The environment the ECS and Azure Container Apps Terraform modules give the image: {@code OCEAN__PORT},
 * {@code OCEAN__INTEGRATION} and {@code OCEAN__EVENT_LISTENER} each as one JSON value with snake_case keys, replayed
 * against the Port emulator.
 */
class WholeJsonEnvironmentTest {

  @TempDir Path dir;
  PortEmulator port;
  OceanRuntime runtime;
  final List<String> printed = new CopyOnWriteArrayList<>();

  @BeforeEach
  void startPort() {
    port = TestPort.start(CLIENT_ID, CLIENT_SECRET);
  }

  @AfterEach
  void stop() {
    if (runtime != null) {
      runtime.close();
    }
    port.close();
  }

  Map<String, String> terraform(String identifier, String eventListener, String initialize) {
    Map<String, String> env = new HashMap<>(imageEnvironment(dir));
    env.put("OCEAN__PORT", "{\"client_id\":\"" + CLIENT_ID + "\",\"client_secret\":\"" + CLIENT_SECRET
        + "\",\"base_url\":\"" + port.baseUrl() + "\"}");
    env.put("OCEAN__INTEGRATION", "{\"identifier\":\"" + identifier + "\",\"type\":\"fake\","
        + "\"config\":{\"entity_amount\":3,\"third_party_latency_ms\":0}}");
    env.put("OCEAN__EVENT_LISTENER", eventListener);
    env.put("OCEAN__INITIALIZE_PORT_RESOURCES", initialize);
    env.put("OCEAN__SCHEDULED_RESYNC_INTERVAL", "1440");
    return env;
  }

  @Test
  void theEcsModulesEnvironmentRunsOnceAndExitsZero() throws Exception {
    var env = terraform("ecs-test", "{\"type\":\"ONCE\"}", "true");
    var once = Deployments.start(env, printed);
    assertEquals(0, once.exitCode().toCompletableFuture().get(90, TimeUnit.SECONDS), String.join("\n", printed));
    assertEquals(15, port.entities("fake-person").size());
    assertEquals("completed", Deployments.resyncStatus(port, "ecs-test"));
  }

  @Test
  void theAzureModulesEnvironmentPollsAndResyncsOnStart() throws Exception {
    var env = terraform("azure-test", "{\"type\":\"POLLING\",\"resync_on_start\":true}", "true");
    env.put("APPLICATION__PORT", "0");
    runtime = Deployments.start(env, printed);
    await("the POLLING resync on start", () -> "completed".equals(Deployments.resyncStatus(port, "azure-test")));
    assertEquals(15, port.entities("fake-person").size());
  }
}
