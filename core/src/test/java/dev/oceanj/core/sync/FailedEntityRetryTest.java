package dev.oceanj.core.sync;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import org.junit.jupiter.api.Test;

class FailedEntityRetryTest {

  static ResyncRun.FailedEntity e(String id, String... targets) {
    ObjectNode n = JsonNodeFactory.instance.objectNode().put("identifier", id);
    var rel = n.putObject("relations");
    if (targets.length == 1) {
      rel.put("parent", targets[0]);
    } else if (targets.length > 1) {
      var arr = rel.putArray("parents");
      for (String t : targets) {
        arr.add(t);
      }
    }
    return new ResyncRun.FailedEntity("bp", n, "k");
  }

  static List<String> ids(List<ResyncRun.FailedEntity> l) {
    return l.stream().map(f -> f.entity().get("identifier").asText()).toList();
  }

  @Test
  void relationTargetsComeBeforeTheEntitiesThatReferenceThem() {
    var order = FailedEntityRetry.order(List.of(e("a", "b"), e("b", "c"), e("c"), e("d", "a", "c")));
    assertEquals(List.of("c", "b", "a", "d"), ids(order));
  }

  @Test
  void aCycleFallsBackToTheOriginalOrderForItsMembers() {
    var order = FailedEntityRetry.order(List.of(e("a", "b"), e("b", "a"), e("z")));
    assertEquals(List.of("z", "a", "b"), ids(order));
  }
}
