package dev.oceanj.emulator;

import dev.oceanj.emulator.net.ForwardProxy;
import dev.oceanj.emulator.net.PrivateCa;
import dev.oceanj.emulator.EmulatorSettings.KafkaCredentials;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Runs the emulator on its own: {@code java -jar oceanj-port-emulator.jar --port 5555}. Stops on SIGINT/SIGTERM.
 */
@Command(name = "oceanj-port-emulator", mixinStandardHelpOptions = true,
    description = "A Port-compatible REST API for local runs, tests and benchmarks.")
public final class Main implements Callable<Integer> {

  @Option(names = "--port", defaultValue = "5555", description = "Port to listen on (default: ${DEFAULT-VALUE}; 0 = free port).")
  int port;

  @Option(names = "--host", defaultValue = "127.0.0.1", description = "Address to bind (default: ${DEFAULT-VALUE}).")
  String host;

  @Option(names = "--client-id", defaultValue = EmulatorSettings.DEFAULT_CLIENT_ID, description = "Accepted client id (default: ${DEFAULT-VALUE}).")
  String clientId;

  @Option(names = "--client-secret", defaultValue = EmulatorSettings.DEFAULT_CLIENT_SECRET, description = "Accepted client secret (default: ${DEFAULT-VALUE}).")
  String clientSecret;

  @Option(names = "--data-dir", description = "Keep data in an H2 database in this directory (default: in memory).")
  Path dataDir;

  @Option(names = "--token-ttl", defaultValue = "10800", description = "Token lifetime in seconds (default: ${DEFAULT-VALUE} = 3 h).")
  long tokenTtlSeconds;

  @Option(names = "--rate-limits", defaultValue = "off", description = "'port' to enforce Port's published rate limits, 'off' (default).")
  String rateLimits;

  @Option(names = "--org-id", defaultValue = "org_emulator", description = "Organization id (default: ${DEFAULT-VALUE}).")
  String orgId;

  @Option(names = "--feature-flags", split = ",", description = "Organization feature flags, comma separated.")
  List<String> featureFlags = List.of();

  @Option(names = "--kafka-username", description = "Kafka credentials answered by /v1/kafka-credentials (default: none, 404).")
  String kafkaUser;

  @Option(names = "--kafka-password", description = "Password for --kafka-username.")
  String kafkaPassword;

  @Option(names = "--tls-dir", description = "Serve HTTPS with a certificate for localhost signed by a private CA made in"
      + " this directory (its certificate: <dir>/ca.pem, for SSL_CERT_FILE).")
  Path tlsDir;

  @Option(names = "--forward-proxy-port", description = "Also run an HTTP forward proxy (CONNECT and absolute form, to"
      + " loopback only) on this port, for trying HTTPS_PROXY / HTTP_PROXY; 0 = a free port.")
  Integer proxyPort;

  @Option(names = "--forward-proxy-user", description = "With --forward-proxy-port: the proxy wants Basic credentials"
      + " user:password.")
  String proxyUser;

  @Override
  public Integer call() throws Exception {
    RateLimits limits;
    if (rateLimits.equalsIgnoreCase("port")) {
      limits = RateLimits.port();
    } else if (rateLimits.equalsIgnoreCase("off")) {
      limits = RateLimits.off();
    } else {
      throw new CommandLine.ParameterException(new CommandLine(this), "--rate-limits must be 'port' or 'off', was '" + rateLimits + "'");
    }
    EmulatorSettings s = EmulatorSettings.defaults()
        .withHost(host).withPort(port).withClientId(clientId).withClientSecret(clientSecret)
        .withDataDir(Optional.ofNullable(dataDir)).withTokenTtl(Duration.ofSeconds(tokenTtlSeconds))
        .withRateLimits(limits).withOrganizationId(orgId).withFeatureFlags(featureFlags)
        .withKafkaCredentials(kafkaUser == null ? Optional.empty()
            : Optional.of(new KafkaCredentials(kafkaUser, kafkaPassword == null ? "" : kafkaPassword)));
    PrivateCa ca = tlsDir == null ? null : PrivateCa.create(tlsDir);
    PortEmulator emulator = ca == null ? PortEmulator.start(s) : PortEmulator.startHttps(s, ca.serverContext());
    ForwardProxy proxy = proxyPort == null ? null : proxyUser == null ? ForwardProxy.start(proxyPort, null, null)
        : ForwardProxy.start(proxyPort, proxyUser.substring(0, Math.max(0, proxyUser.indexOf(':'))),
            proxyUser.substring(proxyUser.indexOf(':') + 1));
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      if (proxy != null) {
        System.out.println("Forward proxy carried: " + String.join(", ", proxy.carried()) + "; refused (407): "
            + proxy.refused());
        proxy.close();
      }
      emulator.close();
      stopped.countDown();
    }, "port-emulator-shutdown"));
    // Printing the credentials is the point of a local emulator: they are test credentials, not secrets.
    System.out.println("Port emulator listening on " + emulator.baseUrl() + " (API at " + emulator.baseUrl() + "/v1)");
    System.out.println("  client id:     " + clientId);
    System.out.println("  client secret: " + clientSecret);
    System.out.println("  storage:       " + (dataDir == null ? "in memory" : "H2 in " + dataDir.toAbsolutePath()));
    System.out.println("  rate limits:   " + (limits.enabled() ? "Port's (enforced)" : "off"));
    System.out.println("  control:       " + emulator.baseUrl() + "/_emulator/counters, /_emulator/ingest");
    if (ca != null) {
      System.out.println("  TLS:           certificate signed by the private CA " + ca.caPem().toAbsolutePath());
    }
    if (proxy != null) {
      System.out.println("  forward proxy: " + proxy.url() + (proxyUser == null ? "" : " (Basic credentials required)"));
    }
    System.out.flush();
    stopped.await();
    return 0;
  }

  /** Entry point. */
  public static void main(String[] args) {
    if (System.getProperty("logback.configurationFile") == null) {
      System.setProperty("logback.configurationFile", "oceanj-port-emulator-logback.xml");
    }
    // Initialise logging before Pekko starts logging from its own threads (avoids SLF4J's replay warning).
    org.slf4j.LoggerFactory.getLogger(Main.class).debug("starting");
    int code = new CommandLine(new Main()).execute(args);
    if (code != 0 || Arrays.asList(args).contains("--help") || Arrays.asList(args).contains("-h")
        || Arrays.asList(args).contains("--version") || Arrays.asList(args).contains("-V")) {
      System.exit(code);
    }
  }
}
