package dev.oceanj.deploy;

import static dev.oceanj.deploy.Deployments.CLIENT_ID;
import static dev.oceanj.deploy.Deployments.CLIENT_SECRET;
import static dev.oceanj.deploy.Deployments.await;
import static dev.oceanj.deploy.Deployments.containerEnvironment;
import static dev.oceanj.deploy.Deployments.documents;
import static dev.oceanj.deploy.Deployments.find;
import static dev.oceanj.deploy.Deployments.imageEnvironment;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.marcnuri.helm.Helm;
import dev.oceanj.emulator.PortEmulator;
import dev.oceanj.runtime.OceanRuntime;
import dev.oceanj.testsupport.TestPort;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * deploy/helm/oceanj rendered and linted by Helm itself (helm-java), without a cluster: the manifests Port's
 * port-ocean chart would render for the same values, and their environment replayed against the Port emulator.
 */
class HelmChartTest {

  static final Path CHART = Path.of("..", "helm", "oceanj");
  static final String PREFIX = "ocean-fake-helm-test";

  @TempDir Path dir;
  PortEmulator port;
  OceanRuntime runtime;
  final List<String> printed = new CopyOnWriteArrayList<>();

  @AfterEach
  void stop() {
    if (runtime != null) {
      runtime.close();
    }
    if (port != null) {
      port.close();
    }
  }

  /** Values as a user writes them for the fake integration, plus {@code more} (YAML lines at the top level). */
  Path values(String baseUrl, String... more) throws Exception {
    String text = String.join("\n",
        "port:",
        "  clientId: " + CLIENT_ID,
        "  clientSecret: " + CLIENT_SECRET,
        "  baseUrl: " + baseUrl,
        "integration:",
        "  identifier: helm-test",
        "  type: fake",
        "  config:",
        "    entityAmount: 2",
        "    thirdPartyLatencyMS: 0",
        "  eventListener:",
        "    type: POLLING",
        "    resyncOnStart: true",
        "    interval: 60",
        String.join("\n", more), "");
    Path file = Files.createTempFile(dir, "values", ".yaml");
    Files.writeString(file, text);
    return file;
  }

  static List<JsonNode> render(Path values) throws Exception {
    return documents(new Helm(CHART).template().withName("helm-test").withValuesFile(values).call());
  }

  static JsonNode mainContainer(List<JsonNode> docs) {
    return find(docs, "Deployment", PREFIX + "-deployment").path("spec").path("template").path("spec")
        .path("containers").get(0);
  }

  @Test
  void lintPassesAndTheDeploymentRendersAsPortOceansDoes() throws Exception {
    Path values = values("https://api.getport.io");
    var lint = new Helm(CHART).lint().call();
    assertFalse(lint.isFailed(), String.join("\n", lint.getMessages()));

    var docs = render(values);
    var deployment = find(docs, "Deployment", PREFIX + "-deployment");
    assertEquals("Recreate", deployment.path("spec").path("strategy").path("type").asText());
    assertEquals(1, deployment.path("spec").path("replicas").asInt());
    var container = mainContainer(docs);
    assertEquals(PREFIX + "-container", container.path("name").asText());
    assertEquals("ghcr.io/oceanj/oceanj-fake:0.1.0", container.path("image").asText());
    assertEquals("/tmp/ocean", container.path("volumeMounts").get(0).path("mountPath").asText());
    assertEquals("1024Mi", container.path("resources").path("limits").path("memory").asText());
    assertEquals(8000, container.path("ports").get(0).path("containerPort").asInt());

    var liveness = container.path("livenessProbe");
    assertEquals("/health/live", liveness.path("httpGet").path("path").asText());
    assertEquals(List.of(30, 10, 5, 1, 3), probeNumbers(liveness));
    var readiness = container.path("readinessProbe");
    assertEquals("/health/ready", readiness.path("httpGet").path("path").asText());
    assertEquals(8000, readiness.path("httpGet").path("port").asInt());
    assertEquals(List.of(5, 5, 5, 1, 5), probeNumbers(readiness));

    var env = containerEnvironment(docs, container, Map.of());
    assertEquals("https://api.getport.io", env.get("OCEAN__PORT__BASE_URL"));
    assertEquals(CLIENT_ID, env.get("OCEAN__PORT__CLIENT_ID"));
    assertEquals(CLIENT_SECRET, env.get("OCEAN__PORT__CLIENT_SECRET"));
    assertEquals("helm-test", env.get("OCEAN__INTEGRATION__IDENTIFIER"));
    assertEquals("2", env.get("OCEAN__INTEGRATION__CONFIG__ENTITY_AMOUNT"));
    assertEquals("0", env.get("OCEAN__INTEGRATION__CONFIG__THIRD_PARTY_LATENCY_MS"));
    // Helm merges the user's map into the default one, so Port's brokers stay beside the type (as with port-ocean).
    var listener = Deployments.YAML.readTree(env.get("OCEAN__EVENT_LISTENER"));
    assertEquals("POLLING", listener.path("type").asText());
    assertTrue(listener.path("resyncOnStart").asBoolean());
    assertEquals(60, listener.path("interval").asInt());
    assertEquals("true", env.get("OCEAN__INITIALIZE_PORT_RESOURCES"));
    assertFalse(env.containsKey("OCEAN__INTEGRATION__TYPE"), "the chart never sets the type: the image has it");

    var service = find(docs, "Service", PREFIX + "-service");
    assertEquals(PREFIX + "-deployment", service.path("spec").path("selector").path("app").asText());
    assertEquals(8000, service.path("spec").path("ports").get(0).path("targetPort").asInt());
  }

