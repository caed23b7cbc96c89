package dev.oceanj.runtime.oauth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import dev.oceanj.core.config.SettingsLoader;
import dev.oceanj.emulator.PortEmulator;
import dev.oceanj.runtime.OceanRuntime;
import dev.oceanj.testsupport.TestPort;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code OCEAN__OAUTH_ACCESS_TOKEN_FILE_PATH}: a ONCE resync of an integration whose 3rd-party API wants the token of
 * the file, while the host rotates the file twice during the resync: once visibly (the file changes, the next
 * request carries the new token without a 401), once invisibly (same size and modification time: the API answers
 * 401, the integration re-reads the file and the request succeeds with the new token).
 */
class OAuthTokenFileTest {

  @TempDir Path dir;
  PortEmulator port;
  HttpServer api;

  @AfterEach
  void stop() {
    if (api != null) {
      api.stop(0);
    }
    if (port != null) {
      port.close();
    }
  }

  @Test
  void aTokenRotatedDuringTheResyncIsPickedUpOnChangeAndAfterA401() throws Exception {
    Path tokenFile = dir.resolve("oauth_token");
    Files.writeString(tokenFile, "token-aaaa\n");
    FileTime firstTime = Files.getLastModifiedTime(tokenFile);
    AtomicReference<String> valid = new AtomicReference<>("token-aaaa");
    List<String> seen = new CopyOnWriteArrayList<>();
    api = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    api.createContext("/items", exchange -> {
      String auth = exchange.getRequestHeaders().getFirst("Authorization");
      int page = Integer.parseInt(exchange.getRequestURI().getQuery().substring("page=".length()));
      seen.add(page + " " + auth);
      byte[] body;
      int status;
      if (!("Bearer " + valid.get()).equals(auth)) {
        status = 401;
        body = "{\"error\":\"expired token\"}".getBytes(StandardCharsets.UTF_8);
      } else {
        status = 200;
        body = ("{\"items\":[\"item-" + page + "a\",\"item-" + page + "b\"]" + (page < 2 ? ",\"next\":\"" + (page + 1)
            + "\"" : "") + "}").getBytes(StandardCharsets.UTF_8);
        // The host rotates the token between pages: visibly after page 0, keeping size and time after page 1.
        if (page == 0) {
          Files.writeString(tokenFile, "token-bbbb");
          Files.setLastModifiedTime(tokenFile, FileTime.fromMillis(firstTime.toMillis() + 5_000));
          valid.set("token-bbbb");
        } else if (page == 1) {
          FileTime before = Files.getLastModifiedTime(tokenFile);
          Files.writeString(tokenFile, "token-cccc");
          Files.setLastModifiedTime(tokenFile, before);
          valid.set("token-cccc");
        }
      }
      exchange.sendResponseHeaders(status, body.length);
      exchange.getResponseBody().write(body);
      exchange.close();
    });
    api.start();
    port = TestPort.start("test-id", "test-secret");

    Map<String, String> env = Map.of(
        "OCEAN__PORT__CLIENT_ID", "test-id", "OCEAN__PORT__CLIENT_SECRET", "test-secret",
        "OCEAN__PORT__BASE_URL", port.baseUrl(), "OCEAN__EVENT_LISTENER__TYPE", "ONCE",
        "OCEAN__INTEGRATION__TYPE", "oauth-test", "OCEAN__INTEGRATION__IDENTIFIER", "oauth-test",
        "OCEAN__INTEGRATION__CONFIG__API_URL", "http://127.0.0.1:" + api.getAddress().getPort(),
        "OCEAN__OAUTH_ACCESS_TOKEN_FILE_PATH", tokenFile.toString(),
        "OCEAN__DATA_DIR", dir.resolve("data").toString(), "APPLICATION__ENABLE_HTTP_LOGGING", "false");
    OceanRuntime runtime = OceanRuntime.start(SettingsLoader.create().environment(env).load(), line -> { });
    int exit = runtime.exitCode().toCompletableFuture().get(90, TimeUnit.SECONDS);

    assertEquals(0, exit, "the resync completed: " + seen);
    assertEquals(List.of("0 Bearer token-aaaa", "1 Bearer token-bbbb", "2 Bearer token-bbbb", "2 Bearer token-cccc"),
        seen);
    assertEquals(6, port.entities("oauthItem").size());
    assertTrue(port.entity("oauthItem", "item-2b").isPresent());
  }
}
