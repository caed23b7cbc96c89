package dev.oceanj.core.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.oceanj.core.config.NetworkSettings;
import dev.oceanj.core.config.PortSettings;
import dev.oceanj.core.config.SettingsLoader;
import dev.oceanj.core.port.HttpPortClient;
import dev.oceanj.core.port.PortApiException;
import dev.oceanj.core.port.PortClient.PortIdentity;
import dev.oceanj.core.port.PortClientSettings;
import dev.oceanj.core.port.WriteLimiter;
import dev.oceanj.emulator.EmulatorSettings;
import dev.oceanj.emulator.PortEmulator;
import dev.oceanj.emulator.net.ForwardProxy;
import dev.oceanj.emulator.net.PrivateCa;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Both HTTP clients through a real forward proxy on loopback, to the emulator over HTTPS with a private CA (and over
 * plain HTTP): the proxy's record proves what went through it; NO_PROXY hosts do not; 407 without credentials and an
 * untrusted certificate fail at once, without retries.
 */
class NetworkThroughProxyTest {

  private static final PortIdentity ID = new PortIdentity("fake", "1.0.0", "net-test");

  @TempDir
  static Path dir;
  private static PrivateCa ca;
  private static PortEmulator https;
  private static PortEmulator http;
  private static ForwardProxy open;
  private static ForwardProxy guarded;

  @BeforeAll
  static void start() throws IOException {
    ca = PrivateCa.create(dir.resolve("ca"));
    Files.createDirectories(dir.resolve("no-cas"));
    https = PortEmulator.startHttps(EmulatorSettings.defaults().withHost("127.0.0.1").withPort(0), ca.serverContext());
    http = PortEmulator.start(EmulatorSettings.defaults().withHost("127.0.0.1").withPort(0));
    open = ForwardProxy.start();
    guarded = ForwardProxy.start("proxy-user", "proxy-pass");
  }

  @AfterAll
  static void stop() {
    for (AutoCloseable c : new AutoCloseable[] {guarded, open, http, https}) {
      try {
        if (c != null) {
          c.close();
        }
      } catch (Exception ignored) {
        // next
      }
    }
  }

  private static NetworkSettings network(Map<String, String> vars) {
    Map<String, String> env = new HashMap<>(vars);
    // Only the certificates the test names: not those of the machine running it.
    env.put("OCEAN__NETWORK__CA_DIRECTORY", dir.resolve("no-cas").toString());
    return SettingsLoader.create().environment(env).load().network();
  }

  private static HttpPortClient client(PortEmulator port, NetworkSettings network) {
    PortClientSettings s = PortClientSettings.of(URI.create(port.baseUrl()), EmulatorSettings.DEFAULT_CLIENT_ID,
            EmulatorSettings.DEFAULT_CLIENT_SECRET)
        .withRetry(new PortSettings.Retry(3, Duration.ofMillis(10), Duration.ofMillis(50), 0.1))
        .withRateLimit(new PortSettings.RateLimit(false, 35_000, 3_500, 0));
    return HttpPortClient.create(s, ID, WriteLimiter.unlimited(), network);
  }

  private static String guardedUrl() {
    return "http://proxy-user:proxy-pass@127.0.0.1:" + guarded.port();
  }

  @Test
  void portClientTunnelsThroughAnAuthenticatingProxyAndTrustsThePrivateCa() {
    NetworkSettings network = network(Map.of("HTTPS_PROXY", guardedUrl(), "SSL_CERT_FILE", ca.caPem().toString()));
    try (HttpPortClient port = client(https, network)) {
      assertTrue(port.organization().toCompletableFuture().join() != null);
    }
    assertTrue(guarded.carried().contains("CONNECT localhost:" + https.port()), guarded.carried().toString());
  }

  @Test
  void portClientWithoutProxyCredentialsFailsAtOnceWith407() {
    NetworkSettings network = network(Map.of("HTTPS_PROXY", "http://127.0.0.1:" + guarded.port(),
        "SSL_CERT_FILE", ca.caPem().toString()));
    int refusedBefore = guarded.refused();
    try (HttpPortClient port = client(https, network)) {
      CompletionException e = assertThrows(CompletionException.class,
          () -> port.organization().toCompletableFuture().join());
      assertInstanceOf(PortApiException.class, e.getCause());
      assertTrue(e.getCause().getMessage().contains("407 Proxy Authentication Required"), e.getCause().getMessage());
      assertEquals(0, port.stats().retries(), "a 407 is not retried");
    }
    assertEquals(refusedBefore + 1, guarded.refused());
  }

