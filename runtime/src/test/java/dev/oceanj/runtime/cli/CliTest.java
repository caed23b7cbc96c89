package dev.oceanj.runtime.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.oceanj.runtime.Main;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Runs {@code oceanj} in-process with captured streams. */
class CliTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path dir;

  record Run(int exit, String out, String err) {
    List<String> lines() {
      return out.isEmpty() ? List.of() : List.of(out.split("\n"));
    }
  }

  static Run run(String stdin, String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int exit = Main.run(new CliIO(new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)),
        new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8)), args);
    return new Run(exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }

  static JsonNode json(String s) throws Exception {
    return JSON.readTree(s);
  }

  private static final String MAPPING = """
      resources:
        - kind: person
          selector: {query: '.status != "gone"'}
          port:
            entity:
              mappings:
                identifier: .id
                title: .name
                blueprint: '"person"'
                properties: {email: .email, url: .foobar}
                relations: {department: .department.id}
        - kind: team
          selector: {query: 'true'}
          port: {entity: {mappings: {identifier: .id, blueprint: '"team"'}}}
      """;

  private Path write(String name, String content) throws Exception {
    Path p = dir.resolve(name);
    Files.writeString(p, content);
    return p;
  }

  @Test
  void mapsJsonLinesFromAFileAndReportsOnStderr() throws Exception {
    Path mapping = write("m.yml", MAPPING);
    Path input = write("items.jsonl", """
        {"id":"p1","name":"Ann","email":"a@x","status":"ok","department":{"id":"d1"}}
        {"id":"p2","name":"Bob","status":"gone"}
        {"id":"","name":"Nobody","status":"ok"}
        {"id":"p4","name":"Cy","status":"ok","department":5}
        """);
    Run r = run("", "map", "--mapping", mapping.toString(), "--kind", "person", "--input", input.toString());
    assertEquals(0, r.exit(), r.err());
    assertEquals(2, r.lines().size(), r.out());
    assertEquals(json("""
        {"blueprint":"person","entity":{"identifier":"p1","title":"Ann","properties":{"email":"a@x","url":null},
         "relations":{"department":"d1"}}}"""), json(r.lines().get(0)));
    assertEquals("p4", json(r.lines().get(1)).path("entity").path("identifier").asText());
    String err = r.err();
    assertTrue(err.contains("resources[0] (kind person): 4 items -> 2 entities"), err);
    assertTrue(err.contains("misconfigured properties.url = '.foobar': null or failed in 3 items"), err);
    assertTrue(err.contains("misconfigured relations.department = '.department.id': null or failed in 2 items"), err);
    assertTrue(err.contains("filtered out by the selector: 1\n    {\"id\":\"p2\""), err);
    assertTrue(err.contains("dropped (identifier or blueprint empty): 1"), err);
  }

  @Test
  void mapsAJsonArrayFromStdinWithTheOnlyKind() throws Exception {
    Path mapping = write("m.json", """
        {"resources":[{"kind":"k","selector":{"query":".n"},"port":{"itemsToParse":".xs",
          "entity":{"mappings":{"identifier":".item","blueprint":"\\"b\\""}}}}]}""");
    Run r = run("[{\"n\":true,\"xs\":[\"a\",\"b\"]}, {\"n\":1,\"xs\":[\"c\"]}, {\"n\":true,\"xs\":7}]",
        "map", "--mapping", mapping.toString());
    assertEquals(0, r.exit(), r.err());
    assertEquals(List.of("{\"blueprint\":\"b\",\"entity\":{\"identifier\":\"a\"}}", "{\"blueprint\":\"b\",\"entity\":{\"identifier\":\"b\"}}"),
        r.lines());
    assertTrue(r.err().contains("3 items (3 after itemsToParse) -> 2 entities"), r.err());
    assertTrue(r.err().contains("selector errors: 1"), r.err());
    assertTrue(r.err().contains("not expanded by itemsToParse: 1"), r.err());
  }

  @Test
  void badMappingNamesFileFieldAndExitsTwo() throws Exception {
    Path mapping = write("bad.yml", MAPPING.replace("url: .foobar", "url: '.foobar |'"));
    Run r = run("{}", "map", "--mapping", mapping.toString(), "--kind", "person");
    assertEquals(2, r.exit());
    assertEquals("", r.out());
    assertTrue(r.err().contains("Invalid mapping in " + mapping + ": 1 problem"), r.err());
    assertTrue(r.err().contains("resources[0] (kind person) port.entity.mappings.properties.url = '.foobar |'"), r.err());
  }

  @Test
  void kindIsRequiredWithSeveralKindsAndMustExist() throws Exception {
    Path mapping = write("m.yml", MAPPING);
    Run missing = run("{}", "map", "--mapping", mapping.toString());
    assertEquals(2, missing.exit());
    assertTrue(missing.err().contains("--kind is required: " + mapping + " maps kinds person, team"), missing.err());
    Run unknown = run("{}", "map", "--mapping", mapping.toString(), "--kind", "nope");
    assertEquals(2, unknown.exit());
    assertTrue(unknown.err().contains("kind 'nope' is not in " + mapping), unknown.err());
    Run badInput = run("{\"id\": ", "map", "--mapping", mapping.toString(), "--kind", "team");
    assertEquals(2, badInput.exit());
    assertTrue(badInput.err().contains("input is not valid JSON: <stdin>:1"), badInput.err());
    assertEquals(2, run("", "map").exit(), "missing --mapping is a usage error");
  }

  @Test
  void noEnvStubsTheEnvironment() throws Exception {
    Path mapping = write("m.yml", "resources:\n  - kind: k\n    selector: {query: 'true'}\n    port: {entity: {mappings:"
        + " {identifier: .id, blueprint: '\"b\"', properties: {p: env.PATH}}}}\n");
    Run on = run("{\"id\":\"x\"}", "map", "--mapping", mapping.toString());
    assertEquals(System.getenv("PATH"), json(on.out()).path("entity").path("properties").path("p").asText());
    Run off = run("{\"id\":\"x\"}", "map", "--mapping", mapping.toString(), "--no-env");
    assertTrue(json(off.out()).path("entity").path("properties").path("p").isNull());
  }

  @Test
  void jqPrintsEveryOutputCompactForEachInputValue() throws Exception {
    Run r = run("{\"a\":[1,2]} {\"a\":[3]}\n", "jq", ".a[] | {v: ., s: 'x' }");
    assertEquals(0, r.exit(), r.err());
    assertEquals(List.of("{\"v\":1,\"s\":\"x\"}", "{\"v\":2,\"s\":\"x\"}", "{\"v\":3,\"s\":\"x\"}"), r.lines());
    Path file = write("in.json", "\"s\"\n");
    Run raw = run("", "jq", "-r", ".", file.toString());
    assertEquals("s\n", raw.out());
    Run nul = run("ignored", "jq", "-n", "[1, null]");
    assertEquals("[1,null]\n", nul.out());
  }

  @Test
  void jqErrorsPrintJqStyleAndExitFiveAfterTheRemainingInputs() {
    Run r = run("{\"a\":1}\n5\n{\"a\":2}\n", "jq", ".a");
    assertEquals(5, r.exit(), r.err());
    assertEquals(List.of("1", "2"), r.lines());
    assertTrue(r.err().startsWith("jq: error (at <stdin>:2): "), r.err());
    assertTrue(r.err().contains("Cannot index number with"), r.err());
    // jq 1.8.1's reader (src/util.c) counts a line when the fgets chunk it read holds the line's newline, so a value
    // is on the line whose newline was read by the time the parser finished it.
    assertTrue(run("{\"a\":1}\n5", "jq", ".a").err().startsWith("jq: error (at <stdin>:1): "));
    assertTrue(run("{\"a\":1} 5 {\"a\":2}", "jq", ".a").err().startsWith("jq: error (at <stdin>:0): "));
    assertTrue(run("{\"a\":1}\n{\"b\":\n5}\n", "jq", ".b.c").err().startsWith("jq: error (at <stdin>:3): "));
    assertTrue(run("5 {\"a\":1}\n", "jq", ".a").err().startsWith("jq: error (at <stdin>:1): "),
        "the whole first line was read: its newline counts for the 5 at its start");
    String longLine = "5" + " ".repeat(5000) + "{\"a\":1}\n";
    assertTrue(run(longLine, "jq", ".a").err().startsWith("jq: error (at <stdin>:0): "),
        "a line longer than one fgets chunk: its newline is not read yet when the 5 is finished");
  }

  @Test
  void jqCompileErrorsAndBadInput() {
    Run compile = run("{}", "jq", ".a |");
    assertEquals(3, compile.exit());
    assertTrue(compile.err().startsWith("jq: error: "), compile.err());
    assertTrue(compile.err().contains("jq: 1 compile error"), compile.err());
    Run bad = run("1 {", "jq", ".");
    assertEquals(2, bad.exit(), bad.err());
    assertEquals("1\n", bad.out());
    assertTrue(bad.err().startsWith("jq: error (at <stdin>:1"), bad.err());
  }

  @Test
  void helpPrintsUsage() {
    // Without a subcommand the runtime runs the integration (StartupProblemsTest runs it that way); --help
    // lists commands.
    Run r = run("", "--help");
    assertEquals(0, r.exit());
    assertTrue(r.out().contains("Usage: oceanj"), r.out());
    assertTrue(r.out().contains("map"), r.out());
  }
}
