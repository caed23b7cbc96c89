package dev.oceanj.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import dev.oceanj.core.config.IntegrationSpec;
import dev.oceanj.core.config.OceanSettings;
import dev.oceanj.core.config.SettingsLoader;
import dev.oceanj.emulator.PortEmulator;
import dev.oceanj.emulator.net.PrivateCa;
import dev.oceanj.integrations.custom.fakeapi.FakeApi;
import dev.oceanj.integrations.custom.fakeapi.FakeApiSettings;
import dev.oceanj.integrations.custom.fakeapi.RequestLog;
import dev.oceanj.testsupport.TestPort;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@code custom} integration end to end, as a user runs it: {@link OceanRuntime} in ONCE mode configured only by
 * Ocean's {@code OCEAN__INTEGRATION__CONFIG__*} keys, the mapping of {@code examples/custom}, the fake REST API and
 * the Port emulator on loopback. The fake API serves 60 items, 5 projects (proj-4 archived) with 3 issues each; its
 * path picks the auth and pagination style, and it logs every request with the credentials presented.
 */
class CustomEndToEndTest {

  static final ObjectMapper JSON = new ObjectMapper();
  static final HttpClient HTTP = HttpClient.newHttpClient();
  static final Path EXAMPLE = Path.of("..", "examples", "custom", ".port", "resources");
  static final String ID = "my-custom-integration";

  static FakeApi api;
  static PortEmulator port;
  @TempDir Path dataDir;
  @TempDir Path scratch;
  final List<String> printed = new CopyOnWriteArrayList<>();

  @BeforeAll
  static void startServers() throws IOException {
    api = FakeApi.start(FakeApiSettings.builder().port(0).items(60).defaultPageSize(7).build());
    port = TestPort.start("test-id", "test-secret");
  }

  @AfterAll
  static void stopServers() {
    api.close();
    port.close();
  }

  @BeforeEach
  void reset() {
    api.reset();
    port.reset();
  }

  @AfterEach
  void printOnFailure() {
    // The summary goes to the test's output file, which surefire keeps next to a failing test's report.
    printed.forEach(System.out::println);
  }

  /** Runs one resync (ONCE) with these integration settings and returns the exit code. */
  int resync(String basePath, Map<String, String> config, Path resources) throws Exception {
    return resync(basePath, config, resources, Map.of());
  }

  int resync(String basePath, Map<String, String> config, Path resources, Map<String, String> moreEnv)
      throws Exception {
    Map<String, String> env = new HashMap<>(moreEnv);
    env.put("OCEAN__INTEGRATION__TYPE", "custom");
    env.put("OCEAN__INTEGRATION__IDENTIFIER", ID);
    env.put("OCEAN__EVENT_LISTENER__TYPE", "ONCE");
    env.putAll(TestPort.env(port));
    env.put("OCEAN__HTTP__PORT", "0");
    env.put("OCEAN__DATA_DIR", dataDir.toString());
    env.put("OCEAN__RESOURCES_PATH", resources.toString());
    env.put("OCEAN__INTEGRATION__CONFIG__BASE_URL", api.baseUri() + basePath);
    config.forEach((key, value) -> env.put("OCEAN__INTEGRATION__CONFIG__" + key, value));
    IntegrationSpec spec = IntegrationSpec.forType(getClass().getClassLoader(), "custom").orElseThrow();
    OceanSettings settings = SettingsLoader.create().environment(env).systemProperties(new Properties()).spec(spec)
        .load();
    OceanRuntime runtime = OceanRuntime.start(settings, printed::add);
    try {
      return runtime.exitCode().toCompletableFuture().get(90, TimeUnit.SECONDS);
    } finally {
      runtime.close();
    }
  }

  int resync(String basePath, Map<String, String> config) throws Exception {
    return resync(basePath, config, EXAMPLE);
  }

  static Map<String, String> bearerOffset() {
    return Map.of("AUTH_TYPE", "bearer_token", "API_TOKEN", "fake-token", "PAGINATION_TYPE", "offset",
        "PAGINATION_PARAM", "offset", "SIZE_PARAM", "limit", "PAGE_SIZE", "7");
  }

  /** The example's mapping for an API whose pages are bare arrays (no {"data": …} wrapper). */
  Path bareArrayMapping() throws IOException {
    Path dir = Files.createDirectories(scratch.resolve(".port").resolve("resources"));
    Files.copy(EXAMPLE.resolve("blueprints.json"), dir.resolve("blueprints.json"));
    String mapping = Files.readString(EXAMPLE.resolve("port-app-config.yml")).replace("data_path: .data", "data_path: .");
    Files.writeString(dir.resolve("port-app-config.yml"), mapping);
    return dir;
  }

