package dev.oceanj.runtime.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.oceanj.runtime.cli.CliTest.Run;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Ocean's commands that need no Port: version, list, pull, port-app-config schema, new (files only). */
class OceanCommandsTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final List<String> FAKE_KINDS = List.of("fake-department", "fake-person", "fake-office", "fake-team",
      "fake-project");

  @TempDir Path dir;

  static Run run(String... args) {
    return CliTest.run("", args);
  }

  @Test
  void versionPrintsTheBuildVersionAndShortOnlyTheNumber() {
    Run brief = run("version", "-s");
    assertEquals(0, brief.exit(), brief.err());
    String v = brief.out().strip();
    assertTrue(v.matches("\\d+\\.\\d+\\.\\d+(-SNAPSHOT)?"), v);
    Run full = run("version");
    assertEquals("oceanj version: " + v, full.out().strip());
    assertEquals("oceanj " + v, run("--version").out().strip());
  }

  @Test
  void listShowsTheFakeTypeWithVersionAndKinds() {
    Run r = run("list");
    assertEquals(0, r.exit(), r.err());
    assertTrue(r.lines().get(0).matches("TYPE +VERSION +KINDS"), r.out());
    String fake = r.lines().stream().filter(l -> l.startsWith("fake ")).findFirst().orElseThrow(() ->
        new AssertionError(r.out()));
    assertTrue(fake.contains(run("version", "-s").out().strip()), fake);
    assertTrue(fake.endsWith(String.join(", ", FAKE_KINDS)), fake);
  }

  @Test
  void pullWritesTheTypesPortFolderAndNeverOverwritesWithoutForce() throws Exception {
    Path target = dir.resolve("mine");
    Run r = run("pull", "fake", target.toString());
    assertEquals(0, r.exit(), r.err());
    Path mapping = target.resolve(".port/resources/port-app-config.yml");
    assertTrue(Files.readString(mapping).contains("kind: fake-person"));
    assertTrue(Files.readString(target.resolve(".port/spec.yaml")).contains("entityAmount"));
    assertTrue(Files.readString(target.resolve(".port/resources/blueprints.json")).contains("\"fake-person\""));

    Files.writeString(mapping, "edited");
    Run again = run("pull", "fake", "-p", target.toString());
    assertEquals(2, again.exit());
    assertTrue(again.err().contains("spec.yaml exists; nothing was written") && again.err().contains("--force"), again.err());
    assertEquals("edited", Files.readString(mapping));
    assertEquals(0, run("pull", "fake", target.toString(), "--force").exit());
    assertTrue(Files.readString(mapping).contains("kind: fake-person"));

    Run unknown = run("pull", "nope", dir.resolve("x").toString());
    assertEquals(2, unknown.exit());
    assertTrue(unknown.err().contains("'nope'") && unknown.err().contains("available: [custom, fake, kafka"), unknown.err());
    assertFalse(Files.exists(dir.resolve("x")));
  }

  @Test
  void theFakeSchemaHasEveryKindAndDescribesItsShippedMapping() throws Exception {
    Run r = run("port-app-config", "schema", "-t", "fake");
    assertEquals(0, r.exit(), r.err());
    assertTrue(r.lines().size() > 20, "pretty by default");
    JsonNode schema = JSON.readTree(r.out());
    assertEquals("Fake", schema.get("title").asText());
    List<String> kinds = new ArrayList<>();
    schema.at("/properties/resources/items/anyOf").forEach(ref -> {
      String name = ref.get("$ref").asText().substring("#/definitions/".length());
      kinds.add(schema.at("/definitions/" + name + "/properties/kind/enum/0").asText());
    });
    assertEquals(FAKE_KINDS, kinds);
    assertEquals(List.of("query"), names(schema.at("/definitions/FakePersonSelector/properties")));
    assertFalse(schema.at("/definitions/FakePersonSelector/additionalProperties").asBoolean(true));

    JsonNode shipped = new YAMLMapper().readTree(getClass().getClassLoader()
        .getResourceAsStream("oceanj/integration/fake/.port/resources/port-app-config.yml"));
    List<String> undescribed = new ArrayList<>();
    undescribedKeys(shipped, schema.get("properties"), schema.get("definitions"), "", undescribed);
    assertEquals(List.of(), undescribed, "every key of the shipped mapping is in the schema");
  }

  @Test
  void theUiFormAndAFileOutputCompact() throws Exception {
    Path out = dir.resolve("nested/dir/ui.json");
    Run r = run("port-app-config", "schema", "-t", "fake", "-f", "ui", "-o", out.toString(), "--compact");
    assertEquals(0, r.exit(), r.err());
    assertEquals("", r.out());
    assertEquals("Output written to " + out, r.err().strip());
    List<String> lines = Files.readAllLines(out, StandardCharsets.UTF_8);
    assertEquals(1, lines.size(), "compact is one line");
    JsonNode ui = JSON.readTree(lines.get(0));
    assertEquals(FAKE_KINDS, names(ui.get("kinds")));
    assertEquals("string", ui.at("/kinds/fake-office/selectors/properties/query/type").asText());
    assertTrue(ui.at("/advancedConfig/enableMergeEntity/extra/ui_schema/hidden").asBoolean());
    assertFalse(lines.get(0).contains("$ref"));

    Run both = run("port-app-config", "schema", "-t", "fake", "--pretty", "--compact");
    assertEquals(2, both.exit());
    assertTrue(both.err().contains("mutually exclusive"), both.err());
    Run badFormat = run("port-app-config", "schema", "-t", "fake", "-f", "yaml");
    assertEquals(2, badFormat.exit());
    assertTrue(badFormat.err().contains("--format must be json or ui"), badFormat.err());
    Run unknown = run("port-app-config", "schema", "-t", "nope");
    assertEquals(2, unknown.exit());
    assertTrue(unknown.err().contains("'nope'"), unknown.err());
  }

  @Test
  void newWritesTheProjectWithEveryPlaceholderFilled() throws Exception {
    Path project = dir.resolve("acme-tickets");
    Run r = run("new", project.toString(), "--kind", "support-ticket");
    assertEquals(0, r.exit(), r.err());
    Path src = project.resolve("src/main/java/com/example/oceanj/acmetickets");
    assertTrue(Files.isRegularFile(src.resolve("AcmeTicketsIntegration.java")));
    assertTrue(Files.isRegularFile(project.resolve("src/test/java/com/example/oceanj/acmetickets/"
        + "AcmeTicketsIntegrationTest.java")));
    String integration = Files.readString(src.resolve("AcmeTicketsIntegration.java"));
    assertTrue(integration.contains("TYPE = \"acme-tickets\"") && integration.contains("SUPPORT_TICKET = "
        + "\"support-ticket\"") && integration.contains("client::supportTicketPage"), integration);
    assertTrue(Files.readString(project.resolve("pom.xml")).contains("<oceanj.version>"
        + run("version", "-s").out().strip() + "</oceanj.version>"));
    assertEquals("com.example.oceanj.acmetickets.AcmeTicketsIntegration",
        Files.readString(project.resolve("src/main/resources/META-INF/services/dev.oceanj.spi.Integration")).strip());
    JsonNode blueprints = JSON.readTree(project.resolve(".port/resources/blueprints.json").toFile());
    assertEquals("acme-tickets-support-ticket", blueprints.get(0).get("identifier").asText());
    JsonNode mapping = new YAMLMapper().readTree(project.resolve(".port/resources/port-app-config.yml").toFile());
    assertEquals("support-ticket", mapping.at("/resources/0/kind").asText());
    try (Stream<Path> files = Files.walk(project)) {
      for (Path f : files.filter(Files::isRegularFile).toList()) {
        assertFalse(Files.readString(f).contains("{{"), f + " has an unfilled placeholder");
      }
    }
  }

  @Test
  void theSchemaOfAnIntegrationFolderTakesItsKindsAndTitle() throws Exception {
    Path project = dir.resolve("acme");
    assertEquals(0, run("new", project.toString(), "--kind", "ticket").exit());
    Run r = run("port-app-config", "schema", project.toString(), "-f", "ui");
    assertEquals(0, r.exit(), r.err());
    JsonNode ui = JSON.readTree(r.out());
    assertEquals(List.of("ticket"), names(ui.get("kinds")));
    Run json = run("port-app-config", "schema", project.toString());
    assertEquals("Acme", JSON.readTree(json.out()).get("title").asText());
    Run none = run("port-app-config", "schema", dir.resolve("nothing").toString());
    assertEquals(2, none.exit());
    assertTrue(none.err().contains("has no .port folder"), none.err());
  }

  @Test
  void newRefusesBadNamesAndAFolderWithFiles() throws Exception {
    Run bad = run("new", dir.resolve("x").toString(), "--type", "Bad_Type", "--kind", "9lives");
    assertEquals(2, bad.exit());
    assertTrue(bad.err().contains("--type 'Bad_Type'") && bad.err().contains("--kind '9lives'"), bad.err());
    assertFalse(Files.exists(dir.resolve("x")));
    Files.writeString(dir.resolve("keep.txt"), "mine");
    Run full = run("new", dir.toString(), "--type", "ok");
    assertEquals(2, full.exit());
    assertTrue(full.err().contains("is not an empty folder"), full.err());
    try (Stream<Path> files = Files.list(dir)) {
      assertEquals(List.of(dir.resolve("keep.txt")), files.toList());
    }
  }

  static List<String> names(JsonNode object) {
    List<String> names = new ArrayList<>();
    object.fieldNames().forEachRemaining(names::add);
    return names;
  }

  /**
   * Collects the paths of {@code doc}'s object keys that {@code properties} (following {@code $ref}, one-element
   * {@code allOf} and, for resources, the resource type whose kind matches) does not describe.
   */
  static void undescribedKeys(JsonNode doc, JsonNode properties, JsonNode defs, String path, List<String> out) {
    for (Iterator<Map.Entry<String, JsonNode>> it = doc.fields(); it.hasNext();) {
      Map.Entry<String, JsonNode> e = it.next();
      JsonNode prop = resolve(properties.path(e.getKey()), defs);
      String at = path + "/" + e.getKey();
      if (prop.isMissingNode()) {
        out.add(at);
      } else if (e.getKey().equals("resources")) {
        for (JsonNode resource : e.getValue()) {
          JsonNode type = null;
          for (JsonNode ref : prop.at("/items/anyOf")) {
            JsonNode candidate = resolve(ref, defs);
            if (candidate.at("/properties/kind/enum/0").asText().equals(resource.path("kind").asText())) {
              type = candidate;
            }
          }
          if (type == null) {
            out.add(at + "[kind=" + resource.path("kind").asText() + "]");
          } else {
            undescribedKeys(resource, type.get("properties"), defs, at, out);
          }
        }
      } else if (e.getValue().isObject() && prop.has("properties")) {
        undescribedKeys(e.getValue(), prop.get("properties"), defs, at, out);
      }
    }
  }

  static JsonNode resolve(JsonNode node, JsonNode defs) {
    if (node.has("$ref")) {
      return resolve(defs.get(node.get("$ref").asText().substring("#/definitions/".length())), defs);
    }
    if (node.has("allOf") && node.get("allOf").size() == 1) {
      return resolve(node.get("allOf").get(0), defs);
    }
    return node;
  }
}
