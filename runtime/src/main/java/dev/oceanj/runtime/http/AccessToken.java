package dev.oceanj.runtime.http;

import static org.apache.pekko.http.javadsl.server.Directives.complete;
import static org.apache.pekko.http.javadsl.server.Directives.optionalHeaderValueByName;

import dev.oceanj.core.config.Secret;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Optional;
import java.util.function.Supplier;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.model.headers.HttpChallenge;
import org.apache.pekko.http.javadsl.model.headers.WWWAuthenticate;
import org.apache.pekko.http.javadsl.server.Route;

/**
 * A token callers must present (the webhook token, the admin token). Only its SHA-256 digest is kept, and a
 * presented token is compared digest to digest with {@link MessageDigest#isEqual}: neither its content nor its
 * length leaks through timing.
 */
final class AccessToken {

  private final byte[] digest;

  private AccessToken(Secret secret) {
    this.digest = sha256(secret.reveal());
  }

  static Optional<AccessToken> of(Optional<Secret> secret) {
    return secret.map(AccessToken::new);
  }

  boolean matches(Optional<String> presented) {
    return presented.isPresent() && MessageDigest.isEqual(sha256(presented.get()), digest);
  }

  /** The token of an {@code Authorization: Bearer <token>} header. */
  static Optional<String> bearer(Optional<String> authorization) {
    return authorization.filter(h -> h.regionMatches(true, 0, "Bearer ", 0, 7)).map(h -> h.substring(7).trim());
  }

  /** {@code inner} when {@code token} is unset or presented as a bearer token, else a 401. */
  static Route require(Optional<AccessToken> token, String setting, Supplier<Route> inner) {
    if (token.isEmpty()) {
      return inner.get();
    }
    return optionalHeaderValueByName("Authorization", authorization -> token.get().matches(bearer(authorization))
        ? inner.get()
        : complete(unauthorized("missing or wrong admin token (" + setting + "): send Authorization: Bearer <token>")));
  }

  static HttpResponse unauthorized(String message) {
    return HttpJson.error(StatusCodes.UNAUTHORIZED, message)
        .addHeader(WWWAuthenticate.create(HttpChallenge.create("Bearer", "oceanj")));
  }

  private static byte[] sha256(String value) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(value.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JVM", e);
    }
  }
}
