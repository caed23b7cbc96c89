package dev.oceanj.integrations.custom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.oceanj.core.jq.IntegrationJq;
import dev.oceanj.core.jq.JqEngine;
import dev.oceanj.integrations.custom.ApiServer.Answer;
import dev.oceanj.spi.InvalidSettingsException;
import dev.oceanj.spi.testing.ResyncHarness;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Every auth type against a loopback API. */
class AuthTest {

  static final String ONE_RESOURCE = "[{\"kind\": \"/me\", \"selector\": {\"query\": \"true\"}}]";

  final ApiServer api = new ApiServer().route("/me", r -> Answer.json("[{\"id\": 1}]"));

  @AfterEach
  void close() {
    api.close();
  }

  ApiServer.Received only(String settings, String resources) {
    assertEquals(1, api.resync(settings, resources).get(0).size());
    return api.to("/me").get(api.to("/me").size() - 1);
  }

  @Test
  void noneSendsNoCredentialsButOceansUserAgent() {
    var r = only("{}", ONE_RESOURCE);
    assertNull(r.header("Authorization"));
    assertEquals("Port-Ocean-HTTP-Integration/1.0", r.header("User-Agent"));
  }

  @Test
  void bearerTokenSendsTheAuthorizationHeaderWhichASelectorHeaderOverrides() {
    assertEquals("Bearer tok-123", only("{\"authType\": \"bearer_token\", \"apiToken\": \"tok-123\"}", ONE_RESOURCE)
        .header("Authorization"));
    var overridden = only("{\"authType\": \"bearer_token\", \"apiToken\": \"tok-123\"}",
        "[{\"kind\": \"/me\", \"selector\": {\"query\": \"true\", \"headers\": {\"authorization\": \"Token other\"}}}]");
    assertEquals("Token other", overridden.header("Authorization"));
  }

  @Test
  void basicSendsUserAndPasswordOverAnySelectorHeader() {
    var r = only("{\"authType\": \"basic\", \"username\": \"ann\", \"password\": \"pä55\"}",
        "[{\"kind\": \"/me\", \"selector\": {\"query\": \"true\", \"headers\": {\"Authorization\": \"x\"}}}]");
    assertEquals("Basic " + Base64.getEncoder().encodeToString("ann:pä55".getBytes(StandardCharsets.UTF_8)),
        r.header("Authorization"));
  }

  @Test
  void apiKeyGoesInItsHeaderNeverInTheQuery() {
    var standard = only("{\"authType\": \"api_key\", \"apiKey\": \"k-1\"}", ONE_RESOURCE);
    assertEquals("k-1", standard.header("X-API-Key"));
    var custom = only("{\"authType\": \"api_key\", \"apiKey\": \"k-2\", \"apiKeyHeader\": \"X-Api-Token\"}", ONE_RESOURCE);
    assertEquals("k-2", custom.header("X-Api-Token"));
    assertTrue(custom.query().isEmpty());
  }

  static final String CUSTOM = """
      {"authType": "custom",
       "customAuthRequest": %s,
       "customAuthRequestTemplate": {"headers": {"Authorization": "Bearer {{.access_token}}"},
                                     "queryParams": {"tenant": "{{.tenant.id}}"}}}""";

  @Test
  void customAuthRequestsATokenAndAppliesTheTemplates() {
    AtomicInteger tokens = new AtomicInteger();
    api.route("/oauth/token", r -> Answer.json("{\"access_token\": \"AT" + tokens.incrementAndGet()
        + "\", \"tenant\": {\"id\": \"t-9\"}, \"expires_in\": 3600}"));
    // the auth request as a JSON string, as it arrives from OCEAN__INTEGRATION__CONFIG__CUSTOM_AUTH_REQUEST
    String request = "\"{\\\"endpoint\\\": \\\"/oauth/token\\\", \\\"bodyForm\\\": \\\"grant_type=client_credentials&client_id=abc\\\"}\"";
    var r = only(CUSTOM.formatted(request), ONE_RESOURCE);
    assertEquals("Bearer AT1", r.header("Authorization"));
    assertEquals("t-9", r.query().get("tenant"));
    var auth = api.to("/oauth/token").get(0);
    assertEquals("POST", auth.method());
    assertEquals("grant_type=client_credentials&client_id=abc", auth.body());
    assertEquals("application/x-www-form-urlencoded", auth.header("Content-Type"));
    assertEquals(1, tokens.get());
  }

