package dev.oceanj.integrations.pagerduty;

import java.net.URI;

/**
 * The integration's configuration, with Ocean's names ({@code OCEAN__INTEGRATION__CONFIG__TOKEN}, {@code __API_URL},
 * {@code __APP_HOST}).
 *
 * @param token the REST API key, or an OAuth access token (starting with {@code pd})
 * @param apiUrl the API root, {@code https://api.pagerduty.com} by default; without a trailing {@code /}
 * @param appHost the deprecated public URL of the integration (webhook registration), or null
 * @param webhookSecret oceanj only: the webhook subscription's secret, to verify deliveries to a subscription
 *     created earlier (e.g. by Ocean); null when unknown
 */
public record PagerDutySettings(String token, String apiUrl, String appHost, String webhookSecret) {

  public static final String DEFAULT_API_URL = "https://api.pagerduty.com";

  public PagerDutySettings {
    if (token == null || token.isBlank()) {
      throw new IllegalArgumentException("token is required: a PagerDuty REST API key or OAuth access token");
    }
    token = token.trim();
    apiUrl = url(apiUrl == null || apiUrl.isBlank() ? DEFAULT_API_URL : apiUrl, "apiUrl");
    appHost = appHost == null || appHost.isBlank() ? null : url(appHost, "appHost");
    webhookSecret = webhookSecret == null || webhookSecret.isBlank() ? null : webhookSecret.trim();
  }

  private static String url(String value, String field) {
    String v = value.trim();
    while (v.endsWith("/")) {
      v = v.substring(0, v.length() - 1);
    }
    URI uri;
    try {
      uri = URI.create(v);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(field + " must be an http(s) URL");
    }
    if (uri.getHost() == null || !("http".equals(uri.getScheme()) || "https".equals(uri.getScheme()))) {
      throw new IllegalArgumentException(field + " must be an http(s) URL");
    }
    return v;
  }

  /** Ocean's rule: a token starting with {@code pd} is an OAuth token (Bearer), any other a REST API key. */
  boolean oauth() {
    return token.startsWith("pd");
  }

  @Override
  public String toString() {
    return "PagerDutySettings[apiUrl=" + apiUrl + ", appHost=" + appHost + "]";
  }
}
