package dev.oceanj.integrations.fake;

import com.fasterxml.jackson.databind.JsonNode;
import dev.oceanj.spi.Integration;
import dev.oceanj.spi.IntegrationDefinition;
import dev.oceanj.spi.ResyncSource;
import dev.oceanj.spi.http.HttpOptions;
import dev.oceanj.spi.live.LiveEvent;
import dev.oceanj.spi.live.LiveEventResult;
import java.util.List;

/**
 * Port Ocean's fake integration on oceanj: a seeded fake organisation served by an in-process 3rd-party HTTP
 * API, fetched page by page through the SPI's HTTP helper (each page's results streamed);
 * persons are also kept current by live events on {@code /integration/webhook} ({@code {"action": "upsert",
 * "person": {...}}} upserts the person through the {@code fake-person} mapping, {@code "delete"} deletes it; events
 * of one person stay in order).
 *
 * @since 0.1
 */
public final class FakeIntegration implements Integration {

  public static final String TYPE = "fake";
  public static final String DEPARTMENT = "fake-department";
  public static final String PERSON = "fake-person";
  public static final String OFFICE = "fake-office";
  public static final String TEAM = "fake-team";
  public static final String PROJECT = "fake-project";
  static final List<String> KINDS = List.of(DEPARTMENT, PERSON, OFFICE, TEAM, PROJECT);

  @Override
  public String type() {
    return TYPE;
  }

  @Override
  public void define(IntegrationDefinition ocean) {
    FakeSettings settings = ocean.settings(FakeSettings.class);
    FakeOrgApi api = new FakeOrgApi(new FakeOrg(settings), settings.failKindAfter(), settings.hangKind());
    FakeOrgClient client = new FakeOrgClient(ocean.http(HttpOptions.defaults()), api::baseUri, settings);
    if (settings.failOnStart()) {
      ocean.onStart(() -> {
        throw new IllegalStateException("failOnStart: the fake 3rd-party API refuses to start");
      });
    }
    ocean.onStart(api::start);
    ocean.onStop(api::stop);

    ocean.kind(DEPARTMENT).resync(ResyncSource.single(client::departments));
    ocean.kind(PERSON).resync(ResyncSource.paged(client::persons));
    ocean.kind(OFFICE).resync(ResyncSource.paged(cursor -> client.page("offices", cursor)));
    ocean.kind(TEAM).resync(ResyncSource.paged(cursor -> client.page("teams", cursor)));
    ocean.kind(PROJECT).resync(ResyncSource.paged(cursor -> client.page("projects", cursor)));
    ocean.onLiveEvent("/webhook", PERSON, FakeIntegration::personChange)
        .validWhen(FakeIntegration::isPersonChange)
        .orderedBy(event -> event.payload().path("person").path("id").asText());
  }

  /** Ocean's fake webhook: {@code {"action": "upsert" | "delete", "person": {...}}}. */
  private static boolean isPersonChange(JsonNode payload) {
    String action = payload.path("action").asText("");
    JsonNode id = payload.path("person").path("id");
    return (action.equals("upsert") || action.equals("delete")) && (id.isTextual() || id.isNumber());
  }

  private static LiveEventResult personChange(LiveEvent event) {
    List<JsonNode> person = List.of(event.payload().get("person"));
    return event.payload().path("action").asText().equals("delete")
        ? LiveEventResult.delete(person)
        : LiveEventResult.upsert(person);
  }
}