  @Test
  void clusterModeRendersAClusteredDeploymentWithAHeadlessServiceForItsSeeds() throws Exception {
    var docs = render(values("https://api.getport.io", "cluster:", "  enabled: true", "  replicas: 3",
        "  stableAfter: 10 s"));
    var deployment = find(docs, "Deployment", PREFIX + "-deployment");
    assertEquals(3, deployment.path("spec").path("replicas").asInt());
    var container = mainContainer(docs);
    Map<String, JsonNode> env = new java.util.HashMap<>();
    container.path("env").forEach(e -> env.put(e.path("name").asText(), e));
    assertEquals("true", env.get("OCEAN__CLUSTER__ENABLED").path("value").asText());
    assertEquals("status.podIP",
        env.get("OCEAN__CLUSTER__HOST").path("valueFrom").path("fieldRef").path("fieldPath").asText());
    assertEquals("metadata.name",
        env.get("OCEAN__CLUSTER__NODE_NAME").path("valueFrom").path("fieldRef").path("fieldPath").asText());
    assertEquals("2552", env.get("OCEAN__CLUSTER__PORT").path("value").asText());
    assertEquals("10 s", env.get("OCEAN__CLUSTER__STABLE_AFTER").path("value").asText());
    assertEquals("keep-majority", env.get("OCEAN__CLUSTER__SPLIT_BRAIN_STRATEGY").path("value").asText());
    assertEquals(PREFIX + "-cluster",
        env.get("OCEAN__CLUSTER__SEED_DNS_NAME").path("value").asText());
    assertTrue(java.util.stream.StreamSupport.stream(container.path("ports").spliterator(), false)
        .anyMatch(p -> p.path("containerPort").asInt() == 2552), container.path("ports").toString());

    var headless = find(docs, "Service", PREFIX + "-cluster");
    assertEquals("None", headless.path("spec").path("clusterIP").asText());
    assertTrue(headless.path("spec").path("publishNotReadyAddresses").asBoolean());
    assertEquals(PREFIX + "-deployment", headless.path("spec").path("selector").path("app").asText());
    assertEquals(2552, headless.path("spec").path("ports").get(0).path("port").asInt());

    var off = render(values("https://api.getport.io"));
    assertEquals(1, find(off, "Deployment", PREFIX + "-deployment").path("spec").path("replicas").asInt());
    assertFalse(off.stream().anyMatch(d -> d.path("metadata").path("name").asText().equals(PREFIX + "-cluster")));
    assertFalse(mainContainer(off).path("env").toString().contains("OCEAN__CLUSTER__"));
  }

  static List<Integer> probeNumbers(JsonNode probe) {
    return List.of(probe.path("initialDelaySeconds").asInt(), probe.path("periodSeconds").asInt(),
        probe.path("timeoutSeconds").asInt(), probe.path("successThreshold").asInt(),
        probe.path("failureThreshold").asInt());
  }