  /** Identifiers of the blueprint's entities in Port. */
  static Set<String> catalog(String blueprint) {
    return port.entities(blueprint).stream().map(e -> e.path("identifier").asText())
        .collect(Collectors.toCollection(TreeSet::new));
  }

  /** The ids of the fake API's active items now (the example's selector keeps those). */
  static Set<String> activeItems() throws Exception {
    long before = api.lastRequest();
    HttpResponse<String> all = HTTP.send(HttpRequest.newBuilder(api.url("/open/none/items")).build(),
        HttpResponse.BodyHandlers.ofString());
    Set<String> ids = new TreeSet<>();
    JSON.readTree(all.body()).get("data").forEach(item -> {
      if (item.get("status").asText().equals("active")) {
        ids.add(item.get("id").asText());
      }
    });
    assertEquals(before + 1, api.lastRequest());
    return ids;
  }

  static Set<String> issuesOf(int... projects) {
    Set<String> ids = new TreeSet<>();
    for (int p : projects) {
      for (int i = 1; i <= 3; i++) {
        ids.add("proj-" + p + "-issue-" + i);
      }
    }
    return ids;
  }

  static Set<String> projects(int... numbers) {
    Set<String> ids = new TreeSet<>();
    for (int p : numbers) {
      ids.add("proj-" + p);
    }
    return ids;
  }

  /** The requests of this resync to a resource (auth and pagination segments stripped). */
  static List<RequestLog.Entry> requestsTo(long since, String resource) {
    List<RequestLog.Entry> result = new ArrayList<>();
    api.requests(since).stream().filter(e -> resource.equals(e.resource())).forEach(result::add);
    return result;
  }

  String summary() {
    return String.join("\n", printed);
  }

  @Test
  void bearerAuthAndOffsetPagesGiveTheExactCatalogWithNestedIssuesRelatedToTheirProject() throws Exception {
    Set<String> active = activeItems();
    assertTrue(active.size() > 30 && active.size() < 60, "most items are active: " + active.size());
    long since = api.lastRequest();

    assertEquals(0, resync("/bearer/offset", bearerOffset()), summary());

    assertEquals(active, catalog("fakeItem"));
    assertEquals(projects(1, 2, 3, 4, 5), catalog("fakeProject"));
    assertEquals(issuesOf(1, 2, 3, 5), catalog("fakeIssue"), "issues of the active projects only");
    JsonNode issue = port.entity("fakeIssue", "proj-2-issue-3").orElseThrow();
    assertEquals("proj-2", issue.path("relations").path("project").asText());
    assertEquals("Issue 3 of proj-2", issue.path("title").asText());
    JsonNode item = port.entity("fakeItem", active.iterator().next()).orElseThrow();
    assertTrue(item.path("properties").path("owner").asText().startsWith("user-"), item.toString());
    assertTrue(summary().contains("COMPLETED"), summary());

    List<RequestLog.Entry> items = requestsTo(since, "/items");
    assertEquals(9, items.size(), "60 items in pages of 7: " + items);
    assertEquals("offset=56&limit=7", items.get(8).query());
    assertEquals(1, requestsTo(since, "/projects").size(),
        "/projects is both a kind and the issues' parent: fetched once per resync");
    assertEquals(4, api.requests(since).stream().filter(e -> e.resource().endsWith("/issues")).count());
    assertTrue(api.requests(since).stream().allMatch(e -> e.auth().equals("bearer")
        && e.principal().equals("configured-token") && e.status() == 200), api.requests(since).toString());
  }

  @Test
  void aResyncAfterItemsDisappearDeletesThemAndTheIssuesOfARemovedProject() throws Exception {
    Set<String> active = activeItems();
    assertEquals(0, resync("/bearer/offset", bearerOffset()), summary());
    assertEquals(active, catalog("fakeItem"));
    assertEquals(issuesOf(1, 2, 3, 5), catalog("fakeIssue"));

    List<String> gone = List.copyOf(active).subList(0, 3);
    List<String> removed = new ArrayList<>(gone);
    removed.add("proj-2");
    api.remove(removed.toArray(String[]::new));
    printed.clear();
    assertEquals(0, resync("/bearer/offset", bearerOffset()), summary());

    Set<String> remaining = new TreeSet<>(active);
    gone.forEach(remaining::remove);
    assertEquals(remaining, catalog("fakeItem"));
    assertEquals(projects(1, 3, 4, 5), catalog("fakeProject"));
    assertEquals(issuesOf(1, 3, 5), catalog("fakeIssue"));
  }

