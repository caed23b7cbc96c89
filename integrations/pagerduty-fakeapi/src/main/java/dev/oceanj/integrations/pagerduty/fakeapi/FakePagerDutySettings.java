package dev.oceanj.integrations.pagerduty.fakeapi;

import static dev.oceanj.fakeapi.Settings.require;

import java.time.Instant;

/**
 * What the fake PagerDuty serves and accepts. Build with {@link #builder()}; every value has a default, so
 * {@code FakePagerDutySettings.builder().build()} is a small account on a free loopback port.
 *
 * @param host address to bind (loopback by default)
 * @param port port to listen on, 0 for a free one
 * @param seed the data are a function of the seed and the sizes
 * @param services number of services
 * @param incidents number of incidents (spread over the services; a third each triggered, acknowledged, resolved)
 * @param users number of users
 * @param teams number of teams
 * @param schedules number of schedules
 * @param escalationPolicies number of escalation policies (two levels each, each level a schedule)
 * @param clock the fake's "now": every date in the data is derived from it, so the data do not change with the day
 * @param token the REST API key accepted as {@code Authorization: Token token=<token>}
 * @param oauthToken the OAuth access token accepted as {@code Authorization: Bearer <oauthToken>}
 * @param webhookSecret the secret of signed webhook events when no subscription was created through the API
 * @param rateLimit requests per minute per fake (PagerDuty's REST budget is 960); past it, 429
 * @param analyticsDailyLimit analytics requests per day; past it, 429 with {@code daily-ratelimit-remaining: 0}
 * @param requestLogSize the request log keeps this many of the latest requests
 */
public record FakePagerDutySettings(
    String host, int port, long seed, int services, int incidents, int users, int teams, int schedules,
    int escalationPolicies, Instant clock, String token, String oauthToken, String webhookSecret, int rateLimit,
    int analyticsDailyLimit, int requestLogSize) {

  /** PagerDuty refuses classic pagination requests whose {@code offset + limit} is above this. */
  public static final int MAX_OFFSET = 10_000;

  public FakePagerDutySettings {
    require(port >= 0 && port <= 65_535, "port must be between 0 and 65535, was " + port);
    require(services >= 0, "services must be >= 0, was " + services);
    require(incidents >= 0, "incidents must be >= 0, was " + incidents);
    require(users >= 2, "users must be >= 2 (each schedule has two), was " + users);
    require(teams >= 1, "teams must be >= 1, was " + teams);
    require(schedules >= 1, "schedules must be >= 1, was " + schedules);
    require(escalationPolicies >= 1, "escalation-policies must be >= 1, was " + escalationPolicies);
    require(rateLimit >= 1, "rate-limit must be >= 1 request per minute, was " + rateLimit);
    require(analyticsDailyLimit >= 1, "analytics-daily-limit must be >= 1, was " + analyticsDailyLimit);
    require(requestLogSize >= 0, "request-log-size must be >= 0, was " + requestLogSize);
    require(token != null && !token.isBlank(), "token must not be blank");
    require(oauthToken != null && !oauthToken.isBlank(), "oauth-token must not be blank");
    require(webhookSecret != null && !webhookSecret.isEmpty(), "webhook-secret must not be empty");
    require(clock != null, "clock must be set");
  }

  public static Builder builder() {
    return new Builder();
  }

  /** A builder holding the defaults. */
  public static final class Builder {
    private String host = "127.0.0.1";
    private int port;
    private long seed = 1;
    private int services = 5;
    private int incidents = 30;
    private int users = 8;
    private int teams = 2;
    private int schedules = 3;
    private int escalationPolicies = 3;
    private Instant clock = Instant.parse("2026-12-01T12:00:00Z");
    private String token = "fake-pd-token";
    private String oauthToken = "pdfake-oauth-token";
    private String webhookSecret = "fake-webhook-secret";
    private int rateLimit = 960;
    private int analyticsDailyLimit = 10_000;
    private int requestLogSize = 10_000;

    private Builder() {
    }

    public Builder host(String value) { host = value; return this; }
    public Builder port(int value) { port = value; return this; }
    public Builder seed(long value) { seed = value; return this; }
    public Builder services(int value) { services = value; return this; }
    public Builder incidents(int value) { incidents = value; return this; }
    public Builder users(int value) { users = value; return this; }
    public Builder teams(int value) { teams = value; return this; }
    public Builder schedules(int value) { schedules = value; return this; }
    public Builder escalationPolicies(int value) { escalationPolicies = value; return this; }
    public Builder clock(Instant value) { clock = value; return this; }
    public Builder token(String value) { token = value; return this; }
    public Builder oauthToken(String value) { oauthToken = value; return this; }
    public Builder webhookSecret(String value) { webhookSecret = value; return this; }
    public Builder rateLimit(int value) { rateLimit = value; return this; }
    public Builder analyticsDailyLimit(int value) { analyticsDailyLimit = value; return this; }
    public Builder requestLogSize(int value) { requestLogSize = value; return this; }

    public FakePagerDutySettings build() {
      return new FakePagerDutySettings(host, port, seed, services, incidents, users, teams, schedules,
          escalationPolicies, clock, token, oauthToken, webhookSecret, rateLimit, analyticsDailyLimit, requestLogSize);
    }
  }
}
