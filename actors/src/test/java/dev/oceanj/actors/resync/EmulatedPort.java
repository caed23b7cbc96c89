package dev.oceanj.actors.resync;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.oceanj.core.config.PortSettings;
import dev.oceanj.core.port.HttpPortClient;
import dev.oceanj.core.port.PortClient;
import dev.oceanj.core.port.PortClientSettings;
import dev.oceanj.core.port.WriteLimiter;
import dev.oceanj.emulator.EmulatorSettings;
import dev.oceanj.emulator.PortEmulator;
import dev.oceanj.testsupport.TestPort;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/** The real Port emulator plus real clients for one integration per test, and small helpers around them. */
final class EmulatedPort {

  static final ObjectMapper JSON = new ObjectMapper();
  static final YAMLMapper YAML = new YAMLMapper();

  final PortEmulator emulator = TestPort.start();

  HttpPortClient client(String integrationId) {
    PortClientSettings settings = PortClientSettings.of(URI.create(emulator.baseUrl()),
            EmulatorSettings.DEFAULT_CLIENT_ID, EmulatorSettings.DEFAULT_CLIENT_SECRET)
        .withRetry(new PortSettings.Retry(10, Duration.ofMillis(20), Duration.ofMillis(500), 0.1))
        .withRequestTimeout(Duration.ofSeconds(10));
    return HttpPortClient.create(settings, new PortClient.PortIdentity("fake", "0.1.0", integrationId),
        WriteLimiter.unlimited());
  }

  static JsonNode yaml(String text) {
    try {
      return YAML.readTree(text);
    } catch (Exception e) {
      throw new IllegalArgumentException(e);
    }
  }

  static <T> T await(java.util.concurrent.CompletionStage<T> stage) {
    try {
      return stage.toCompletableFuture().get(60, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  void blueprint(PortClient client, String json) {
    await(client.createBlueprint(yaml(json)));
  }

  void integration(PortClient client, JsonNode mapping) {
    ObjectNode body = JSON.createObjectNode();
    body.set("config", mapping);
    await(client.createIntegration(body));
  }

  void close() {
    emulator.close();
  }

  /** The real client, recording every resync-state status it sends (in order). */
  static final class StateRecorder extends ForwardingPortClient {
    final List<String> states = new CopyOnWriteArrayList<>();
    final java.util.concurrent.atomic.AtomicInteger listings = new java.util.concurrent.atomic.AtomicInteger();

    StateRecorder(PortClient delegate) {
      super(delegate);
    }

    @Override
    public java.util.concurrent.CompletionStage<EntityPage> datasourceEntities(DatasourceQuery query,
        java.util.Optional<String> cursor) {
      listings.incrementAndGet();
      return super.datasourceEntities(query, cursor);
    }

    @Override
    public java.util.concurrent.CompletionStage<Void> patchResyncState(ResyncState state) {
      states.add(state.status());
      return super.patchResyncState(state);
    }
  }
}
