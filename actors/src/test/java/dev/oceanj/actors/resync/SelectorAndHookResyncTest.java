package dev.oceanj.actors.resync;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.oceanj.actors.resync.ResyncProtocol.Outcome;
import dev.oceanj.actors.resync.ResyncProtocol.ResyncFinished;
import dev.oceanj.actors.resync.ResyncProtocol.StartResync;
import dev.oceanj.actors.resync.ResyncProtocol.WhenRunning;
import dev.oceanj.core.config.ResyncSettings;
import dev.oceanj.core.jq.JqEngine;
import dev.oceanj.core.port.HttpPortClient;
import dev.oceanj.core.sync.JqMappingCompiler;
import dev.oceanj.spi.Integration;
import dev.oceanj.spi.IntegrationDefinition;
import dev.oceanj.spi.ResyncSource;
import dev.oceanj.spi.host.DefinedIntegration;
import java.net.http.HttpClient;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.typed.ActorRef;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The SPI's second generation through the supervisor: each resource's selector reaches its source, a bad
 * selector or a failing resync start hook fails the resync with nothing applied or deleted, complete hooks run.
 */
class SelectorAndHookResyncTest {

  static final ActorTestKit testKit = ActorTestKit.create();
  static EmulatedPort port;
  static ExecutorService cpu;
  static final AtomicInteger ids = new AtomicInteger();

  @BeforeAll
  static void start() {
    port = new EmulatedPort();
    cpu = Executors.newFixedThreadPool(2);
  }

  @AfterAll
  static void stop() {
    testKit.shutdownTestKit();
    cpu.shutdownNow();
    port.close();
  }

  record DeptSelector(String prefix, Integer count) {
    DeptSelector {
      if (prefix == null) {
        throw new IllegalArgumentException("prefix is required");
      }
      count = count == null ? 2 : count;
    }
  }

  /** Any kind: {@code count} departments named {@code prefix-n}; hooks recorded. */
  static final class Departments implements Integration {
    final List<String> hooks = new CopyOnWriteArrayList<>();
    volatile boolean failStart;

    @Override
    public String type() {
      return "departments";
    }

    @Override
    public void define(IntegrationDefinition ocean) {
      ocean.anyKind().resync(DeptSelector.class, r -> ResyncSource.single(() -> CompletableFuture.completedFuture(
          IntStream.range(0, r.selector().count()).mapToObj(i -> Map.of("id", r.selector().prefix() + "-" + i))
              .toList())));
      ocean.onResyncStart(resync -> {
        hooks.add("start");
        if (failStart) {
          throw new IllegalStateException("token endpoint refused the credentials");
        }
      });
      ocean.onResyncComplete(resync -> hooks.add("complete"));
    }
  }

  final Departments integration = new Departments();
  HttpPortClient client;
  DefinedIntegration defined;

  @AfterEach
  void tearDown() {
    defined.stop();
    client.close();
    port.emulator.reset();
  }

  ActorRef<ResyncProtocol.Command> supervisor(String mappingYaml) {
    client = port.client("sel-" + ids.incrementAndGet());
    port.blueprint(client, TestCatalog.BLUEPRINT_DEPT);
    port.integration(client, EmulatedPort.yaml(mappingYaml));
    defined = DefinedIntegration.define(integration, null, HttpClient.newHttpClient());
    var deps = new ResyncDependencies(client, defined.sources(),
        new JqMappingCompiler(JqEngine.create(false)), ResyncSettings.defaults(), Optional.empty(), cpu,
        defined::toJson, Clock.systemUTC(),
        Duration.ofSeconds(3));
    return testKit.spawn(IntegrationSupervisor.create(deps));
  }

  ResyncFinished resync(ActorRef<ResyncProtocol.Command> supervisor) {
    var finished = testKit.<ResyncFinished>createTestProbe();
    supervisor.tell(new StartResync("test", WhenRunning.QUEUE, null, finished.getRef()));
    return finished.receiveMessage(Duration.ofSeconds(60));
  }

  static String mapping(String firstSelector, String secondSelector) {
    return """
        resources:
          - kind: /api/departments
            selector: {query: 'true', %s}
            port: {entity: {mappings: {identifier: .id, title: .id, blueprint: '"dept"'}}}
          - kind: /api/departments
            selector: {query: 'true', %s}
            port: {entity: {mappings: {identifier: .id, title: .id, blueprint: '"dept"'}}}
        """.formatted(firstSelector, secondSelector);
  }

  @Test
  void eachResourceReadsItsOwnSelectorAndTheHooksRunAroundTheResync() {
    var f = resync(supervisor(mapping("prefix: a", "prefix: b, count: 3")));
    assertEquals(Outcome.COMPLETED, f.outcome(), f.errors().toString());
    assertEquals(5, port.emulator.entities("dept").size());
    assertTrue(port.emulator.entity("dept", "b-2").isPresent());
    assertTrue(port.emulator.entity("dept", "a-1").isPresent());
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (integration.hooks.size() < 2 && System.nanoTime() < deadline) {
      Thread.onSpinWait();
    }
    assertEquals(List.of("start", "complete"), integration.hooks);
  }

  @Test
  void aBadSelectorFailsTheResyncNamingItAndAppliesNothing() {
    var supervisor = supervisor(mapping("prefix: a", "prefix: b, count: many"));
    var f = resync(supervisor);
    assertEquals(Outcome.FAILED, f.outcome());
    assertTrue(f.errors().toString().contains("resources[1].selector.count"), f.errors().toString());
    assertEquals(0, port.emulator.entities("dept").size());
    assertEquals(List.of(), integration.hooks);
  }

  @Test
  void aFailingStartHookFailsTheResyncAndDeletesNothing() {
    var supervisor = supervisor(mapping("prefix: a", "prefix: b"));
    assertEquals(Outcome.COMPLETED, resync(supervisor).outcome());
    assertEquals(4, port.emulator.entities("dept").size());
    integration.failStart = true;
    var f = resync(supervisor);
    assertEquals(Outcome.FAILED, f.outcome());
    assertTrue(f.errors().toString().contains("token endpoint refused the credentials"), f.errors().toString());
    assertFalse(f.reconciliation().ran());
    assertEquals(4, port.emulator.entities("dept").size());
  }
}
