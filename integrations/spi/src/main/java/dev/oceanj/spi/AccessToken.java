package dev.oceanj.spi;

import java.util.Optional;

/**
 * A 3rd-party OAuth access token the host keeps fresh for the integration: with Ocean's
 * {@code OCEAN__OAUTH_ACCESS_TOKEN_FILE_PATH} (Helm {@code integration.oauth}), whoever hosts the integration writes
 * the current token into a file and rotates it there. Use {@link #current()} for each request; after the 3rd party
 * answered 401 with it, use {@link #refresh()} and send the request once more. When there is no token (the file is
 * missing or unreadable), fall back to the token of the integration's own settings, as Ocean does.
 *
 * @since 0.2
 */
public interface AccessToken {

  /** The token now: the file's content, trimmed; read again whenever the file changed since the last read. */
  Optional<String> current();

  /** The file read again now, whether or not it looks changed (after a 401 with {@link #current()}). */
  Optional<String> refresh();
}
