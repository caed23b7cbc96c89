package dev.oceanj.core.port;

import static dev.oceanj.core.port.Fixtures.blueprint;
import static dev.oceanj.core.port.Fixtures.entities;
import static dev.oceanj.core.port.Fixtures.join;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.oceanj.core.port.PortClient.DatasourceQuery;
import dev.oceanj.core.port.PortClient.EntityPage;
import dev.oceanj.core.port.PortClient.EntityRef;
import dev.oceanj.core.port.PortClient.PortIdentity;
import dev.oceanj.core.port.PortClient.UpsertOptions;
import dev.oceanj.emulator.PortEmulator;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/** Reconciliation's listing: paged over 12,000 owned entities, {@code before} excluding what a resync refreshed. */
class DatasourceListingContractTest {

  private static void upsertAll(PortClient c, String bp, String prefix, int from, int count) {
    List<CompletableFuture<?>> writes = new ArrayList<>();
    for (int i = from; i < from + count; i += 200) {
      writes.add(c.bulkUpsert(bp, entities(prefix, i, Math.min(200, from + count - i)), UpsertOptions.defaults())
          .thenAccept(r -> assertTrue(r.outcomes().stream().allMatch(PortClient.EntityOutcome::ok)))
          .toCompletableFuture());
    }
    writes.forEach(CompletableFuture::join);
  }

  @Test
  void pagesOverTwelveThousandEntitiesWithBefore() {
    try (PortEmulator port = PortEmulator.start();
        WriteLimiter limiter = WriteLimiter.unlimited();
        HttpPortClient mine = HttpPortClient.create(Fixtures.settings(port), Fixtures.ID, limiter);
        HttpPortClient other = HttpPortClient.create(Fixtures.settings(port),
            new PortIdentity("fake", "1.2.3", "someone-else"), limiter);
        HttpPortClient newer = HttpPortClient.create(Fixtures.settings(port),
            new PortIdentity("fake", "9.9.9", "my-fake"), limiter)) {
      join(mine.createBlueprint(blueprint("svc")));
      join(mine.createBlueprint(blueprint("team")));
      upsertAll(mine, "svc", "s-", 0, 10_000);
      upsertAll(newer, "team", "t-", 0, 2_000);
      upsertAll(other, "svc", "o-", 0, 300);

      Instant before = Instant.now().plusMillis(1);
      Fixtures.await(() -> System.currentTimeMillis() > before.toEpochMilli(), Duration.ofSeconds(5), "clock past before");
      // Written again after `before` (as a running resync would): not listed.
      upsertAll(mine, "svc", "s-", 0, 500);

      PortIdentity id = mine.identity();
      DatasourceQuery q = new DatasourceQuery(id.datasourcePrefix(), id.datasourceSuffix(), Optional.of(before), 5000);
      Set<EntityRef> seen = new HashSet<>();
      int pages = 0;
      Optional<String> cursor = Optional.empty();
      do {
        EntityPage page = join(mine.datasourceEntities(q, cursor));
        pages++;
        assertTrue(page.entities().size() <= 5000);
        for (EntityRef r : page.entities()) {
          assertTrue(r.updatedAtMillis() > 0 && r.updatedAtMillis() < before.toEpochMilli(),
              "updatedAt read from the listing: " + r);
          assertTrue(seen.add(new EntityRef(r.blueprint(), r.identifier())), "listed twice: " + r);
        }
        cursor = page.next();
      } while (cursor.isPresent());

      assertEquals(11_500, seen.size());
      assertEquals(3, pages);
      assertFalse(seen.contains(new EntityRef("svc", "s-0")), "updated after `before`");
      assertTrue(seen.contains(new EntityRef("svc", "s-500")));
      assertTrue(seen.contains(new EntityRef("team", "t-1999")), "other versions of this integration are its own");
      assertFalse(seen.contains(new EntityRef("svc", "o-0")), "another integration's entities are not ours");

      DatasourceQuery all = new DatasourceQuery(id.datasourcePrefix(), id.datasourceSuffix(), Optional.empty(), 5000);
      int total = 0;
      cursor = Optional.empty();
      do {
        EntityPage page = join(mine.datasourceEntities(all, cursor));
        total += page.entities().size();
        cursor = page.next();
      } while (cursor.isPresent());
      assertEquals(12_000, total);
    }
  }

  /** The page is read by a streaming parser: nested objects that carry their own {@code identifier} are skipped. */
  @Test
  void listsEachEntityByItsOwnIdentifierNotNestedOnes() {
    try (PortEmulator port = PortEmulator.start();
        WriteLimiter limiter = WriteLimiter.unlimited();
        HttpPortClient mine = HttpPortClient.create(Fixtures.settings(port), Fixtures.ID, limiter)) {
      var bp = blueprint("doc");
      ((com.fasterxml.jackson.databind.node.ObjectNode) bp.path("schema").path("properties")).putObject("meta")
          .put("type", "object");
      join(mine.createBlueprint(bp));
      List<com.fasterxml.jackson.databind.node.ObjectNode> docs = entities("d-", 0, 30);
      for (var d : docs) {
        ((com.fasterxml.jackson.databind.node.ObjectNode) d.path("properties")).putObject("meta")
            .put("identifier", "nested-" + d.path("identifier").asText()).put("blueprint", "elsewhere")
            .putArray("list").addObject().put("identifier", "deeper");
      }
      assertTrue(join(mine.bulkUpsert("doc", docs, UpsertOptions.defaults())).outcomes().stream()
          .allMatch(PortClient.EntityOutcome::ok));

      PortIdentity id = mine.identity();
      EntityPage page = join(mine.datasourceEntities(
          new DatasourceQuery(id.datasourcePrefix(), id.datasourceSuffix(), Optional.empty(), 7), Optional.empty()));
      assertEquals(7, page.entities().size());
      assertTrue(page.next().isPresent(), "30 entities in pages of 7 leave a next cursor");
      Set<EntityRef> seen = new HashSet<>();
      page.entities().forEach(r -> seen.add(new EntityRef(r.blueprint(), r.identifier())));
      Optional<String> cursor = page.next();
      while (cursor.isPresent()) {
        EntityPage more = join(mine.datasourceEntities(
            new DatasourceQuery(id.datasourcePrefix(), id.datasourceSuffix(), Optional.empty(), 7), cursor));
        more.entities().forEach(r -> seen.add(new EntityRef(r.blueprint(), r.identifier())));
        cursor = more.next();
      }
      Set<EntityRef> expected = new HashSet<>();
      for (int i = 0; i < 30; i++) {
        expected.add(new EntityRef("doc", "d-" + i));
      }
      assertEquals(expected, seen);
    }
  }
}
