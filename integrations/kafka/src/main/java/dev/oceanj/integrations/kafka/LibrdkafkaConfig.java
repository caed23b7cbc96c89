package dev.oceanj.integrations.kafka;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;

/**
 * Translates a cluster's librdkafka client properties (what Ocean's users write in {@code clusterConfMapping},
 * passed unchanged to confluent-kafka) into the Java admin client's configuration.
 *
 * <p>Keys with a Java equivalent are translated (SASL credentials become a JAAS line, PEM locations a PEM trust or
 * key store). Keys that only tune librdkafka itself, or belong to producers and consumers, are dropped with a
 * warning. A key that would change how the client connects or authenticates but has no Java equivalent, and a key
 * librdkafka does not know, is refused: silently ignoring it could connect differently than Ocean does.
 */
final class LibrdkafkaConfig {

  /**
   * A request's bound unless {@code socket.timeout.ms} is lower. Every admin call is bounded by one and a half of
   * it ({@code default.api.timeout.ms}): Ocean's librdkafka metadata call has no bound and blocks the process.
   */
  static final int DEFAULT_REQUEST_TIMEOUT_MS = 20_000;

  private static final Set<String> TUNING_ONLY = Set.of(
      "api.version.request", "api.version.request.timeout.ms", "api.version.fallback.ms", "broker.version.fallback",
      "broker.address.family", "broker.address.ttl", "ssl.providers", "ssl.curves.list", "ssl.sigalgs.list",
      "debug", "log_level", "log.queue", "log.thread.name", "log.connection.close", "statistics.interval.ms",
      "topic.metadata.refresh.interval.ms", "metadata.max.age.ms", "topic.metadata.refresh.sparse",
      "socket.keepalive.enable", "socket.nagle.disable", "socket.send.buffer.bytes", "socket.receive.buffer.bytes",
      "socket.max.fails", "reconnect.backoff.ms", "reconnect.backoff.max.ms", "retry.backoff.ms",
      "retry.backoff.max.ms", "enable.sasl.oauthbearer.unsecure.jwt", "internal.termination.signal",
      "client.rack", "allow.auto.create.topics", "connections.max.idle.ms", "enable.random.seed");

  /** Producer and consumer properties: meaningless for the admin client Ocean also gives them to. */
  private static final Set<String> PRODUCER_OR_CONSUMER = Set.of(
      "group.id", "group.instance.id", "auto.offset.reset", "enable.auto.commit", "auto.commit.interval.ms",
      "enable.auto.offset.store", "session.timeout.ms", "heartbeat.interval.ms", "max.poll.interval.ms",
      "partition.assignment.strategy", "fetch.min.bytes", "fetch.max.bytes", "fetch.wait.max.ms",
      "max.partition.fetch.bytes", "isolation.level", "acks", "request.required.acks", "linger.ms",
      "queue.buffering.max.ms", "queue.buffering.max.messages", "queue.buffering.max.kbytes", "batch.size",
      "batch.num.messages", "compression.type", "compression.codec", "enable.idempotence", "message.max.bytes",
      "message.timeout.ms", "delivery.timeout.ms", "transactional.id", "transaction.timeout.ms", "retries",
      "message.send.max.retries", "check.crcs", "queued.min.messages", "queued.max.messages.kbytes",
      "enable.partition.eof");

  /** Keys that change connection or authentication and that the Java client cannot honour. */
  private static final Map<String, String> NO_EQUIVALENT = Map.of(
      "sasl.kerberos.kinit.cmd", "the Java client logs in with a keytab (sasl.kerberos.keytab) instead of kinit",
      "sasl.kerberos.min.time.before.relogin", "the Java client renews Kerberos tickets itself",
      "ssl.ca.certificate.stores", "Windows certificate stores do not exist on the JVM; use ssl.ca.location",
      "ssl.engine.location", "OpenSSL engines do not exist on the JVM",
      "ssl.engine.id", "OpenSSL engines do not exist on the JVM",
      "ssl.crl.location", "certificate revocation lists are not read by the Java admin client",
      "ssl_key", "use ssl.key.location or ssl.key.pem",
      "ssl.keystore.location.type", "only PKCS#12 key stores (ssl.keystore.location) are supported",
      "https.ca.location", "OIDC token endpoints are trusted through the JVM's trust store",
      "sasl.oauthbearer.config", "unsecured OAUTHBEARER tokens are for tests only; use sasl.oauthbearer.method=oidc");

  private LibrdkafkaConfig() {}

