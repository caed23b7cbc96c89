package dev.oceanj.core.jq;

import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * Conformance of the engine against {@code shared/jq/}: Ocean's mapping expressions must compile, Ocean's cases
 * must evaluate as jq 1.8.1 did, and jq's own suite must pass at a rate that never drops below its floor.
 *
 * <p>Each test prints its rate and writes the failing cases to {@code target/jq-conformance/} for triage.
 */
class JqConformanceTest {

  /** Floors only go up: raise them when the engine gets better. */
  static final double MAPPINGS_FLOOR = 1.0;
  static final double CASES_FLOOR = 1.0;
  static final double UPSTREAM_FLOOR = 0.904;

  private static final ObjectMapper MAPPER = JqEngine.jsonMapper();
  private final JqEngine engine = JqEngine.create(true);

  private static Path jqDir() {
    var dir = SharedData.jqDir();
    Assumptions.assumeTrue(dir.isPresent(), "shared/jq conformance data absent; skipping");
    return dir.get();
  }

  @Test
  void everyOceanMappingExpressionCompiles() throws IOException {
    List<String> lines = Files.readAllLines(jqDir().resolve("ocean-mappings.jsonl"), StandardCharsets.UTF_8);
    Set<String> jqRejects = jqCompileErrors();
    int total = 0;
    List<String> failures = new ArrayList<>();
    for (String line : lines) {
      if (line.isBlank()) {
        continue;
      }
      JsonNode entry = MAPPER.readTree(line);
      String expr = entry.get("expr").asText();
      if (entry.has("not_jq") || expr.equals("...") || jqRejects.contains(expr)) {
        // Not jq programs (a file:// reference, a docs ellipsis, a docs placeholder such as `str`): jq 1.8.1
        // rejects them as well (the cases record its compile error).
        continue;
      }
      total++;
      try {
        engine.compile(expr);
      } catch (RuntimeException e) {
        failures.add(expr.replace('\n', ' ') + "\n    -> " + e.getMessage());
      }
    }
    double rate = report("ocean-mappings compile", total, failures);
    assertTrue(rate >= MAPPINGS_FLOOR, "ocean-mappings compile rate " + rate + " below floor " + MAPPINGS_FLOOR);
  }

  /** The expressions that jq 1.8.1 refused to compile, as the cases record. */
  private static Set<String> jqCompileErrors() throws IOException {
    Set<String> rejected = new HashSet<>();
    for (String line : Files.readAllLines(jqDir().resolve("ocean-cases.jsonl"), StandardCharsets.UTF_8)) {
      if (!line.isBlank()) {
        JsonNode c = MAPPER.readTree(line);
        if (c.hasNonNull("error") && JqErrorKind.ofJq(c.get("error").asText()).equals(JqErrorKind.COMPILE)) {
          rejected.add(c.get("expr").asText());
        }
      }
    }
    return rejected;
  }

  @Test
  void everyOceanCaseConforms() throws IOException {
    List<String> lines = Files.readAllLines(jqDir().resolve("ocean-cases.jsonl"), StandardCharsets.UTF_8);
    int total = 0;
    List<String> failures = new ArrayList<>();
    for (String line : lines) {
      if (line.isBlank()) {
        continue;
      }
      total++;
      JsonNode c = MAPPER.readTree(line);
      String expr = c.get("expr").asText();
      JsonNode input = c.get("input");
      boolean expectError = c.hasNonNull("error");
      String verdict = check(expr, input, expectError ? null : c.get("outputs"),
          expectError ? c.get("error").asText() : null);
      if (verdict != null) {
        failures.add("#" + c.get("case_id").asText() + " " + expr.replace('\n', ' ') + "\n    input: "
            + abbreviate(input.toString()) + "\n    jq: "
            + (expectError ? "error " + c.get("error").asText() : abbreviate(c.get("outputs").toString()))
            + "\n    we: " + verdict);
      }
    }
    double rate = report("ocean-cases conform", total, failures);
    assertTrue(rate >= CASES_FLOOR, "ocean-cases conformance " + rate + " below floor " + CASES_FLOOR);
  }

  @Test
  void upstreamSuitePassesAboveFloor() throws IOException {
    Path dir = jqDir().resolve("upstream");
    List<UpstreamCase> cases = new ArrayList<>();
    try (var files = Files.list(dir)) {
      for (Path f : (Iterable<Path>) files.filter(p -> p.toString().endsWith(".test")).sorted()::iterator) {
        cases.addAll(UpstreamCase.parse(f));
      }
    }
    List<String> failures = new ArrayList<>();
    // jq's own test runner exports PAGER=less; man.test reads it through $ENV and env.
    JqEngine upstream = JqEngine.create(true, Map.of("PAGER", "less"));
    // jq's suite nests values 10,000 deep; jackson-jq recurses per level, so the suite runs on a thread with
    // a stack that deep recursion fits in (as jq's own C stack does), instead of the JVM's 1 MB default.
    Thread runner = new Thread(null, () -> {
      for (UpstreamCase uc : cases) {
        String verdict = uc.run(upstream);
        if (verdict != null) {
          failures.add(uc.file() + ":" + uc.line() + " " + uc.program() + "\n    " + verdict);
        }
      }
    }, "jq-upstream-suite", 16L << 20);
    runner.start();
    try {
      runner.join();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while running the upstream suite", e);
    }
    double rate = report("jq upstream suite", cases.size(), failures);
    assertTrue(rate >= UPSTREAM_FLOOR, "upstream pass rate " + rate + " below floor " + UPSTREAM_FLOOR);
  }

  /**
   * Null when the engine's behaviour matches; otherwise a description of what it did. Where jq raised an error the
   * engine must raise the same kind of error ({@link JqErrorKind}): any other exception, a stack overflow or an
   * error of another kind does not count as the expected error.
   */
  private String check(String expr, JsonNode input, JsonNode expected, String jqError) {
    JqProgram program;
    try {
      program = engine.compile(expr);
    } catch (RuntimeException | StackOverflowError e) {
      return sameKind(JqErrorKind.ofCompile(e), jqError, e);
    }
    List<JsonNode> outputs;
    try {
      outputs = UpstreamCase.evaluate(program, input);
    } catch (RuntimeException | StackOverflowError e) {
      return sameKind(JqErrorKind.ofRuntime(e), jqError, e);
    }
    if (expected == null) {
      return "no error, outputs " + UpstreamCase.describe(outputs);
    }
    return UpstreamCase.sameOutputs(outputs, expected) ? null : "outputs " + UpstreamCase.describe(outputs);
  }

  private static String sameKind(String ours, String jqError, Throwable e) {
    if (jqError == null) {
      return ours + " error " + e.getMessage();
    }
    String theirs = JqErrorKind.ofJq(jqError);
    return ours.equals(theirs) ? null : "a " + ours + " error where jq gave a " + theirs + " error: " + e.getMessage();
  }

  private static String abbreviate(String s) {
    return s.length() > 300 ? s.substring(0, 300) + "..." : s;
  }

  private static double report(String what, int total, List<String> failures) throws IOException {
    double rate = total == 0 ? 0 : (total - failures.size()) / (double) total;
    System.out.printf(Locale.ROOT, "[jq-conformance] %s: %d/%d = %.2f%%%n", what, total - failures.size(), total,
        rate * 100);
    Path out = Paths.get("target", "jq-conformance");
    Files.createDirectories(out);
    Files.write(out.resolve(what.replace(' ', '-') + "-failures.txt"), failures, StandardCharsets.UTF_8);
    return rate;
  }
}
