package dev.oceanj.spi.host;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.oceanj.spi.Integration;
import dev.oceanj.spi.IntegrationDefinition;
import dev.oceanj.spi.InvalidSettingsException;
import dev.oceanj.spi.Resync;
import dev.oceanj.spi.ResyncSource;
import java.net.http.HttpClient;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class ResyncScopeTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  record TeamSelector(String team, @JsonProperty("page_size") Integer pageSize) {
    TeamSelector {
      if (team == null) {
        throw new InvalidSettingsException("team", "team is required", null);
      }
      pageSize = pageSize == null ? 10 : pageSize;
    }
  }

  record PathSelector(String method) {
    PathSelector {
      method = method == null ? "GET" : method;
    }
  }

  /** Serves "member" with a typed selector, any other kind as an endpoint, and counts hook runs. */
  static final class Selecting implements Integration {
    final List<String> events = new ArrayList<>();
    final AtomicInteger computed = new AtomicInteger();
    boolean failStart;

    @Override
    public String type() {
      return "selecting";
    }

    @Override
    public void define(IntegrationDefinition ocean) {
      ocean.kind("member").resync(TeamSelector.class,
          r -> ResyncSource.single(() -> CompletableFuture.completedFuture(
              List.of(Map.of("team", r.selector().team(), "size", r.selector().pageSize(), "index", r.index())))));
      ocean.anyKind().resync(PathSelector.class, r -> ResyncSource.single(() -> r.resync().cache()
          .computeIfAbsent("parent", () -> CompletableFuture.completedFuture(computed.incrementAndGet()))
          .thenApply(n -> List.of(Map.of("kind", r.kind(), "method", r.selector().method(), "computed", n)))));
      ocean.onResyncStart(resync -> {
        events.add("start " + resync.id() + " " + resync.resources().size());
        if (failStart) {
          throw new IllegalStateException("credentials refused");
        }
      });
      ocean.onResyncComplete(resync -> events.add("complete " + resync.id()));
    }
  }

  private static DefinedIntegration define(Integration integration) {
    return DefinedIntegration.define(integration, null, HttpClient.newHttpClient());
  }

  private static Resync.MappedResource resource(int index, String kind, String selector) throws Exception {
    return new Resync.MappedResource(index, kind, (ObjectNode) JSON.readTree(selector));
  }

  private static Object only(ResyncSource<?> source) throws Exception {
    return ((ResyncSource.Single<?>) source).fetch().get().toCompletableFuture().get().get(0);
  }

  @Test
  void eachResourceOfAKindGetsItsOwnBoundSelector() throws Exception {
    var defined = define(new Selecting());
    var scope = ResyncScope.open(defined.sources(), "r1", List.of(
        resource(0, "member", "{\"query\": \"true\", \"team\": \"core\"}"),
        resource(1, "member", "{\"query\": \"true\", \"team\": \"web\", \"page_size\": 5}")));
    assertEquals(Map.of("team", "core", "size", 10, "index", 0), only(scope.source(0).orElseThrow()));
    assertEquals(Map.of("team", "web", "size", 5, "index", 1), only(scope.source(1).orElseThrow()));
  }

  @Test
  void aBadSelectorIsRejectedNamingItsResourceAndField() throws Exception {
    var defined = define(new Selecting());
    var wrongType = assertThrows(InvalidSettingsException.class, () -> ResyncScope.open(defined.sources(), "r1",
        List.of(resource(0, "member", "{\"team\": \"a\"}"),
            resource(1, "member", "{\"team\": \"b\", \"page_size\": \"many\"}"))));
    assertTrue(wrongType.getMessage().contains("resources[1].selector.page_size"), wrongType.getMessage());
    var missing = assertThrows(InvalidSettingsException.class, () -> ResyncScope.open(defined.sources(), "r1",
        List.of(resource(0, "member", "{\"query\": \"true\"}"))));
    assertTrue(missing.getMessage().contains("resources[0].selector.team"), missing.getMessage());
  }

  @Test
  void undeclaredKindsAreServedByAnyKindWithTheirSelectorType() throws Exception {
    var defined = define(new Selecting());
    assertEquals(TeamSelector.class, defined.selectorType("member").orElseThrow());
    assertEquals(PathSelector.class, defined.selectorType("/api/teams").orElseThrow());
    assertTrue(defined.servesAnyKind());
    var scope = ResyncScope.open(defined.sources(), "r1", List.of(resource(0, "/api/teams", "{\"method\": \"POST\"}")));
    assertEquals(Map.of("kind", "/api/teams", "method", "POST", "computed", 1), only(scope.source(0).orElseThrow()));
  }

  @Test
  void theCacheComputesOncePerResyncAndIsEmptiedAtTheEnd() throws Exception {
    var integration = new Selecting();
    var defined = define(integration);
    var first = ResyncScope.open(defined.sources(), "r1", List.of(resource(0, "/a", "{}"), resource(1, "/b", "{}")));
    first.start();
    assertEquals(1, ((Map<?, ?>) only(first.source(0).orElseThrow())).get("computed"));
    assertEquals(1, ((Map<?, ?>) only(first.source(1).orElseThrow())).get("computed"));
    assertEquals(List.of(), first.end(true));
    assertEquals(List.of("start r1 2", "complete r1"), integration.events);
    var second = ResyncScope.open(defined.sources(), "r2", List.of(resource(0, "/a", "{}")));
    assertEquals(2, ((Map<?, ?>) only(second.source(0).orElseThrow())).get("computed"));
  }

  @Test
  void aFailingStartHookFailsTheResyncAndCompleteHooksRunOnlyAfterSuccess() throws Exception {
    var integration = new Selecting();
    integration.failStart = true;
    var defined = define(integration);
    var scope = ResyncScope.open(defined.sources(), "r1", List.of(resource(0, "/a", "{}")));
    var e = assertThrows(IllegalStateException.class, scope::start);
    assertTrue(e.getMessage().contains("credentials refused"), e.getMessage());
    scope.end(false);
    assertEquals(List.of("start r1 1"), integration.events);
  }

  @Test
  void theCacheSharesOneComputationAndDropsFailuresAndOversizedValues() throws Exception {
    var cache = new BoundedResyncCache(2, 100);
    var pending = new CompletableFuture<String>();
    var a = cache.computeIfAbsent("a", () -> pending);
    var again = cache.computeIfAbsent("a", () -> CompletableFuture.completedFuture("other"));
    assertNotSame(a, again);
    pending.complete("value");
    assertEquals("value", again.toCompletableFuture().get());
    assertEquals(1, cache.size());
    var failed = cache.computeIfAbsent("b", () -> CompletableFuture.failedFuture(new IllegalStateException("x")));
    assertTrue(failed.toCompletableFuture().isCompletedExceptionally());
    assertEquals(1, cache.size());
    var big = cache.computeIfAbsent("c", () -> CompletableFuture.completedFuture("big"), v -> 1_000);
    assertEquals("big", big.toCompletableFuture().get());
    assertEquals(1, cache.size());
    cache.computeIfAbsent("d", () -> CompletableFuture.completedFuture("d"));
    var overflow = cache.computeIfAbsent("e", () -> CompletableFuture.completedFuture("e"));
    assertEquals("e", overflow.toCompletableFuture().get());
    assertEquals(2, cache.size());
    cache.close();
    assertEquals(0, cache.size());
  }

  @Test
  void aDeclaredKindWinsOverAnyKindAndDeclarationsCloseWithDefine() throws Exception {
    ResyncSource<String> plain = ResyncSource.single(() -> CompletableFuture.completedFuture(List.of("plain")));
    var holder = new IntegrationDefinition[1];
    var defined = define(new Integration() {
      @Override
      public String type() {
        return "mixed";
      }

      @Override
      public void define(IntegrationDefinition ocean) {
        holder[0] = ocean;
        ocean.kind("fixed").resync(plain);
        ocean.anyKind().resync(PathSelector.class, r -> ResyncSource.single(
            () -> CompletableFuture.completedFuture(List.of(r.kind()))));
      }
    });
    assertSame(plain, defined.resyncSource("fixed").orElseThrow());
    assertFalse(defined.selectorType("fixed").isPresent());
    assertEquals("/other", only(defined.resyncSource("/other").orElseThrow()));
    assertEquals(PathSelector.class, defined.anyKindSelectorType().orElseThrow());
    assertThrows(IllegalStateException.class, () -> holder[0].anyKind());
    assertThrows(IllegalStateException.class, () -> holder[0].onResyncStart(r -> { }));
  }

  @Test
  void aPlainSourcesFunctionServesKindsByNameWithoutHooks() throws Exception {
    ResyncSource<String> source = ResyncSource.single(() -> CompletableFuture.completedFuture(List.of("x")));
    var scope = ResyncScope.open(kind -> kind.equals("k") ? java.util.Optional.of(source)
        : java.util.Optional.empty(), "r1", List.of(resource(0, "k", "{}"), resource(1, "other", "{}")));
    scope.start();
    assertSame(source, scope.source(0).orElseThrow());
    assertFalse(scope.source(1).isPresent());
  }
}
