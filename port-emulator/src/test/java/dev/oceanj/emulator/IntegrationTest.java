package dev.oceanj.emulator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class IntegrationTest {

  @RegisterExtension
  static final EmulatorExtension emulator = new EmulatorExtension(EmulatorSettings.defaults().withOrganizationId("org_42")
      .withKafkaCredentials(Optional.of(new EmulatorSettings.KafkaCredentials("kuser", "kpass"))));
  final PortEmulator port = emulator.port();
  final Api api = emulator.api();

  static final String CREATE = """
      {'installationId':'my-fake','installationAppType':'fake','version':'0.1.0',
       'changelogDestination':{},'config':{'resources':[{'kind':'fake-person'}]},
       'actionsProcessingEnabled':false,'incrementalSyncEnabled':false,'createPortResourcesOrigin':'Ocean'}""";

  @Test
  void lifecycle() {
    var missing = api.get("/v1/integration/my-fake");
    assertEquals(404, missing.status());
    assertEquals("integration_not_found", missing.body().get("error").asText());

    var created = api.post("/v1/integration", Api.parse(CREATE));
    assertEquals(200, created.status(), created.toString());
    assertEquals("fake", created.body().at("/integration/installationAppType").asText());
    assertEquals(409, api.post("/v1/integration", Api.parse(CREATE)).status());

    var got = api.get("/v1/integration/my-fake?oceanCoreVersion=0.48.12&isPolling=true");
    assertEquals("fake-person", got.body().at("/integration/config/resources/0/kind").asText());

    var patched = api.patch("/v1/integration/my-fake", Api.parse("{'version':'0.2.0','arePortResourcesInitialized':true}"));
    assertEquals("0.2.0", patched.body().at("/integration/version").asText());
    assertTrue(patched.body().at("/integration/arePortResourcesInitialized").asBoolean());

    var config = api.patch("/v1/integration/my-fake/config", Api.parse("{'config':{'resources':[{'kind':'k2'}]}}"));
    assertEquals("k2", config.body().at("/integration/config/resources/0/kind").asText());
    assertEquals("k2", port.integration("my-fake").orElseThrow().at("/config/resources/0/kind").asText());

    assertEquals(200, api.post("/v1/integration/my-fake/kinds/fake-person/examples",
        Api.parse("{'examples':[{'id':1},{'id':2}]}")).status());
    assertEquals(2, port.examples("my-fake", "fake-person").size());

    assertEquals(200, api.delete("/v1/integration/my-fake").status());
    assertEquals(404, api.get("/v1/integration/my-fake").status());
  }

  @Test
  void resyncStateIsStoredWithUpdatedAt() {
    api.post("/v1/integration", Api.parse(CREATE));
    var r = api.patch("/v1/integration/my-fake/resync-state", Api.parse(
        "{'status':'running','lastResyncStart':'2026-01-01T00:00:00Z','lastResyncEnd':null,'nextResync':null,'intervalInMinuets':60}"));
    assertEquals(200, r.status(), r.toString());
    var state = port.integration("my-fake").orElseThrow().get("resyncState");
    assertEquals("running", state.get("status").asText());
    assertEquals(60, state.get("intervalInMinuets").asInt());
    assertFalse(state.get("updatedAt").asText().isEmpty());
    assertEquals(state.get("updatedAt"), r.body().at("/integration/resyncState/updatedAt"));
    assertEquals(422, api.patch("/v1/integration/my-fake/resync-state", Api.parse("{'status':'sleeping'}")).status());
  }

  @Test
  void resyncRequestsRaisedByATestReachThePollingEndpoint() {
    api.post("/v1/integration", Api.parse(CREATE));
    var none = api.get("/v1/integration/my-fake/resync-request");
    assertEquals(200, none.status());
    assertTrue(none.body().path("request").isMissingNode());

    var raised = port.raiseResyncRequest("my-fake");
    var seen = api.get("/v1/integration/my-fake/resync-request").body().get("request");
    assertEquals(raised.get("id"), seen.get("id"));
    assertFalse(seen.get("updatedAt").asText().isEmpty());

    var viaControl = api.send("POST", "/_emulator/integrations/my-fake/resync-request", null, false);
    assertEquals(200, viaControl.status());
    var next = api.get("/v1/integration/my-fake/resync-request").body().get("request");
    assertNotEquals(seen.get("id"), next.get("id"), "a new request has a new id");
  }

  @Test
  void organizationFlagsAndKafkaCredentials() {
    var org = api.get("/v1/organization").body().get("organization");
    assertEquals("org_42", org.get("id").asText());
    assertEquals(0, org.get("featureFlags").size());
    port.featureFlags(List.of("LAKEHOUSE_ELIGIBLE"));
    assertEquals("LAKEHOUSE_ELIGIBLE", api.get("/v1/organization").body().at("/organization/featureFlags/0").asText());
    api.send("POST", "/_emulator/feature-flags", Api.parse("{'featureFlags':['A','B']}"), false);
    assertEquals(2, api.get("/v1/organization").body().at("/organization/featureFlags").size());

    var kafka = api.get("/v1/kafka-credentials");
    assertEquals("kuser", kafka.body().at("/credentials/username").asText());
    assertEquals("kpass", kafka.body().at("/credentials/password").asText());
    assertEquals(0, api.get("/v1/integration/provision-enabled").body().get("integrations").size());
    try (PortEmulator plain = PortEmulator.start()) {
      assertEquals(404, new Api(plain).login().get("/v1/kafka-credentials").status());
    }
  }

  @Test
  void defaultResourcesCanBeCreated() {
    Fixtures.catalog(api);
    assertEquals(200, api.post("/v1/blueprints/service/scorecards", Api.parse("{'identifier':'prod-ready','title':'P','rules':[]}")).status());
    assertEquals(200, api.post("/v1/actions", Api.parse("{'identifier':'deploy','title':'Deploy'}")).status());
    assertEquals(200, api.post("/v1/pages", Api.parse("{'identifier':'home','title':'Home'}")).status());
    assertEquals(409, api.post("/v1/pages", Api.parse("{'identifier':'home','title':'Home'}")).status());
    assertEquals(409, api.post("/v1/blueprints", Api.parse(Fixtures.TEAM)).status());
    var patched = api.patch("/v1/blueprints/team", Api.parse("{'schema':{'properties':{'size':{'type':'number'}}}}"));
    assertEquals("number", patched.body().at("/blueprint/schema/properties/size/type").asText());
    assertEquals(200, api.get("/v1/blueprints").status());
    var badRel = api.post("/v1/blueprints", Api.parse("{'identifier':'x','relations':{'r':{'target':'missing'}}}"));
    assertEquals(404, badRel.status());
    var badId = api.post("/v1/blueprints", Api.parse("{'identifier':'a=b'}"));
    assertEquals(422, badId.status());
  }
}