  @Test
  void anUntrustedCertificateFailsAtOnceNamingTheHostAndTheReason() {
    NetworkSettings network = network(Map.of());
    try (HttpPortClient port = client(https, network)) {
      CompletionException e = assertThrows(CompletionException.class,
          () -> port.organization().toCompletableFuture().join());
      String m = e.getCause().getMessage();
      assertTrue(m.contains("the TLS certificate of localhost:" + https.port() + " is not trusted"), m);
      assertTrue(m.contains("PKIX path building failed") || m.contains("certification path"), m);
      assertTrue(m.contains("SSL_CERT_FILE"), m);
      assertEquals(0, port.stats().retries(), "an untrusted certificate is not retried");
    }
  }

  @Test
  void verificationOffTrustsAnyCertificate() {
    NetworkSettings network = network(Map.of("OCEAN__SSL__PORT__VERIFY", "false"));
    assertFalse(network.warnings().isEmpty());
    assertTrue(network.warnings().get(0).contains("NOT verified"), network.warnings().toString());
    try (HttpPortClient port = client(https, network)) {
      assertTrue(port.organization().toCompletableFuture().join() != null);
    }
  }

  @Test
  void plainHttpGoesInAbsoluteFormAndNoProxyHostsGoDirect() {
    int before = open.carried().size();
    try (HttpPortClient port = client(http, network(Map.of("HTTP_PROXY", open.url())))) {
      assertTrue(port.organization().toCompletableFuture().join() != null);
    }
    List<String> carried = open.carried().subList(before, open.carried().size());
    assertTrue(carried.contains("POST http://127.0.0.1:" + http.port() + "/v1/auth/access_token"), carried.toString());

    int after = open.carried().size();
    try (HttpPortClient port = client(http, network(Map.of("HTTP_PROXY", open.url(), "NO_PROXY", "127.0.0.0/8")))) {
      assertTrue(port.organization().toCompletableFuture().join() != null);
    }
    assertEquals(after, open.carried().size(), "a NO_PROXY host is reached directly");
  }

  @Test
  void thirdPartyClientTunnelsWithProxyAuthAndFailsWithout() throws Exception {
    NetworkSettings network = network(Map.of("HTTPS_PROXY", guardedUrl(), "SSL_CERT_FILE", ca.caPem().toString()));
    HttpClient client = HttpClients.create(network.proxies(), network.thirdPartyTls(), Duration.ofSeconds(5));
    HttpResponse<String> r = client.send(HttpRequest.newBuilder(URI.create(https.baseUrl() + "/v1/organization"))
        .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
    // The emulator answered (401 without WWW-Authenticate: no Port token) through the tunnel the proxy opened, and
    // the 401 reaches the caller as a response.
    assertEquals(401, r.statusCode(), r.body());
    assertTrue(guarded.carried().contains("CONNECT localhost:" + https.port()), guarded.carried().toString());

    NetworkSettings noCredentials = network(Map.of("HTTPS_PROXY", "http://127.0.0.1:" + guarded.port(),
        "SSL_CERT_FILE", ca.caPem().toString()));
    int refusedBefore = guarded.refused();
    HttpClient refused = HttpClients.create(noCredentials.proxies(), noCredentials.thirdPartyTls(),
        Duration.ofSeconds(5));
    assertEquals(407, refused.send(HttpRequest.newBuilder(URI.create(https.baseUrl() + "/v1/organization"))
        .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString()).statusCode());
    assertTrue(guarded.refused() > refusedBefore);

    HttpClient direct = HttpClients.create(network(Map.of("HTTPS_PROXY", open.url(), "NO_PROXY", "localhost",
        "SSL_CERT_FILE", ca.caPem().toString())).proxies(), network.thirdPartyTls(), Duration.ofSeconds(5));
    int openBefore = open.carried().size();
    assertEquals(401, direct.send(HttpRequest.newBuilder(URI.create(https.baseUrl() + "/v1/organization"))
        .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString()).statusCode());
    assertEquals(openBefore, open.carried().size(), "NO_PROXY=localhost is reached directly");
  }
}
