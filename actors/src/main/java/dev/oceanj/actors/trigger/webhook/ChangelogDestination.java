package dev.oceanj.actors.trigger.webhook;

import dev.oceanj.core.config.EventListenerType;
import dev.oceanj.core.config.Secret;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The {@code changelogDestination} an integration registers in Port (ocean-reference.md §3): where Port sends
 * changes of the integration, i.e. resync requests.
 */
public final class ChangelogDestination {

  private ChangelogDestination() {}

  /**
   * WEBHOOK: {@code {type: WEBHOOK, url: <base url>/resync}}; KAFKA: {@code {type: KAFKA}}; every other mode:
   * {@code {}}.
   *
   * <p>When a webhook token is set it travels as the {@code token} query parameter, because Port calls the
   * registered URL as is and cannot add a header; the route also accepts it as {@code Authorization: Bearer}.
   *
   * @param baseUrl the public URL of this integration (webhook {@code app-host}, else {@code ocean.base-url});
   *     required for WEBHOOK
   * @throws IllegalArgumentException naming the keys when WEBHOOK has no base URL
   */
  public static Map<String, Object> of(EventListenerType type, Optional<URI> baseUrl, Optional<Secret> token) {
    var destination = new LinkedHashMap<String, Object>();
    if (type == EventListenerType.WEBHOOK) {
      String base = baseUrl.map(URI::toString).filter(s -> !s.isBlank()).orElseThrow(() -> new IllegalArgumentException(
          "ocean.event-listener.webhook.app-host or ocean.base-url is required for the WEBHOOK event listener: Port"
              + " must know where to POST /resync"));
      String url = stripTrailingSlash(base) + "/resync";
      if (token.isPresent() && !token.get().reveal().isEmpty()) {
        url += "?token=" + URLEncoder.encode(token.get().reveal(), StandardCharsets.UTF_8);
      }
      destination.put("type", "WEBHOOK");
      destination.put("url", url);
    } else if (type == EventListenerType.KAFKA) {
      destination.put("type", "KAFKA");
    }
    return destination;
  }

  private static String stripTrailingSlash(String url) {
    String result = url;
    while (result.endsWith("/")) {
      result = result.substring(0, result.length() - 1);
    }
    return result;
  }
}