  @Test
  void aFailingEndpointFailsTheResyncAndDeletesNothing() throws Exception {
    Set<String> active = activeItems();
    assertEquals(0, resync("/bearer/offset", bearerOffset()), summary());
    assertEquals(active, catalog("fakeItem"));

    api.remove(active.iterator().next(), "proj-1");
    api.fault("{\"path\":\"/items\",\"status\":500,\"skip\":2}");
    long since = api.lastRequest();
    printed.clear();
    // A kind that fails is not restarted here (the default restarts it with backoff: the same outcome, later).
    assertEquals(1, resync("/bearer/offset", bearerOffset(), EXAMPLE,
        Map.of("OCEAN__RESYNC__KIND_RESTART__MAX_RESTARTS", "0")), summary());

    assertTrue(summary().contains("FAILED"), summary());
    assertTrue(requestsTo(since, "/items").stream().anyMatch(e -> e.status() == 500), "the fault fired");
    assertEquals(active, catalog("fakeItem"), "nothing deleted after a failed fetch");
    assertEquals(projects(1, 2, 3, 4, 5), catalog("fakeProject"), "nor in the kinds that completed");
    assertEquals(issuesOf(1, 2, 3, 5), catalog("fakeIssue"));
    assertEquals("failed", port.integration(ID).orElseThrow().path("resyncState").path("status").asText());
  }

  @Test
  void noAuthAndNoPaginationFetchEachListingWhole() throws Exception {
    Set<String> active = activeItems();
    long since = api.lastRequest();
    assertEquals(0, resync("/open/none", Map.of("AUTH_TYPE", "none", "PAGINATION_TYPE", "none")), summary());
    assertEquals(active, catalog("fakeItem"));
    assertEquals(issuesOf(1, 2, 3, 5), catalog("fakeIssue"));
    List<RequestLog.Entry> items = requestsTo(since, "/items");
    assertEquals(1, items.size(), items.toString());
    assertNull(items.get(0).query(), "no paging parameters");
    assertTrue(api.requests(since).stream().allMatch(e -> e.auth().equals("none") && e.status() == 200),
        api.requests(since).toString());
  }

  @Test
  void basicAuthWithCursorPagesThroughABurstOf503s() throws Exception {
    Set<String> active = activeItems();
    api.fault("{\"path\":\"/projects/*/issues\",\"status\":503,\"times\":2}");
    long since = api.lastRequest();
    assertEquals(0, resync("/basic/cursor", Map.of("AUTH_TYPE", "basic", "USERNAME", "fake-user",
        "PASSWORD", "fake-password", "PAGINATION_TYPE", "cursor", "PAGINATION_PARAM", "cursor",
        "SIZE_PARAM", "limit", "PAGE_SIZE", "25")), summary());
    assertEquals(active, catalog("fakeItem"));
    assertEquals(issuesOf(1, 2, 3, 5), catalog("fakeIssue"));
    List<RequestLog.Entry> items = requestsTo(since, "/items");
    assertEquals(3, items.size(), items.toString());
    assertEquals("limit=25", items.get(0).query());
    assertTrue(items.get(2).query().contains("cursor="), items.toString());
    assertEquals(2, api.requests(since).stream().filter(e -> e.status() == 503).count(), "the burst was answered");
    assertTrue(api.requests(since).stream().allMatch(e -> e.auth().equals("basic")
        && e.principal().equals("fake-user") && (e.status() == 200 || e.status() == 503)),
        api.requests(since).toString());
  }

  @Test
  void apiKeyAuthWithNextLinksAndTheDefaultParameterNamesOfPagePagination() throws Exception {
    Set<String> active = activeItems();
    long since = api.lastRequest();
    assertEquals(0, resync("/apikey/next_link", Map.of("AUTH_TYPE", "api_key", "API_KEY", "fake-api-key",
        "PAGINATION_TYPE", "next_link")), summary());
    assertEquals(active, catalog("fakeItem"));
    List<RequestLog.Entry> items = requestsTo(since, "/items");
    assertEquals(9, items.size(), "the API's default pages of 7: " + items);
    assertTrue(api.requests(since).stream().allMatch(e -> e.auth().equals("apikey") && e.status() == 200),
        api.requests(since).toString());

    port.reset();
    since = api.lastRequest();
    printed.clear();
    assertEquals(0, resync("/apikey/page", Map.of("AUTH_TYPE", "api_key", "API_KEY", "fake-api-key",
        "PAGINATION_TYPE", "page", "PAGE_SIZE", "20")), summary());
    assertEquals(active, catalog("fakeItem"));
    List<RequestLog.Entry> pages = requestsTo(since, "/items");
    assertEquals(List.of("page=1&size=20", "page=2&size=20", "page=3&size=20"),
        pages.stream().map(RequestLog.Entry::query).toList(), "Ocean's intended defaults, not 'None'");
  }

