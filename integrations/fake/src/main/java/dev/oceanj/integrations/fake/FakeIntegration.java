package dev.oceanj.integrations.fake;

import dev.oceanj.spi.Integration;
import dev.oceanj.spi.IntegrationDefinition;
import dev.oceanj.spi.ResyncSource;
import dev.oceanj.spi.http.HttpOptions;
import java.util.List;

/**
 * Port Ocean's fake integration on oceanj: a seeded fake organisation served by an in-process 3rd-party HTTP
 * API, fetched page by page through the SPI's HTTP helper (each page's results streamed);
 * persons are also kept current by live events on {@code /integration/webhook}.
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
    FakeOrgApi api = new FakeOrgApi(new FakeOrg(settings), settings.failKindAfter());
    FakeOrgClient client = new FakeOrgClient(ocean.http(HttpOptions.defaults()), api::baseUri, settings);
    ocean.onStart(api::start);
    ocean.onStop(api::stop);

    ocean.kind(DEPARTMENT).resync(ResyncSource.single(client::departments));
    ocean.kind(PERSON).resync(ResyncSource.paged(client::persons));
    ocean.kind(OFFICE).resync(ResyncSource.paged(cursor -> client.page("offices", cursor)));
    ocean.kind(TEAM).resync(ResyncSource.paged(cursor -> client.page("teams", cursor)));
    ocean.kind(PROJECT).resync(ResyncSource.paged(cursor -> client.page("projects", cursor)));
    ocean.onLiveEvent(FakePersonWebhook.PATH, new FakePersonWebhook());
  }
}
