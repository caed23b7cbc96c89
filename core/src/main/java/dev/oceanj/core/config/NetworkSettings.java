package dev.oceanj.core.config;

import dev.oceanj.core.net.ProxyRules;
import dev.oceanj.core.net.Trust;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Stream;
import javax.net.ssl.SSLContext;

/**
 * How oceanj's HTTP clients reach the network: the proxies of {@code HTTPS_PROXY} / {@code HTTP_PROXY} /
 * {@code NO_PROXY}, the extra certificate authorities ({@code SSL_CERT_FILE}, {@code REQUESTS_CA_BUNDLE} and the PEM
 * files under {@code ocean.network.ca-directory}) trusted besides the JVM's, and Ocean's {@code OCEAN__SSL__*}
 * switches. Both the Port client and the HTTP client handed to integrations are built from it.
 *
 * @param proxies which proxy a request goes through
 * @param extraAuthorities certificates trusted in addition to the JVM's defaults
 * @param authoritySources where they came from, one readable line per file (for the start-up log)
 * @param portVerify whether Port's certificate and host name are verified ({@code OCEAN__SSL__PORT__VERIFY})
 * @param thirdPartyVerify the same for integrations' calls ({@code OCEAN__SSL__THIRD_PARTY__VERIFY})
 * @param warnings lines the runtime logs once at start (verification turned off, the strict-X.509 switches)
 */
public record NetworkSettings(
    ProxyRules proxies,
    List<X509Certificate> extraAuthorities,
    List<String> authoritySources,
    boolean portVerify,
    boolean thirdPartyVerify,
    List<String> warnings) {

  /** The directory Ocean's image merges certificates from, {@code ocean.network.ca-directory}'s default. */
  public static final String DEFAULT_CA_DIRECTORY = "/usr/local/share/ca-certificates";

  /** No proxy, the JVM's authorities only, verification on. */
  public static final NetworkSettings DEFAULTS =
      new NetworkSettings(ProxyRules.NONE, List.of(), List.of(), true, true, List.of());

  /** Checks for nulls and copies the lists. */
  public NetworkSettings {
    Objects.requireNonNull(proxies, "proxies");
    extraAuthorities = List.copyOf(extraAuthorities);
    authoritySources = List.copyOf(authoritySources);
    warnings = List.copyOf(warnings);
  }

  /** The TLS context of the Port client. */
  public SSLContext portTls() {
    return Trust.clientContext(extraAuthorities, portVerify);
  }

  /** The TLS context of integrations' third-party calls. */
  public SSLContext thirdPartyTls() {
    return Trust.clientContext(extraAuthorities, thirdPartyVerify);
  }

  static NetworkSettings read(ConfigReader r, Map<String, String> env) {
    List<String> problems = new ArrayList<>();
    ProxyRules proxies = ProxyRules.fromEnvironment(env, problems);
    problems.forEach(r::problem);
    List<X509Certificate> extra = new ArrayList<>();
    List<String> sources = new ArrayList<>();
    List<String> warnings = new ArrayList<>();
    for (String var : List.of("SSL_CERT_FILE", "REQUESTS_CA_BUNDLE")) {
      String value = env.get(var);
      if (value == null || value.isBlank()) {
        continue;
      }
      Path file = Path.of(value.trim());
      if (!Files.isRegularFile(file)) {
        // As httpx: a variable naming no file is passed over.
        warnings.add("env " + var + " names " + file + ", which is not a file; no certificate read from it");
        continue;
      }
      readInto(file, "env " + var, extra, sources, r);
    }
    String dirKey = "ocean.network.ca-directory";
    r.optionalString(dirKey).map(Path::of).filter(Files::isDirectory).ifPresent(dir -> {
      List<Path> files;
      try (Stream<Path> walk = Files.walk(dir)) {
        files = walk.filter(p -> Files.isRegularFile(p, java.nio.file.LinkOption.NOFOLLOW_LINKS))
            .filter(p -> {
              String n = p.getFileName().toString().toLowerCase(Locale.ROOT);
              return n.endsWith(".crt") || n.endsWith(".pem") || n.endsWith(".cer");
            }).sorted().toList();
      } catch (IOException | RuntimeException e) {
        r.problem(dirKey, "cannot list " + dir + ": " + e.getMessage());
        return;
      }
      files.forEach(f -> readInto(f, dirKey, extra, sources, r));
    });
    boolean portVerify = r.bool("ocean.ssl.port.verify", true);
    boolean thirdPartyVerify = r.bool("ocean.ssl.third-party.verify", true);
    if (!portVerify) {
      warnings.add("ocean.ssl.port.verify is false (" + r.source("ocean.ssl.port.verify") + "): Port's TLS certificate"
          + " and host name are NOT verified");
    }
    if (!thirdPartyVerify) {
      warnings.add("ocean.ssl.third-party.verify is false (" + r.source("ocean.ssl.third-party.verify")
          + "): third-party TLS certificates and host names are NOT verified");
    }
    for (String key : List.of("ocean.ssl.port.x509.strict", "ocean.ssl.third-party.x509.strict")) {
      if (!r.bool(key, true)) {
        warnings.add(key + " is false (" + r.source(key) + "): no effect on the JVM, whose certificate checks are"
            + " already those of OpenSSL's non-strict mode");
      }
    }
    return new NetworkSettings(proxies, extra, sources, portVerify, thirdPartyVerify, warnings);
  }

  private static void readInto(Path file, String source, List<X509Certificate> extra, List<String> sources,
      ConfigReader r) {
    try {
      List<X509Certificate> certs = Trust.readPem(file);
      extra.addAll(certs);
      sources.add(file + " (" + source + "): " + certs.size() + " certificate" + (certs.size() == 1 ? "" : "s"));
    } catch (IOException e) {
      r.problem(source + ": " + e.getMessage());
    }
  }
}
