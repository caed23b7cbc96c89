package dev.oceanj.core.port;

import dev.oceanj.testsupport.http.RawServer;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.oceanj.core.port.PortTransport.Reply;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.ExtendedSSLSession;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SNIServerName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * HTTPS to loopback servers with self-signed certificates made by {@code keytool}: the client trusts them through an
 * injected context, and still checks that the certificate names the host it asked for.
 */
class Http1PoolTlsTest {

  private static final char[] PASSWORD = "test-only".toCharArray();

  @TempDir
  static Path dir;
  private static KeyStore localhost;
  private static KeyStore elsewhere;
  private static SSLContext trustingBoth;
  private static final ScheduledExecutorService SCHEDULER = Executors.newSingleThreadScheduledExecutor();

  @BeforeAll
  static void makeCertificates() throws Exception {
    localhost = keyPair("localhost", "CN=localhost", "san=dns:localhost,ip:127.0.0.1");
    elsewhere = keyPair("elsewhere", "CN=port.elsewhere.example", "san=dns:port.elsewhere.example");
    KeyStore trust = KeyStore.getInstance("PKCS12");
    trust.load(null, null);
    trust.setCertificateEntry("localhost", certificate(localhost));
    trust.setCertificateEntry("elsewhere", certificate(elsewhere));
    TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(trust);
    trustingBoth = SSLContext.getInstance("TLS");
    trustingBoth.init(null, tmf.getTrustManagers(), null);
  }

  @AfterAll
  static void stopScheduler() {
    SCHEDULER.shutdownNow();
  }

  private static KeyStore keyPair(String name, String dname, String san) throws Exception {
    Path file = dir.resolve(name + ".p12");
    Path keytool = Path.of(System.getProperty("java.home"), "bin", "keytool");
    Process p = new ProcessBuilder(keytool.toString(), "-genkeypair", "-alias", name, "-keyalg", "EC",
        "-groupname", "secp256r1", "-dname", dname, "-ext", san, "-validity", "2", "-storetype", "PKCS12",
        "-keystore", file.toString(), "-storepass", new String(PASSWORD), "-keypass", new String(PASSWORD))
        .redirectErrorStream(true).start();
    String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0, "keytool failed: " + output);
    KeyStore ks = KeyStore.getInstance("PKCS12");
    try (InputStream in = Files.newInputStream(file)) {
      ks.load(in, PASSWORD);
    }
    return ks;
  }

  private static Certificate certificate(KeyStore ks) throws Exception {
    return ks.getCertificate(ks.aliases().nextElement());
  }

  /** A TLS server presenting {@code keys}' certificate; records the server names the clients asked for. */
  private static RawServer tlsServer(KeyStore keys, List<String> serverNames) throws Exception {
    KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
    kmf.init(keys, PASSWORD);
    SSLContext ctx = SSLContext.getInstance("TLS");
    ctx.init(kmf.getKeyManagers(), null, null);
    SSLServerSocket ss = (SSLServerSocket) ctx.getServerSocketFactory()
        .createServerSocket(0, 50, InetAddress.getLoopbackAddress());
    return new RawServer(ss, c -> {
      SSLSocket s = (SSLSocket) c.socket;
      s.startHandshake();
      for (SNIServerName n : ((ExtendedSSLSession) s.getSession()).getRequestedServerNames()) {
        serverNames.add(new String(n.getEncoded(), StandardCharsets.US_ASCII));
      }
      while (c.read() != null) {
        c.ok("{\"secure\":true}");
      }
    });
  }

  private static Http1Pool pool(URI base, SSLContext tls) {
    return new Http1Pool(base, Duration.ofSeconds(5), Duration.ofSeconds(10), 2, tls, Http1Pool.IDLE_LIMIT, SCHEDULER);
  }

  @Test
  void httpsToATrustedCertificateForTheHostSucceeds() throws Exception {
    List<String> names = new CopyOnWriteArrayList<>();
    try (RawServer s = tlsServer(localhost, names);
        Http1Pool p = pool(URI.create("https://localhost:" + s.port()), trustingBoth)) {
      Reply first = p.exchange("GET", "/v1/organization", "ua", "Bearer t", null, true);
      Reply second = p.exchange("POST", "/v1/blueprints", "ua", "Bearer t", "{}".getBytes(StandardCharsets.UTF_8),
          false);

      assertEquals(200, first.status());
      assertEquals("{\"secure\":true}", new String(first.body(), StandardCharsets.UTF_8));
      assertEquals(200, second.status());
      assertEquals("localhost:" + s.port(), s.requests.get(0).header("Host"));
      assertEquals(List.of("localhost"), names, "the client named the host it wants (SNI)");
      assertEquals(1, s.accepted.get(), "the TLS connection was kept alive");
    }
  }

  @Test
  void aTrustedCertificateForAnotherHostIsRefused() throws Exception {
    try (RawServer s = tlsServer(elsewhere, new CopyOnWriteArrayList<>());
        Http1Pool p = pool(URI.create("https://localhost:" + s.port()), trustingBoth)) {
      SSLHandshakeException e = assertThrows(SSLHandshakeException.class,
          () -> p.exchange("GET", "/v1/organization", "ua", "Bearer t", null, true));

      assertTrue(e.getMessage().contains("GET /v1/organization"), e.getMessage());
      assertTrue(e.getMessage().contains("localhost"), e.getMessage());
      assertEquals(0, s.requests.size(), "nothing was sent to a server that could not prove it is localhost");
      assertEquals(0, p.openConnections());
    }
  }

  @Test
  void aSelfSignedCertificateIsNotTrustedByDefault() throws Exception {
    try (RawServer s = tlsServer(localhost, new CopyOnWriteArrayList<>());
        Http1Pool p = pool(URI.create("https://localhost:" + s.port()), null)) {
      assertThrows(SSLHandshakeException.class,
          () -> p.exchange("GET", "/v1/organization", "ua", "Bearer t", null, true));
      assertEquals(0, s.requests.size());
    }
  }
}
