package dev.oceanj.core.port;

import static dev.oceanj.core.port.Fixtures.blueprint;
import static dev.oceanj.core.port.Fixtures.join;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.oceanj.core.port.PortClient.PortIdentity;
import dev.oceanj.emulator.PortEmulator;
import dev.oceanj.emulator.RequestLog;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** In cluster mode every request to Port names the node in {@code X-Oceanj-Node}; outside it, none does. */
class NodeHeaderTest {

  @Test
  void theNodeTagGoesWithEveryRequestOnlyInClusterMode() {
    try (PortEmulator port = PortEmulator.start();
        WriteLimiter limiter = WriteLimiter.unlimited();
        HttpPortClient node = HttpPortClient.create(Fixtures.settings(port),
            new PortIdentity("fake", "1.2.3", "my-fake", Optional.of("node-7")), limiter);
        HttpPortClient plain = HttpPortClient.create(Fixtures.settings(port), Fixtures.ID, limiter)) {
      port.requestLog().enable(true, false);
      join(node.createBlueprint(blueprint("svc")));
      join(node.getIntegration());
      Set<String> tags = port.requestLog().since(0).stream().map(e -> String.valueOf(e.node()))
          .collect(Collectors.toSet());
      assertEquals(Set.of("node-7"), tags);

      long seen = port.requestLog().since(0).stream().mapToLong(RequestLog.Entry::seq).max().orElse(0);
      join(plain.getIntegration());
      var after = port.requestLog().since(seen);
      assertFalse(after.isEmpty());
      assertEquals(Set.of("null"), after.stream().map(e -> String.valueOf(e.node())).collect(Collectors.toSet()));
    }
  }
}
