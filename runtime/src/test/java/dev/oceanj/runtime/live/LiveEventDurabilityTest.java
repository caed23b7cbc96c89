package dev.oceanj.runtime.live;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.oceanj.core.port.HttpPortClient;
import dev.oceanj.core.port.PortClient.PortIdentity;
import dev.oceanj.core.port.PortClientSettings;
import dev.oceanj.core.port.WriteLimiter;
import dev.oceanj.emulator.EmulatorSettings;
import dev.oceanj.emulator.PortEmulator;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Durability with real processes: the runtime runs in a child JVM ({@link LiveEventsApp}, this test's class
 * path), the Port emulator in this one so that it outlives the child. 2,000 events are sent by 16 senders (each
 * person's updates in order, resent until acknowledged, as a webhook provider does); the child is killed with
 * SIGKILL while events are still being processed and started again on the same data folder. Every acknowledged
 * event must end up in the catalog: each person ends with its last update.
 */
class LiveEventDurabilityTest {

  static final int PERSONS = 200;
  static final int UPDATES = 10;
  static final int SENDERS = 16;

  @TempDir Path dataDir;
  @TempDir Path logs;

  @Test
  void everyAcknowledgedEventSurvivesAKill9() throws Exception {
    try (PortEmulator emulator = PortEmulator.start(EmulatorSettings.defaults())) {
      String identifier = "durability";
      PortClientSettings ps = PortClientSettings.of(URI.create(emulator.baseUrl()), EmulatorSettings.DEFAULT_CLIENT_ID,
          EmulatorSettings.DEFAULT_CLIENT_SECRET);
      try (HttpPortClient port = HttpPortClient.create(ps, new PortIdentity("fake", "0.1.0", identifier),
          WriteLimiter.unlimited())) {
        LiveEventsApp.ensureIntegration(port, "fake");
      }
      int httpPort;
      try (ServerSocket s = new ServerSocket(0)) {
        httpPort = s.getLocalPort();
      }
      Map<String, String> env = Map.of(
          "OCEAN__PORT__CLIENT_ID", EmulatorSettings.DEFAULT_CLIENT_ID,
          "OCEAN__PORT__CLIENT_SECRET", EmulatorSettings.DEFAULT_CLIENT_SECRET,
          "OCEAN__PORT__BASE_URL", emulator.baseUrl(),
          "OCEAN__INTEGRATION__IDENTIFIER", identifier,
          "OCEAN__INITIALIZE_PORT_RESOURCES", "false",
          "OCEAN__HTTP__HOST", "127.0.0.1",
          "OCEAN__HTTP__PORT", Integer.toString(httpPort),
          "OCEAN__DATA_DIR", dataDir.toString(),
          "OCEAN__LIVE_EVENTS__WORKERS", "16");
      Process first = startChild(env);
      AtomicIntegerArray acked = new AtomicIntegerArray(PERSONS);
      for (int p = 0; p < PERSONS; p++) {
        acked.set(p, -1);
      }
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
              acked.set(p, u);
              acks.incrementAndGet();
            }
          }
        }, senders));
      }
      Process second;
      try {
        awaitCondition(() -> acks.get() >= 700, deadline, "700 acknowledged events");
        first.destroyForcibly();
        assertTrue(first.waitFor(30, TimeUnit.SECONDS));
        assertEquals(137, first.exitValue(), "killed with SIGKILL");
        second = startChild(env);
        CompletableFuture.allOf(done.toArray(new CompletableFuture[0])).get(4, TimeUnit.MINUTES);
      } finally {
        senders.shutdownNow();
      }
      try {
        assertEquals(PERSONS * UPDATES, acks.get());
        awaitCondition(() -> {
          for (int p = 0; p < PERSONS; p++) {
            if (age(emulator, p) != 100 + UPDATES - 1) {
              return false;
            }
          }
          return true;
        }, deadline, "every person at its last acknowledged update");
        for (int p = 0; p < PERSONS; p++) {
          assertEquals(100 + acked.get(p), age(emulator, p));
        }
        assertTrue(retries.get() > 0, "some senders had to resend while the runtime was down");
      } finally {
        second.destroyForcibly();
        second.waitFor(30, TimeUnit.SECONDS);
      }
    }
  }

  private static int age(PortEmulator emulator, int person) {
    return emulator.entity("fake-person", "p" + person).map(e -> e.path("properties").path("age").asInt(-1))
        .orElse(-1);
  }

  private static void sendUntilAcknowledged(HttpClient http, int port, int person, int update, long deadline,
      AtomicInteger retries) {
    String body = "{\"action\":\"upsert\",\"person\":{\"id\":\"p" + person + "\",\"name\":\"Person " + person
        + "\",\"email\":\"p" + person + "@example.com\",\"status\":\"WORKING\",\"age\":" + (100 + update)
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
      pause(20);
    }
    throw new AssertionError("event " + update + " of person " + person + " was never acknowledged");
  }

  private Process startChild(Map<String, String> env) throws Exception {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    ProcessBuilder pb = new ProcessBuilder(java, "-Xmx256m", "-cp", System.getProperty("java.class.path"),
        LiveEventsApp.class.getName());
    pb.environment().putAll(env);
    pb.redirectErrorStream(true);
    Path log = Files.createTempFile(logs, "child-", ".log");
    Process process = pb.start();
    CompletableFuture<Void> ready = new CompletableFuture<>();
    Thread pump = new Thread(() -> {
      try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(),
          StandardCharsets.UTF_8))) {
        for (String line; (line = r.readLine()) != null; ) {
          Files.writeString(log, line + "\n", StandardOpenOption.APPEND);
          if (line.contains("oceanj live events listening on")) {
            ready.complete(null);
          }
        }
      } catch (IOException e) {
        ready.completeExceptionally(e);
      }
      ready.completeExceptionally(new AssertionError("the child exited before it was ready; see " + log));
    }, "child-output");
    pump.setDaemon(true);
    pump.start();
    ready.get(90, TimeUnit.SECONDS);
    return process;
  }

  private static void awaitCondition(java.util.function.BooleanSupplier condition, long deadline, String what) {
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError(what + " not reached in time");
      }
      pause(20);
    }
  }

  private static void pause(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
