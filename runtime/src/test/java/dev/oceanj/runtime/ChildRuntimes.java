package dev.oceanj.runtime;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.oceanj.emulator.PortEmulator;
import dev.oceanj.testsupport.TestPort;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.BooleanSupplier;

/** Environments and checks shared by the tests that run the runtime ({@link Main}) in child JVMs. */
final class ChildRuntimes {

  static final String[] FAKE_BLUEPRINTS = {"fake-department", "fake-person", "fake-office", "fake-team",
      "fake-project"};

  private ChildRuntimes() {}

  /** Ocean's variables for a runtime of the fake integration against {@code port}, with {@code extra} on top. */
  static Map<String, String> env(PortEmulator port, Path dataDir, String identifier, Map<String, String> extra) {
    Map<String, String> env = new HashMap<>(TestPort.env(port));
    env.put("OCEAN__INTEGRATION__TYPE", "fake");
    env.put("OCEAN__INTEGRATION__IDENTIFIER", identifier);
    env.put("OCEAN__HTTP__HOST", "127.0.0.1");
    env.put("OCEAN__HTTP__PORT", "0");
    env.put("OCEAN__DATA_DIR", dataDir.toString());
    env.putAll(extra);
    return env;
  }

  /**
   * Every entity of the fake integration's blueprints as Port holds it, by {@code blueprint/identifier}, with
   * what a resync decides (title, properties, relations) and none of Port's own fields (dates, datasource).
   */
  static Map<String, JsonNode> catalog(PortEmulator port) {
    Map<String, JsonNode> out = new TreeMap<>();
    for (String bp : FAKE_BLUEPRINTS) {
      for (JsonNode e : port.entities(bp)) {
        ObjectNode kept = ((ObjectNode) e).deepCopy().retain("identifier", "title", "properties", "relations");
        out.put(bp + "/" + e.path("identifier").asText(), kept);
      }
    }
    return out;
  }

  /** How many entries of {@code expected} {@code actual} lacks or holds otherwise, plus those it has in excess. */
  static long differences(Map<String, JsonNode> expected, Map<String, JsonNode> actual) {
    long n = expected.entrySet().stream().filter(e -> !e.getValue().equals(actual.get(e.getKey()))).count();
    return n + actual.keySet().stream().filter(k -> !expected.containsKey(k)).count();
  }

  /** Fails naming the first differing entities unless the two catalogs are equal entity by entity. */
  static void assertSameCatalog(Map<String, JsonNode> expected, Map<String, JsonNode> actual) {
    java.util.List<String> diffs = new java.util.ArrayList<>();
    expected.forEach((k, v) -> {
      if (!v.equals(actual.get(k))) {
        diffs.add(k + ": expected " + cut(v) + " but Port has " + cut(actual.get(k)));
      }
    });
    actual.keySet().stream().filter(k -> !expected.containsKey(k)).forEach(k -> diffs.add(k + ": not expected"));
    if (!diffs.isEmpty()) {
      throw new AssertionError(diffs.size() + " entities differ, e.g.\n"
          + String.join("\n", diffs.subList(0, Math.min(5, diffs.size()))));
    }
  }

  private static String cut(JsonNode node) {
    String text = String.valueOf(node);
    return text.length() > 300 ? text.substring(0, 300) + "…" : text;
  }

  static void await(String what, Duration within, BooleanSupplier condition) {
    dev.oceanj.testsupport.Await.until(what, within, condition);
  }
}
