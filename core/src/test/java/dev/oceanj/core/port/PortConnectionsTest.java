package dev.oceanj.core.port;

import static dev.oceanj.core.port.Fixtures.blueprint;
import static dev.oceanj.core.port.Fixtures.entities;
import static dev.oceanj.core.port.Fixtures.join;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.oceanj.core.port.PortClient.PortIdentity;
import dev.oceanj.core.port.PortClient.UpsertOptions;
import dev.oceanj.emulator.EmulatorSettings;
import dev.oceanj.emulator.PortEmulator;
import dev.oceanj.emulator.RequestLog;
import dev.oceanj.testsupport.TestPort;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** Integration instances of one JVM reach Port through one registry: their own identity, shared everything else. */
class PortConnectionsTest {

  private static final PortIdentity A = new PortIdentity("fake", "1.0.0", "fake-a");
  private static final PortIdentity B = new PortIdentity("fake", "1.0.0", "fake-b");

  private static long count(List<RequestLog.Entry> log, String path) {
    return log.stream().filter(e -> e.path().equals(path)).count();
  }

  @Test
  void instancesOfOneCredentialShareOneTokenAndOneOrgLimiterButWriteAsThemselves() {
    try (PortEmulator port = TestPort.start(); PortConnections connections = PortConnections.create()) {
      port.requestLog().enable(true, false);
      List<String> announced = new ArrayList<>();
      connections.onLimiter((org, limiter) -> announced.add(org));
      HttpPortClient a = connections.client(Fixtures.settings(port), A);
      HttpPortClient b = connections.client(Fixtures.settings(port), B);
      join(a.createBlueprint(blueprint("svc")));
      join(a.bulkUpsert("svc", entities("a-", 0, 3), UpsertOptions.defaults()));
      join(b.bulkUpsert("svc", entities("b-", 0, 3), UpsertOptions.defaults()));

      List<RequestLog.Entry> log = port.requestLog().since(0);
      assertEquals(1, count(log, "/v1/auth/access_token"), "one token for the credential");
      assertEquals(1, count(log, "/v1/organization"), "the org is read once per credential");
      Set<String> writers = log.stream().filter(e -> e.path().endsWith("/entities/bulk")).map(RequestLog.Entry::userAgent)
          .collect(Collectors.toSet());
      assertEquals(Set.of("port-ocean/fake/1.0.0/fake-a/exporter", "port-ocean/fake/1.0.0/fake-b/exporter"), writers);
      assertEquals("port-ocean/fake/1.0.0/fake-a/exporter", port.datasource("svc", "a-0").orElseThrow());
      assertEquals("port-ocean/fake/1.0.0/fake-b/exporter", port.datasource("svc", "b-0").orElseThrow());

      Map<String, WriteLimiter> limiters = connections.limiters();
      assertEquals(Set.of(port.settings().organizationId()), limiters.keySet());
      assertEquals(List.of(port.settings().organizationId()), announced);
      WriteLimiter limiter = limiters.values().iterator().next();
      assertEquals(3, limiter.lanes(), "the default lane and one per instance");
      assertEquals(2, limiter.stats().acquired(), "both instances' writes drew from the org's limiter");

      a.close();
      assertEquals(2, limiter.lanes(), "closing an instance's client closes its lane");
      join(b.bulkUpsert("svc", entities("b-", 3, 1), UpsertOptions.defaults()));
      assertEquals(1, count(port.requestLog().since(0), "/v1/auth/access_token"), "b still uses the shared token");
    }
  }

  @Test
  void twoPortsOfOneOrganizationShareOneBudget() {
    // The emulator knows one credential, so a second credential of the same org is a second emulator reporting the
    // same organization id: the budget follows the org, not the credential or the base URL.
    EmulatorSettings other = EmulatorSettings.defaults().withClientId("other-id").withClientSecret("other-secret");
    try (PortEmulator first = TestPort.start(); PortEmulator second = PortEmulator.start(other);
        PortConnections connections = PortConnections.create()) {
      HttpPortClient a = connections.client(Fixtures.settings(first), A);
      HttpPortClient b = connections.client(Fixtures.settings(second), B);
      assertEquals(first.settings().organizationId(), second.settings().organizationId());
      assertEquals(1, connections.limiters().size());
      join(a.createBlueprint(blueprint("svc")));
      join(b.createBlueprint(blueprint("svc")));
      join(a.bulkUpsert("svc", entities("a-", 0, 1), UpsertOptions.defaults()));
      join(b.bulkUpsert("svc", entities("b-", 0, 1), UpsertOptions.defaults()));
      assertEquals(2, connections.limiters().values().iterator().next().stats().acquired());
    }
  }

  @Test
  void anOrganizationThatCannotBeReadGetsABudgetOfItsOwn() {
    try (PortEmulator port = TestPort.start(); PortConnections connections = PortConnections.create()) {
      PortClientSettings wrongSecret = Fixtures.settings(port).withRetry(new dev.oceanj.core.config.PortSettings.Retry(
          0, java.time.Duration.ofMillis(10), java.time.Duration.ofMillis(10), 0.0));
      wrongSecret = new PortClientSettings(wrongSecret.baseUrl(), wrongSecret.clientId(), "not-the-secret",
          wrongSecret.tokenRefreshSkew(), wrongSecret.requestTimeout(), wrongSecret.connectTimeout(),
          wrongSecret.maxConnections(), wrongSecret.retry(), wrongSecret.rateLimit());
      connections.client(wrongSecret, A);
      HttpPortClient good = connections.client(Fixtures.settings(port), B);
      assertEquals(2, connections.limiters().size(), "the unknown org's budget is kept apart");
      assertTrue(connections.limiters().containsKey(port.baseUrl() + " client " + port.settings().clientId()));
      assertSame(connections.limiters().get(port.settings().organizationId()),
          connections.limiters().get(port.settings().organizationId()));
      join(good.organization());
    }
  }

  @Test
  void aClosedRegistryMakesNoClients() {
    try (PortEmulator port = TestPort.start()) {
      PortConnections connections = PortConnections.create();
      connections.close();
      assertThrows(IllegalStateException.class, () -> connections.client(Fixtures.settings(port), A));
    }
  }
}
