package dev.oceanj.integrations.custom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.oceanj.core.jq.IntegrationJq;
import dev.oceanj.core.jq.JqEngine;
import dev.oceanj.emulator.net.PrivateCa;
import dev.oceanj.integrations.custom.ApiServer.Answer;
import dev.oceanj.spi.testing.ResyncHarness;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import javax.net.ssl.SSLHandshakeException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code verifySsl} against an HTTPS API whose certificate comes from a CA the JVM does not trust. */
class VerifySslTest {

  static final String ONE_RESOURCE = "[{\"kind\": \"/me\", \"selector\": {\"query\": \"true\"}}]";

  @TempDir
  static Path dir;

  static ApiServer api;

  @BeforeAll
  static void start() {
    api = new ApiServer(PrivateCa.create(dir).serverContext()).route("/me", r -> Answer.json("[{\"id\": 1}]"));
  }

  @AfterAll
  static void stop() {
    api.close();
  }

  @Test
  void anUntrustedCertificateIsRefusedByDefaultAndWithVerifySslTrue() {
    for (String settings : List.of("{}", "{\"verifySsl\": true}")) {
      var e = assertThrows(ResyncHarness.KindFailedException.class, () -> api.resync(settings, ONE_RESOURCE));
      assertTrue(causedBy(e, SSLHandshakeException.class), e.toString());
    }
    assertTrue(api.to("/me").isEmpty());
  }

  @Test
  void verifySslFalseTrustsItForTheApiAndTheCustomAuthRequest() {
    api.route("/oauth/token", r -> Answer.json("{\"access_token\": \"AT1\"}"));
    // "false" as a string: OCEAN__INTEGRATION__CONFIG__VERIFY_SSL=false arrives so
    var items = api.resync("""
        {"verifySsl": "false", "authType": "custom", "customAuthRequest": {"endpoint": "/oauth/token"},
         "customAuthRequestTemplate": {"headers": {"Authorization": "Bearer {{.access_token}}"}}}""", ONE_RESOURCE);
    assertEquals(List.of("1"), ApiServer.ids(items.get(0), "id"));
    assertEquals(1, api.to("/oauth/token").size());
    assertEquals("Bearer AT1", api.to("/me").get(0).header("Authorization"));
  }

  @Test
  void aHostWithoutAnUnverifiedClientFailsAtStartSayingSo() throws Exception {
    ObjectNode settings = (ObjectNode) ApiServer.JSON.readTree("{\"verifySsl\": false}");
    settings.put("baseUrl", api.baseUrl());
    var e = assertThrows(IllegalStateException.class, () -> ResyncHarness.start(new CustomIntegration(), settings,
        Duration.ofSeconds(10), new IntegrationJq(JqEngine.create(false))).close());
    assertTrue(e.getMessage().contains("without TLS verification"), e.getMessage());
  }

  private static boolean causedBy(Throwable t, Class<? extends Throwable> type) {
    for (Throwable c = t; c != null; c = c.getCause()) {
      if (type.isInstance(c)) {
        return true;
      }
    }
    return false;
  }
}
