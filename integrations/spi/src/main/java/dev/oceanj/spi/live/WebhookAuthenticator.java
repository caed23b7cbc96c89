package dev.oceanj.spi.live;

import dev.oceanj.spi.Incubating;
import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Checks that a webhook request comes from the 3rd party. Ready-made schemes compare in constant time, so a
 * caller cannot learn a secret byte by byte from response times. {@link #toString()} never shows the secret.
 *
 * <p>Use one in a processor: {@code return auth.authenticate(headers, body);} from
 * {@link LiveEventProcessor#authenticate}.
 *
 * @since 0.1
 */
@Incubating
@FunctionalInterface
public interface WebhookAuthenticator {

  /**
   * @param headers request headers, lower-case names
   * @param body the raw body
   */
  boolean authenticate(Map<String, String> headers, byte[] body);

  /**
   * The header names this scheme reads (lower-case). The runtime does not store them with the event once the
   * processor declares them: return them from {@link LiveEventProcessor#secretHeaders()}
   * ({@link KindProcessor#authenticatedBy} does).
   */
  default java.util.Set<String> secretHeaders() {
    return java.util.Set.of();
  }

  /**
   * HMAC-SHA256 of the raw body, hex-encoded, in {@code header}, after {@code prefix} (e.g. {@code "sha256="});
   * the hex is compared case-insensitively.
   */
  static WebhookAuthenticator hmacSha256(String header, String prefix, String secret) {
    return new HmacSha256(header, prefix, secret);
  }

  /** GitHub's scheme: {@code X-Hub-Signature-256: sha256=<hex>}. */
  static WebhookAuthenticator githubSignature(String secret) {
    return hmacSha256("X-Hub-Signature-256", "sha256=", secret);
  }

  /** A shared token sent as is in {@code header} (e.g. GitLab's {@code X-Gitlab-Token}). */
  static WebhookAuthenticator staticToken(String header, String token) {
    return new StaticToken(header, token);
  }

  /** Equality of two strings in time that does not depend on where they differ. */
  static boolean constantTimeEquals(String expected, String actual) {
    if (actual == null) {
      return false;
    }
    return MessageDigest.isEqual(expected.getBytes(StandardCharsets.UTF_8), actual.getBytes(StandardCharsets.UTF_8));
  }

  /** See {@link #hmacSha256}. */
  final class HmacSha256 implements WebhookAuthenticator {
    private final String header;
    private final String prefix;
    private final SecretKeySpec key;

    HmacSha256(String header, String prefix, String secret) {
      this.header = Objects.requireNonNull(header, "header").toLowerCase(Locale.ROOT);
      this.prefix = Objects.requireNonNull(prefix, "prefix");
      if (secret == null || secret.isEmpty()) {
        throw new IllegalArgumentException("HMAC-SHA256 webhook authentication needs a non-empty secret");
      }
      this.key = new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256");
    }

    /** The signature header value this scheme expects for {@code body} (for senders and tests). */
    public String sign(byte[] body) {
      try {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(key);
        return prefix + HexFormat.of().formatHex(mac.doFinal(body));
      } catch (NoSuchAlgorithmException | InvalidKeyException e) {
        throw new IllegalStateException("HmacSHA256 is unavailable in this JVM", e);
      }
    }

    @Override
    public boolean authenticate(Map<String, String> headers, byte[] body) {
      String got = headers.get(header);
      if (got == null || !got.regionMatches(true, 0, prefix, 0, prefix.length())) {
        return false;
      }
      String expected = sign(body).substring(prefix.length());
      return constantTimeEquals(expected, got.substring(prefix.length()).toLowerCase(Locale.ROOT));
    }

    @Override
    public java.util.Set<String> secretHeaders() {
      return java.util.Set.of(header);
    }

    @Override
    public String toString() {
      return "HmacSha256[header=" + header + ", secret=****]";
    }
  }

  /** See {@link #staticToken}. */
  final class StaticToken implements WebhookAuthenticator {
    private final String header;
    private final String token;

    StaticToken(String header, String token) {
      this.header = Objects.requireNonNull(header, "header").toLowerCase(Locale.ROOT);
      if (token == null || token.isEmpty()) {
        throw new IllegalArgumentException("token webhook authentication needs a non-empty token");
      }
      this.token = token;
    }

    @Override
    public boolean authenticate(Map<String, String> headers, byte[] body) {
      return constantTimeEquals(token, headers.get(header));
    }

    @Override
    public java.util.Set<String> secretHeaders() {
      return java.util.Set.of(header);
    }

    @Override
    public String toString() {
      return "StaticToken[header=" + header + ", token=****]";
    }
  }
}
