package dev.oceanj.core.jq;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.oceanj.spi.Jq;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class IntegrationJqTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void expressionsFollowOceansRulesAndErrorsNameJq() throws Exception {
    Jq jq = new IntegrationJq(JqEngine.create(true, Map.of("TEAM", "core")));
    JsonNode page = JSON.readTree("{\"data\": [{\"id\": 1, \"s\": \"a\"}, {\"id\": 2, \"s\": \"b\"}]}");
    assertEquals(1, jq.compile(".data[].id").first(page).asInt());
    assertEquals(List.of(1, 2), jq.compile(".data[].id").all(page).stream().map(JsonNode::asInt).toList());
    assertEquals("b", jq.compile(".data[] | select(.s == \"b\") | .s").first(page).asText());
    assertEquals("core", jq.compile("env.TEAM").first(page).asText());
    assertTrue(jq.compile(".missing").first(page).isNull());
    var syntax = assertThrows(IllegalArgumentException.class, () -> jq.compile(".data["));
    assertTrue(syntax.getMessage().contains(".data["), syntax.getMessage());
    assertThrows(IllegalArgumentException.class, () -> jq.compile(".data + 1").first(page));
  }
}
