package dev.oceanj.integrations.kafka;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Properties;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LibrdkafkaConfigTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  private static LibrdkafkaConfig.Translated translate(String json) throws Exception {
    return LibrdkafkaConfig.translate("clusterConfMapping.prod", (ObjectNode) JSON.readTree(json));
  }

  @Test
  void plaintextDefaultsAreLibrdkafkasWithBoundedCalls() throws Exception {
    Properties p = translate("{\"metadata.broker.list\": \"b1:9092,b2:9092\"}").properties();
    assertEquals("b1:9092,b2:9092", p.get("bootstrap.servers"));
    assertEquals("PLAINTEXT", p.get("security.protocol"));
    assertEquals("rdkafka", p.get("client.id"));
    assertEquals("20000", p.get("request.timeout.ms"));
    assertEquals("30000", p.get("default.api.timeout.ms"));
  }

  @Test
  void saslScramBecomesAJaasLineWithEscapedCredentials() throws Exception {
    Properties p = translate("{\"bootstrap.servers\": \"b1:9093\", \"security.protocol\": \"sasl_ssl\","
        + " \"sasl.mechanisms\": \"SCRAM-SHA-512\", \"sasl.username\": \"port\","
        + " \"sasl.password\": \"se\\\"cr\\\\et\", \"socket.timeout.ms\": 4000}").properties();
    assertEquals("SASL_SSL", p.get("security.protocol"));
    assertEquals("SCRAM-SHA-512", p.get("sasl.mechanism"));
    assertEquals("org.apache.kafka.common.security.scram.ScramLoginModule required username=\"port\""
        + " password=\"se\\\"cr\\\\et\";", p.get("sasl.jaas.config"));
    assertEquals("4000", p.get("request.timeout.ms"));
    assertEquals("6000", p.get("default.api.timeout.ms"));
    assertEquals("https", p.get("ssl.endpoint.identification.algorithm"));
  }

  @Test
  void plainAndOidcMechanisms() throws Exception {
    assertTrue(((String) translate("{\"bootstrap.servers\": \"b:1\", \"security.protocol\": \"SASL_PLAINTEXT\","
        + " \"sasl.mechanism\": \"PLAIN\", \"sasl.username\": \"u\", \"sasl.password\": \"p\"}")
        .properties().get("sasl.jaas.config")).startsWith("org.apache.kafka.common.security.plain.PlainLoginModule"));
    Properties oidc = translate("{\"bootstrap.servers\": \"b:1\", \"security.protocol\": \"SASL_SSL\","
        + " \"sasl.mechanisms\": \"OAUTHBEARER\", \"sasl.oauthbearer.method\": \"oidc\","
        + " \"sasl.oauthbearer.client.id\": \"id\", \"sasl.oauthbearer.client.secret\": \"s\","
        + " \"sasl.oauthbearer.token.endpoint.url\": \"https://idp/token\", \"sasl.oauthbearer.scope\": \"kafka\","
        + " \"sasl.oauthbearer.extensions\": \"logicalCluster=lkc-1,identityPoolId=pool-2\"}").properties();
    assertEquals("https://idp/token", oidc.get("sasl.oauthbearer.token.endpoint.url"));
    assertEquals("org.apache.kafka.common.security.oauthbearer.OAuthBearerLoginModule required clientId=\"id\""
        + " clientSecret=\"s\" scope=\"kafka\" extension_logicalCluster=\"lkc-1\""
        + " extension_identityPoolId=\"pool-2\";", oidc.get("sasl.jaas.config"));
  }

  @Test
  void pemLocationsAreInlinedAndADirectoryIsConcatenated(@TempDir Path dir) throws Exception {
    Files.writeString(dir.resolve("a.pem"), "-----BEGIN CERTIFICATE-----\nA\n-----END CERTIFICATE-----\n");
    Files.writeString(dir.resolve("b.pem"), "-----BEGIN CERTIFICATE-----\nB\n-----END CERTIFICATE-----\n");
    String dirJson = JSON.writeValueAsString(dir.toString());
    Properties p = translate("{\"bootstrap.servers\": \"b:1\", \"security.protocol\": \"SSL\","
        + " \"ssl.ca.location\": " + dirJson + ", \"ssl.endpoint.identification.algorithm\": \"none\"}").properties();
    assertEquals("PEM", p.get("ssl.truststore.type"));
    String pem = (String) p.get("ssl.truststore.certificates");
    assertTrue(pem.indexOf("\nA\n") >= 0 && pem.indexOf("\nB\n") > pem.indexOf("\nA\n"), pem);
    assertEquals("", p.get("ssl.endpoint.identification.algorithm"));
  }

  @Test
  void turningVerificationOffWarnsAndTrustsAll() throws Exception {
    LibrdkafkaConfig.Translated t = translate("{\"bootstrap.servers\": \"b:1\", \"security.protocol\": \"ssl\","
        + " \"enable.ssl.certificate.verification\": false}");
    assertEquals(TrustAllSslEngineFactory.class.getName(), t.properties().get("ssl.engine.factory.class"));
    assertTrue(t.warnings().get(0).contains("clusterConfMapping.prod.enable.ssl.certificate.verification"));
  }

  @Test
  void tuningAndConsumerKeysAreDroppedWithAWarningNamingTheKey() throws Exception {
    List<String> warnings = translate("{\"bootstrap.servers\": \"b:1\", \"api.version.request\": true,"
        + " \"group.id\": \"g\", \"debug\": \"all\"}").warnings();
    assertEquals(3, warnings.size(), warnings.toString());
    assertTrue(warnings.stream().anyMatch(w -> w.startsWith("clusterConfMapping.prod.group.id is ignored")));
  }

  @Test
  void keysWithoutAnEquivalentAndUnknownKeysAreRefusedNamingClusterAndKey() {
    var kinit = assertThrows(IllegalArgumentException.class, () -> translate("{\"bootstrap.servers\": \"b:1\","
        + " \"sasl.kerberos.kinit.cmd\": \"kinit -k\"}"));
    assertTrue(kinit.getMessage().startsWith("clusterConfMapping.prod.sasl.kerberos.kinit.cmd has no equivalent"),
        kinit.getMessage());
    var typo = assertThrows(IllegalArgumentException.class, () -> translate("{\"bootstrap.servers\": \"b:1\","
        + " \"sasl.pasword\": \"hunter2\"}"));
    assertTrue(typo.getMessage().contains("clusterConfMapping.prod.sasl.pasword"), typo.getMessage());
    assertFalse(typo.getMessage().contains("hunter2"), "never the value");
    var missing = assertThrows(IllegalArgumentException.class, () -> translate("{\"security.protocol\": \"ssl\"}"));
    assertEquals("clusterConfMapping.prod.bootstrap.servers is required", missing.getMessage());
    var noPassword = assertThrows(IllegalArgumentException.class, () -> translate("{\"bootstrap.servers\": \"b:1\","
        + " \"security.protocol\": \"SASL_SSL\", \"sasl.mechanisms\": \"PLAIN\", \"sasl.username\": \"u\"}"));
    assertEquals("clusterConfMapping.prod.sasl.password is required with these settings", noPassword.getMessage());
  }

  /** A private CA (self-signed, ten years), as SSL_CERT_FILE would add. */
  static final String PRIVATE_CA = """
      -----BEGIN CERTIFICATE-----
      MIIBZzCCAQ2gAwIBAgIJAPhQJ/jbj7iYMAoGCCqGSM49BAMCMB8xHTAbBgNVBAMT
      FG9jZWFuaiBrYWZrYSB0ZXN0IENBMB4XDTI2MTIwNjIxMDMyMFoXDTM2MTIwMzIx
      MDMyMFowHzEdMBsGA1UEAxMUb2NlYW5qIGthZmthIHRlc3QgQ0EwWTATBgcqhkjO
      PQIBBggqhkjOPQMBBwNCAATG5oxtezvX39FqJx/d2yRPqcuAm00UkRpdefNyIRH+
      B59Ck2rI1oMYsnbzu+WIgWNHnY9cyBnOIQc267s4qbbGozIwMDAdBgNVHQ4EFgQU
      MBTxzJnxh1fcUqJcF9g1sp+yLPIwDwYDVR0TAQH/BAUwAwEB/zAKBggqhkjOPQQD
      AgNIADBFAiEA4/V7ndKYeZ1DCvtAKLkvusI9bLwn9GkLDUwDtJXoOvMCIGf0CIse
      vdWHFOn6lU8Gbf1X8cokgI+RqGZhLgISUYZx
      -----END CERTIFICATE-----
      """;

  @Test
  void withNoCaATlsClusterTrustsTheJvmsAuthoritiesAndTheRuntimesInOnePemStore() throws Exception {
    CertificateFactory x509 = CertificateFactory.getInstance("X.509");
    X509Certificate privateCa = (X509Certificate) x509.generateCertificate(
        new ByteArrayInputStream(PRIVATE_CA.getBytes(StandardCharsets.US_ASCII)));
    TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    tmf.init((KeyStore) null);
    int jvm = ((X509TrustManager) tmf.getTrustManagers()[0]).getAcceptedIssuers().length;

    Properties ssl = translate("{\"bootstrap.servers\": \"b:1\", \"security.protocol\": \"sasl_ssl\","
        + " \"sasl.mechanism\": \"PLAIN\", \"sasl.username\": \"u\", \"sasl.password\": \"p\"}").properties();
    assertFalse(ssl.containsKey("ssl.truststore.type"));
    Properties trusting = LibrdkafkaConfig.trusting(ssl, List.of(privateCa));
    assertEquals("PEM", trusting.get("ssl.truststore.type"));
    assertEquals(ssl.get("sasl.jaas.config"), trusting.get("sasl.jaas.config"));
    var certs = x509.generateCertificates(new ByteArrayInputStream(
        ((String) trusting.get("ssl.truststore.certificates")).getBytes(StandardCharsets.US_ASCII)));
    assertEquals(jvm + 1, certs.size());
    assertTrue(certs.contains(privateCa));
    assertFalse(ssl.containsKey("ssl.truststore.type"), "the translated properties are not changed");

    // Nothing to add: no runtime CA, no TLS, a CA of the cluster's own, verification off.
    assertEquals(ssl, LibrdkafkaConfig.trusting(ssl, List.of()));
    Properties plain = translate("{\"bootstrap.servers\": \"b:1\"}").properties();
    assertEquals(plain, LibrdkafkaConfig.trusting(plain, List.of(privateCa)));
    Properties own = translate("{\"bootstrap.servers\": \"b:1\", \"security.protocol\": \"ssl\","
        + " \"ssl.ca.pem\": \"-----BEGIN CERTIFICATE-----x\"}").properties();
    assertEquals(own, LibrdkafkaConfig.trusting(own, List.of(privateCa)));
    Properties unverified = translate("{\"bootstrap.servers\": \"b:1\", \"security.protocol\": \"ssl\","
        + " \"enable.ssl.certificate.verification\": false}").properties();
    assertEquals(unverified, LibrdkafkaConfig.trusting(unverified, List.of(privateCa)));
  }
}
