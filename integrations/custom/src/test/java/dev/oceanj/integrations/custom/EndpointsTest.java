package dev.oceanj.integrations.custom;

import static dev.oceanj.integrations.custom.ApiServer.ids;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.oceanj.integrations.custom.ApiServer.Answer;
import dev.oceanj.spi.InvalidSettingsException;
import dev.oceanj.spi.testing.ResyncHarness;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Selectors, path parameters, shared requests, concurrency and failures against a loopback API. */
class EndpointsTest {

  final ApiServer api = new ApiServer();

  @AfterEach
  void close() {
    api.close();
  }

  static List<String> sorted(List<JsonNode> items, String... fields) {
    return items.stream().map(i -> java.util.Arrays.stream(fields).map(f -> i.path(f).asText())
        .collect(Collectors.joining(":"))).sorted().toList();
  }

  @Test
  void nestedPathParameterWithFilterReadsASharedParentOnce() {
    // ocean-custom-reference 8.3
    api.route("/api/teams", r -> Answer.json("{\"teams\": [{\"id\": \"t1\", \"name\": \"Core\", \"status\": \"active\"},"
        + " {\"id\": \"t2\", \"name\": \"Old\", \"status\": \"archived\"}, {\"id\": \"t3\", \"name\": \"Web\", \"status\": \"active\"}]}"));
    api.route("/api/teams/t1/members", r -> Answer.json("{\"members\": [{\"login\": \"ann\"}, {\"login\": \"bo\"}]}"));
    api.route("/api/teams/t3/members", r -> Answer.json("{\"members\": [{\"login\": \"cy\"}]}"));
    var items = api.resync("{\"authType\": \"api_key\", \"apiKey\": \"k-1\", \"apiKeyHeader\": \"X-Api-Key\"}", """
        [{"kind": "/api/teams", "selector": {"query": "true", "data_path": ".teams"}},
         {"kind": "/api/teams/{team_id}/members",
          "selector": {"query": "true", "data_path": ".members",
                       "path_parameters": {"team_id": {"endpoint": "/api/teams", "data_path": ".teams", "field": ".id",
                                                       "filter": ".status == \\"active\\""}}}}]""");
    assertEquals(List.of("t1", "t2", "t3"), ids(items.get(0), "id"));
    assertEquals(List.of("ann:t1", "bo:t1", "cy:t3"), sorted(items.get(1), "login", "__team_id"));
    assertEquals(1, api.to("/api/teams").size(), "the shared parent is fetched once");
    assertEquals(0, api.to("/api/teams/t2/members").size());
    assertEquals("k-1", api.to("/api/teams/t3/members").get(0).header("X-Api-Key"));
  }

  @Test
  void everyPlaceholderIsResolvedChainedAndCrossed() {
    api.route("/orgs", r -> Answer.json("[{\"login\": \"o1\"}, {\"login\": \"o2\"}]"));
    api.route("/orgs/o1/repos", r -> Answer.json("[{\"name\": \"a\"}]"));
    api.route("/orgs/o2/repos", r -> Answer.json("[{\"name\": \"b\"}, {\"name\": \"c\"}]"));
    api.route("/envs", r -> Answer.json("{\"envs\": [\"prod\", \"dev\"]}"));
    for (String path : List.of("o1/repos/a", "o2/repos/b", "o2/repos/c")) {
      for (String env : List.of("prod", "dev")) {
        api.route("/orgs/" + path + "/" + env + "/issues", r -> Answer.json("[{\"n\": 1}]"));
      }
    }
    var items = api.resync("{}", """
        [{"kind": "/orgs/{org}/repos/{repo}/{env}/issues",
          "selector": {"query": "true", "path_parameters": {
            "org": {"endpoint": "/orgs", "data_path": ".", "field": ".login"},
            "repo": {"endpoint": "/orgs/{org}/repos", "data_path": ".", "field": ".name"},
            "env": {"endpoint": "/envs", "data_path": ".envs", "field": "."}}}}]""");
    assertEquals(List.of("o1:a:dev", "o1:a:prod", "o2:b:dev", "o2:b:prod", "o2:c:dev", "o2:c:prod"),
        sorted(items.get(0), "__org", "__repo", "__env"));
    assertEquals(1, api.to("/envs").size());
  }