  @Test
  void customTokenAuthWithLinkHeadersRateLimitsRetriedAndANewTokenOn401() throws Exception {
    Set<String> active = activeItems();
    api.fault("{\"path\":\"/items\",\"status\":429,\"retryAfter\":1,\"skip\":1,\"times\":2}");
    api.fault("{\"path\":\"/items\",\"status\":401,\"skip\":3,\"times\":1}");
    long since = api.lastRequest();
    assertEquals(0, resync("/custom/header_link", Map.of("AUTH_TYPE", "custom",
        "CUSTOM_AUTH_REQUEST", "{\"endpoint\":\"oauth/token\",\"method\":\"POST\","
            + "\"bodyForm\":\"grant_type=client_credentials&client_id=fake-client&client_secret=fake-secret\","
            + "\"reauthenticateIntervalSeconds\":3600}",
        "CUSTOM_AUTH_REQUEST_TEMPLATE", "{\"headers\":{\"Authorization\":\"Bearer {{.access_token}}\"}}",
        "PAGINATION_TYPE", "header_link"), bareArrayMapping()), summary());

    assertEquals(active, catalog("fakeItem"));
    assertEquals(issuesOf(1, 2, 3, 5), catalog("fakeIssue"));
    List<RequestLog.Entry> items = requestsTo(since, "/items");
    assertEquals(2, items.stream().filter(e -> e.status() == 429).count(), items.toString());
    assertEquals(1, items.stream().filter(e -> e.status() == 401).count(), items.toString());
    assertEquals(9, items.stream().filter(e -> e.status() == 200).count(), items.toString());
    List<RequestLog.Entry> tokens = requestsTo(since, "/oauth/token");
    assertTrue(tokens.stream().allMatch(e -> e.status() == 200), tokens.toString());
    assertEquals(2, tokens.size(), "one token at the start, a new one after the 401: " + tokens);
    RequestLog.Entry refused = items.stream().filter(e -> e.status() == 401).findFirst().orElseThrow();
    RequestLog.Entry resent = items.get(items.indexOf(refused) + 1);
    assertEquals(refused.query(), resent.query(), "the refused page is sent again");
    assertTrue(!resent.principal().equals(refused.principal()), "with the new token: " + items);
    assertTrue(api.requests(since).stream().filter(e -> !e.resource().equals("/oauth/token"))
        .allMatch(e -> e.auth().equals("bearer") && e.principal().startsWith("at-")), api.requests(since).toString());
  }

  @Test
  void verifySslFalseReadsAnApiWhoseCertificateIsNotTrustedWhichIsRefusedOtherwise() throws Exception {
    Set<String> active = activeItems();
    // The fake API behind an HTTPS front whose certificate comes from a CA nobody trusts.
    PrivateCa ca = PrivateCa.create(scratch.resolve("tls"));
    HttpsServer front = HttpsServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    front.setHttpsConfigurator(new HttpsConfigurator(ca.serverContext()));
    front.createContext("/", exchange -> {
      try (exchange) {
        HttpResponse<byte[]> r = HTTP.send(HttpRequest.newBuilder(api.url(exchange.getRequestURI().toString()))
            .headers(exchange.getRequestHeaders().entrySet().stream()
                .filter(h -> h.getKey().equalsIgnoreCase("Authorization"))
                .flatMap(h -> java.util.stream.Stream.of(h.getKey(), h.getValue().get(0))).toArray(String[]::new))
            .build(), HttpResponse.BodyHandlers.ofByteArray());
        exchange.getResponseHeaders().add("Content-Type", "application/json");
        exchange.sendResponseHeaders(r.statusCode(), r.body().length == 0 ? -1 : r.body().length);
        exchange.getResponseBody().write(r.body());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    });
    front.start();
    try {
      Map<String, String> config = new HashMap<>(bearerOffset());
      config.put("BASE_URL", "https://127.0.0.1:" + front.getAddress().getPort() + "/bearer/offset");
      assertEquals(1, resync("/bearer/offset", config, EXAMPLE, Map.of("OCEAN__RESYNC__KIND_RESTART__MAX_RESTARTS",
          "0")), "refused while verified: " + summary());
      assertTrue(catalog("fakeItem").isEmpty());
      assertTrue(summary().contains("kind failed: /items") && summary().contains("PKIX path building failed"),
          summary());

      printed.clear();
      config.put("VERIFY_SSL", "false");
      assertEquals(0, resync("/bearer/offset", config), summary());
      assertEquals(active, catalog("fakeItem"));
      assertEquals(issuesOf(1, 2, 3, 5), catalog("fakeIssue"));
    } finally {
      front.stop(0);
    }
  }
}