  /** The Java admin client's properties, and the warnings for keys that were dropped. */
  record Translated(Properties properties, List<String> warnings) {}

  /**
   * @param setting where the properties came from, for errors ({@code clusterConfMapping.prod})
   * @throws IllegalArgumentException naming {@code setting} and the key; never a value
   */
  static Translated translate(String setting, ObjectNode librdkafka) {
    Map<String, String> in = new LinkedHashMap<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = librdkafka.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      JsonNode v = e.getValue();
      if (!v.isValueNode() || v.isNull()) {
        throw new IllegalArgumentException(setting + "." + e.getKey() + " must be a string, number or boolean");
      }
      in.put(e.getKey().trim(), v.asText());
    }
    Properties out = new Properties();
    List<String> warnings = new ArrayList<>();
    String bootstrap = first(in, "bootstrap.servers", "metadata.broker.list");
    if (bootstrap == null || bootstrap.isBlank()) {
      throw new IllegalArgumentException(setting + ".bootstrap.servers is required");
    }
    out.put("bootstrap.servers", bootstrap);
    out.put("client.id", in.getOrDefault("client.id", "rdkafka"));
    String protocol = in.getOrDefault("security.protocol", "plaintext").toUpperCase(Locale.ROOT);
    if (!Set.of("PLAINTEXT", "SSL", "SASL_PLAINTEXT", "SASL_SSL").contains(protocol)) {
      throw new IllegalArgumentException(setting + ".security.protocol must be one of plaintext, ssl, "
          + "sasl_plaintext, sasl_ssl");
    }
    out.put("security.protocol", protocol);
    int socketTimeout = intValue(setting, in, "socket.timeout.ms", 60_000);
    int requestTimeout = Math.min(socketTimeout, DEFAULT_REQUEST_TIMEOUT_MS);
    out.put("request.timeout.ms", Integer.toString(requestTimeout));
    out.put("default.api.timeout.ms", Integer.toString(requestTimeout + requestTimeout / 2));
    copy(in, out, "socket.connection.setup.timeout.ms");
    copy(in, out, "client.dns.lookup");
    copy(in, out, "sasl.kerberos.service.name");
    if (protocol.startsWith("SASL")) {
      sasl(setting, in, out);
    }
    if (protocol.endsWith("SSL")) {
      ssl(setting, in, out, warnings);
    }