  @Test
  void aPlaceholderWithoutItsParameterOrBadJqFailsTheResyncBeforeAnyRequest() {
    // a resync start hook checks what binding cannot: it fails the resync, naming the field
    var missing = assertThrows(IllegalStateException.class, () -> api.resync("{}",
        "[{\"kind\": \"/a\", \"selector\": {\"query\": \"true\"}},"
            + " {\"kind\": \"/teams/{team}/x\", \"selector\": {\"query\": \"true\"}}]"));
    assertTrue(missing.getMessage().contains("resources[1].selector.path_parameters.team"), missing.getMessage());
    var jq = assertThrows(IllegalStateException.class, () -> api.resync("{}",
        "[{\"kind\": \"/a\", \"selector\": {\"query\": \"true\", \"data_path\": \".data[\"}}]"));
    assertTrue(jq.getMessage().contains("resources[0].selector.data_path"), jq.getMessage());
    var method = assertThrows(InvalidSettingsException.class, () -> api.resync("{}",
        "[{\"kind\": \"/a\", \"selector\": {\"query\": \"true\", \"method\": \"FETCH\"}}]"));
    assertTrue(method.getMessage().contains("resources[0].selector.method"), method.getMessage());
    var field = assertThrows(InvalidSettingsException.class, () -> api.resync("{}",
        "[{\"kind\": \"/t/{id}\", \"selector\": {\"query\": \"true\", \"path_parameters\": {\"id\": {\"endpoint\": \"/t\"}}}}]"));
    assertTrue(field.getMessage().contains("resources[0].selector.path_parameters.id.field"), field.getMessage());
    var unknown = assertThrows(IllegalStateException.class, () -> api.resync("{}",
        "[{\"kind\": \"/t/{id}\", \"selector\": {\"query\": \"true\", \"path_parameters\": {\"id\": "
            + "{\"endpoint\": \"/t\", \"field\": \".id\", \"dataPath\": \".x\"}}}}]"));
    assertTrue(unknown.getMessage().contains("resources[0].selector.path_parameters.id.dataPath"), unknown.getMessage());
    assertTrue(api.received.isEmpty());
  }

  @Test
  void aFailingEndpointFailsItsKindAfterRetriesInsteadOfLookingEmpty() {
    AtomicInteger calls = new AtomicInteger();
    api.route("/flaky", r -> calls.incrementAndGet() <= 2 ? new Answer(503, "", Map.of("Retry-After", "0"))
        : Answer.json("[{\"id\": 1}]"));
    api.route("/broken", r -> new Answer(500, "{}", Map.of()));
    assertEquals(1, api.resync("{}", "[{\"kind\": \"/flaky\", \"selector\": {\"query\": \"true\"}}]").get(0).size());
    assertEquals(3, calls.get());
    var e = assertThrows(ResyncHarness.KindFailedException.class,
        () -> api.resync("{}", "[{\"kind\": \"/broken\", \"selector\": {\"query\": \"true\"}}]"));
    assertTrue(e.getCause().getMessage().contains("GET " + api.baseUrl() + "/broken answered HTTP 500"),
        e.getCause().getMessage());
  }

  @Test
  void aFailingParentFailsTheChildKind() {
    api.route("/teams", r -> new Answer(500, "", Map.of()));
    var e = assertThrows(ResyncHarness.KindFailedException.class, () -> api.resync(
        "{\"maxConcurrentRequests\": \"2\"}",
        "[{\"kind\": \"/teams/{id}/m\", \"selector\": {\"query\": \"true\", \"path_parameters\": {\"id\": "
            + "{\"endpoint\": \"/teams\", \"data_path\": \".\", \"field\": \".id\"}}}}]"));
    assertTrue(e.getCause().getMessage().contains("/teams answered HTTP 500"), e.getCause().getMessage());
  }

