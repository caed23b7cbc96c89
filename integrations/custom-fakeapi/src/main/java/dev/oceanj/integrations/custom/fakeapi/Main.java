package dev.oceanj.integrations.custom.fakeapi;

import dev.oceanj.fakeapi.CommandLine;
import dev.oceanj.fakeapi.CommandLine.Option;
import java.util.List;

/**
 * Runs the fake API on its own: {@code java -jar oceanj-custom-fakeapi.jar --port 8080 --items 1000}. Stops on
 * SIGINT/SIGTERM. {@code --help} lists the options.
 */
public final class Main {

  private static final CommandLine<FakeApiSettings.Builder> COMMAND_LINE = new CommandLine<>("oceanj-custom-fakeapi",
      List.of("A fake REST API for the custom integration. Paths: [/{auth}][/{pagination}]/{resource}."), List.of(
      new Option<>("--port", "8080", "port to listen on (0 = a free port, printed at start)", (b, v) -> b.port(Integer.parseInt(v))),
      new Option<>("--host", "127.0.0.1", "address to bind", FakeApiSettings.Builder::host),
      new Option<>("--items", "100", "size of /items", (b, v) -> b.items(Long.parseLong(v))),
      new Option<>("--projects", "5", "size of /projects", (b, v) -> b.projects(Integer.parseInt(v))),
      new Option<>("--issues", "3", "issues per project", (b, v) -> b.issuesPerProject(Integer.parseInt(v))),
      new Option<>("--comments", "2", "comments per issue", (b, v) -> b.commentsPerIssue(Integer.parseInt(v))),
      new Option<>("--seed", "1", "the data are a function of the seed", (b, v) -> b.seed(Long.parseLong(v))),
      new Option<>("--auth", "open", "auth of paths without an auth segment: open, bearer, basic, apikey, custom", FakeApiSettings.Builder::auth),
      new Option<>("--pagination", "offset", "pagination of paths without a pagination segment: none, offset, page, cursor, next_link, header_link", FakeApiSettings.Builder::pagination),
      new Option<>("--page-size", "100", "page size when a request names none", (b, v) -> b.defaultPageSize(Integer.parseInt(v))),
      new Option<>("--max-page-size", "10000", "larger page sizes are cut to this", (b, v) -> b.maxPageSize(Integer.parseInt(v))),
      new Option<>("--start-page", "1", "first page number of the page style", (b, v) -> b.startPage(Integer.parseInt(v))),
      new Option<>("--page-param", null, "page/offset/cursor parameter name for every style (default: each style's own)", FakeApiSettings.Builder::pageParam),
      new Option<>("--size-param", null, "page size parameter name for every style (default: each style's own)", FakeApiSettings.Builder::sizeParam),
      new Option<>("--token", "fake-token", "the bearer token accepted", FakeApiSettings.Builder::bearerToken),
      new Option<>("--username", "fake-user", "the basic auth user accepted", FakeApiSettings.Builder::username),
      new Option<>("--password", "fake-password", "the basic auth password accepted", FakeApiSettings.Builder::password),
      new Option<>("--api-key", "fake-api-key", "the API key accepted", FakeApiSettings.Builder::apiKey),
      new Option<>("--api-key-header", "X-API-Key", "the header carrying the API key", FakeApiSettings.Builder::apiKeyHeader),
      new Option<>("--client-id", "fake-client", "client id accepted by oauth/token", FakeApiSettings.Builder::clientId),
      new Option<>("--client-secret", "fake-secret", "client secret accepted by oauth/token", FakeApiSettings.Builder::clientSecret),
      new Option<>("--token-ttl", "3600", "issued token lifetime in seconds", (b, v) -> b.tokenTtlSeconds(Long.parseLong(v))),
      new Option<>("--request-log-size", "10000", "requests kept for GET /_control/requests", (b, v) -> b.requestLogSize(Integer.parseInt(v)))));

  private Main() {
  }

  /** Parses {@code --name value} pairs into settings; a bad option is named in the exception. */
  static FakeApiSettings parse(String[] args) {
    return COMMAND_LINE.parse(args, FakeApiSettings.builder().port(8080)).build();
  }

  /** Entry point. */
  public static void main(String[] args) throws Exception {
    COMMAND_LINE.run(args, Main::parse, FakeApi::start, Main::banner);
  }

  private static void banner(FakeApiSettings settings, FakeApi api) {
    // Printing the credentials is the point of a local fake API: they are test values, not secrets.
    String base = api.baseUri().toString();
    System.out.println("Fake REST API listening on " + base + " (" + settings.items() + " items, "
        + settings.projects() + " projects)");
    System.out.println("  paths:       [/{auth}][/{pagination}]/{resource}, e.g. " + base + "/bearer/cursor/items");
    System.out.println("  defaults:    auth " + settings.auth() + ", pagination " + settings.pagination()
        + ", page size " + settings.defaultPageSize());
    System.out.println("  resources:   /items, /projects, /projects/{id}/issues, /projects/{id}/issues/{number}/comments");
    System.out.println("  bearer:      " + settings.bearerToken());
    System.out.println("  basic:       " + settings.username() + " / " + settings.password());
    System.out.println("  api key:     " + settings.apiKeyHeader() + ": " + settings.apiKey());
    System.out.println("  custom:      POST " + base + "/oauth/token client_id=" + settings.clientId()
        + " client_secret=" + settings.clientSecret());
    System.out.println("  control:     " + base + "/_control/requests");
  }
}
