package dev.oceanj.spi.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.oceanj.spi.RawFields;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * {@link ProjectedScan} against Jackson: on every document it accepts it gives the nodes {@link JsonItems}' parser
 * path gives (same values, same node classes, same field order), under the mappers the integrations use; every
 * document Jackson refuses it refuses too (then {@link JsonItems#read(byte[], ObjectMapper, List, RawFields,
 * java.util.function.Consumer)} answers with Jackson's error).
 */
class ProjectedScanTest {

  /** The pagerduty integration's mapper: doubles for decimals. */
  private static final ObjectMapper PLAIN = new ObjectMapper();

  private static final List<ObjectMapper> MAPPERS = List.of(PLAIN, JsonItems.MAPPER);

  private static final String INCIDENT = """
      {"id": "QBGTZ9AENSI8O", "type": "incident", "summary": "[#1] DB down", "incident_number": 1,
       "title": "DB down \\"primary\\" \\u00e9t\\u00e9 \\ud83d\\ude00", "description": "Base de données ☕ 😀",
       "created_at": "2026-12-01T08:55:00Z", "status": "triggered", "urgency": "high",
       "service": {"id": "PWGE63Q", "type": "service_reference", "summary": "Checkout"},
       "escalation_policy": {"id": "PW1LHTU", "summary": "Platform EP"},
       "teams": [{"id": "PMQHZMF", "summary": "Platform"}],
       "priority": {"id": "PAJHKDW", "summary": "P1", "order": 5000, "weight": 1.50, "big": 123456789012345678901234567890},
       "pending_actions": [], "conference_bridge": null, "is_mergeable": true,
       "first_trigger_log_entry": {"id": "R1", "agent": {"id": "PU", "summary": "Sofia Petrov", "extra": [1, -2.5e3, {}]}},
       "assignments": [{"at": "2026-12-01T08:55:01Z", "assignee": {"id": "PD", "email": "isaac.levi@example.com",
         "teams": [{"id": "T"}], "n": -9223372036854775808, "m": 9223372036854775808, "i": 2147483648, "j": -0}}],
       "alert_counts": {"all": 1, "triggered": 1, "resolved": 0}, "tab\\tname": "x", "dup": 1, "dup": 2}""";

  private static final List<List<String>> INCIDENT_PATHS = List.of(List.of("id"), List.of("title"),
      List.of("status"), List.of("description"), List.of("escalation_policy", "summary"), List.of("priority"),
      List.of("assignments", "[]", "assignee", "email"), List.of("first_trigger_log_entry", "agent", "summary"),
      List.of("service", "id"), List.of("tab\tname"), List.of("dup"), List.of("alert_counts", "all"));

  @Test
  void aPageOfIncidentsIsReadAsJacksonReadsIt() throws Exception {
    String page = "{\"incidents\": [" + INCIDENT + ", " + INCIDENT + ", 7, \"x\", [1]],\n \"limit\": 100,"
        + " \"offset\": 0, \"total\": null, \"more\": true, \"incidents2\": [1.0]}";
    for (ObjectMapper mapper : MAPPERS) {
      for (long wholeFirst : new long[] {0, 1, 5}) {
        RawFields fields = RawFields.paths(INCIDENT_PATHS, List.of(List.of("conference_bridge")), wholeFirst);
        assertSame(page, List.of("incidents"), fields, mapper, true);
      }
      assertSame(page, List.of("incidents"), RawFields.all(), mapper, true);
      assertSame(page, List.of(), RawFields.all(), mapper, true);
      assertSame(page, List.of("nope"), RawFields.all(), mapper, true);
    }
  }