  @Test
  void securityContextsSecretsCertificatesAndExtraEnvRenderAsPortOceans() throws Exception {
    var docs = render(values("https://api.getport.io",
        "podSecurityContext: {runAsUser: 1001, runAsGroup: 1001, fsGroup: 1001}",
        "containerSecurityContext: {allowPrivilegeEscalation: false, readOnlyRootFilesystem: true}",
        "extraEnv:",
        "  - name: HTTPS_PROXY",
        "    value: http://proxy.example.com:3128",
        "selfSignedCertificate: {enabled: true, certificate: \"-----BEGIN CERTIFICATE-----\\nMIIB\\n-----END CERTIFICATE-----\"}",
        "createPortResourcesOrigin: Empty",
        "scheduledResyncInterval: 90"));
    var pod = find(docs, "Deployment", PREFIX + "-deployment").path("spec").path("template").path("spec");
    assertEquals(1001, pod.path("securityContext").path("runAsUser").asInt());
    assertEquals(1001, pod.path("securityContext").path("fsGroup").asInt());
    var container = pod.path("containers").get(0);
    assertFalse(container.path("securityContext").path("allowPrivilegeEscalation").asBoolean(true));
    assertTrue(container.path("securityContext").path("readOnlyRootFilesystem").asBoolean());

    var env = containerEnvironment(docs, container, Map.of());
    assertEquals("http://proxy.example.com:3128", env.get("HTTPS_PROXY"));
    assertEquals("/etc/ssl/certs/ca-certificates.crt", env.get("SSL_CERT_FILE"));
    assertEquals("Empty", env.get("OCEAN__CREATE_PORT_RESOURCES_ORIGIN"));
    assertEquals("90", env.get("OCEAN__SCHEDULED_RESYNC_INTERVAL"));
    var certMount = container.path("volumeMounts").get(1);
    assertEquals("/usr/local/share/ca-certificates/cert.crt", certMount.path("mountPath").asText());
    assertEquals("cert.crt", certMount.path("subPath").asText());
    assertTrue(find(docs, "Secret", PREFIX + "-cert").path("stringData").path("crt").asText()
        .startsWith("-----BEGIN CERTIFICATE-----"));
  }

  @Test
  void mapsAndListsInTheIntegrationConfigRenderAsJson() throws Exception {
    Path file = Files.createTempFile(dir, "values", ".yaml");
    Files.writeString(file, String.join("\n",
        "port: {clientId: a, clientSecret: b}",
        "integration:",
        "  type: fake",
        "  identifier: helm-test",
        "  config:",
        "    clusterConfMapping: {local: {bootstrap.servers: 'localhost:9092'}}",
        "    projects: [a, b]",
        "  secrets:",
        "    apiToken: s3cret",
        "  extraConfig:",
        "    logLevel: DEBUG",
        ""));
    var docs = render(file);
    var env = containerEnvironment(docs, mainContainer(docs), Map.of());
    assertEquals("{\"local\":{\"bootstrap.servers\":\"localhost:9092\"}}",
        env.get("OCEAN__INTEGRATION__CONFIG__CLUSTER_CONF_MAPPING"));
    assertEquals("[\"a\",\"b\"]", env.get("OCEAN__INTEGRATION__CONFIG__PROJECTS"));
    assertEquals("s3cret", find(docs, "Secret", PREFIX + "-secret").path("stringData")
        .path("OCEAN__INTEGRATION__CONFIG__API_TOKEN").asText());
    assertEquals("DEBUG", env.get("LOG_LEVEL"));
  }

