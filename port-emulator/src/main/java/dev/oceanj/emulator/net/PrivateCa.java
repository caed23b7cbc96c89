package dev.oceanj.emulator.net;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.Key;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.util.Base64;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;

/**
 * A private certificate authority and a server certificate it signed for {@code localhost} and {@code 127.0.0.1},
 * made with the JDK's {@code keytool} in a directory: what a company's own CA is to oceanj, for tests and
 * demonstrations of the emulator over HTTPS. Only {@code ca.pem} (the authority's certificate) is meant to be
 * handed to clients.
 *
 * @param caPem the authority's certificate, PEM
 * @param serverKeyStore the server's key and certificate chain (PKCS12, password {@link #PASSWORD})
 */
public record PrivateCa(Path caPem, Path serverKeyStore) {

  /** The keystores' password: these keys protect nothing but a test. */
  public static final String PASSWORD = "oceanj-test-only";

  /**
   * Makes the authority and the server certificate in {@code dir} (4 keytool runs, a few seconds).
   *
   * @throws IllegalStateException naming the keytool step that failed, with its output
   */
  public static PrivateCa create(Path dir) {
    try {
      Files.createDirectories(dir);
      Path ca = dir.resolve("ca.p12");
      Path server = dir.resolve("server.p12");
      Path csr = dir.resolve("server.csr");
      Path crt = dir.resolve("server.crt");
      Path caPem = dir.resolve("ca.pem");
      for (Path p : List.of(ca, server, csr, crt, caPem)) {
        Files.deleteIfExists(p);
      }
      keytool("-genkeypair", "-alias", "ca", "-keyalg", "EC", "-groupname", "secp256r1",
          "-dname", "CN=oceanj test private CA", "-ext", "bc:c", "-validity", "30", "-keystore", ca.toString());
      keytool("-genkeypair", "-alias", "server", "-keyalg", "EC", "-groupname", "secp256r1",
          "-dname", "CN=localhost", "-validity", "30", "-keystore", server.toString());
      keytool("-certreq", "-alias", "server", "-keystore", server.toString(), "-file", csr.toString());
      keytool("-gencert", "-rfc", "-alias", "ca", "-keystore", ca.toString(), "-infile", csr.toString(),
          "-outfile", crt.toString(), "-ext", "san=dns:localhost,ip:127.0.0.1", "-ext", "eku=serverAuth",
          "-validity", "30");
      // The rest without more keytool runs (each is a JVM start): the CA's PEM, and the server's chain.
      KeyStore caStore = load(ca);
      Certificate caCert = caStore.getCertificate("ca");
      Files.writeString(caPem, "-----BEGIN CERTIFICATE-----\n"
          + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(caCert.getEncoded())
          + "\n-----END CERTIFICATE-----\n", StandardCharsets.US_ASCII);
      Certificate serverCert;
      try (InputStream in = Files.newInputStream(crt)) {
        serverCert = CertificateFactory.getInstance("X.509").generateCertificate(in);
      }
      KeyStore serverStore = load(server);
      Key key = serverStore.getKey("server", PASSWORD.toCharArray());
      serverStore.setKeyEntry("server", key, PASSWORD.toCharArray(), new Certificate[] {serverCert, caCert});
      try (OutputStream out = Files.newOutputStream(server)) {
        serverStore.store(out, PASSWORD.toCharArray());
      }
      return new PrivateCa(caPem, server);
    } catch (IOException | GeneralSecurityException e) {
      throw new IllegalStateException("cannot make a private CA in " + dir + ": " + e.getMessage(), e);
    }
  }

  private static KeyStore load(Path file) throws IOException, GeneralSecurityException {
    KeyStore ks = KeyStore.getInstance("PKCS12");
    try (InputStream in = Files.newInputStream(file)) {
      ks.load(in, PASSWORD.toCharArray());
    }
    return ks;
  }

  /** A server TLS context presenting the signed certificate (and the authority above it). */
  public SSLContext serverContext() {
    try (InputStream in = Files.newInputStream(serverKeyStore)) {
      KeyStore ks = KeyStore.getInstance("PKCS12");
      ks.load(in, PASSWORD.toCharArray());
      KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
      kmf.init(ks, PASSWORD.toCharArray());
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(kmf.getKeyManagers(), null, null);
      return context;
    } catch (IOException | GeneralSecurityException e) {
      throw new IllegalStateException("cannot read " + serverKeyStore + ": " + e.getMessage(), e);
    }
  }

  private static void keytool(String... args) throws IOException {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
    // A short-lived JVM: C1 only and the serial collector start it in less than half the time.
    command.addAll(List.of("-J-XX:TieredStopAtLevel=1", "-J-XX:+UseSerialGC"));
    command.addAll(List.of(args));
    command.addAll(List.of("-storetype", "PKCS12", "-storepass", PASSWORD));
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    try {
      if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
        p.destroyForcibly();
        throw new IOException("keytool " + args[0] + " failed: " + output.trim());
      }
    } catch (InterruptedException e) {
      p.destroyForcibly();
      Thread.currentThread().interrupt();
      throw new IOException("interrupted during keytool " + args[0], e);
    }
  }
}
