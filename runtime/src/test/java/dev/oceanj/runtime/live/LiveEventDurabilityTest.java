package dev.oceanj.runtime.live;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.oceanj.core.port.HttpPortClient;
import dev.oceanj.core.port.PortClient.PortIdentity;
import dev.oceanj.core.port.PortClientSettings;
import dev.oceanj.core.port.WriteLimiter;
import dev.oceanj.emulator.EmulatorSettings;
import dev.oceanj.emulator.Faults;
import dev.oceanj.emulator.PortEmulator;
import dev.oceanj.runtime.ChildJvm;
import dev.oceanj.runtime.Main;
import dev.oceanj.testsupport.TestPort;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Durability with real processes: the runtime runs in a child JVM ({@link Main} in WEBHOOKS_ONLY mode, this test's
 * class path), the Port emulator in this one so that it outlives the child. 2,000 events are sent by 16 senders (resent
 * until acknowledged, as a webhook provider does); the child is killed with SIGKILL while acknowledged events
 * are still waiting (Port answers slowly meanwhile) and started again on the same data folder.
 *
 * <p>Every event writes its own entity ({@code p<person>-u<update>}), so each acknowledged event's effect can be
 * told apart: losing any one fails the test. (With {@code OCEAN__LIVE_EVENTS__IN_MEMORY=true} in the child's
 * environment it fails: the events waiting at the kill are gone.)
 */
class LiveEventDurabilityTest {

  static final int PERSONS = 200;
  static final int UPDATES = 10;
  static final int SENDERS = 16;
  static final String READY = "HTTP server listening on";

  @TempDir Path dataDir;
  @TempDir Path logs;

  @Test
  void everyAcknowledgedEventSurvivesAKill9() throws Exception {
    try (PortEmulator emulator = TestPort.start()) {
      String identifier = "durability";
      PortClientSettings ps = PortClientSettings.of(URI.create(emulator.baseUrl()), EmulatorSettings.DEFAULT_CLIENT_ID,
          EmulatorSettings.DEFAULT_CLIENT_SECRET);
      try (HttpPortClient port = HttpPortClient.create(ps, new PortIdentity("fake", "0.1.0", identifier),
          WriteLimiter.unlimited())) {
        FakeIntegrationInPort.ensureIntegration(port, "fake");
      }
      int httpPort;
      try (ServerSocket s = new ServerSocket(0)) {
        httpPort = s.getLocalPort();
      }
      Map<String, String> env = TestPort.env(emulator);
      env.putAll(Map.of(
          "OCEAN__EVENT_LISTENER__TYPE", "WEBHOOKS_ONLY",
          "OCEAN__INTEGRATION__TYPE", "fake",
          "OCEAN__INTEGRATION__IDENTIFIER", identifier,
          "OCEAN__INITIALIZE_PORT_RESOURCES", "false",
          "OCEAN__HTTP__HOST", "127.0.0.1",
          "OCEAN__HTTP__PORT", Integer.toString(httpPort),
          "OCEAN__DATA_DIR", dataDir.toString()));
      env.put("OCEAN__LIVE_EVENTS__WORKERS", "16");
      ChildJvm first = ChildJvm.start(Main.class, env, logs);
      ChildJvm second = null;
      try {
        first.awaitLine(READY, Duration.ofSeconds(90));
        // A slow Port from now on: acknowledged events wait in the log when the kill comes.
        emulator.faults().set(Faults.none().withLatency(Duration.ofMillis(200)));
        AtomicInteger acks = new AtomicInteger();
        AtomicInteger retries = new AtomicInteger();
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        ExecutorService senders = Executors.newFixedThreadPool(SENDERS);
        List<CompletableFuture<Void>> done = new ArrayList<>();
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(4);
        for (int s = 0; s < SENDERS; s++) {
          int sender = s;
          done.add(CompletableFuture.runAsync(() -> {
            for (int u = 0; u < UPDATES; u++) {
              for (int p = sender; p < PERSONS; p += SENDERS) {
                sendUntilAcknowledged(http, httpPort, p, u, deadline, retries);
                acks.incrementAndGet();
              }
            }
          }, senders));
        }
        try {
          awaitCondition(() -> acks.get() >= 700, deadline, "700 acknowledged events");
          first.kill();
          int acknowledgedAtKill = acks.get();
          emulator.faults().set(Faults.none());
          int written = emulator.entities("fake-person").size();
          assertTrue(written < acknowledgedAtKill,
              "acknowledged events were still waiting at the kill: " + written + " of " + acknowledgedAtKill);
          second = ChildJvm.start(Main.class, env, logs);
          second.awaitLine(READY, Duration.ofSeconds(90));
          CompletableFuture.allOf(done.toArray(new CompletableFuture[0])).get(4, TimeUnit.MINUTES);
        } finally {
          senders.shutdownNow();
        }
        assertEquals(PERSONS * UPDATES, acks.get());
        awaitCondition(() -> emulator.entities("fake-person").size() >= PERSONS * UPDATES, deadline,
            "an entity for every acknowledged event");
        for (int p = 0; p < PERSONS; p++) {
          for (int u = 0; u < UPDATES; u++) {
            assertEquals(100 + u, age(emulator, p, u), "event " + u + " of person " + p);
          }
        }
        assertEquals(PERSONS * UPDATES, emulator.entities("fake-person").size());
        assertTrue(retries.get() > 0, "some senders had to resend while the runtime was down");
      } finally {
        first.close();
        if (second != null) {
          second.close();
        }
      }
    }
  }

  private static int age(PortEmulator emulator, int person, int update) {
    return emulator.entity("fake-person", "p" + person + "-u" + update)
        .map(e -> e.path("properties").path("age").asInt(-1)).orElse(-1);
  }

  private static void sendUntilAcknowledged(HttpClient http, int port, int person, int update, long deadline,
      AtomicInteger retries) {
    String id = "p" + person + "-u" + update;
    String body = "{\"action\":\"upsert\",\"person\":{\"id\":\"" + id + "\",\"name\":\"Person " + person
        + "\",\"email\":\"" + id + "@example.com\",\"status\":\"WORKING\",\"age\":" + (100 + update)
        + ",\"department\":{\"id\":\"d1\",\"name\":\"D1\"},\"bio\":\"update " + update + "\"}}";
    HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/integration/webhook"))
        .timeout(Duration.ofSeconds(5)).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(body)).build();
    while (System.nanoTime() < deadline) {
      try {
        if (http.send(request, BodyHandlers.discarding()).statusCode() == 202) {
          return;
        }
      } catch (IOException e) {
        // The runtime is down (killed, or not yet restarted): a provider resends.
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
      retries.incrementAndGet();
      dev.oceanj.testsupport.Await.pause(Duration.ofMillis(20)); // the sender's own retry backoff
    }
    throw new AssertionError("event " + update + " of person " + person + " was never acknowledged");
  }

  private static void awaitCondition(java.util.function.BooleanSupplier condition, long deadline, String what) {
    dev.oceanj.testsupport.Await.until(what, Duration.ofNanos(Math.max(0, deadline - System.nanoTime())), condition);
  }
}