  @Test
  void selectorMethodParamsHeadersAndBodyAreSentOnEveryPage() {
    api.route("/search", r -> Answer.json("{\"hits\": [{\"id\": \"" + r.query().get("page") + "\"}], \"hasMore\": "
        + r.query().get("page").equals("1") + "}"));
    var items = api.resync("{\"paginationType\": \"page\", \"pageSize\": \"1\"}", """
        [{"kind": "/search", "selector": {"query": "true", "method": "post", "data_path": ".hits",
          "query_params": {"q": "a b", "tags": ["x", "y"], "active": true, "limit": 5, "none": null},
          "headers": {"Accept": "application/vnd.api+json"}, "body": {"filter": {"state": "open"}}}}]""");
    assertEquals(List.of("1", "2"), ids(items.get(0), "id"));
    for (var r : api.to("/search")) {
      assertEquals("POST", r.method());
      assertEquals("a b", r.query().get("q"));
      assertEquals("true", r.query().get("active"));
      assertEquals("5", r.query().get("limit"));
      assertEquals("", r.query().get("none"));
      assertEquals("application/vnd.api+json", r.header("Accept"));
      assertEquals("{\"filter\":{\"state\":\"open\"}}", r.body());
    }
  }

  @Test
  void dataPathMayBeAnyJqAndTakesEveryOutput() {
    api.route("/x", r -> Answer.json("{\"data\": [{\"id\": 1, \"ok\": true}, {\"id\": 2, \"ok\": false}, {\"id\": 3, \"ok\": true}],"
        + " \"single\": {\"id\": 9}}"));
    var items = api.resync("{}", """
        [{"kind": "/x", "selector": {"query": "true", "data_path": ".data | map(select(.ok))"}},
         {"kind": "/x", "selector": {"query": "true", "data_path": ".data[]"}},
         {"kind": "/x", "selector": {"query": "true", "data_path": ".single"}},
         {"kind": "/x", "selector": {"query": "true", "data_path": ".missing"}},
         {"kind": "/x", "selector": {"query": "true"}}]""");
    assertEquals(List.of("1", "3"), ids(items.get(0), "id"));
    assertEquals(List.of("1", "2", "3"), ids(items.get(1), "id"));
    assertEquals(List.of("9"), ids(items.get(2), "id"));
    assertEquals(List.of(), items.get(3));
    assertEquals(1, items.get(4).size(), "an object page without data_path is one item, as in Ocean");
  }

  @Test
  void endpointsOfAKindRunConcurrentlyUpToMaxConcurrentRequests() throws Exception {
    AtomicInteger inFlight = new AtomicInteger();
    AtomicInteger peak = new AtomicInteger();
    CompletableFuture<Void> release = new CompletableFuture<>();
    api.route("/parents", r -> Answer.json(IntStream.range(0, 8).mapToObj(i -> "{\"id\": " + i + "}")
        .collect(Collectors.joining(",", "[", "]"))));
    for (int i = 0; i < 8; i++) {
      api.route("/parents/" + i + "/kids", r -> {
        peak.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
        release.get(20, TimeUnit.SECONDS);
        inFlight.decrementAndGet();
        return Answer.json("[{\"kid\": 1}]");
      });
    }
    var run = CompletableFuture.supplyAsync(() -> api.resync("{\"maxConcurrentRequests\": \"3\"}",
        "[{\"kind\": \"/parents/{p}/kids\", \"selector\": {\"query\": \"true\", \"path_parameters\": {\"p\": "
            + "{\"endpoint\": \"/parents\", \"data_path\": \".\", \"field\": \".id\"}}}}]"));
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (inFlight.get() < 3 && System.nanoTime() < deadline) {
      Thread.onSpinWait();
    }
    assertEquals(3, inFlight.get());
    release.complete(null);
    var items = run.get(30, TimeUnit.SECONDS);
    assertEquals(8, items.get(0).size());
    assertEquals(3, peak.get());
    assertEquals(List.of("0", "1", "2", "3", "4", "5", "6", "7"),
        items.get(0).stream().map(i -> i.path("__p").asText()).sorted(Comparator.naturalOrder()).toList());
  }
}
