package dev.oceanj.spi.host;

import java.net.http.HttpClient;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * What the host offers integrations about TLS besides its verifying client.
 *
 * @param extraAuthorities the authorities the host trusts in addition to the JVM's ({@code SSL_CERT_FILE}, …),
 *     handed out as {@link dev.oceanj.spi.IntegrationDefinition#trustedAuthorities()}
 * @param unverifiedClient makes, on first use, a client with the host's proxies that verifies no certificate, for
 *     helpers asked for with {@link dev.oceanj.spi.http.HttpOptions#withoutTlsVerification()}; null when the host
 *     offers none (such a helper is then refused)
 * @since 0.2
 */
public record HostTls(List<X509Certificate> extraAuthorities, Supplier<HttpClient> unverifiedClient) {

  /** Only the JVM's authorities, and no client without verification. */
  public static final HostTls NONE = new HostTls(List.of(), null);

  public HostTls {
    extraAuthorities = List.copyOf(Objects.requireNonNull(extraAuthorities, "extraAuthorities"));
  }
}
