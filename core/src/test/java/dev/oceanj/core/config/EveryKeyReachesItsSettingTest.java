package dev.oceanj.core.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigObject;
import com.typesafe.config.ConfigUtil;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueType;
import dev.oceanj.core.port.PortClientSettings;
import dev.oceanj.emulator.net.PrivateCa;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.function.Function;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every key of {@code config/application.conf} reaches the typed setting that uses it: each leaf key is set to a
 * value other than its default and the record that carries it must change. A key added to the file without an entry
 * here fails the test. The Port client's keys are checked on the client settings aimed at the embedded emulator
 * (no credentials), the mode where they used to be dropped.
 */
class EveryKeyReachesItsSettingTest {

  /** A non-default value (HOCON) for a key and how to read what it sets. */
  private record Case(String value, Function<OceanSettings, Object> read, boolean embedded) {}

  private static final String CREDENTIALS = "ocean.port { client-id = id, client-secret = secret }\n";
  private static final Map<String, Case> CASES = new LinkedHashMap<>();
  /** Keys whose only non-default value is refused (a feature oceanj does not have): the error must name them. */
  private static final Map<String, String> REFUSED = Map.of("ocean.event-listener.should-run-actions", "true");

  @TempDir static Path dir;

  private static void key(String key, String value, Function<OceanSettings, Object> read) {
    CASES.put(key, new Case(value, read, false));
  }

  /** A key the Port client uses: read on the client aimed at the embedded emulator, without credentials. */
  private static void client(String key, String value, Function<PortClientSettings, Object> read) {
    CASES.put(key, new Case(value, s -> read.apply(PortClientSettings.from(s.port(),
        URI.create("http://127.0.0.1:5555"), "emulator-id", "emulator-secret")), true));
  }

