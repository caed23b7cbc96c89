package dev.oceanj.core.port;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.oceanj.core.config.PortSettings;
import dev.oceanj.core.port.PortClient.PortIdentity;
import dev.oceanj.emulator.EmulatorSettings;
import dev.oceanj.emulator.PortEmulator;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.function.BooleanSupplier;

/** Shared bits of the client's contract tests against the emulator. */
final class Fixtures {

  static final ObjectMapper M = new ObjectMapper();
  static final PortIdentity ID = new PortIdentity("fake", "1.2.3", "my-fake");
  static final String EXPORTER_UA = "port-ocean/fake/1.2.3/my-fake/exporter";

  private Fixtures() {}

  /** Client settings for an emulator: its credentials, quick retries, no rate limiting unless asked. */
  static PortClientSettings settings(PortEmulator port) {
    EmulatorSettings e = port.settings();
    return PortClientSettings.of(URI.create(port.baseUrl()), e.clientId(), e.clientSecret())
        .withRetry(new PortSettings.Retry(10, Duration.ofMillis(20), Duration.ofSeconds(5), 0.1))
        .withRateLimit(new PortSettings.RateLimit(false, 35_000, 3_500, 0.2));
  }

  static <T> T join(CompletionStage<T> s) {
    return s.toCompletableFuture().join();
  }

  static ObjectNode blueprint(String id) {
    ObjectNode bp = M.createObjectNode().put("identifier", id).put("title", id);
    ObjectNode schema = bp.putObject("schema");
    ObjectNode props = schema.putObject("properties");
    props.putObject("n").put("type", "number");
    props.putObject("name").put("type", "string");
    schema.putArray("required");
    bp.putObject("relations");
    return bp;
  }

  static ObjectNode entity(String id, int n) {
    ObjectNode e = M.createObjectNode().put("identifier", id).put("title", "Entity " + id);
    e.putObject("properties").put("n", n).put("name", "name-" + id);
    return e;
  }

  static List<ObjectNode> entities(String prefix, int from, int count) {
    List<ObjectNode> out = new ArrayList<>(count);
    for (int i = from; i < from + count; i++) {
      out.add(entity(prefix + i, i));
    }
    return out;
  }

  /** Polls {@code condition} until it holds or {@code within} passes. */
  static void await(BooleanSupplier condition, Duration within, String what) {
    dev.oceanj.testsupport.Await.until(what, within, condition);
  }
}
