package dev.oceanj.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.oceanj.core.config.IntegrationSpec;
import dev.oceanj.core.config.OceanSettings;
import dev.oceanj.core.config.SettingsLoader;
import dev.oceanj.emulator.PortEmulator;
import dev.oceanj.runtime.OceanRuntime;
import dev.oceanj.spi.host.IntegrationResources;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.function.BooleanSupplier;

/** What the deploy tests share: rendered manifests, the environment a container gets, the runtime started with it. */
final class Deployments {

  static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
  static final Duration WAIT = Duration.ofSeconds(90);
  static final String CLIENT_ID = "deploy-test-id";
  static final String CLIENT_SECRET = "deploy-test-secret";

  private Deployments() {}

  /** The documents of a multi-document YAML text (Helm's output), empty ones left out. */
  static List<JsonNode> documents(String yaml) throws IOException {
    List<JsonNode> docs = new ArrayList<>();
    try (var values = YAML.readerFor(JsonNode.class).<JsonNode>readValues(yaml)) {
      while (values.hasNext()) {
        JsonNode doc = values.next();
        if (doc != null && doc.isObject()) {
          docs.add(doc);
        }
      }
    }
    return docs;
  }

  static JsonNode find(List<JsonNode> docs, String kind, String name) {
    return docs.stream()
        .filter(d -> d.path("kind").asText().equals(kind) && d.path("metadata").path("name").asText().equals(name))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no " + kind + " " + name + " in " + docs.stream()
            .map(d -> d.path("kind").asText() + "/" + d.path("metadata").path("name").asText()).toList()));
  }

  /**
   * The environment the container gets: the image's own (type baked in, data dir) under its {@code envFrom}
   * ConfigMaps and Secrets, in order, under its {@code env} list, as Kubernetes builds it.
   */
  static Map<String, String> containerEnvironment(List<JsonNode> docs, JsonNode container, Map<String, String> image) {
    Map<String, String> env = new HashMap<>(image);
    for (JsonNode from : container.path("envFrom")) {
      if (from.has("configMapRef")) {
        find(docs, "ConfigMap", from.path("configMapRef").path("name").asText()).path("data").fields()
            .forEachRemaining(e -> env.put(e.getKey(), e.getValue().asText()));
      } else if (from.has("secretRef")) {
        find(docs, "Secret", from.path("secretRef").path("name").asText()).path("stringData").fields()
            .forEachRemaining(e -> env.put(e.getKey(), e.getValue().asText()));
      }
    }
    for (JsonNode e : container.path("env")) {
      env.put(e.path("name").asText(), e.path("value").asText());
    }
    return env;
  }

  /** The environment of the oceanj-fake image, its data folder moved to {@code dataDir}. */
  static Map<String, String> imageEnvironment(Path dataDir) {
    return Map.of("OCEAN__INTEGRATION__TYPE", "fake", "HOME", dataDir.toString(),
        "OCEAN__DATA_DIR", dataDir.resolve("data").toString());
  }

  /** The runtime as the image starts it, with exactly {@code env} as its environment (no -D properties). */
  static OceanRuntime start(Map<String, String> env, List<String> printed) {
    IntegrationSpec spec = IntegrationSpec.fromClasspath(Deployments.class.getClassLoader(),
        IntegrationResources.CLASSPATH_ROOT + env.getOrDefault("OCEAN__INTEGRATION__TYPE", "fake") + "/.port")
        .orElseThrow();
    OceanSettings settings = SettingsLoader.create().environment(env).systemProperties(new Properties()).spec(spec)
        .load();
    return OceanRuntime.start(settings, printed::add);
  }

  static String resyncStatus(PortEmulator port, String identifier) {
    return port.integration(identifier).map(i -> i.path("resyncState").path("status").asText()).orElse("");
  }

  static void await(String what, BooleanSupplier condition) throws InterruptedException {
    dev.oceanj.testsupport.Await.until(what, WAIT, condition);
  }
}