  @BeforeAll
  static void table() throws Exception {
    Path cas = Files.createDirectories(dir.resolve("cas"));
    Files.copy(PrivateCa.create(dir.resolve("ca")).caPem(), cas.resolve("private.pem"));
    String o = "ocean.";
    String p = o + "port.";
    key(p + "client-id", "other-id", s -> s.port().credentials().orElseThrow().clientId());
    key(p + "client-secret", "other-secret", s -> s.port().credentials().orElseThrow().clientSecret().reveal());
    key(p + "base-url", "\"https://api.us.getport.io\"", s -> s.port().baseUrl());
    key(p + "port-app-config-cache-ttl", "5 s", s -> s.port().portAppConfigCacheTtl());
    key(p + "blueprint-cache-ttl", "5 s", s -> s.port().blueprintCacheTtl());
    key(p + "feature-flags-cache-ttl", "5 s", s -> s.port().featureFlagsCacheTtl());
    client(p + "token-refresh-skew", "5 s", PortClientSettings::tokenRefreshSkew);
    client(p + "request-timeout", "5 s", PortClientSettings::requestTimeout);
    client(p + "max-connections", "5", PortClientSettings::maxConnections);
    client(p + "retry.max-attempts", "2", c -> c.retry().maxAttempts());
    client(p + "retry.base-delay", "1 s", c -> c.retry().baseDelay());
    client(p + "retry.max-delay", "10 s", c -> c.retry().maxDelay());
    client(p + "retry.jitter", "0.5", c -> c.retry().jitter());
    client(p + "rate-limit.enabled", "false", c -> c.rateLimit().enabled());
    client(p + "rate-limit.requests-per-5-min", "100", c -> c.rateLimit().requestsPer5Min());
    client(p + "rate-limit.burst", "10", c -> c.rateLimit().burst());
    client(p + "rate-limit.live-events-reserved-share", "0.5", c -> c.rateLimit().liveEventsReservedShare());

    String i = o + "integration.";
    key(i + "identifier", "other", s -> s.integration().identifier());
    key(i + "type", "pagerduty", s -> s.integration().type());
    key(i + "version", "\"9.9.9\"", s -> s.integration().version());
    key(i + "config", "{ x = 1 }", s -> s.integration().config());

    key(o + "initialize-port-resources", "false", OceanSettings::initializePortResources);
    key(o + "create-port-resources-origin", "Empty", OceanSettings::createPortResourcesOrigin);
    key(o + "resources-path", "elsewhere", OceanSettings::resourcesPath);
    key(o + "send-raw-data-examples", "false", s -> s.resync().sendRawDataExamples());
    key(o + "scheduled-resync-interval", "5", OceanSettings::scheduledResyncInterval);
    key(o + "allow-environment-variables-jq-access", "false", OceanSettings::allowEnvironmentVariablesJqAccess);
    key(o + "base-url", "\"https://me.example.com\"", OceanSettings::baseUrl);
    key(o + "path-prefix", "\"/x\"", OceanSettings::pathPrefix);
    key(o + "data-dir", "other-dir", s -> List.of(s.dataDir(), s.resync().dataDir()));
    key(o + "log-level", "DEBUG", OceanSettings::logLevel);
    key(o + "instances-dir", "instances", s -> s.instances().dir());
    key(o + "instances", "[ { integration.identifier = a } ]", s -> s.instances().list());
    key(o + "defaults", "{ log-level = DEBUG }", s -> s.instances().defaults());
    key(o + "client-timeout", "5 s", OceanSettings::clientTimeout);
    key(o + "oauth-access-token-file-path", "token.txt", OceanSettings::oauthAccessTokenFile);
    key(o + "network.ca-directory", ConfigUtil.quoteString(cas.toString()), s -> s.network().authoritySources());
    key(o + "ssl.port.verify", "false", s -> s.network().portVerify());
    key(o + "ssl.port.x509.strict", "false", s -> s.network().warnings());
    key(o + "ssl.third-party.verify", "false", s -> s.network().thirdPartyVerify());
    key(o + "ssl.third-party.x509.strict", "false", s -> s.network().warnings());

    key(o + "telemetry.heartbeat-interval", "3 s", s -> s.telemetry().heartbeatInterval());
    key(o + "telemetry.http-logging", "false", s -> s.telemetry().httpLogging());
    key(o + "telemetry.log-queue-size", "200", s -> s.telemetry().logQueueSize());

    String t = o + "timeouts.";
    key(t + "ask", "1 s", s -> s.timeouts().ask());
    key(t + "resync-wait", "10 m", s -> s.timeouts().resyncWait());
    key(t + "setup", "30 s", s -> s.timeouts().setup());
    key(t + "bind", "5 s", s -> s.timeouts().bind());
    key(t + "readiness-check", "1 s", s -> s.timeouts().readinessCheck());
    key(t + "readiness-cache", "1 s", s -> s.timeouts().readinessCache());
    key(t + "defaults-provision-wait", "1 s", s -> s.timeouts().defaultsProvisionWait());
    key(t + "ingest", "1 s", s -> s.timeouts().ingest());
    key(t + "idle-heap-trim", "1 m", s -> s.timeouts().idleHeapTrim());
    key(t + "log-flush", "1 s", s -> s.timeouts().logFlush());
    key(t + "telemetry-flush", "1 s", s -> s.timeouts().telemetryFlush());
    key(t + "http-drain", "1 s", s -> s.timeouts().httpDrain());
    String hs = o + "host.";
    key(hs + "spi-call-timeout", "1 s", s -> s.isolation().spiCallTimeout());
    key(hs + "page-timeout", "1 s", s -> s.isolation().pageTimeout());
    key(hs + "spi-threads", "3", s -> s.isolation().spiThreads());
    key(hs + "max-concurrent-resyncs", "1000", s -> s.isolation().maxConcurrentResyncs());
    key(hs + "restart-min-backoff", "1 s", s -> s.isolation().restartMinBackoff());
    key(hs + "restart-max-backoff", "1 h", s -> s.isolation().restartMaxBackoff());
    key(hs + "restart-on-hang", "false", s -> s.isolation().restartOnHang());
    key(hs + "gate-release-after", "7 s", s -> s.isolation().gateReleaseAfter());

    String e = o + "event-listener.";
    key(e + "type", "ONCE", s -> List.of(s.eventListener().type(), s.effective().listener()));
    key(e + "should-resync", "false", s -> s.eventListener().shouldResync());
    key(e + "should-process-webhooks", "false", s -> s.eventListener().shouldProcessWebhooks());
    key(e + "polling.interval", "30 s", s -> s.eventListener().polling().interval());
    key(e + "polling.resync-on-start", "false", s -> s.eventListener().polling().resyncOnStart());
    key(e + "webhook.app-host", "\"https://hook.example.com\"", s -> s.eventListener().webhook().appHost());
    key(e + "webhook.token", "t0ken", s -> s.eventListener().webhook().token().map(Secret::reveal));
    String k = e + "kafka.";
    key(k + "brokers", "\"a:1\"", s -> s.eventListener().kafka().brokers());
    key(k + "security-protocol", "PLAINTEXT", s -> s.eventListener().kafka().securityProtocol());
    key(k + "sasl-mechanism", "PLAIN", s -> s.eventListener().kafka().saslMechanism());
    key(k + "username", "u", s -> s.eventListener().kafka().username());
    key(k + "password", "pw", s -> s.eventListener().kafka().password().map(Secret::reveal));
    key(k + "group-id", "g", s -> s.eventListener().kafka().groupId());
    key(k + "consumer-poll-timeout", "2 s", s -> s.eventListener().kafka().consumerPollTimeout());
    key(k + "kafka-security-enabled", "false", s -> s.eventListener().kafka().kafkaSecurityEnabled());
    key(k + "auto-offset-reset", "earliest", s -> s.eventListener().kafka().autoOffsetReset());
    key(k + "accept-timeout", "3 s", s -> s.eventListener().kafka().acceptTimeout());
    key(k + "restart-backoff", "7 s", s -> s.eventListener().kafka().restartBackoff());
    key(k + "client", "{ \"max.poll.records\" = 10 }", s -> s.eventListener().kafka().client());

    String r = o + "resync.";
    key(r + "kind-parallelism", "2", s -> s.resync().kindParallelism());
    key(r + "mapping-parallelism", "777", s -> s.resync().mappingParallelism());
    key(r + "upsert-concurrency", "5", s -> s.resync().upsertConcurrency());
    key(r + "upsert-batch-max-length", "10", s -> s.resync().upsertBatchMaxLength());
    key(r + "upsert-batch-max-size-bytes", "4096", s -> s.resync().upsertBatchMaxSizeBytes());
    key(r + "delete-batch-size", "50", s -> s.resync().deleteBatchSize());
    key(r + "items-to-parse-batch-size", "7", s -> s.resync().itemsToParseBatchSize());
    key(r + "progress-interval", "9 s", s -> s.resync().progressInterval());
    key(r + "skip-unchanged", "false", s -> s.resync().skipUnchanged());
    key(r + "kind-restart.min-backoff", "2 s", s -> s.resync().kindRestart().minBackoff());
    key(r + "kind-restart.max-backoff", "40 s", s -> s.resync().kindRestart().maxBackoff());
    key(r + "kind-restart.jitter", "0.5", s -> s.resync().kindRestart().jitter());
    key(r + "kind-restart.max-restarts", "9", s -> s.resync().kindRestart().maxRestarts());

    String h = o + "http.";
    key(h + "bind-address", "\"127.0.0.1\"", s -> s.http().host());
    key(h + "port", "9001", s -> s.http().port());
    key(h + "max-request-body-size", "1 MiB", s -> s.http().maxRequestBodySize());
    key(h + "admin-token", "adm1n", s -> s.http().adminToken().map(Secret::reveal));
    key(h + "request-head-timeout", "3 s", s -> s.http().requestHeadTimeout());
    key(h + "max-connections", "12", s -> s.http().maxConnections());
    key(h + "enabled", "false", s -> s.effective().serveHttp());

    String l = o + "live-events.";
    key(l + "max-event-processing", "10 s", s -> s.liveEvents().maxEventProcessing());
    key(l + "max-retries", "1", s -> s.liveEvents().maxRetries());
    key(l + "retry-base-delay", "2 s", s -> s.liveEvents().retryBaseDelay());
    key(l + "retry-max-delay", "10 s", s -> s.liveEvents().retryMaxDelay());
    key(l + "workers", "2", s -> s.liveEvents().workers());
    key(l + "max-body-size", "1 MiB", s -> s.liveEvents().maxBodySize());
    key(l + "shutdown-drain", "1 s", s -> s.liveEvents().shutdownDrain());
    key(l + "in-memory", "true", s -> s.liveEvents().inMemory());
    key(l + "intake", "kafka\nocean.live-events.kafka.brokers = \"k:9092\"", s -> s.liveEvents().intake());
    String lk = l + "kafka.";
    key(lk + "brokers", "\"k1:9092,k2:9092\"", s -> s.liveEvents().kafka().brokers());
    key(lk + "topic", "other.topic", s -> s.liveEvents().kafka().topic());
    key(lk + "group-id", "other-group", s -> s.liveEvents().kafka().groupId());
    key(lk + "partitions", "3", s -> s.liveEvents().kafka().partitions());
    key(lk + "ack-timeout", "3 s", s -> s.liveEvents().kafka().ackTimeout());
    key(lk + "kafka-security-enabled", "true", s -> s.liveEvents().kafka().securityEnabled());
    key(lk + "security-protocol", "SASL_PLAINTEXT", s -> s.liveEvents().kafka().securityProtocol());
    key(lk + "sasl-mechanism", "PLAIN", s -> s.liveEvents().kafka().saslMechanism());
    key(lk + "username", "user", s -> s.liveEvents().kafka().username());
    key(lk + "password", "pass", s -> s.liveEvents().kafka().password().map(Secret::reveal));
    key(lk + "client", "{ \"linger.ms\" = 5 }", s -> s.liveEvents().kafka().client());

    String c = o + "cluster.";
    key(c + "enabled", "true\n" + c + "seed-nodes = [\"127.0.0.1:2552\"]", s -> s.cluster().enabled());
    key(c + "host", "\"10.0.0.7\"", s -> s.cluster().host());
    key(c + "port", "2600", s -> s.cluster().port());
    key(c + "seed-nodes", "\"a:1,b:2\"", s -> s.cluster().seedNodes());
    key(c + "seed-dns-name", "oceanj-cluster", s -> s.cluster().seedDnsName());
    key(c + "min-nr-of-members", "3", s -> s.cluster().minNrOfMembers());
    key(c + "split-brain-strategy", "keep-oldest", s -> s.cluster().strategy());
    key(c + "stable-after", "7 s", s -> s.cluster().stableAfter());
    key(c + "node-name", "n1", s -> s.cluster().nodeName());
    key(c + "keep-alive-interval", "1 s", s -> s.cluster().keepAliveInterval());
    key(c + "busy-max-age", "10 m", s -> s.cluster().busyMaxAge());
    key(c + "fencing.read-timeout", "1 s", s -> s.cluster().fencing().readTimeout());
    key(c + "fencing.write-timeout", "1 s", s -> s.cluster().fencing().writeTimeout());
    key(c + "fencing.claim-retry", "1 s", s -> s.cluster().fencing().claimRetry());
    key(c + "fencing.check-deadline", "3 s", s -> s.cluster().fencing().checkDeadline());
    key(c + "fencing.reuse-window", "500 ms", s -> s.cluster().fencing().reuseWindow());
  }

