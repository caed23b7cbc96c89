package dev.oceanj.core.jq;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * One case of jq's own test files, in the format of jq's {@code src/jq_test.c}: a program line, an input line
 * and the expected output lines, up to a blank line; or a {@code %%FAIL} block whose program must not compile.
 */
record UpstreamCase(String file, int line, String program, String input, List<String> expected, boolean mustFail) {

  /** Evaluations stop after this many outputs: a runaway generator is a failure, not a hang. */
  static final int MAX_OUTPUTS = 10_000;

  private static final ObjectMapper MAPPER = JqEngine.jsonMapper();

  /**
   * Programs that make jackson-jq allocate without bound (jq refuses them with "Array index too large"):
   * not run, and counted as failures, so a test JVM with a large heap does not spend minutes in GC.
   */
  private static final java.util.Set<String> NOT_RUN = java.util.Set.of("try (.[999999999] = 0) catch .");

  static List<UpstreamCase> parse(Path file) throws IOException {
    List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
    List<UpstreamCase> cases = new ArrayList<>();
    String name = file.getFileName().toString();
    int i = 0;
    while (i < lines.size()) {
      String l = lines.get(i);
      if (l.isBlank() || l.startsWith("#")) {
        i++;
        continue;
      }
      if (l.startsWith("%%FAIL")) {
        int start = i + 1;
        String program = lines.get(i + 1);
        i += 2;
        while (i < lines.size() && !lines.get(i).isBlank()) {
          i++;
        }
        cases.add(new UpstreamCase(name, start + 1, program, null, List.of(), true));
        continue;
      }
      int start = i;
      String program = l;
      String input = i + 1 < lines.size() ? stripBom(lines.get(i + 1)) : "null";
      i += 2;
      List<String> expected = new ArrayList<>();
      while (i < lines.size() && !lines.get(i).isBlank() && !lines.get(i).startsWith("#")) {
        expected.add(lines.get(i));
        i++;
      }
      cases.add(new UpstreamCase(name, start + 1, program, input, expected, false));
    }
    return cases;
  }

  private static String stripBom(String s) {
    return s.startsWith("\uFEFF") ? s.substring(1) : s;
  }

  /** Null when the case passes, else what went wrong. */
  String run(JqEngine engine) {
    if (mustFail) {
      try {
        engine.compileJq(program);
        return "compiled, but jq rejects it";
      } catch (RuntimeException | StackOverflowError e) {
        // jq rejects it when compiling: only the engine's compile error counts, not a crash.
        String kind = JqErrorKind.ofCompile(e);
        return kind.equals(JqErrorKind.COMPILE) ? null : kind;
      }
    }
    if (NOT_RUN.contains(program)) {
      return "not run: exhausts memory in jackson-jq";
    }
    List<JsonNode> outputs;
    JsonNode in;
    List<JsonNode> want = new ArrayList<>();
    try {
      in = MAPPER.readTree(input);
      for (String e : expected) {
        want.add(MAPPER.readTree(e));
      }
    } catch (IOException e) {
      return "harness cannot parse input/expected JSON: " + e.getMessage();
    }
    outputs = new ArrayList<>();
    try {
      evaluate(engine.compileJq(program), in, outputs);
    } catch (RuntimeException | StackOverflowError | OutOfMemoryError e) {
      // Like jq's src/jq_test.c: a runtime error after every expected output has been produced passes
      // (the suite marks such cases with a "# Runtime error" comment).
      if (outputs.size() == want.size() && sameOutputs(outputs, MAPPER.valueToTree(want))
          && JqErrorKind.ofRuntime(e).equals(JqErrorKind.RUNTIME)) {
        return null;
      }
      return "error " + e.getMessage() + " after " + describe(outputs) + " (expected " + expected + ")";
    }
    if (outputs.size() != want.size()) {
      return "got " + describe(outputs) + " expected " + expected;
    }
    for (int k = 0; k < want.size(); k++) {
      if (!JsonEquality.equal(outputs.get(k), want.get(k))) {
        return "got " + describe(outputs) + " expected " + expected;
      }
    }
    return null;
  }

  static List<JsonNode> evaluate(JqEngine engine, String program, JsonNode input) {
    return evaluate(engine.compileJq(program), input);
  }

  static List<JsonNode> evaluate(JqProgram compiled, JsonNode input) {
    List<JsonNode> outputs = new ArrayList<>();
    evaluate(compiled, input, outputs);
    return outputs;
  }

  static void evaluate(JqProgram compiled, JsonNode input, List<JsonNode> outputs) {
    compiled.apply(input, v -> {
      if (outputs.size() >= MAX_OUTPUTS) {
        throw new IllegalStateException("more than " + MAX_OUTPUTS + " outputs");
      }
      outputs.add(v);
    });
  }

  static String describe(List<JsonNode> outputs) {
    try {
      String s = outputs.toString();
      return s.length() > 500 ? s.substring(0, 500) + "..." : s;
    } catch (RuntimeException e) {
      return "(" + outputs.size() + " outputs, unprintable: " + e.getMessage() + ")";
    }
  }

  static boolean sameOutputs(List<JsonNode> outputs, JsonNode expected) {
    if (outputs.size() != expected.size()) {
      return false;
    }
    for (int k = 0; k < outputs.size(); k++) {
      if (!JsonEquality.equal(outputs.get(k), expected.get(k))) {
        return false;
      }
    }
    return true;
  }
}
