package dev.oceanj.integrations.custom.fakeapi;

import static dev.oceanj.fakeapi.Settings.require;

import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * What the fake API serves and accepts. Build with {@link #builder()}; every value has a default, so
 * {@code FakeApiSettings.builder().build()} is a small API on a free loopback port.
 *
 * @param host address to bind (loopback by default)
 * @param port port to listen on, 0 for a free one
 * @param items size of {@code /items}
 * @param projects size of {@code /projects}
 * @param issuesPerProject size of each {@code /projects/{id}/issues}
 * @param commentsPerIssue size of each {@code /projects/{id}/issues/{number}/comments}
 * @param seed the data are a function of the seed and the index
 * @param defaultPageSize page size when a request names none
 * @param maxPageSize larger page sizes are cut to this
 * @param startPage the first page number of the {@code page} style
 * @param pageParam the page / offset / cursor query parameter of every style, instead of each style's own name
 * @param sizeParam the page size query parameter of every style, instead of each style's own name
 * @param auth the auth style of routes without an auth segment
 * @param pagination the pagination style of routes without a pagination segment
 * @param bearerToken the token {@code bearer} accepts
 * @param username the user {@code basic} accepts
 * @param password the password {@code basic} accepts
 * @param apiKey the key {@code apikey} accepts
 * @param apiKeyHeader the header {@code apikey} reads
 * @param clientId the client id the token endpoint accepts
 * @param clientSecret the client secret the token endpoint accepts
 * @param tokenTtlSeconds lifetime of an issued token, answered as {@code expires_in}
 * @param requestLogSize the request log keeps this many of the latest requests
 */
public record FakeApiSettings(
    String host, int port, long items, int projects, int issuesPerProject, int commentsPerIssue, long seed,
    int defaultPageSize, int maxPageSize, int startPage, Optional<String> pageParam, Optional<String> sizeParam,
    String auth, String pagination, String bearerToken, String username, String password, String apiKey,
    String apiKeyHeader, String clientId, String clientSecret, long tokenTtlSeconds, int requestLogSize) {

  /** Auth styles, as the first path segment: {@code /bearer/offset/items}. */
  public static final Set<String> AUTH_STYLES = Set.of("open", "bearer", "basic", "apikey", "custom");

  /** Pagination styles, as the first path segment after the auth one: {@code /cursor/items}. */
  public static final Set<String> PAGINATION_STYLES =
      Set.of("none", "offset", "page", "cursor", "next_link", "header_link");

  public FakeApiSettings {
    require(items >= 0 && items <= Integer.MAX_VALUE, "items must be between 0 and " + Integer.MAX_VALUE + ", was " + items);
    require(projects >= 0, "projects must be >= 0, was " + projects);
    require(issuesPerProject >= 0, "issues must be >= 0, was " + issuesPerProject);
    require(commentsPerIssue >= 0, "comments must be >= 0, was " + commentsPerIssue);
    require(maxPageSize >= 1, "max-page-size must be >= 1, was " + maxPageSize);
    require(defaultPageSize >= 1 && defaultPageSize <= maxPageSize,
        "page-size must be between 1 and max-page-size (" + maxPageSize + "), was " + defaultPageSize);
    require(tokenTtlSeconds >= 1, "token-ttl must be >= 1 second, was " + tokenTtlSeconds);
    require(requestLogSize >= 0, "request-log-size must be >= 0, was " + requestLogSize);
    auth = auth.toLowerCase(Locale.ROOT);
    pagination = pagination.toLowerCase(Locale.ROOT);
    require(AUTH_STYLES.contains(auth), "auth must be one of " + AUTH_STYLES + ", was '" + auth + "'");
    require(PAGINATION_STYLES.contains(pagination),
        "pagination must be one of " + PAGINATION_STYLES + ", was '" + pagination + "'");
  }

  public static Builder builder() {
    return new Builder();
  }

  /** A builder holding the defaults. */
  public static final class Builder {
    private String host = "127.0.0.1";
    private int port;
    private long items = 100;
    private int projects = 5;
    private int issuesPerProject = 3;
    private int commentsPerIssue = 2;
    private long seed = 1;
    private int defaultPageSize = 100;
    private int maxPageSize = 10_000;
    private int startPage = 1;
    private String pageParam;
    private String sizeParam;
    private String auth = "open";
    private String pagination = "offset";
    private String bearerToken = "fake-token";
    private String username = "fake-user";
    private String password = "fake-password";
    private String apiKey = "fake-api-key";
    private String apiKeyHeader = "X-API-Key";
    private String clientId = "fake-client";
    private String clientSecret = "fake-secret";
    private long tokenTtlSeconds = 3600;
    private int requestLogSize = 10_000;

    private Builder() {
    }

    public Builder host(String value) { host = value; return this; }
    public Builder port(int value) { port = value; return this; }
    public Builder items(long value) { items = value; return this; }
    public Builder projects(int value) { projects = value; return this; }
    public Builder issuesPerProject(int value) { issuesPerProject = value; return this; }
    public Builder commentsPerIssue(int value) { commentsPerIssue = value; return this; }
    public Builder seed(long value) { seed = value; return this; }
    public Builder defaultPageSize(int value) { defaultPageSize = value; return this; }
    public Builder maxPageSize(int value) { maxPageSize = value; return this; }
    public Builder startPage(int value) { startPage = value; return this; }
    public Builder pageParam(String value) { pageParam = value; return this; }
    public Builder sizeParam(String value) { sizeParam = value; return this; }
    public Builder auth(String value) { auth = value; return this; }
    public Builder pagination(String value) { pagination = value; return this; }
    public Builder bearerToken(String value) { bearerToken = value; return this; }
    public Builder username(String value) { username = value; return this; }
    public Builder password(String value) { password = value; return this; }
    public Builder apiKey(String value) { apiKey = value; return this; }
    public Builder apiKeyHeader(String value) { apiKeyHeader = value; return this; }
    public Builder clientId(String value) { clientId = value; return this; }
    public Builder clientSecret(String value) { clientSecret = value; return this; }
    public Builder tokenTtlSeconds(long value) { tokenTtlSeconds = value; return this; }
    public Builder requestLogSize(int value) { requestLogSize = value; return this; }

    public FakeApiSettings build() {
      return new FakeApiSettings(host, port, items, projects, issuesPerProject, commentsPerIssue, seed,
          defaultPageSize, maxPageSize, startPage, Optional.ofNullable(pageParam), Optional.ofNullable(sizeParam),
          auth, pagination, bearerToken, username, password, apiKey, apiKeyHeader, clientId, clientSecret,
          tokenTtlSeconds, requestLogSize);
    }
  }
}