  @Test
  void projectionKeepsOnlyTheNamedPaths() throws Exception {
    List<JsonNode> items = new ArrayList<>();
    JsonItems.read(("{\"incidents\": [" + INCIDENT + "]}").getBytes(StandardCharsets.UTF_8), PLAIN,
        List.of("incidents"), RawFields.paths(INCIDENT_PATHS, List.of(), 0), items::add);
    JsonNode incident = items.get(0);
    assertEquals(List.of("id", "title", "description", "status", "service", "escalation_policy", "priority",
        "first_trigger_log_entry", "assignments", "alert_counts", "tab\tname", "dup"), names(incident));
    assertEquals("DB down \"primary\" été 😀", incident.get("title").asText());
    assertEquals("Base de données ☕ 😀", incident.get("description").asText());
    assertEquals(2, incident.get("dup").asInt());
    assertEquals(List.of("summary"), names(incident.at("/first_trigger_log_entry/agent")));
    assertEquals(List.of("email"), names(incident.at("/assignments/0/assignee")));
    assertEquals("123456789012345678901234567890", incident.at("/priority/big").bigIntegerValue().toString());
  }

  @Test
  void randomDocumentsAndProjectionsGiveJacksonsNodes() throws Exception {
    Random random = new Random(20261207);
    for (int n = 0; n < 3000; n++) {
      StringBuilder doc = new StringBuilder();
      List<List<String>> paths = new ArrayList<>();
      boolean topArray = random.nextInt(4) == 0;
      if (topArray) {
        doc.append('[');
        int items = random.nextInt(4);
        for (int k = 0; k < items; k++) {
          doc.append(k == 0 ? "" : ",").append(space(random));
          value(random, doc, 0, new ArrayList<>(), paths);
        }
        doc.append(space(random)).append(']');
      } else {
        doc.append("{\"data\":").append(space(random)).append('[');
        int items = random.nextInt(4);
        for (int k = 0; k < items; k++) {
          doc.append(k == 0 ? "" : ",").append(space(random));
          value(random, doc, 0, new ArrayList<>(), paths);
        }
        doc.append("], \"next\": ").append(random.nextBoolean() ? "\"c\"" : "1.25e2").append('}');
      }
      List<List<String>> keep = new ArrayList<>();
      for (List<String> p : paths) {
        if (random.nextInt(3) == 0) {
          keep.add(p.subList(0, random.nextInt(p.size() + 1)));
        }
      }
      RawFields fields = random.nextInt(10) == 0 ? RawFields.all()
          : RawFields.paths(keep, List.of(), random.nextInt(3) == 0 ? 1 : 0);
      for (ObjectMapper mapper : MAPPERS) {
        assertSame(doc.toString(), topArray ? List.of() : List.of("data"), fields, mapper, true);
      }
    }
  }

  @Test
  void whatJacksonRefusesTheScanRefuses() {
    List<String> bad = List.of("", "   ", "{", "[", "{\"data\": [1, 2", "{\"a\" 1}", "{\"a\": 1,}", "[1,]", "[01]",
        "[1.]", "[.5]", "[-]", "[1e]", "[+1]", "[NaN]", "[Infinity]", "[tru]", "[nul]", "[truex]", "[1x]",
        "{'a': 1}", "{a: 1}", "[\"a\tb\"]", "[\"\\x\"]", "[\"\\u12G4\"]", "[\"abc]", "{\"data\": []} x",
        "{\"data\": []} {}", "[1] // c", "/* c */ [1]", "{\"a\": 1 \"b\": 2}", "[1 2]", "{\"data\": [{\"a\": [}]}",
        "{\"data\": [{\"skip\": {\"x\": 1,}}]}", "{\"data\": [{\"skip\": [1,,2]}]}", "{\"data\": [{\"skip\": 0123}]}",
        "{\"data\": [{\"skip\": \"\\q\"}]}");
    for (String doc : bad) {
      byte[] body = doc.getBytes(StandardCharsets.UTF_8);
      RawFields fields = RawFields.paths(List.of(List.of("keep")), List.of(), 0);
      assertThrows(ProjectedScan.Unsupported.class, () -> ProjectedScan.read(body, List.of("data"), fields,
          JsonNodeFactory.instance, false, new ArrayList<>()), doc);
      assertThrows(IOException.class, () -> JsonItems.read(body, PLAIN, List.of("data"), fields, x -> { }), doc);
    }
    // Bytes that are not well-formed UTF-8, in a skipped and in a kept string.
    for (byte[] odd : new byte[][] {{(byte) 0xC3}, {(byte) 0xFF}, {(byte) 0xC0, (byte) 0x80},
        {(byte) 0xED, (byte) 0xA0, (byte) 0x80}, {(byte) 0xE2, (byte) 0x28, (byte) 0xA1}}) {
      for (String field : List.of("skip", "keep")) {
        byte[] head = ("{\"data\": [{\"" + field + "\": \"a").getBytes(StandardCharsets.UTF_8);
        byte[] tail = "b\"}]}".getBytes(StandardCharsets.UTF_8);
        byte[] body = new byte[head.length + odd.length + tail.length];
        System.arraycopy(head, 0, body, 0, head.length);
        System.arraycopy(odd, 0, body, head.length, odd.length);
        System.arraycopy(tail, 0, body, head.length + odd.length, tail.length);
        assertThrows(ProjectedScan.Unsupported.class, () -> ProjectedScan.read(body, List.of("data"),
            RawFields.paths(List.of(List.of("keep")), List.of(), 0), JsonNodeFactory.instance, false,
            new ArrayList<>()));
      }
    }
  }

