package dev.oceanj.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.oceanj.core.config.IntegrationSpec;
import dev.oceanj.core.config.SettingsLoader;
import dev.oceanj.spi.host.IntegrationResources;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** With the embedded emulator, {@code ocean.port.*} applies to the Port client as it does against the real Port. */
class EmbeddedPortSettingsTest {

  @TempDir Path dataDir;

  @Test
  void retryRateLimitAndTimeoutsApplyToTheClientOfTheEmbeddedEmulator() throws Exception {
    var settings = SettingsLoader.create().environment(Map.of(
            "OCEAN__DATA_DIR", dataDir.toString(),
            "OCEAN__PORT__RETRY__MAX_ATTEMPTS", "3",
            "OCEAN__PORT__RETRY__BASE_DELAY", "0.05",
            "OCEAN__PORT__RATE_LIMIT__REQUESTS_PER_5_MIN", "30000",
            "OCEAN__PORT__RATE_LIMIT__BURST", "777",
            "OCEAN__PORT__REQUEST_TIMEOUT", "20",
            "OCEAN__PORT__MAX_CONNECTIONS", "7"))
        .spec(IntegrationSpec.fromClasspath(getClass().getClassLoader(),
            IntegrationResources.CLASSPATH_ROOT + "fake/.port").orElseThrow())
        .load();
    OceanRuntime runtime = OceanRuntime.start(settings, line -> { });
    try {
      assertTrue(runtime.emulator().isPresent(), "no credentials: the embedded emulator");
      var client = runtime.portClient();
      assertEquals(3, client.retry().maxAttempts());
      assertEquals(Duration.ofMillis(50), client.retry().baseDelay());
      assertEquals(30_000, client.rateLimit().requestsPer5Min());
      assertEquals(777, client.rateLimit().burst());
      assertEquals(Duration.ofSeconds(20), client.requestTimeout());
      assertEquals(7, client.maxConnections());
      assertEquals(0, runtime.exitCode().toCompletableFuture().get(90, TimeUnit.SECONDS), "the ONCE run completes");
    } finally {
      runtime.close();
    }
  }
}
