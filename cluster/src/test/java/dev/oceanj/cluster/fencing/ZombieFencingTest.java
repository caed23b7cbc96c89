package dev.oceanj.cluster.fencing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.oceanj.core.port.HttpPortClient;
import dev.oceanj.core.port.PortClient;
import dev.oceanj.core.port.PortClientSettings;
import dev.oceanj.core.port.WriteLimiter;
import dev.oceanj.emulator.EmulatorSettings;
import dev.oceanj.emulator.PortEmulator;
import dev.oceanj.emulator.RequestLog;
import dev.oceanj.testsupport.Await;
import dev.oceanj.testsupport.TestPort;
import dev.oceanj.testsupport.process.ChildJvm;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Zombie fencing with real processes (issue 18, criterion 9): three {@link FencedNode} JVMs on loopback and the Port
 * emulator in this one, its writes slowed so the delete phase lasts. The owner is frozen ({@code SIGSTOP}) during its
 * delete phase; the survivors down it and run a new resync of the instance; thawed, the old owner must issue no
 * further delete (the emulator's request log, by the node's User-Agent tag) and exit because it was downed.
 */
class ZombieFencingTest {

  static final ObjectMapper JSON = new ObjectMapper();
  static final String ID = "zombie-1";
  static final String BULK_DELETE = "/v1/blueprints/{bp}/bulk/entities/delete";
  static final int LIVE = 20;
  static final int STALE = 200;

  @TempDir
  Path dir;

  @Test
  void aFrozenOwnerThawedAfterTheTakeoverIssuesNoFurtherDeleteAndExits() throws Exception {
    try (PortEmulator port = TestPort.start()) {
      seed(port);
      port.requestLog().enable(true, true);
      // Every POST (bulk deletes are POSTs) waits: 200 stale entities in batches of 5 take about 20 s to delete.
      port.faults().slowDown("POST", Duration.ofMillis(500));

      int[] ports = freePorts(3);
      String seeds = ports[0] + "," + ports[1];
      List<ChildJvm> nodes = new ArrayList<>();
      try {
        for (int i = 0; i < 3; i++) {
          nodes.add(ChildJvm.builder("node-" + (i + 1), FencedNode.class.getName(), dir)
              .jvmArgs("-Xmx128m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-Xss512k")
              .args("node-" + (i + 1), Integer.toString(ports[i]), seeds, port.baseUrl(), ID, Integer.toString(LIVE))
              .withoutEnv("OCEAN__").start());
        }
        for (ChildJvm n : nodes) {
          n.awaitOutput(l -> l.startsWith("NODE UP"), Duration.ofSeconds(90));
        }

        // The owner is whoever deletes; freeze it a few requests into its delete phase.
        Await.until("the owner's delete phase", Duration.ofSeconds(120), () -> deletes(port, 0).size() >= 3);
        String owner = tag(deletes(port, 0).get(0));
        ChildJvm zombie = nodes.stream().filter(n -> n.name().equals(owner)).findFirst().orElseThrow();
        zombie.freeze();
        long frozenAt = lastSeq(port);

        // The survivors down it, the instance starts on one of them and its new resync deletes the rest.
        ChildJvm[] successor = new ChildJvm[1];
        Await.until("a new resync completed on a survivor", Duration.ofSeconds(120), () -> {
          for (ChildJvm n : nodes) {
            if (n != zombie && n.output().contains("RESYNC COMPLETED")) {
              successor[0] = n;
              return true;
            }
          }
          return false;
        });
        assertEquals(LIVE, port.entities("person").size(), "the new owner deleted every stale entity");
        List<String> states = port.requestLog().since(frozenAt).stream()
            .filter(e -> e.path().endsWith("/resync-state")).map(e -> tag(e) + ":" + status(e)).toList();
        assertEquals(List.of(successor[0].name() + ":aborted", successor[0].name() + ":running",
            successor[0].name() + ":completed"), states, "the orphan is marked aborted, then a new resync runs");

        long thawedAt = lastSeq(port);
        zombie.thaw();
        int exit = zombie.awaitExit(Duration.ofSeconds(60));
        List<RequestLog.Entry> late = port.requestLog().since(thawedAt).stream()
            .filter(e -> owner.equals(tag(e)) && e.route().equals(BULK_DELETE)).toList();
        System.out.println("Zombie " + owner + " exited with " + exit + "; bulk deletes it sent after the thaw: "
            + late.size());
        assertEquals(List.of(), late, "the thawed zombie deleted nothing");
        long before = deletes(port, 0).stream().filter(e -> owner.equals(tag(e))).count();
        assertTrue(before >= 3 && before < STALE / 5, "the zombie's deletes all came before the freeze: " + before);
        assertEquals(LIVE, port.entities("person").size());
      } catch (AssertionError | RuntimeException e) {
        nodes.forEach(n -> System.out.println("---- " + n.name() + "\n" + n.tail()));
        throw e;
      } finally {
        nodes.forEach(ChildJvm::close);
      }
    }
  }