  @Test
  void randomCorruptionIsNeverAcceptedWhereJacksonRefuses() throws Exception {
    Random random = new Random(7);
    byte[] page = ("{\"incidents\": [" + INCIDENT + "], \"more\": false}").getBytes(StandardCharsets.UTF_8);
    RawFields fields = RawFields.paths(INCIDENT_PATHS, List.of(), 0);
    byte[] alphabet = "{}[]:,\"\\ -+.eE0123456789tfnulx/\n".getBytes(StandardCharsets.UTF_8);
    int refused = 0;
    for (int n = 0; n < 4000; n++) {
      byte[] body = page.clone();
      int edits = 1 + random.nextInt(2);
      for (int k = 0; k < edits; k++) {
        body[random.nextInt(body.length)] = random.nextInt(8) == 0 ? (byte) (0x80 + random.nextInt(128))
            : alphabet[random.nextInt(alphabet.length)];
      }
      try (JsonParser p = PLAIN.createParser(body)) {
        JsonItems.read(p, List.of("incidents"), twin(fields), x -> { });
      } catch (IOException e) {
        refused++;
        try {
          ProjectedScan.read(body, List.of("incidents"), fields, JsonNodeFactory.instance, false, new ArrayList<>());
          fail("accepted what Jackson refuses (" + e.getMessage() + "): " + new String(body, StandardCharsets.UTF_8));
        } catch (ProjectedScan.Unsupported expected) {
          // refused too
        }
        continue;
      }
      assertSame(new String(body, StandardCharsets.UTF_8), List.of("incidents"), fields, PLAIN, false);
    }
    assertTrue(refused > 1000, "the corruption should mostly break the document, broke " + refused);
  }

  /** Jackson's parser path and the scan give equal trees of equal node classes (and the same items). */
  private static void assertSame(String doc, List<String> path, RawFields fields, ObjectMapper mapper,
      boolean mustScan) throws Exception {
    byte[] body = doc.getBytes(StandardCharsets.UTF_8);
    List<JsonNode> expectedItems = new ArrayList<>();
    JsonItems.Envelope expected;
    RawFields twin = twin(fields);
    try (JsonParser p = mapper.createParser(body)) {
      expected = JsonItems.read(p, path, twin(fields), expectedItems::add);
    }
    List<JsonNode> items = new ArrayList<>();
    JsonItems.Envelope scanned;
    try {
      scanned = ProjectedScan.read(body, path, twin, mapper.getNodeFactory(),
          mapper.isEnabled(com.fasterxml.jackson.databind.DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS), items);
    } catch (ProjectedScan.Unsupported e) {
      if (mustScan) {
        fail("the scan gave up on a document Jackson reads: " + doc);
      }
      return;
    }
    assertEquals(expected.streamed(), scanned.streamed(), doc);
    assertEquals(expected.count(), scanned.count(), doc);
    sameTree(expected.envelope(), scanned.envelope(), doc);
    assertEquals(expectedItems.size(), items.size(), doc);
    for (int k = 0; k < items.size(); k++) {
      sameTree(expectedItems.get(k), items.get(k), doc);
    }
  }