  @Test
  void theCronJobForcesOnceHasNoProbesAndTheLiveEventsWorkerOnlyServesWebhooks() throws Exception {
    var docs = render(values("https://api.getport.io",
        "workload: {kind: CronJob}",
        "scheduledResyncInterval: '*/30 * * * *'",
        "liveEvents: {baseUrl: 'https://le.example.com', worker: {enabled: true}}"));
    var cron = find(docs, "CronJob", PREFIX + "-cron-job");
    assertEquals("*/30 * * * *", cron.path("spec").path("schedule").asText());
    assertEquals("Replace", cron.path("spec").path("concurrencyPolicy").asText());
    var job = cron.path("spec").path("jobTemplate").path("spec");
    assertEquals(0, job.path("backoffLimit").asInt(-1));
    assertEquals("Never", job.path("template").path("spec").path("restartPolicy").asText());
    var container = job.path("template").path("spec").path("containers").get(0);
    assertTrue(container.path("livenessProbe").isMissingNode() && container.path("readinessProbe").isMissingNode());
    var env = containerEnvironment(docs, container, Map.of());
    assertEquals("{\"type\":\"ONCE\"}", env.get("OCEAN__EVENT_LISTENER"));
    assertFalse(env.containsKey("OCEAN__SCHEDULED_RESYNC_INTERVAL"));
    assertFalse(env.containsKey("OCEAN__BASE_URL"), "the worker takes the live events");
    assertTrue(docs.stream().noneMatch(d -> d.path("kind").asText().equals("Deployment")
        && d.path("metadata").path("name").asText().equals(PREFIX + "-deployment")));

    var worker = find(docs, "Deployment", PREFIX + "-le-deployment").path("spec").path("template").path("spec")
        .path("containers").get(0);
    var workerEnv = containerEnvironment(docs, worker, Map.of());
    assertEquals("{\"type\":\"WEBHOOKS_ONLY\"}", workerEnv.get("OCEAN__EVENT_LISTENER"));
    assertEquals("https://le.example.com", workerEnv.get("OCEAN__BASE_URL"));
    assertEquals("false", workerEnv.get("OCEAN__INITIALIZE_PORT_RESOURCES"));
    assertEquals(List.of(30, 10, 5, 2, 3), probeNumbers(worker.path("readinessProbe")));
    assertEquals(PREFIX + "-le-deployment",
        find(docs, "Service", PREFIX + "-le-service").path("spec").path("selector").path("app").asText());
  }

  @Test
  void valuesOceanjDoesNotSupportFailTheRenderNamingTheValue() throws Exception {
    Path values = values("https://api.getport.io");
    assertFalse(render(values).isEmpty(), "the values render without the unsupported ones");
    for (var unsupported : Map.of("incrementalSync.enabled", "true", "postgresql.enabled", "true",
        "actionsProcessor.enabled", "true", "actionsProcessor.worker.enabled", "true",
        "liveEvents.isRedisStreamConsumerEnabled", "true",
        "integration.processExecution.mode", "multi_process").entrySet()) {
      var error = assertThrows(IllegalStateException.class, () -> new Helm(CHART).template().withName("helm-test")
          .withValuesFile(values).set(unsupported.getKey(), unsupported.getValue()).call(), unsupported.getKey());
      assertTrue(error.getMessage().contains(unsupported.getKey() + ":"), error.getMessage());
    }
    Path noCredentials = Files.writeString(Files.createTempFile(dir, "values", ".yaml"), "integration: {type: fake}\n");
    var missing = assertThrows(IllegalStateException.class, () -> render(noCredentials));
    assertTrue(missing.getMessage().contains("port.clientId is required"), missing.getMessage());
  }

  @Test
  void theDeploymentsRenderedEnvironmentResyncsAgainstTheEmulator() throws Exception {
    port = TestPort.start(CLIENT_ID, CLIENT_SECRET);
    var docs = render(values(port.baseUrl(),
        "extraEnv:",
        "  - name: APPLICATION__PORT",
        "    value: \"0\""));
    var env = containerEnvironment(docs, mainContainer(docs), imageEnvironment(dir));
    runtime = Deployments.start(env, printed);
    await("the POLLING resync on start", () -> "completed".equals(Deployments.resyncStatus(port, "helm-test")));
    assertEquals(10, port.entities("fake-person").size());
    assertTrue(runtime.httpPort().isPresent(), "a Deployment serves HTTP (probes)");
  }

  @Test
  void theCronJobsRenderedEnvironmentRunsOneResyncAndExitsZero() throws Exception {
    port = TestPort.start(CLIENT_ID, CLIENT_SECRET);
    var docs = render(values(port.baseUrl(), "workload: {kind: CronJob}"));
    var container = find(docs, "CronJob", PREFIX + "-cron-job").path("spec").path("jobTemplate").path("spec")
        .path("template").path("spec").path("containers").get(0);
    var once = Deployments.start(containerEnvironment(docs, container, imageEnvironment(dir)), printed);
    assertEquals(0, once.exitCode().toCompletableFuture().get(90, TimeUnit.SECONDS));
    assertEquals(10, port.entities("fake-person").size());
    assertEquals("completed", Deployments.resyncStatus(port, "helm-test"));
    assertTrue(String.join("\n", printed).contains("COMPLETED"), String.join("\n", printed));
  }
}
