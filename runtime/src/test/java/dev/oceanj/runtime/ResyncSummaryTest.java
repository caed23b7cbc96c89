package dev.oceanj.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.oceanj.actors.resync.ResyncProtocol;
import dev.oceanj.actors.resync.ResyncProtocol.GetStatus;
import dev.oceanj.actors.resync.ResyncProtocol.Outcome;
import dev.oceanj.actors.resync.ResyncProtocol.ResyncFinished;
import dev.oceanj.actors.resync.ResyncProtocol.ResyncProgress;
import dev.oceanj.actors.resync.ResyncProtocol.Status;
import dev.oceanj.core.sync.KindResult;
import dev.oceanj.core.sync.Reconciler;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

class ResyncSummaryTest {

  static final ActorTestKit testKit = ActorTestKit.create();

  @AfterAll
  static void shutdown() {
    testKit.shutdownTestKit();
  }

  static KindResult kind(String name, int index, long fetched, long upserted) {
    return new KindResult(name, index, fetched, fetched, 0, 0, upserted, fetched - upserted, 0, 0, Map.of(), Map.of(),
        List.of());
  }

  @Test
  void theSummaryHasARowPerKindATotalTheDeletionsAndTheRate() {
    Instant start = Instant.parse("2026-11-26T10:00:00Z");
    var kinds = List.of(kind("fake-department", 0, 5, 5),
        new KindResult("fake-person", 1, 20_000, 19_990, 0, 0, 19_000, 980, 10, 0, Map.of(".properties.age", ".age"),
            Map.of("p-7", "400 invalid"), List.of(), Optional.of("boom")));
    var finished = new ResyncFinished("r1", "once", Outcome.FAILED, start, start.plusSeconds(4), kinds,
        Reconciler.Result.skipped("a kind failed"), List.of("fake-person: boom"));
    String text = ResyncSummary.render(finished);
    assertTrue(text.startsWith("Resync r1 (once): FAILED in 4.00 s, 19,995 entities, 4,999 entities/s"), text);
    assertTrue(text.matches("(?s).*\\nfake-person \\(failed\\)\\s+20,000\\s+19,990\\s+19,000\\s+980\\s+10\\s+1\\n.*"), text);
    assertTrue(text.matches("(?s).*\\ntotal\\s+20,005\\s+19,995\\s+19,005\\s+980\\s+10\\s+1\\n.*"), text);
    assertTrue(text.contains("deleted: 0 (deletion skipped: a kind failed)"), text);
    assertTrue(text.contains("misconfigured: fake-person .properties.age = .age"), text);
    assertTrue(text.contains("rejected by Port: fake-person p-7: 400 invalid"), text);
    assertTrue(text.contains("error: fake-person: boom"), text);
  }

  @Test
  void progressLinesForRunningKindsWithTheirPaceNowAndMetricsFollow() {
    Instant started = Instant.now().minusSeconds(10);
    // The departments ended before the first report; the teams have not started.
    var current = new AtomicReference<Status>(new Status(Optional.of(new ResyncProgress("r1", "once", started,
        List.of(kind("fake-department", 0, 5, 5), kind("fake-person", 1, 1000, 900), kind("fake-team", 2, 0, 0)),
        Set.of(0))), Optional.empty()));
    // A stand-in supervisor that answers every GetStatus with the current state.
    var supervisor = testKit.spawn(Behaviors.receive(ResyncProtocol.Command.class)
        .onMessage(GetStatus.class, ask -> {
          ask.replyTo().tell(current.get());
          return Behaviors.same();
        })
        .build());
    var printed = new CopyOnWriteArrayList<String>();
    var metrics = new OceanMetrics();
    testKit.spawn(ProgressReporter.create(supervisor, metrics, printed::add, Duration.ofMillis(50), Clock.systemUTC()));

    await(() -> printed.size() >= 1);
    assertTrue(printed.get(0).contains("fake-person: 1,000 fetched, 1,000 mapped, 900 upserted, 100 unchanged")
        && printed.get(0).matches(".*\\([0-9,]+ entities/s, [0-9.]+ s\\)$"), "first line: average only: " + printed);
    current.set(new Status(Optional.of(new ResyncProgress("r1", "once", started,
        List.of(kind("fake-department", 0, 5, 5), kind("fake-person", 1, 2000, 1900), kind("fake-team", 2, 0, 0)),
        Set.of(0))), Optional.empty()));
    await(() -> printed.stream().anyMatch(line -> line.contains("2,000 fetched")));
    String moving = printed.stream().filter(line -> line.contains("2,000 fetched")).findFirst().orElseThrow();
    assertTrue(moving.contains("fake-person: 2,000 fetched, 2,000 mapped, 1,900 upserted, 100 unchanged")
        && moving.matches(".*\\([1-9][0-9,]* entities/s now, [0-9,]+ on average, [0-9.]+ s\\)$"), moving);
    // A kind that stopped moving keeps its line, with no pace now: stalled, or held by the rate limit.
    int seen = printed.size();
    await(() -> printed.size() >= seen + 2);
    assertTrue(printed.get(printed.size() - 1).contains("(0 entities/s now, "), printed.get(printed.size() - 1));
    assertTrue(printed.stream().noneMatch(line -> line.contains("fake-team")), "teams never started: " + printed);
    assertTrue(printed.stream().noneMatch(line -> line.contains("fake-department")),
        "a finished kind was logged when it ended, not in progress: " + printed);
    await(() -> metrics.scrape().contains(
        "object_count{kind=\"fake-person-1\",object_count_type=\"loaded\",phase=\"load\"} 1900.0"));
  }

  static void await(java.util.function.BooleanSupplier condition) {
    dev.oceanj.testsupport.Await.until("the condition", Duration.ofSeconds(10), condition);
  }
}
