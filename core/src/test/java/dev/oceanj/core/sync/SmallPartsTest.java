package dev.oceanj.core.sync;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.typesafe.config.ConfigFactory;
import dev.oceanj.core.config.ConfigurationException;
import dev.oceanj.core.config.ResyncSettings;
import dev.oceanj.spi.Page;
import dev.oceanj.spi.ResyncSource;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.SubmissionPublisher;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.pekko.actor.ActorSystem;
import org.apache.pekko.stream.Materializer;
import org.apache.pekko.stream.javadsl.Sink;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class SmallPartsTest {

  static ActorSystem system;
  static Materializer mat;
  static final ObjectMapper json = new ObjectMapper();

  @BeforeAll
  static void start() {
    system = ActorSystem.create("small-parts");
    mat = Materializer.matFromSystem(system);
  }

  @AfterAll
  static void stop() {
    system.terminate();
  }

  record Item(String id, int n) {}

  static JsonNode toJson(Object item) {
    return item instanceof JsonNode node ? node : json.valueToTree(item);
  }

  static List<List<JsonNode>> drain(ResyncSource<?> source) throws Exception {
    return RawSources.of(source, SmallPartsTest::toJson).runWith(Sink.seq(), mat).toCompletableFuture()
        .get(10, TimeUnit.SECONDS);
  }

  @Test
  void pagedSourcesAreFollowedCursorByCursorAndItemsBecomeJson() throws Exception {
    List<Optional<String>> cursors = new ArrayList<>();
    var source = ResyncSource.<Item>paged(cursor -> {
      cursors.add(cursor);
      int page = cursor.map(Integer::parseInt).orElse(0);
      List<Item> items = List.of(new Item("i" + page, page));
      return CompletableFuture.completedFuture(page < 2 ? Page.of(items, String.valueOf(page + 1)) : Page.last(items));
    });
    var batches = drain(source);
    assertEquals(List.of(Optional.empty(), Optional.of("1"), Optional.of("2")), cursors);
    assertEquals(3, batches.size());
    assertEquals("i2", batches.get(2).get(0).get("id").asText());
  }

  @Test
  void singleSourcesAreFetchedOnlyWhenTheStreamRuns() throws Exception {
    AtomicInteger calls = new AtomicInteger();
    var source = ResyncSource.single(() -> {
      calls.incrementAndGet();
      return CompletableFuture.completedFuture(List.of(new Item("a", 1), new Item("b", 2)));
    });
    var stream = RawSources.of(source, SmallPartsTest::toJson);
    assertEquals(0, calls.get());
    var batches = stream.runWith(Sink.seq(), mat).toCompletableFuture().get(10, TimeUnit.SECONDS);
    assertEquals(1, calls.get());
    assertEquals(2, batches.get(0).size());
  }

  @Test
  void publishedSourcesDeliverEveryBatch() throws Exception {
    var source = ResyncSource.<Item>fromPublisher(() -> {
      SubmissionPublisher<List<Item>> p = new SubmissionPublisher<>();
      CompletableFuture.runAsync(() -> {
        while (p.getNumberOfSubscribers() == 0) {
          Thread.onSpinWait();
        }
        for (int i = 0; i < 5; i++) {
          p.submit(List.of(new Item("x" + i, i)));
        }
        p.close();
      });
      return p;
    });
    assertEquals(5, drain(source).size());
  }

  @Test
  void aFailingSourceFailsTheStream() {
    var source = ResyncSource.<Item>paged(c -> CompletableFuture.failedFuture(new IllegalStateException("down")));
    var e = assertThrows(java.util.concurrent.ExecutionException.class, () -> drain(source));
    assertTrue(e.getCause().getMessage().contains("down"));
  }

  @Test
  void secretsAreMaskedInRawExamples() throws Exception {
    JsonNode raw = json.readTree("""
        {"name": "svc", "apiToken": "abc123", "nested": {"password": "p", "url": "https://user:pw@host/x"},
         "list": ["ghp_abcdefghijklmnopqrstuvwxyz0123", "plain"], "tokenCount": null, "enabled": true}""");
    JsonNode m = SecretMasker.mask(raw);
    assertEquals("svc", m.get("name").asText());
    assertEquals(SecretMasker.REDACTED, m.get("apiToken").asText());
    assertEquals(SecretMasker.REDACTED, m.get("nested").get("password").asText());
    assertEquals(SecretMasker.REDACTED, m.get("nested").get("url").asText());
    assertEquals(SecretMasker.REDACTED, m.get("list").get(0).asText());
    assertEquals("plain", m.get("list").get(1).asText());
    assertTrue(m.get("tokenCount").isNull());
    assertEquals("abc123", raw.get("apiToken").asText(), "the original is left alone");
  }

  @Test
  void settingsAreReadFromOceanResyncAndBadValuesNameTheirKey() {
    var c = ConfigFactory.parseString("""
        ocean.data-dir = "var/oceanj"
        ocean.send-raw-data-examples = false
        ocean.resync { kind-parallelism = 3, upsert-batch-max-length = 10, upsert-batch-max-size-bytes = 512 KiB,
          kind-restart { min-backoff = 2 s, max-restarts = -1, jitter = 0.3 }, progress-interval = 30 s,
          mapping-parallelism = 0, delete-batch-size = 500 }""");
    ResyncSettings s = ResyncSettings.fromConfig(c);
    assertEquals(3, s.kindParallelism());
    assertEquals(10, s.upsertBatchMaxLength());
    assertEquals(512 * 1024, s.upsertBatchMaxSizeBytes());
    assertEquals(Duration.ofSeconds(2), s.kindRestart().minBackoff());
    assertEquals(-1, s.kindRestart().maxRestarts());
    assertFalse(s.kindRestart().exhausted(1000), "-1 restarts without limit");
    assertEquals(0.3, s.kindRestart().randomFactor());
    assertEquals(Runtime.getRuntime().availableProcessors(), s.mappingParallelism());
    assertEquals(Optional.of(Path.of("var/oceanj")), s.dataDir());
    assertEquals(false, s.sendRawDataExamples());
    assertEquals(100, s.deleteBatchSize(), "lowered to Port's cap, as Ocean does");

    var tooBig = assertThrows(ConfigurationException.class,
        () -> ResyncSettings.fromConfig(ConfigFactory.parseString("ocean.resync.upsert-batch-max-length = 21")));
    assertTrue(tooBig.getMessage().contains("ocean.resync.upsert-batch-max-length"), tooBig.getMessage());
    var wrongType = assertThrows(ConfigurationException.class,
        () -> ResyncSettings.fromConfig(ConfigFactory.parseString("ocean.resync.kind-parallelism = lots")));
    assertTrue(wrongType.getMessage().contains("kind-parallelism"), wrongType.getMessage());
  }
}
