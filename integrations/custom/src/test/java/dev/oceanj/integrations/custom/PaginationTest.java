package dev.oceanj.integrations.custom;

import static dev.oceanj.integrations.custom.ApiServer.ids;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.oceanj.integrations.custom.ApiServer.Answer;
import dev.oceanj.spi.testing.ResyncHarness;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Every pagination type against a loopback API, with Ocean's parameters and oceanj's stop rules. */
class PaginationTest {

  final ApiServer api = new ApiServer();

  @AfterEach
  void close() {
    api.close();
  }

  /** Items {@code from..to-1} as {@code {"id": "u<n>"}} objects. */
  static String users(int from, int to) {
    return IntStream.range(from, to).mapToObj(i -> "{\"id\": \"u" + i + "\"}").collect(Collectors.joining(",", "[", "]"));
  }

  static int number(ApiServer.Received r, String param) {
    return Integer.parseInt(r.query().get(param));
  }

  @Test
  void noneFetchesOnePage() {
    api.route("/v1/users", r -> Answer.json("{\"data\": " + users(0, 3) + ", \"has_more\": true}"));
    var items = api.resync("{}", "[{\"kind\": \"/v1/users\", \"selector\": {\"query\": \"true\", \"data_path\": \".data\"}}]");
    assertEquals(List.of("u0", "u1", "u2"), ids(items.get(0), "id"));
    assertEquals(1, api.received.size());
  }

  @Test
  void offsetFollowsHasMoreAsInOceansExample() {
    // ocean-custom-reference 8.1
    api.route("/v1/users", r -> number(r, "offset") == 0
        ? Answer.json("{\"data\": [{\"id\": \"u1\", \"active\": true}, {\"id\": \"u2\", \"active\": false}], \"meta\": {\"has_more\": true}}")
        : Answer.json("{\"data\": [{\"id\": \"u3\", \"active\": true}], \"meta\": {\"has_more\": false}}"));
    var items = api.resync("{\"paginationType\": \"offset\", \"pageSize\": \"2\", \"paginationParam\": \"offset\","
        + " \"sizeParam\": \"limit\", \"hasMorePath\": \"meta.has_more\"}",
        "[{\"kind\": \"/v1/users\", \"selector\": {\"query\": \"true\", \"query_params\": {\"department\": \"eng\"},"
            + " \"data_path\": \".data\"}}]");
    assertEquals(List.of("u1", "u2", "u3"), ids(items.get(0), "id"));
    assertEquals(List.of(Map.of("department", "eng", "offset", "0", "limit", "2"),
        Map.of("department", "eng", "offset", "2", "limit", "2")), api.received.stream().map(ApiServer.Received::query).toList());
  }

  @Test
  void offsetWithoutFlagsStopsOnAShortPageWhereOceanLoopsForever() {
    api.route("/v1/users", r -> Answer.json("{\"data\": " + users(number(r, "offset"), Math.min(5, number(r, "offset") + 2)) + "}"));
    var items = api.resync("{\"paginationType\": \"offset\", \"pageSize\": \"2\"}",
        "[{\"kind\": \"/v1/users\", \"selector\": {\"query\": \"true\", \"data_path\": \".data\"}}]");
    assertEquals(List.of("u0", "u1", "u2", "u3", "u4"), ids(items.get(0), "id"));
    assertEquals(3, api.received.size());
    // unset names take the intended defaults, not Ocean's "None"
    assertEquals(Map.of("offset", "4", "limit", "2"), api.received.get(2).query());
  }

  @Test
  void pageStopsOnTheLastPageFlagFromStartPageZero() {
    // ocean-custom-reference 8.2 (Spring style)
    api.route("/api/projects", r -> Answer.json("{\"data\": {\"content\": [{\"code\": \"P" + r.query().get("page")
        + "\"}], \"last\": " + r.query().get("page").equals("1") + "}}"));
    var items = api.resync("{\"paginationType\": \"page\", \"paginationParam\": \"page\", \"sizeParam\": \"size\","
        + " \"startPage\": \"0\", \"pageSize\": \"50\", \"lastPagePath\": \"data.last\"}",
        "[{\"kind\": \"/api/projects\", \"selector\": {\"query\": \"true\", \"method\": \"POST\","
            + " \"body\": {\"archived\": false}, \"data_path\": \".data.content\"}}]");
    assertEquals(List.of("P0", "P1"), ids(items.get(0), "code"));
    assertEquals(List.of(Map.of("page", "0", "size", "50"), Map.of("page", "1", "size", "50")),
        api.received.stream().map(ApiServer.Received::query).toList());
    assertEquals("POST", api.received.get(1).method());
    assertEquals("{\"archived\":false}", api.received.get(1).body());
    assertEquals("application/json", api.received.get(1).header("Content-Type"));
  }

  @Test
  void pageOfATopLevelArrayStopsOnAShortPageWithDefaultParameterNames() {
    api.route("/items", r -> Answer.json(number(r, "page") < 3 ? users(0, 2) : users(0, 1)));
    var items = api.resync("{\"paginationType\": \"page\", \"pageSize\": \"2\"}",
        "[{\"kind\": \"/items\", \"selector\": {\"query\": \"true\"}}]");
    assertEquals(5, items.get(0).size());
    assertEquals(Map.of("page", "3", "size", "2"), api.received.get(2).query());
  }

