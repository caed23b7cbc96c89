package dev.oceanj.emulator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Issues and checks JWT-shaped access tokens (HS256 with a key drawn per emulator instance, so tokens of one
 * instance never work on another). Claims: {@code sub} (client id), {@code orgId}, {@code isMachine: true},
 * {@code iat}/{@code exp} in epoch seconds as in every JWT, and {@code expMs} so that sub-second TTLs in tests expire
 * exactly.
 */
final class Tokens {

  private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();
  private static final Base64.Decoder B64D = Base64.getUrlDecoder();

  private final byte[] key = new byte[32];
  private final Clock clock;
  private final String orgId;
  private volatile Duration ttl;
  private volatile long notBeforeMs = Long.MIN_VALUE;

  Tokens(Clock clock, Duration ttl, String orgId) {
    new SecureRandom().nextBytes(key);
    this.clock = clock;
    this.ttl = ttl;
    this.orgId = orgId;
  }

  Duration ttl() {
    return ttl;
  }

  void ttl(Duration newTtl) {
    if (newTtl.isNegative() || newTtl.isZero()) {
      throw new IllegalArgumentException("token TTL must be positive, was " + newTtl);
    }
    this.ttl = newTtl;
  }

  /** Makes every token issued so far invalid (as if they had all expired). */
  void expireAll() {
    notBeforeMs = clock.millis() + 1;
  }

  String issue(String clientId) {
    long now = clock.millis();
    long exp = now + ttl.toMillis();
    ObjectNode header = Json.MAPPER.createObjectNode().put("alg", "HS256").put("typ", "JWT");
    ObjectNode claims = Json.MAPPER.createObjectNode()
        .put("sub", clientId)
        .put("orgId", orgId)
        .put("isMachine", true)
        .put("iat", now / 1000)
        .put("iatMs", now)
        .put("exp", (exp + 999) / 1000)
        .put("expMs", exp);
    String signingInput = B64.encodeToString(Json.bytes(header)) + "." + B64.encodeToString(Json.bytes(claims));
    return signingInput + "." + B64.encodeToString(sign(signingInput));
  }

  /** Checked tokens: verification (HMAC, base64, JSON) once per token instead of once per request. */
  private final java.util.Map<String, Claims> verified = new java.util.concurrent.ConcurrentHashMap<>();

  private record Claims(String subject, long iatMs, long expMs) {}

  /** Returns the client id of a valid token, or throws 401. */
  String verify(String token) {
    Claims c = verified.get(token);
    if (c == null) {
      c = parse(token);
      if (verified.size() > 10_000) {
        verified.clear();
      }
      verified.put(token, c);
    }
    long now = clock.millis();
    if (c.expMs() <= now || c.iatMs() < notBeforeMs) {
      throw unauthorized("token expired");
    }
    return c.subject();
  }

  private Claims parse(String token) {
    String[] parts = token.split("\\.", -1);
    if (parts.length != 3) {
      throw unauthorized("malformed token");
    }
    byte[] sig;
    JsonNode claims;
    try {
      sig = B64D.decode(parts[2]);
      claims = Json.MAPPER.readTree(B64D.decode(parts[1]));
    } catch (Exception e) {
      throw unauthorized("malformed token");
    }
    if (!MessageDigest.isEqual(sig, sign(parts[0] + "." + parts[1]))) {
      throw unauthorized("invalid token signature");
    }
    return new Claims(claims.path("sub").asText(), claims.path("iatMs").asLong(0), claims.path("expMs").asLong(0));
  }

  private static PortError unauthorized(String message) {
    return new PortError(401, "unauthorized", message);
  }

  private byte[] sign(String input) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(key, "HmacSHA256"));
      return mac.doFinal(input.getBytes(StandardCharsets.US_ASCII));
    } catch (Exception e) {
      throw new IllegalStateException("HmacSHA256 unavailable", e);
    }
  }
}