  @Test
  void aTemplateBodyGoesIntoGetsAsInOceanMergedOverTheSelectorBody() {
    api.route("/oauth/token", r -> Answer.json("{\"access_token\": \"AT1\", \"org\": \"o-1\"}"));
    String settings = """
        {"authType": "custom", "customAuthRequest": {"endpoint": "/oauth/token", "body": {"user": "u"}},
         "customAuthRequestTemplate": {"body": {"org": "{{.org}}", "scope": "read"}}}""";
    var plain = only(settings, ONE_RESOURCE);
    assertEquals("GET", plain.method());
    assertEquals("{\"org\":\"o-1\",\"scope\":\"read\"}", plain.body());
    assertEquals("application/json", plain.header("Content-Type"));
    var withBody = only(settings,
        "[{\"kind\": \"/me\", \"selector\": {\"query\": \"true\", \"body\": {\"q\": 1, \"scope\": \"all\"}}}]");
    assertEquals("GET", withBody.method());
    assertEquals("{\"q\":1,\"scope\":\"read\",\"org\":\"o-1\"}", withBody.body());
  }

  @Test
  void customAuthReauthenticatesOnceOnA401AndResends() {
    AtomicInteger tokens = new AtomicInteger();
    api.route("/oauth/token", r -> Answer.json("{\"access_token\": \"AT" + tokens.incrementAndGet()
        + "\", \"tenant\": {\"id\": 7}}"));
    api.route("/me", r -> "Bearer AT2".equals(r.header("Authorization"))
        ? Answer.json("[{\"id\": 1}]") : new Answer(401, "{}", Map.of()));
    String settings = CUSTOM.formatted("{\"endpoint\": \"" + api.baseUrl() + "/oauth/token\", \"body\": {\"user\": \"u\"}}");
    var items = api.resync(settings, ONE_RESOURCE);
    assertEquals(1, items.get(0).size());
    assertEquals(2, tokens.get());
    assertEquals(List.of("Bearer AT1", "Bearer AT2"), api.to("/me").stream().map(r -> r.header("Authorization")).toList());
    assertEquals("7", api.to("/me").get(1).query().get("tenant"));
    assertEquals("{\"user\":\"u\"}", api.to("/oauth/token").get(0).body());
    assertEquals("application/json", api.to("/oauth/token").get(0).header("Content-Type"));
  }

  @Test
  void aSecond401FailsTheKindAndAFailingTokenRequestFailsItToo() {
    api.route("/oauth/token", r -> Answer.json("{\"access_token\": \"AT\", \"tenant\": {\"id\": 1}}"));
    api.route("/me", r -> new Answer(401, "{}", Map.of()));
    String settings = CUSTOM.formatted("{\"endpoint\": \"/oauth/token\"}");
    assertThrows(ResyncHarness.KindFailedException.class, () -> api.resync(settings, ONE_RESOURCE));
    assertEquals(2, api.to("/me").size());
    api.route("/oauth/token", r -> new Answer(403, "{}", Map.of()));
    var refused = assertThrows(ResyncHarness.KindFailedException.class, () -> api.resync(settings, ONE_RESOURCE));
    assertTrue(refused.getCause().getMessage().contains("403"), refused.getCause().getMessage());
  }

  @Test
  void aMissingTemplateVariableFailsTheKindNamingTheTemplate() {
    api.route("/oauth/token", r -> Answer.json("{\"token\": \"x\"}"));
    var e = assertThrows(ResyncHarness.KindFailedException.class,
        () -> api.resync(CUSTOM.formatted("{\"endpoint\": \"/oauth/token\"}"), ONE_RESOURCE));
    String message = e.getCause().getMessage();
    assertTrue(message.contains("customAuthRequestTemplate.headers.Authorization") && message.contains("[token]"), message);
    assertFalse(message.contains("\"x\""), message);
    assertTrue(api.to("/me").isEmpty());
  }