  @Test
  void cursorContinuesWhileACursorComesBackEvenWithoutAHasMoreFlag() {
    api.route("/conversations", r -> {
      String cursor = r.query().getOrDefault("cursor", "");
      return switch (cursor) {
        case "" -> Answer.json("{\"channels\": " + users(0, 2) + ", \"response_metadata\": {\"next_cursor\": \"c2\"}}");
        case "c2" -> Answer.json("{\"channels\": " + users(2, 4) + ", \"response_metadata\": {\"next_cursor\": \"c3\"}}");
        default -> Answer.json("{\"channels\": " + users(4, 5) + ", \"response_metadata\": {\"next_cursor\": \"\"}}");
      };
    });
    var items = api.resync("{\"paginationType\": \"cursor\", \"pageSize\": \"2\", \"cursorPath\": \"response_metadata.next_cursor\"}",
        "[{\"kind\": \"/conversations\", \"selector\": {\"query\": \"true\", \"data_path\": \".channels\"}}]");
    assertEquals(List.of("u0", "u1", "u2", "u3", "u4"), ids(items.get(0), "id"));
    assertEquals(Map.of("limit", "2"), api.received.get(0).query());
    assertEquals(Map.of("limit", "2", "cursor", "c3"), api.received.get(2).query());
  }

  @Test
  void cursorStopsOnAHasMoreFlagAndOnARepeatedCursor() {
    api.route("/a", r -> Answer.json("{\"data\": " + users(0, 1) + ", \"next_cursor\": \"x\", \"has_more\": false}"));
    api.route("/b", r -> Answer.json("{\"data\": " + users(0, 1) + ", \"next_cursor\": \"same\"}"));
    var items = api.resync("{\"paginationType\": \"cursor\"}",
        "[{\"kind\": \"/a\", \"selector\": {\"query\": \"true\", \"data_path\": \".data\"}},"
            + " {\"kind\": \"/b\", \"selector\": {\"query\": \"true\", \"data_path\": \".data\"}}]");
    assertEquals(1, items.get(0).size());
    assertEquals(2, items.get(1).size());
    assertEquals(1, api.to("/a").size());
    assertEquals(2, api.to("/b").size());
  }

  @Test
  void nextLinkFollowsTheLinkVerbatimAndResolvesRelativeOnes() {
    api.route("/odata/users", r -> r.query().containsKey("skip")
        ? Answer.json("{\"value\": " + users(2, 3) + "}")
        : Answer.json("{\"value\": " + users(0, 2) + ", \"@odata.nextLink\": \"" + api.baseUrl()
            + "/odata/users?skip=2&$top=2\"}"));
    api.route("/rel", r -> r.query().containsKey("p")
        ? Answer.json("{\"items\": " + users(1, 2) + ", \"links\": {\"next\": null}}")
        : Answer.json("{\"items\": " + users(0, 1) + ", \"links\": {\"next\": \"/rel?p=2\"}}"));
    var odata = api.resync("{\"paginationType\": \"next_link\"}",
        "[{\"kind\": \"/odata/users\", \"selector\": {\"query\": \"true\", \"query_params\": {\"$top\": 2}, \"data_path\": \".value\"}}]");
    assertEquals(List.of("u0", "u1", "u2"), ids(odata.get(0), "id"));
    assertEquals(Map.of("skip", "2", "$top", "2"), api.to("/odata/users").get(1).query());
    var relative = api.resync("{\"paginationType\": \"next_link\", \"nextLinkPath\": \"links.next\"}",
        "[{\"kind\": \"/rel\", \"selector\": {\"query\": \"true\", \"data_path\": \".items\"}}]");
    assertEquals(List.of("u0", "u1"), ids(relative.get(0), "id"));
  }

  @Test
  void headerLinkFollowsTheRelOfTheLinkHeader() {
    api.route("/repos", r -> {
      int page = Integer.parseInt(r.query().getOrDefault("page", "1"));
      String link = page < 3 ? "<" + api.baseUrl() + "/repos?page=" + (page + 1) + ">; rel=\"next\", <"
          + api.baseUrl() + "/repos?page=3>; rel=\"last\"" : "<" + api.baseUrl() + "/repos?page=1>; rel=\"first\"";
      return new Answer(200, users(page * 10, page * 10 + 2), Map.of("Link", link));
    });
    var items = api.resync("{\"paginationType\": \"header_link\"}",
        "[{\"kind\": \"/repos\", \"selector\": {\"query\": \"true\"}}]");
    assertEquals(List.of("u10", "u11", "u20", "u21", "u30", "u31"), ids(items.get(0), "id"));
    assertEquals(3, api.received.size());
  }

  @Test
  void anEndpointWithMorePagesThanMaxPagesFailsItsKind() {
    api.route("/endless", r -> Answer.json("{\"data\": " + users(0, 2) + ", \"has_more\": true}"));
    var e = assertThrows(ResyncHarness.KindFailedException.class, () -> api.resync(
        "{\"paginationType\": \"offset\", \"pageSize\": \"2\", \"maxPages\": 5}",
        "[{\"kind\": \"/endless\", \"selector\": {\"query\": \"true\", \"data_path\": \".data\"}}]"));
    assertTrue(e.getMessage().contains("maxPages = 5") || e.getCause().getMessage().contains("maxPages = 5"),
        e.toString());
    assertEquals(5, api.received.size());
  }

}
