package dev.oceanj.integrations.fake;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.oceanj.spi.ResyncSource;
import dev.oceanj.spi.host.DefinedIntegration;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The fake 3rd-party API over real HTTP on loopback, as any client would see it. */
class FakeOrgApiTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
  private FakeOrgApi api;

  @BeforeEach
  void start() throws Exception {
    FakeSettings settings = new FakeSettings(7, 1, null, null, null, null, null, null, null, null, null);
    api = new FakeOrgApi(new FakeOrg(settings), null);
    api.start();
  }

  @AfterEach
  void stop() throws Exception {
    api.stop();
  }

  private HttpResponse<String> get(String pathAndQuery) throws Exception {
    return http.send(HttpRequest.newBuilder(api.baseUri().resolve(pathAndQuery)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void pagesEmployeesWithLimitAndOffset() throws Exception {
    HttpResponse<String> response = get("department/finance/employees?limit=3&offset=5&entity_kb_size=1");
    assertEquals(200, response.statusCode());
    assertEquals("application/json", response.headers().firstValue("Content-Type").orElseThrow());
    JsonNode body = JSON.readTree(response.body());
    assertEquals(7, body.get("total").asInt());
    assertEquals(5, body.get("offset").asInt());
    assertEquals(List.of("finance-5", "finance-6"),
        List.of(body.at("/results/0/id").asText(), body.at("/results/1/id").asText()));
    assertEquals(2, body.get("results").size());
  }

  @Test
  void answersErrorsWithStatusAndReason() throws Exception {
    assertEquals(404, get("department/legal/employees").statusCode());
    assertEquals(404, get("nothing-here").statusCode());
    HttpResponse<String> bad = get("offices?limit=lots");
    assertEquals(400, bad.statusCode());
    assertTrue(bad.body().contains("'limit' must be an integer"), bad.body());
    assertEquals(400, get("offices?limit=0").statusCode());
    assertEquals(400, get("department/hr/employees?entity_kb_size=0").statusCode());
    HttpResponse<String> post = http.send(HttpRequest.newBuilder(api.baseUri().resolve("offices"))
        .POST(HttpRequest.BodyPublishers.ofString("{}")).build(), HttpResponse.BodyHandlers.ofString());
    assertEquals(405, post.statusCode());
    assertEquals(200, get("offices").statusCode(), "the connection survives errors");
  }

  @Test
  void keepsTheConnectionAliveAndHonoursConnectionClose() throws Exception {
    URI base = api.baseUri();
    try (Socket socket = new Socket(base.getHost(), base.getPort())) {
      socket.setSoTimeout(10_000);
      OutputStream out = socket.getOutputStream();
      String request = "GET /integration/teams?limit=1 HTTP/1.1\r\nHost: x\r\n\r\n";
      out.write((request + request.replace("\r\n\r\n", "\r\nConnection: close\r\n\r\n"))
          .getBytes(StandardCharsets.US_ASCII));
      out.flush();
      BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
      long statusLines = in.lines().filter(line -> line.startsWith("HTTP/1.1 200 OK")).count();
      assertEquals(2, statusLines, "both pipelined requests answered, then the server closed the connection");
    }
  }

  @Test
  void servesAClientThatOffersHttp2() throws Exception {
    HttpClient defaultClient = HttpClient.newHttpClient();
    DefinedIntegration defined = DefinedIntegration.define(new FakeIntegration(), null, defaultClient);
    defined.start();
    try {
      var source = (ResyncSource.Single<?>) defined.resyncSource(FakeIntegration.DEPARTMENT).orElseThrow();
      List<?> departments = source.fetch().get().toCompletableFuture().get(30, TimeUnit.SECONDS);
      assertEquals(5, departments.size());
    } finally {
      assertEquals(List.of(), defined.stop());
    }
  }

  @Test
  void stopClosesOpenConnections() throws Exception {
    URI base = api.baseUri();
    try (Socket socket = new Socket(base.getHost(), base.getPort())) {
      socket.setSoTimeout(10_000);
      socket.getOutputStream().write("GET /integration/teams HTTP/1.1\r\nHost: x\r\n\r\n"
          .getBytes(StandardCharsets.US_ASCII));
      BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
      assertEquals("HTTP/1.1 200 OK", in.readLine());
      api.stop();
      assertThrows(IllegalStateException.class, api::baseUri);
      assertEquals(-1, drain(in), "the server closed the kept-alive connection");
    }
  }

  private static int drain(BufferedReader in) {
    try {
      while (in.read() >= 0) {
        // skip the rest of the response
      }
      return -1;
    } catch (java.net.SocketException reset) {
      return -1;
    } catch (java.io.IOException e) {
      return 0;
    }
  }
}