  @Test
  void badCustomAuthSettingsAreRejectedAtStartNamingTheField() {
    var e = assertThrows(InvalidSettingsException.class, () -> api.harness("""
        {"authType": "custom", "customAuthRequest": {"endpoint": "/t"},
         "customAuthRequestTemplate": {"headers": {"Authorization": "Bearer {{access_token}}"}}}"""));
    assertEquals("customAuthRequestTemplate.headers.Authorization", e.field());
    var both = assertThrows(InvalidSettingsException.class, () -> api.harness("""
        {"authType": "custom", "customAuthRequest": {"endpoint": "/t", "body": {}, "bodyForm": "a=b"},
         "customAuthRequestTemplate": {"headers": {"Authorization": "{{.t}}"}}}"""));
    assertEquals("customAuthRequest.body", both.field());
    var unknown = assertThrows(InvalidSettingsException.class, () -> api.harness("{\"authType\": \"oauth\"}"));
    assertEquals("authType", unknown.field());
  }

  /** A token request that the test answers by hand. */
  static final class ManualSender implements TokenAuth.Sender {
    final List<CompletableFuture<JsonNode>> requests = new ArrayList<>();

    @Override
    public synchronized CompletionStage<JsonNode> send(java.net.http.HttpRequest request) {
      CompletableFuture<JsonNode> f = new CompletableFuture<>();
      requests.add(f);
      return f;
    }
  }

  static final class MovableClock extends Clock {
    Instant now = Instant.parse("2026-12-06T20:00:00Z");

    @Override
    public ZoneId getZone() {
      return ZoneId.of("UTC");
    }

    @Override
    public Clock withZone(ZoneId zone) {
      return this;
    }

    @Override
    public Instant instant() {
      return now;
    }
  }

  static TokenAuth tokenAuth(ManualSender sender, Clock clock, int interval) throws Exception {
    var settings = new CustomSettings("http://127.0.0.1:1", "custom", null, null, null, null, null, null, null,
        null, null, null, null, null, null, null, null, null, null, null,
        ApiServer.JSON.readTree("{\"endpoint\": \"/t\", \"reauthenticateIntervalSeconds\": " + interval + "}"),
        ApiServer.JSON.readTree("{\"headers\": {\"Authorization\": \"Bearer {{.access_token}}\"}}"), null);
    return new TokenAuth(settings, sender, new IntegrationJq(JqEngine.create(false)), clock);
  }

  @Test
  void concurrentRequestsShareOneTokenRequestAndTheTokenIsRenewedBeforeItExpires() throws Exception {
    var sender = new ManualSender();
    var clock = new MovableClock();
    TokenAuth auth = tokenAuth(sender, clock, 3600);
    var a = auth.current().toCompletableFuture();
    var b = auth.current().toCompletableFuture();
    assertEquals(1, sender.requests.size());
    sender.requests.get(0).complete(ApiServer.JSON.readTree("{\"access_token\": \"T1\"}"));
    assertEquals("Bearer T1", a.get().headers().get("Authorization"));
    assertEquals("Bearer T1", b.get().headers().get("Authorization"));
    clock.now = clock.now.plus(Duration.ofSeconds(3539));
    assertEquals("Bearer T1", auth.current().toCompletableFuture().get().headers().get("Authorization"));
    assertEquals(1, sender.requests.size());
    clock.now = clock.now.plus(Duration.ofSeconds(1));
    var renewed = auth.current().toCompletableFuture();
    assertEquals(2, sender.requests.size(), "renewed 60 s before the 3600 s lifetime ends");
    sender.requests.get(1).complete(ApiServer.JSON.readTree("{\"access_token\": \"T2\"}"));
    assertEquals("Bearer T2", renewed.get().headers().get("Authorization"));
  }

  @Test
  void concurrent401sRenewTheTokenOnce() throws Exception {
    var sender = new ManualSender();
    TokenAuth auth = tokenAuth(sender, new MovableClock(), 3600);
    var first = auth.current().toCompletableFuture();
    sender.requests.get(0).complete(ApiServer.JSON.readTree("{\"access_token\": \"T1\"}"));
    var stale = first.get();
    var x = auth.afterUnauthorized(stale).toCompletableFuture();
    var y = auth.afterUnauthorized(stale).toCompletableFuture();
    assertEquals(2, sender.requests.size());
    sender.requests.get(1).complete(ApiServer.JSON.readTree("{\"access_token\": \"T2\"}"));
    assertEquals("Bearer T2", x.get().headers().get("Authorization"));
    assertEquals("Bearer T2", y.get().headers().get("Authorization"));
    assertEquals("Bearer T2", auth.afterUnauthorized(stale).toCompletableFuture().get().headers().get("Authorization"));
    assertEquals(2, sender.requests.size());
  }
}
