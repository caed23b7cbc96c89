package dev.oceanj.emulator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class AuthTest {

  @RegisterExtension
  static final EmulatorExtension emulator =
      new EmulatorExtension(EmulatorSettings.defaults().withClientId("cid").withClientSecret("s3cret"));
  final PortEmulator port = emulator.port();

  @BeforeEach
  void defaultTokenTtl() {
    // A reset keeps the TTL a test set; every test starts from Port's three hours.
    port.tokenTtl(Duration.ofHours(3));
  }

  @Test
  void issuesAJwtShapedTokenForConfiguredCredentials() throws Exception {
    var r = new Api(port).send("POST", "/v1/auth/access_token", Api.obj("clientId", "cid", "clientSecret", "s3cret"), false);
    assertEquals(200, r.status());
    assertEquals("Bearer", r.body().get("tokenType").asText());
    assertEquals(10800, r.body().get("expiresIn").asLong());
    String[] parts = r.body().get("accessToken").asText().split("\\.");
    assertEquals(3, parts.length);
    var claims = Api.JSON.readTree(new String(Base64.getUrlDecoder().decode(parts[1]), StandardCharsets.UTF_8));
    assertTrue(claims.get("isMachine").asBoolean());
    assertTrue(claims.get("exp").asLong() > System.currentTimeMillis() / 1000);
    assertEquals("cid", claims.get("sub").asText());
  }

  @Test
  void rejectsWrongCredentials() {
    var r = new Api(port).send("POST", "/v1/auth/access_token", Api.obj("clientId", "cid", "clientSecret", "nope"), false);
    assertEquals(401, r.status());
    assertEquals(false, r.body().get("ok").asBoolean());
    assertEquals("invalid_credentials", r.body().get("error").asText());
  }

  @Test
  void answers401WithoutOrWithABadToken() {
    Api api = new Api(port);
    assertEquals(401, api.get("/v1/blueprints").status());
    api.token = "not.a.token";
    assertEquals(401, api.get("/v1/blueprints").status());
    try (PortEmulator other = PortEmulator.start(EmulatorSettings.defaults().withClientId("cid").withClientSecret("s3cret"))) {
      api.token = other.accessToken();
    }
    var r = api.get("/v1/blueprints");
    assertEquals(401, r.status(), "a token signed by another emulator must not pass");
    assertEquals("unauthorized", r.body().get("error").asText());
    assertTrue(port.counters().unauthorized() >= 3);
  }

  @Test
  void tokensExpireAfterTheirTtl() throws Exception {
    port.tokenTtl(Duration.ofMillis(1500));
    Api api = new Api(port).login("cid", "s3cret");
    assertEquals(200, api.get("/v1/blueprints").status());
    long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
    int status;
    do {
      status = api.get("/v1/blueprints").status();
      if (status == 401) {
        break;
      }
      Thread.sleep(50);
    } while (System.nanoTime() < deadline);
    var r = api.get("/v1/blueprints");
    assertEquals(401, r.status());
    assertTrue(r.body().get("message").asText().contains("expired"), r.toString());
    api.login("cid", "s3cret");
    assertEquals(200, api.get("/v1/blueprints").status(), "a fresh token works again");
  }

  @Test
  void expireTokensInvalidatesTokensAlreadyIssued() {
    Api api = new Api(port).login("cid", "s3cret");
    assertEquals(200, api.get("/v1/organization").status());
    port.expireTokens();
    assertEquals(401, api.get("/v1/organization").status());
  }

  @Test
  void tokenTtlIsSettableThroughTheControlEndpoint() {
    Api api = new Api(port);
    var c = api.send("POST", "/_emulator/token-ttl", Api.obj("seconds", 60), false);
    assertEquals(200, c.status());
    var r = api.send("POST", "/v1/auth/access_token", Api.obj("clientId", "cid", "clientSecret", "s3cret"), false);
    assertEquals(60, r.body().get("expiresIn").asLong());
  }

  @Test
  void settingsNeverPrintTheSecret() {
    assertTrue(!port.settings().toString().contains("s3cret"), port.settings().toString());
  }
}