  /** The same projection with its own count of whole objects (each reader counts down its own). */
  private static RawFields twin(RawFields fields) {
    if (fields.isAll()) {
      return fields;
    }
    List<List<String>> whole = new ArrayList<>();
    List<List<String>> present = new ArrayList<>();
    collect(fields, new ArrayList<>(), whole, present);
    return RawFields.paths(whole, present, fields.wholeFirst());
  }

  private static void collect(RawFields node, List<String> at, List<List<String>> whole,
      List<List<String>> present) {
    if (node.isAll()) {
      whole.add(List.copyOf(at));
      return;
    }
    if (node.names().isEmpty() && node.elements() == null) {
      present.add(List.copyOf(at));
    }
    for (String name : node.names()) {
      at.add(name);
      collect(node.field(name), at, whole, present);
      at.remove(at.size() - 1);
    }
    if (node.elements() != null) {
      at.add(RawFields.ELEMENTS);
      collect(node.elements(), at, whole, present);
      at.remove(at.size() - 1);
    }
  }

  private static void sameTree(JsonNode expected, JsonNode actual, String doc) {
    assertEquals(expected.getClass(), actual.getClass(), doc);
    assertEquals(expected, actual, doc);
    if (expected.isObject()) {
      assertEquals(names(expected), names(actual), doc);
      for (Iterator<Map.Entry<String, JsonNode>> it = expected.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> e = it.next();
        sameTree(e.getValue(), actual.get(e.getKey()), doc);
      }
    } else if (expected.isArray()) {
      for (int k = 0; k < expected.size(); k++) {
        sameTree(expected.get(k), actual.get(k), doc);
      }
    }
  }

  private static List<String> names(JsonNode node) {
    List<String> names = new ArrayList<>();
    node.fieldNames().forEachRemaining(names::add);
    return names;
  }

  private static final String[] NAMES = {"a", "b", "id", "é", "x y", "q\\\"", "n\\u0041", "data", "😀"};
  private static final String[] SCALARS = {"0", "-0", "1", "-17", "2147483647", "2147483648", "-2147483649",
      "9223372036854775807", "9223372036854775808", "-9223372036854775809", "123456789012345678901234567890",
      "1.5", "-0.0", "2.50", "1e3", "1E-3", "-1.25e+10", "3.0e400", "true", "false", "null", "\"\"", "\"s\"",
      "\"é😀☕\"", "\"a\\nb\\t\\\"c\\\\ \\/ \\b\\f\\r\"", "\"\\u00e9\\ud83d\\ude00\\u0000\"", "\"\\udc00 lone\""};

  private static void value(Random random, StringBuilder doc, int depth, List<String> at, List<List<String>> paths) {
    int kind = depth >= 4 ? 2 : random.nextInt(5);
    if (kind == 0) {
      doc.append('{').append(space(random));
      int n = random.nextInt(5);
      for (int k = 0; k < n; k++) {
        String name = NAMES[random.nextInt(NAMES.length)];
        doc.append(k == 0 ? "" : ",").append(space(random)).append('"').append(name).append('"').append(space(random))
            .append(':').append(space(random));
        at.add(unescape(name));
        paths.add(List.copyOf(at));
        value(random, doc, depth + 1, at, paths);
        at.remove(at.size() - 1);
      }
      doc.append(space(random)).append('}');
    } else if (kind == 1) {
      doc.append('[');
      int n = random.nextInt(4);
      at.add(RawFields.ELEMENTS);
      paths.add(List.copyOf(at));
      for (int k = 0; k < n; k++) {
        doc.append(k == 0 ? "" : ",").append(space(random));
        value(random, doc, depth + 1, at, paths);
      }
      at.remove(at.size() - 1);
      doc.append(space(random)).append(']');
    } else {
      doc.append(SCALARS[random.nextInt(SCALARS.length)]);
    }
  }

  private static String unescape(String name) {
    try {
      return PLAIN.readTree("\"" + name + "\"").asText();
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  private static String space(Random random) {
    return switch (random.nextInt(6)) {
      case 0 -> " ";
      case 1 -> "\n  ";
      case 2 -> "\t";
      case 3 -> "\r\n";
      default -> "";
    };
  }
}