  private static OceanSettings load(String conf) {
    return OceanSettings.fromConfig(ConfigFactory.parseString(conf).withFallback(OceanSettings.defaults()));
  }

  @Test
  void everyKeyOfTheShippedFileHasAnEntry() {
    var leaves = new TreeSet<String>();
    leaves(OceanSettings.defaults().getObject("ocean"), List.of("ocean"), leaves);
    var covered = new TreeSet<>(CASES.keySet());
    covered.addAll(REFUSED.keySet());
    var missing = new TreeSet<>(leaves);
    missing.removeAll(covered);
    var stale = new TreeSet<>(covered);
    stale.removeAll(leaves);
    assertEquals(List.of(), List.copyOf(missing), "keys in config/application.conf that no entry here checks");
    assertEquals(List.of(), List.copyOf(stale), "entries here for keys no longer in config/application.conf");
  }

  @Test
  void everyKeyChangesTheSettingThatUsesIt() {
    List<String> unchanged = new ArrayList<>();
    CASES.forEach((key, c) -> {
      String base = c.embedded() ? "" : CREDENTIALS;
      OceanSettings defaults = load(base);
      OceanSettings changed = load(base + key + " = " + c.value());
      if (c.embedded()) {
        assertTrue(changed.port().usesEmbeddedEmulator(), key);
      }
      if (c.read().apply(defaults).equals(c.read().apply(changed))) {
        unchanged.add(key + " = " + c.value());
      }
    });
    assertEquals(List.of(), unchanged, "keys whose value does not reach their setting");
  }

  @Test
  void refusedValuesAreErrorsNamingTheirKey() {
    REFUSED.forEach((key, value) -> {
      var error = assertThrows(ConfigurationException.class, () -> load(CREDENTIALS + key + " = " + value));
      assertTrue(error.getMessage().contains(key), error.getMessage());
    });
    assertNotEquals(0, CASES.size());
  }

  private static void leaves(ConfigObject obj, List<String> prefix, TreeSet<String> out) {
    for (Map.Entry<String, ConfigValue> e : obj.entrySet()) {
      List<String> path = new ArrayList<>(prefix);
      path.add(e.getKey());
      ConfigValue v = e.getValue();
      if (v.valueType() == ConfigValueType.OBJECT && !((ConfigObject) v).isEmpty()) {
        leaves((ConfigObject) v, path, out);
      } else {
        out.add(String.join(".", path));
      }
    }
  }
}
