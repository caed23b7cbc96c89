package dev.oceanj.integrations.pagerduty.fakeapi;

import dev.oceanj.fakeapi.CommandLine;
import dev.oceanj.fakeapi.CommandLine.Option;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;

/**
 * Runs the fake PagerDuty on its own: {@code java -jar oceanj-pagerduty-fakeapi.jar --port 8080}. Stops on
 * SIGINT/SIGTERM. {@code --help} lists the options.
 */
public final class Main {

  private static final CommandLine<FakePagerDutySettings.Builder> COMMAND_LINE = new CommandLine<>(
      "oceanj-pagerduty-fakeapi", List.of("A fake PagerDuty REST API; give its URL as the pagerduty integration's apiUrl."),
      List.of(
      new Option<>("--port", "8080", "port to listen on (0 = a free port, printed at start)", (b, v) -> b.port(Integer.parseInt(v))),
      new Option<>("--host", "127.0.0.1", "address to bind", FakePagerDutySettings.Builder::host),
      new Option<>("--seed", "1", "the data are a function of the seed and the sizes", (b, v) -> b.seed(Long.parseLong(v))),
      new Option<>("--services", "5", "number of services", (b, v) -> b.services(Integer.parseInt(v))),
      new Option<>("--incidents", "30", "number of incidents (a third each triggered, acknowledged, resolved)", (b, v) -> b.incidents(Integer.parseInt(v))),
      new Option<>("--users", "8", "number of users", (b, v) -> b.users(Integer.parseInt(v))),
      new Option<>("--teams", "2", "number of teams", (b, v) -> b.teams(Integer.parseInt(v))),
      new Option<>("--schedules", "3", "number of schedules", (b, v) -> b.schedules(Integer.parseInt(v))),
      new Option<>("--escalation-policies", "3", "number of escalation policies", (b, v) -> b.escalationPolicies(Integer.parseInt(v))),
      new Option<>("--clock", "2026-12-01T12:00:00Z", "the fake's now, or 'now' (this hour): every date in the data derives from it",
          (b, v) -> b.clock(v.equals("now") ? Instant.now().truncatedTo(ChronoUnit.HOURS) : Instant.parse(v))),
      new Option<>("--token", "fake-pd-token", "the API key accepted as 'Authorization: Token token=<key>'", FakePagerDutySettings.Builder::token),
      new Option<>("--oauth-token", "pdfake-oauth-token", "the OAuth token accepted as 'Authorization: Bearer <token>'", FakePagerDutySettings.Builder::oauthToken),
      new Option<>("--webhook-secret", "fake-webhook-secret", "secret of events signed outside a subscription", FakePagerDutySettings.Builder::webhookSecret),
      new Option<>("--rate-limit", "960", "requests per minute before 429", (b, v) -> b.rateLimit(Integer.parseInt(v))),
      new Option<>("--analytics-daily-limit", "10000", "analytics requests per day before 429", (b, v) -> b.analyticsDailyLimit(Integer.parseInt(v))),
      new Option<>("--request-log-size", "10000", "requests kept for GET /_control/requests", (b, v) -> b.requestLogSize(Integer.parseInt(v)))));

  private Main() {
  }

  /** Parses {@code --name value} or {@code --name=value} pairs into settings; a bad option is named in the exception. */
  static FakePagerDutySettings parse(String[] args) {
    return COMMAND_LINE.parse(args, FakePagerDutySettings.builder().port(8080)).build();
  }

  /** Entry point. */
  public static void main(String[] args) throws Exception {
    COMMAND_LINE.run(args, Main::parse, FakePagerDuty::start, Main::banner);
  }

  private static void banner(FakePagerDutySettings settings, FakePagerDuty fake) {
    // Printing the credentials is the point of a local fake: they are test values, not secrets.
    String base = fake.baseUri().toString();
    System.out.println("Fake PagerDuty listening on " + base + " (" + settings.services() + " services, "
        + settings.incidents() + " incidents, " + settings.users() + " users)");
    System.out.println("  apiUrl:   " + base);
    System.out.println("  token:    Authorization: Token token=" + settings.token());
    System.out.println("  oauth:    Authorization: Bearer " + settings.oauthToken());
    System.out.println("  control:  " + base + "/_control/requests, /_control/events, /_control/faults");
  }
}
