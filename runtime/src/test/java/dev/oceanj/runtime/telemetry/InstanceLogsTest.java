package dev.oceanj.runtime.telemetry;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Which instance a log line belongs to, from its MDC: named, or by the actor path of the instance's subtree. */
class InstanceLogsTest {

  static final Set<String> IDS = Set.of("pd-eu", "pd eu", "github", "a", "a-2");

  static Optional<String> fromActor(String path) {
    return InstanceLogs.owner(Map.of("pekkoSource", path), IDS);
  }

  @Test
  void aNamedInstanceOwnsItsLinesAndAnUnknownNameOwnsNone() {
    assertEquals(Optional.of("github"), InstanceLogs.owner(Map.of("integration", "github",
        "pekkoSource", "pekko://oceanj/user/instance-pd-eu"), IDS));
    assertEquals(Optional.empty(), InstanceLogs.owner(Map.of("integration", "gone"), IDS));
  }

  @Test
  void anActorOfAnInstancesSubtreeBelongsToIt() {
    assertEquals(Optional.of("pd-eu"), fromActor("pekko://oceanj/user/instance-pd-eu"));
    assertEquals(Optional.of("pd-eu"), fromActor("pekko://oceanj/user/instance-pd-eu-3/supervisor/resync-7/kind-0"));
    assertEquals(Optional.of("pd eu"), fromActor("pekko://oceanj/user/instance-pd+eu/triggers"));
    assertEquals(Optional.of("github"), fromActor("pekko://oceanj/user/instance-github-12"));
    assertEquals(Optional.of("pd eu"), fromActor(
        "pekko://oceanj@127.0.0.1:25520/system/sharding/integration-instance/7/pd+eu/instance/instance/supervisor"));
  }

  @Test
  void hostLinesAndAmbiguousPathsBelongToNoInstance() {
    assertEquals(Optional.empty(), InstanceLogs.owner(Map.of(), IDS), "no MDC");
    assertEquals(Optional.empty(), fromActor("pekko://oceanj/user"), "the guardian");
    assertEquals(Optional.empty(), fromActor("pekko://oceanj/system/sharding/instance/pd-eu"));
    assertEquals(Optional.empty(), fromActor("pekko://oceanj/system/sharding/integration-instance/7"), "a shard");
    assertEquals(Optional.empty(), fromActor("pekko://oceanj/user/instance-pd-eux"));
    assertEquals(Optional.empty(), fromActor("pekko://oceanj/user/instance-github-x"));
    // "a-2" is instance a's third actor or instance a-2's first: shipped to neither.
    assertEquals(Optional.empty(), fromActor("pekko://oceanj/user/instance-a-2/supervisor"));
    assertEquals(Optional.of("a"), fromActor("pekko://oceanj/user/instance-a-5"));
  }
}