  /** The blueprint, the integration's mapping (threshold 1: deleting most is allowed), live and stale persons. */
  static void seed(PortEmulator port) {
    try (HttpPortClient seeder = HttpPortClient.create(
        PortClientSettings.of(URI.create(port.baseUrl()), EmulatorSettings.DEFAULT_CLIENT_ID,
            EmulatorSettings.DEFAULT_CLIENT_SECRET),
        new PortClient.PortIdentity("fake", "seed", ID), WriteLimiter.unlimited())) {
      await(seeder.createBlueprint(json("""
          {"identifier": "person", "title": "Person",
           "schema": {"properties": {"name": {"type": "string"}, "email": {"type": "string"}}}}""")));
      ObjectNode integration = JSON.createObjectNode();
      integration.set("config", json("""
          {"entityDeletionThreshold": 1.0, "deleteDependentEntities": false,
           "resources": [{"kind": "person", "selector": {"query": "true"},
             "port": {"entity": {"mappings": {"identifier": ".id", "title": ".name", "blueprint": "\\"person\\"",
               "properties": {"name": ".name", "email": ".email"}}}}}]}"""));
      await(seeder.createIntegration(integration));
      List<ObjectNode> all = new ArrayList<>();
      for (int i = 0; i < LIVE + STALE; i++) {
        String id = i < LIVE ? "p" + i : "stale-" + i;
        all.add((ObjectNode) json("{\"identifier\": \"" + id + "\", \"title\": \"" + id + "\", \"properties\": {}}"));
      }
      for (int from = 0; from < all.size(); from += 20) {
        await(seeder.bulkUpsert("person", all.subList(from, Math.min(all.size(), from + 20)),
            PortClient.UpsertOptions.defaults()));
      }
    }
    assertEquals(LIVE + STALE, port.entities("person").size());
  }

  static List<RequestLog.Entry> deletes(PortEmulator port, long since) {
    return port.requestLog().since(since).stream().filter(e -> e.route().equals(BULK_DELETE))
        .collect(Collectors.toList());
  }

  static long lastSeq(PortEmulator port) {
    List<RequestLog.Entry> all = port.requestLog().since(0);
    return all.isEmpty() ? 0 : all.get(all.size() - 1).seq();
  }

  /** The node a request came from: its User-Agent's version ({@code port-ocean/fake/<node>/<id>…}). */
  static String tag(RequestLog.Entry e) {
    String[] parts = Optional.ofNullable(e.userAgent()).orElse("").split("/");
    return parts.length > 2 ? parts[2] : "";
  }

  static String status(RequestLog.Entry e) {
    return json(e.body()).path("status").asText();
  }

  static int[] freePorts(int n) throws IOException {
    int[] out = new int[n];
    List<ServerSocket> open = new ArrayList<>();
    try {
      for (int i = 0; i < n; i++) {
        ServerSocket s = new ServerSocket(0);
        open.add(s);
        out[i] = s.getLocalPort();
      }
    } finally {
      for (ServerSocket s : open) {
        s.close();
      }
    }
    return out;
  }

  static JsonNode json(String text) {
    try {
      return JSON.readTree(text);
    } catch (IOException e) {
      throw new IllegalArgumentException(e);
    }
  }

  static <T> T await(CompletionStage<T> stage) {
    try {
      return stage.toCompletableFuture().get(60, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }
}
