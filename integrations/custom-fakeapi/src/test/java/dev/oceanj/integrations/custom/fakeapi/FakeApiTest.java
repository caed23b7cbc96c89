package dev.oceanj.integrations.custom.fakeapi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class FakeApiTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP = HttpClient.newHttpClient();
  private static final Pattern NEXT = Pattern.compile("<([^>]+)>; rel=\"next\"");
  private static FakeApi api;

  @BeforeAll
  static void start() throws IOException {
    api = FakeApi.start(FakeApiSettings.builder().port(0).items(250).build());
  }

  @AfterAll
  static void stop() {
    api.close();
  }

  @BeforeEach
  void reset() {
    api.reset();
  }

  @Test
  void everyPaginationStyleWalksToExactlyAllItemsInOrder() throws Exception {
    List<String> expected = IntStream.rangeClosed(1, 250).mapToObj(i -> "item-" + i).toList();
    for (String style : List.of("offset", "page", "cursor", "next_link", "header_link")) {
      long before = api.lastRequest();
      assertEquals(expected, walk(style, "/open/" + style + "/items"), style);
      assertEquals(3, api.requests(before).size(), style + ": pages of 100");
    }
    JsonNode all = json(get("/open/none/items"));
    assertEquals(250, all.get("data").size());
    assertEquals(250, all.get("total").asInt());
  }

  /** Follows a style's pages as a client would, with the default parameter names; returns the item ids. */
  private List<String> walk(String style, String path) throws Exception {
    List<String> ids = new ArrayList<>();
    String url = api.baseUri() + path;
    switch (style) {
      case "offset" -> {
        for (int offset = 0; ; offset += 100) {
          JsonNode page = json(get(path + "?offset=" + offset + "&limit=100"));
          page.get("data").forEach(item -> ids.add(item.get("id").asText()));
          assertEquals(page.get("has_more"), page.at("/meta/has_more"));
          if (!page.get("has_more").asBoolean()) {
            return ids;
          }
        }
      }
      case "page" -> {
        for (int number = 1; ; number++) {
          JsonNode page = json(get(path + "?page=" + number + "&size=100"));
          page.get("data").forEach(item -> ids.add(item.get("id").asText()));
          if (page.get("last").asBoolean()) {
            assertTrue(page.get("next_page").isNull());
            return ids;
          }
          assertEquals(number + 1, page.get("next_page").asInt());
        }
      }
      case "cursor" -> {
        String cursor = null;
        do {
          JsonNode page = json(get(path + "?limit=100" + (cursor == null ? "" : "&cursor=" + cursor)));
          page.get("data").forEach(item -> ids.add(item.get("id").asText()));
          cursor = page.get("next_cursor").isNull() ? null : page.get("next_cursor").asText();
          assertEquals(cursor != null, page.get("has_more").asBoolean());
        } while (cursor != null);
        return ids;
      }
      case "next_link" -> {
        String next = url + "?keep=yes";
        while (next != null) {
          JsonNode page = json(send(HttpRequest.newBuilder(URI.create(next)).build()));
          page.get("data").forEach(item -> ids.add(item.get("id").asText()));
          next = page.has("@odata.nextLink") ? page.get("@odata.nextLink").asText() : null;
          assertTrue(next == null || next.contains("keep=yes"), "the next link keeps the request's parameters");
        }
        return ids;
      }
      case "header_link" -> {
        String next = url + "?per_page=100";
        while (next != null) {
          HttpResponse<String> response = send(HttpRequest.newBuilder(URI.create(next)).build());
          json(response).forEach(item -> ids.add(item.get("id").asText()));
          Matcher m = NEXT.matcher(response.headers().firstValue("Link").orElseThrow());
          next = m.find() ? m.group(1) : null;
        }
        return ids;
      }
      default -> throw new IllegalArgumentException(style);
    }
  }

  @Test
  void configuredParameterNamesAndStartPageReplaceEachStylesOwn() throws Exception {
    try (FakeApi named = FakeApi.start(FakeApiSettings.builder().port(0).items(20).pageParam("p").sizeParam("n")
        .startPage(0).build())) {
      JsonNode offset = json(send(HttpRequest.newBuilder(named.url("/offset/items?p=10&n=5")).build()));
      assertEquals(List.of("item-11", "item-12", "item-13", "item-14", "item-15"), ids(offset));
      JsonNode firstPage = json(send(HttpRequest.newBuilder(named.url("/page/items?p=0&n=8")).build()));
      assertEquals("item-1", ids(firstPage).get(0));
      JsonNode lastPage = json(send(HttpRequest.newBuilder(named.url("/page/items?p=2&n=8")).build()));
      assertEquals(List.of("item-17", "item-18", "item-19", "item-20"), ids(lastPage));
      assertTrue(lastPage.get("last").asBoolean());
      HttpResponse<String> before = send(HttpRequest.newBuilder(named.url("/page/items?p=-1")).build());
      assertEquals(400, before.statusCode());
      assertTrue(before.body().contains("'p' must be >= 0"), before.body());
    }
  }

  @Test
  void aParameterNamedNoneIsRefusedAsOceansBugSendsIt() throws Exception {
    HttpResponse<String> response = get("/page/items?None=100");
    assertEquals(400, response.statusCode());
    assertTrue(response.body().contains("paginationParam"), response.body());
  }

  @Test
  void pageSizesAreCheckedAndCutToTheMaximum() throws Exception {
    assertEquals(400, get("/offset/items?limit=0").statusCode());
    HttpResponse<String> bad = get("/offset/items?limit=ten");
    assertEquals(400, bad.statusCode());
    assertTrue(bad.body().contains("'limit' must be an integer"), bad.body());
    HttpResponse<String> cursor = get("/cursor/items?cursor=nonsense");
    assertEquals(400, cursor.statusCode());
    try (FakeApi small = FakeApi.start(FakeApiSettings.builder().port(0).items(50).defaultPageSize(10).maxPageSize(10).build())) {
      JsonNode page = json(send(HttpRequest.newBuilder(small.url("/offset/items?limit=1000")).build()));
      assertEquals(10, page.get("data").size());
      assertEquals(10, page.at("/meta/limit").asInt());
    }
  }

  @Test
  void eachAuthStyleRefusesWithoutItsCredentialsAndLogsWhatWasPresented() throws Exception {
    String basic = "Basic " + Base64.getEncoder().encodeToString("fake-user:fake-password".getBytes(StandardCharsets.UTF_8));
    String wrongBasic = "Basic " + Base64.getEncoder().encodeToString("fake-user:nope".getBytes(StandardCharsets.UTF_8));
    assertEquals(200, get("/open/items").statusCode());
    assertEquals(200, get("/bearer/items", "Authorization", "Bearer fake-token").statusCode());
    assertEquals(401, get("/bearer/items", "Authorization", "Bearer other").statusCode());
    assertEquals(401, get("/bearer/items").statusCode());
    assertEquals(200, get("/basic/items", "Authorization", basic).statusCode());
    assertEquals(401, get("/basic/items", "Authorization", wrongBasic).statusCode());
    assertEquals(200, get("/apikey/items", "X-API-Key", "fake-api-key").statusCode());
    assertEquals(401, get("/apikey/items", "X-API-Key", "other").statusCode());
    HttpResponse<String> refused = get("/apikey/items");
    assertEquals(401, refused.statusCode());
    assertTrue(refused.body().contains("X-API-Key"), refused.body());

    List<RequestLog.Entry> log = api.requests(0);
    assertEquals(List.of("none", "bearer", "bearer", "none", "basic", "basic", "apikey", "apikey", "none"),
        log.stream().map(RequestLog.Entry::auth).toList());
    assertEquals(List.of(200, 200, 401, 401, 200, 401, 200, 401, 401),
        log.stream().map(RequestLog.Entry::status).toList());
    assertEquals("configured-token", log.get(1).principal());
    assertEquals("fake-user", log.get(4).principal());
    assertEquals("/items", log.get(4).resource());
    assertTrue(log.stream().noneMatch(e -> String.valueOf(e.principal()).contains("password")));
  }

  @Test
  void customAuthIssuesExpiringTokensFromAFormOrJsonRequest() throws Exception {
    HttpResponse<String> wrong = send(HttpRequest.newBuilder(api.url("/custom/page/oauth/token"))
        .header("Content-Type", "application/x-www-form-urlencoded")
        .POST(HttpRequest.BodyPublishers.ofString("grant_type=client_credentials&client_id=fake-client&client_secret=x"))
        .build());
    assertEquals(401, wrong.statusCode());
    JsonNode token = json(send(HttpRequest.newBuilder(api.url("/custom/page/oauth/token"))
        .header("Content-Type", "application/x-www-form-urlencoded")
        .POST(HttpRequest.BodyPublishers.ofString(
            "grant_type=client_credentials&client_id=fake-client&client_secret=fake-secret")).build()));
    assertEquals("Bearer", token.get("token_type").asText());
    assertEquals(3600, token.get("expires_in").asInt());
    assertEquals("tenant-1", token.at("/tenant/id").asText());
    String bearer = "Bearer " + token.get("access_token").asText();
    assertEquals(401, get("/custom/page/items").statusCode());
    assertEquals(401, get("/custom/page/items", "Authorization", "Bearer fake-token").statusCode());
    assertEquals(200, get("/custom/page/items", "Authorization", bearer).statusCode());

    api.expireTokens();
    HttpResponse<String> expired = get("/custom/page/items", "Authorization", bearer);
    assertEquals(401, expired.statusCode());
    assertTrue(expired.body().contains("expired"), expired.body());

    JsonNode renewed = json(send(HttpRequest.newBuilder(api.url("/oauth/token"))
        .header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString("{\"client_id\":\"fake-client\",\"client_secret\":\"fake-secret\"}"))
        .build()));
    String renewedBearer = "Bearer " + renewed.get("access_token").asText();
    assertFalse(renewedBearer.equals(bearer));
    assertEquals(200, get("/custom/page/items", "Authorization", renewedBearer).statusCode());
    List<RequestLog.Entry> log = api.requests(0);
    assertEquals("client_credentials", log.get(log.size() - 2).auth());
    assertEquals("fake-client", log.get(log.size() - 2).principal());
    assertEquals(renewed.get("access_token").asText(), log.get(log.size() - 1).principal());
  }

  @Test
  void nestedResourcesResolveTwoLevelsAndVanishWithTheirParent() throws Exception {
    JsonNode projects = json(get("/none/projects"));
    assertEquals(List.of("proj-1", "proj-2", "proj-3", "proj-4", "proj-5"), ids(projects));
    assertEquals("archived", projects.get("data").get(3).get("status").asText());
    JsonNode issues = json(get("/none/projects/proj-2/issues"));
    assertEquals(List.of("proj-2-issue-1", "proj-2-issue-2", "proj-2-issue-3"), ids(issues));
    assertEquals("proj-2", issues.get("data").get(0).get("projectId").asText());
    JsonNode comments = json(get("/none/projects/proj-2/issues/3/comments"));
    assertEquals(List.of("proj-2-issue-3-comment-1", "proj-2-issue-3-comment-2"), ids(comments));
    assertEquals(404, get("/none/projects/proj-6/issues").statusCode());
    assertEquals(404, get("/none/projects/proj-2/issues/4/comments").statusCode());

    api.remove("proj-2", "proj-3-issue-1");
    assertEquals(List.of("proj-1", "proj-3", "proj-4", "proj-5"), ids(json(get("/none/projects"))));
    assertEquals(404, get("/none/projects/proj-2/issues").statusCode());
    assertEquals(404, get("/none/projects/proj-3/issues/1/comments").statusCode());
    assertEquals(List.of("proj-3-issue-2", "proj-3-issue-3"), ids(json(get("/none/projects/proj-3/issues"))));
  }

  @Test
  void itemsFilterOnStatusFromTheQueryOrAPostedBody() throws Exception {
    JsonNode all = json(get("/none/items"));
    List<String> archived = new ArrayList<>();
    all.get("data").forEach(item -> {
      if (item.get("status").asText().equals("archived")) {
        archived.add(item.get("id").asText());
      }
    });
    assertTrue(archived.size() > 10 && archived.size() < 100, "about a fifth archived: " + archived.size());
    assertEquals(archived, ids(json(get("/none/items?status=archived"))));
    JsonNode posted = json(send(HttpRequest.newBuilder(api.url("/offset/items?limit=5"))
        .POST(HttpRequest.BodyPublishers.ofString("{\"status\":\"archived\"}")).build()));
    assertEquals(archived.subList(0, 5), ids(posted));
    assertEquals(archived.size(), posted.at("/meta/total").asInt());
  }

  @Test
  void removedItemsLeaveEveryPageAndComeBackOnRestore() throws Exception {
    api.remove("item-1", "item-100", "item-101", "item-250");
    List<String> expected = IntStream.rangeClosed(1, 250).filter(i -> i != 1 && i != 100 && i != 101 && i != 250)
        .mapToObj(i -> "item-" + i).toList();
    for (String style : List.of("offset", "page", "cursor", "next_link", "header_link")) {
      assertEquals(expected, walk(style, "/" + style + "/items"), style);
    }
    {
      FakeApi.BadRequest e = assertThrows(FakeApi.BadRequest.class, () -> api.remove("item-251"));
      assertTrue(e.getMessage().contains("item-251"));
    }
    api.restore();
    assertEquals(250, json(get("/none/items")).get("data").size());
  }

  @Test
  void controlRoutesChangeDataAndReadTheRequestLog() throws Exception {
    assertEquals(200, control("POST", "/remove", "{\"ids\":[\"item-3\",\"proj-1\"]}").statusCode());
    assertEquals(204, control("POST", "/version", "{\"version\":2}").statusCode());
    JsonNode items = json(get("/none/items"));
    assertEquals(249, items.get("data").size());
    assertEquals("Item 1 v2", items.get("data").get(0).get("name").asText());
    assertEquals(2, items.get("data").get(0).get("version").asInt());
    HttpResponse<String> unknown = control("POST", "/remove", "{\"ids\":[\"nothing-1\"]}");
    assertEquals(400, unknown.statusCode());
    assertTrue(unknown.body().contains("nothing-1"), unknown.body());

    JsonNode log = json(control("GET", "/requests", null));
    assertEquals(1, log.get("requests").size(), "control calls are not logged");
    JsonNode entry = log.get("requests").get(0);
    assertEquals("GET", entry.get("method").asText());
    assertEquals("/none/items", entry.get("path").asText());
    assertEquals("/items", entry.get("resource").asText());
    assertEquals("none", entry.get("auth").asText());
    assertEquals(200, entry.get("status").asInt());
    long last = log.get("last").asLong();
    get("/projects");
    assertEquals(1, json(control("GET", "/requests?since=" + last, null)).get("requests").size());

    assertEquals(204, control("POST", "/items", "{\"items\":300}").statusCode());
    assertEquals("item-300", ids(json(get("/none/items"))).get(298));

    assertEquals(204, control("POST", "/reset", null).statusCode());
    assertEquals(250, json(get("/none/items")).get("data").size());
    assertEquals("Item 1", json(get("/none/items")).get("data").get(0).get("name").asText());
  }

  @Test
  void faultRulesAnswerRateLimitsAndBurstsThenLetRequestsThrough() throws Exception {
    HttpResponse<String> created = control("POST", "/faults",
        "{\"path\":\"/items\",\"status\":429,\"retryAfter\":2,\"times\":2}");
    assertEquals(201, created.statusCode());
    HttpResponse<String> limited = get("/offset/items");
    assertEquals(429, limited.statusCode());
    assertEquals("2", limited.headers().firstValue("Retry-After").orElseThrow());
    assertEquals(429, get("/bearer/cursor/items").statusCode(), "faults come before auth, whatever the prefix");
    assertEquals(200, get("/offset/items").statusCode());

    api.fault("{\"path\":\"/projects/*/issues\",\"status\":503,\"skip\":1,\"times\":3,"
        + "\"headers\":{\"X-RateLimit-Reset\":\"1\"}}");
    assertEquals(200, get("/projects/proj-1/issues").statusCode());
    for (int i = 0; i < 3; i++) {
      HttpResponse<String> burst = get("/projects/proj-" + (i + 1) + "/issues");
      assertEquals(503, burst.statusCode());
      assertEquals("1", burst.headers().firstValue("X-RateLimit-Reset").orElseThrow());
    }
    assertEquals(200, get("/projects/proj-1/issues").statusCode());
    assertEquals(200, get("/projects").statusCode());

    api.fault("{\"path\":\"/projects\",\"method\":\"GET\"}");
    assertEquals(500, get("/page/projects?page=2").statusCode(), "a failing endpoint fails every page until cleared");
    assertEquals(500, get("/page/projects?page=2").statusCode());
    JsonNode rules = json(control("GET", "/faults", null)).get("faults");
    assertEquals(3, rules.size());
    assertEquals(2, rules.get(0).get("fired").asInt());
    assertEquals(204, control("DELETE", "/faults", null).statusCode());
    assertEquals(200, get("/page/projects?page=2").statusCode());

    HttpResponse<String> bad = control("POST", "/faults", "{\"path\":\"/items\",\"stauts\":500}");
    assertEquals(400, bad.statusCode());
    assertTrue(bad.body().contains("'stauts'"), bad.body());
  }

  @Test
  void aLargeListingStreamsInOnePage() throws Exception {
    try (FakeApi big = FakeApi.start(FakeApiSettings.builder().port(0).items(200_000).build())) {
      HttpResponse<InputStream> response = HTTP.send(HttpRequest.newBuilder(big.url("/none/items")).build(),
          HttpResponse.BodyHandlers.ofInputStream());
      assertEquals(200, response.statusCode());
      assertTrue(response.headers().firstValue("Content-Length").isEmpty(), "streamed, not sized up front");
      long count = 0;
      String lastId = null;
      try (InputStream body = response.body(); JsonParser parser = new JsonFactory().createParser(body)) {
        assertEquals(JsonToken.START_OBJECT, parser.nextToken());
        assertEquals("data", parser.nextFieldName());
        assertEquals(JsonToken.START_ARRAY, parser.nextToken());
        while (parser.nextToken() == JsonToken.START_OBJECT) {
          assertEquals("id", parser.nextFieldName());
          lastId = parser.nextTextValue();
          while (parser.nextToken() != JsonToken.END_OBJECT) {
            parser.skipChildren();
          }
          count++;
        }
      }
      assertEquals(200_000, count);
      assertEquals("item-200000", lastId);
      JsonNode tail = json(send(HttpRequest.newBuilder(big.url("/offset/items?offset=199990&limit=5000")).build()));
      assertEquals(10, tail.get("data").size());
      assertFalse(tail.get("has_more").asBoolean());
    }
  }

  @Test
  void dataAreAFunctionOfTheSeed() throws Exception {
    JsonNode first = json(get("/none/items"));
    try (FakeApi same = FakeApi.start(FakeApiSettings.builder().port(0).items(250).build());
        FakeApi other = FakeApi.start(FakeApiSettings.builder().port(0).items(250).seed(2).build())) {
      assertEquals(first, json(send(HttpRequest.newBuilder(same.url("/none/items")).build())));
      JsonNode different = json(send(HttpRequest.newBuilder(other.url("/none/items")).build()));
      assertEquals(ids(first), ids(different));
      assertFalse(first.equals(different));
    }
  }

  @Test
  void theCommandLineNamesABadOption() {
    FakeApiSettings s = Main.parse(new String[] {"--port", "0", "--items=7", "--auth", "bearer", "--page-param", "p"});
    assertEquals(7, s.items());
    assertEquals("bearer", s.auth());
    assertEquals("p", s.pageParam().orElseThrow());
    assertNull(s.sizeParam().orElse(null));
    assertTrue(assertThrows(IllegalArgumentException.class, () -> Main.parse(new String[] {"--itmes", "3"}))
        .getMessage().contains("--itmes"));
    assertTrue(assertThrows(IllegalArgumentException.class, () -> Main.parse(new String[] {"--items", "many"}))
        .getMessage().contains("--items"));
    assertTrue(assertThrows(IllegalArgumentException.class, () -> Main.parse(new String[] {"--pagination", "scroll"}))
        .getMessage().contains("scroll"));
    assertNotNull(Main.parse(new String[0]));
  }

  private static List<String> ids(JsonNode page) {
    List<String> ids = new ArrayList<>();
    (page.isArray() ? page : page.get("data")).forEach(item -> ids.add(item.get("id").asText()));
    return ids;
  }

  private static HttpResponse<String> get(String path, String... headers) throws Exception {
    HttpRequest.Builder request = HttpRequest.newBuilder(api.url(path));
    for (int i = 0; i < headers.length; i += 2) {
      request.header(headers[i], headers[i + 1]);
    }
    return send(request.build());
  }

  private static HttpResponse<String> control(String method, String route, String body) throws Exception {
    return send(HttpRequest.newBuilder(api.url("/_control" + route))
        .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body))
        .build());
  }

  private static HttpResponse<String> send(HttpRequest request) throws Exception {
    return HTTP.send(request, HttpResponse.BodyHandlers.ofString());
  }

  private static JsonNode json(HttpResponse<String> response) throws IOException {
    assertEquals(200, response.statusCode(), response.body());
    return JSON.readTree(response.body());
  }
}