    Set<String> handled = Set.of("bootstrap.servers", "metadata.broker.list", "client.id", "security.protocol",
        "socket.timeout.ms", "socket.connection.setup.timeout.ms", "client.dns.lookup", "sasl.kerberos.service.name",
        "sasl.mechanisms", "sasl.mechanism", "sasl.username", "sasl.password", "sasl.oauthbearer.method",
        "sasl.oauthbearer.client.id", "sasl.oauthbearer.client.secret", "sasl.oauthbearer.token.endpoint.url",
        "sasl.oauthbearer.scope", "sasl.oauthbearer.extensions", "sasl.kerberos.principal", "sasl.kerberos.keytab",
        "ssl.ca.location", "ssl.ca.pem", "ssl.certificate.location", "ssl.key.location", "ssl.key.password",
        "ssl.certificate.pem", "ssl.key.pem", "ssl.keystore.location", "ssl.keystore.password",
        "enable.ssl.certificate.verification", "ssl.endpoint.identification.algorithm", "ssl.cipher.suites");
    for (String key : in.keySet()) {
      if (handled.contains(key)) {
        continue;
      }
      if (NO_EQUIVALENT.containsKey(key)) {
        throw new IllegalArgumentException(setting + "." + key + " has no equivalent in the Java admin client: "
            + NO_EQUIVALENT.get(key));
      }
      if (TUNING_ONLY.contains(key) || PRODUCER_OR_CONSUMER.contains(key) || key.startsWith("topic.")) {
        warnings.add(setting + "." + key + " is ignored: it has no effect on the Java admin client");
        continue;
      }
      throw new IllegalArgumentException(setting + "." + key + " is not a librdkafka client property oceanj "
          + "knows; remove it or see the kafka integration's README for the supported keys");
    }
    return new Translated(out, List.copyOf(warnings));
  }

  /**
   * {@code admin} trusting, when it uses TLS with verification and names no CA, the JVM's authorities plus
   * {@code extra} (the runtime's, from {@code SSL_CERT_FILE} etc.), as librdkafka trusts the merged bundle of Ocean's
   * image. A PEM trust store replaces the JVM's in the Java client, so both go in it. Otherwise {@code admin} itself.
   */
  static Properties trusting(Properties admin, List<X509Certificate> extra) {
    if (extra.isEmpty() || !String.valueOf(admin.get("security.protocol")).endsWith("SSL")
        || admin.containsKey("ssl.truststore.type") || admin.containsKey("ssl.engine.factory.class")) {
      return admin;
    }
    Properties out = new Properties();
    out.putAll(admin);
    out.put("ssl.truststore.type", "PEM");
    StringBuilder pem = new StringBuilder();
    Base64.Encoder base64 = Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII));
    try {
      TrustManagerFactory defaults = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      defaults.init((KeyStore) null);
      List<X509Certificate> all = new ArrayList<>();
      for (TrustManager tm : defaults.getTrustManagers()) {
        if (tm instanceof X509TrustManager x509) {
          all.addAll(List.of(x509.getAcceptedIssuers()));
        }
      }
      all.addAll(extra);
      for (X509Certificate c : all) {
        pem.append("-----BEGIN CERTIFICATE-----\n").append(base64.encodeToString(c.getEncoded()))
            .append("\n-----END CERTIFICATE-----\n");
      }
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("cannot read the JVM's trusted certificate authorities: " + e.getMessage(), e);
    }
    out.put("ssl.truststore.certificates", pem.toString());
    return out;
  }

  private static void sasl(String setting, Map<String, String> in, Properties out) {
    String mechanism = first(in, "sasl.mechanisms", "sasl.mechanism");
    String method = in.getOrDefault("sasl.oauthbearer.method", "default").toLowerCase(Locale.ROOT);
    if (mechanism == null) {
      mechanism = "GSSAPI";
    }
    mechanism = mechanism.toUpperCase(Locale.ROOT);
    out.put("sasl.mechanism", mechanism);
    switch (mechanism) {
      case "PLAIN" -> out.put("sasl.jaas.config", "org.apache.kafka.common.security.plain.PlainLoginModule required"
          + credentials(setting, in) + ";");
      case "SCRAM-SHA-256", "SCRAM-SHA-512" -> out.put("sasl.jaas.config",
          "org.apache.kafka.common.security.scram.ScramLoginModule required" + credentials(setting, in) + ";");
      case "OAUTHBEARER" -> {
        if (!method.equals("oidc")) {
          throw new IllegalArgumentException(setting + ".sasl.oauthbearer.method must be oidc: unsecured "
              + "OAUTHBEARER tokens are for tests only");
        }
        String endpoint = required(setting, in, "sasl.oauthbearer.token.endpoint.url");
        out.put("sasl.oauthbearer.token.endpoint.url", endpoint);
        out.put("sasl.login.callback.handler.class",
            "org.apache.kafka.common.security.oauthbearer.OAuthBearerLoginCallbackHandler");
        StringBuilder jaas = new StringBuilder("org.apache.kafka.common.security.oauthbearer.OAuthBearerLoginModule"
            + " required clientId=" + quoted(required(setting, in, "sasl.oauthbearer.client.id"))
            + " clientSecret=" + quoted(required(setting, in, "sasl.oauthbearer.client.secret")));
        if (in.containsKey("sasl.oauthbearer.scope")) {
          jaas.append(" scope=").append(quoted(in.get("sasl.oauthbearer.scope")));
        }
        String extensions = in.getOrDefault("sasl.oauthbearer.extensions", "");
        for (String pair : extensions.split(",")) {
          if (pair.isBlank()) {
            continue;
          }
          int eq = pair.indexOf('=');
          if (eq <= 0) {
            throw new IllegalArgumentException(setting + ".sasl.oauthbearer.extensions must be k=v,k2=v2");
          }
          jaas.append(" extension_").append(pair.substring(0, eq).trim()).append('=')
              .append(quoted(pair.substring(eq + 1).trim()));
        }
        out.put("sasl.jaas.config", jaas.append(';').toString());
      }
      case "GSSAPI" -> {
        if (in.containsKey("sasl.kerberos.keytab") || in.containsKey("sasl.kerberos.principal")) {
          out.put("sasl.jaas.config", "com.sun.security.auth.module.Krb5LoginModule required useKeyTab=true"
              + " storeKey=true keyTab=" + quoted(required(setting, in, "sasl.kerberos.keytab"))
              + " principal=" + quoted(required(setting, in, "sasl.kerberos.principal")) + ";");
        }
      }
      default -> throw new IllegalArgumentException(setting + ".sasl.mechanisms must be one of GSSAPI, PLAIN, "
          + "SCRAM-SHA-256, SCRAM-SHA-512, OAUTHBEARER");
    }
  }

  private static void ssl(String setting, Map<String, String> in, Properties out, List<String> warnings) {
    if (in.containsKey("ssl.ca.pem")) {
      out.put("ssl.truststore.type", "PEM");
      out.put("ssl.truststore.certificates", in.get("ssl.ca.pem"));
    } else if (in.containsKey("ssl.ca.location")) {
      out.put("ssl.truststore.type", "PEM");
      out.put("ssl.truststore.certificates", pemAt(setting + ".ssl.ca.location", Path.of(in.get("ssl.ca.location"))));
    }
    if (in.containsKey("ssl.certificate.pem") || in.containsKey("ssl.key.pem")) {
      out.put("ssl.keystore.type", "PEM");
      out.put("ssl.keystore.certificate.chain", required(setting, in, "ssl.certificate.pem"));
      out.put("ssl.keystore.key", required(setting, in, "ssl.key.pem"));
    } else if (in.containsKey("ssl.certificate.location") || in.containsKey("ssl.key.location")) {
      out.put("ssl.keystore.type", "PEM");
      out.put("ssl.keystore.certificate.chain", pemAt(setting + ".ssl.certificate.location",
          Path.of(required(setting, in, "ssl.certificate.location"))));
      out.put("ssl.keystore.key", pemAt(setting + ".ssl.key.location",
          Path.of(required(setting, in, "ssl.key.location"))));
    } else if (in.containsKey("ssl.keystore.location")) {
      out.put("ssl.keystore.type", "PKCS12");
      out.put("ssl.keystore.location", in.get("ssl.keystore.location"));
      copy(in, out, "ssl.keystore.password");
    }
    copy(in, out, "ssl.key.password");
    String identification = in.getOrDefault("ssl.endpoint.identification.algorithm", "https");
    out.put("ssl.endpoint.identification.algorithm", identification.equalsIgnoreCase("none") ? "" : identification);
    if ("false".equalsIgnoreCase(in.get("enable.ssl.certificate.verification"))) {
      out.put("ssl.engine.factory.class", TrustAllSslEngineFactory.class.getName());
      out.put("ssl.endpoint.identification.algorithm", "");
      warnings.add(setting + ".enable.ssl.certificate.verification is false: the broker's certificate is not "
          + "verified");
    }
    if (in.containsKey("ssl.cipher.suites")) {
      warnings.add(setting + ".ssl.cipher.suites is ignored: OpenSSL cipher names differ from Java's; the JVM's "
          + "defaults are used");
    }
  }

  /** A PEM file, or every file of a directory concatenated (librdkafka accepts a directory of CA files). */
  private static String pemAt(String setting, Path path) {
    try {
      if (Files.isDirectory(path)) {
        try (Stream<Path> files = Files.list(path)) {
          return files.filter(Files::isRegularFile).sorted().map(p -> read(setting, p))
              .collect(Collectors.joining("\n"));
        }
      }
      return read(setting, path);
    } catch (IOException e) {
      throw new IllegalArgumentException(setting + ": cannot read " + path + " (" + e.getMessage() + ")");
    }
  }

  private static String read(String setting, Path p) {
    try {
      return Files.readString(p, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new IllegalArgumentException(setting + ": cannot read " + p + " (" + e.getClass().getSimpleName() + ")");
    }
  }

  private static String credentials(String setting, Map<String, String> in) {
    return " username=" + quoted(required(setting, in, "sasl.username"))
        + " password=" + quoted(required(setting, in, "sasl.password"));
  }

  private static String quoted(String value) {
    return '"' + value.replace("\\", "\\\\").replace("\"", "\\\"") + '"';
  }

  private static String required(String setting, Map<String, String> in, String key) {
    String value = in.get(key);
    if (value == null || value.isEmpty()) {
      throw new IllegalArgumentException(setting + "." + key + " is required with these settings");
    }
    return value;
  }

  private static String first(Map<String, String> in, String key, String alias) {
    return in.containsKey(key) ? in.get(key) : in.get(alias);
  }

  private static void copy(Map<String, String> in, Properties out, String key) {
    if (in.containsKey(key)) {
      out.put(key, in.get(key));
    }
  }

  private static int intValue(String setting, Map<String, String> in, String key, int fallback) {
    String v = in.get(key);
    if (v == null) {
      return fallback;
    }
    try {
      return Integer.parseInt(v.trim());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(setting + "." + key + " must be a whole number of milliseconds");
    }
  }
}
