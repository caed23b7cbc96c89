package dev.oceanj.runtime.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.NullNode;
import dev.oceanj.core.jq.JqEngine;
import dev.oceanj.core.jq.JqException;
import dev.oceanj.core.jq.JqProgram;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code oceanj jq EXPR [FILE]}: evaluates one expression with the runtime's engine and Ocean's single-quote
 * rewrite on each JSON value of the input, printing every output as one compact line, like {@code jq -c}.
 * Exit codes follow jq: 2 unreadable input, 3 an expression that does not compile, 5 an error while evaluating
 * (the remaining inputs are still processed).
 */
@Command(name = "jq", mixinStandardHelpOptions = true,
    description = {"Evaluates a jq expression as Port Ocean does (single-quote rewrite included) on each JSON value",
        "of FILE or stdin; prints every output as compact JSON, one per line."})
public final class JqCommand implements Callable<Integer> {

  @Parameters(index = "0", paramLabel = "EXPR", description = "The jq expression.")
  private String expression;

  @Parameters(index = "1", arity = "0..1", paramLabel = "FILE", description = "Input file (default: stdin).")
  private Path file;

  @Option(names = {"-n", "--null-input"}, description = "Run the expression once on null; read no input.")
  private boolean nullInput;

  @Option(names = {"-r", "--raw-output"}, description = "Print strings without quotes.")
  private boolean rawOutput;

  /** Accepted for muscle memory: output is always compact, one value per line, as with {@code jq -c}. */
  @Option(names = {"-c", "--compact-output"}, description = "Accepted for compatibility; output is always compact.")
  private boolean compact;

  @Option(names = "--no-env", description = "Stub env and $ENV to {} (OCEAN__ALLOW_ENVIRONMENT_VARIABLES_JQ_ACCESS=false).")
  private boolean noEnv;

  private final CliIO io;

  public JqCommand(CliIO io) {
    this.io = io;
  }

  @Override
  public Integer call() throws IOException {
    JqProgram program;
    try {
      program = JqEngine.create(!noEnv).compile(expression);
    } catch (JqException e) {
      io.err().println("jq: error: " + e.getMessage());
      io.err().println("jq: 1 compile error");
      return 3;
    }
    Writer out = new BufferedWriter(new OutputStreamWriter(io.out(), StandardCharsets.UTF_8));
    int exit = 0;
    try {
      if (nullInput) {
        exit = evaluate(program, NullNode.getInstance(), out, "<unknown>", 0);
      } else {
        try (JsonValues values = JsonValues.open(file, io.in())) {
          JsonNode v;
          while ((v = values.next()) != null) {
            exit = Math.max(exit, evaluate(program, v, out, values.name(), values.line()));
          }
        } catch (JsonValues.BadInput e) {
          out.flush();
          io.err().println("jq: error (at " + e.getMessage() + ")");
          return 2;
        } catch (java.nio.file.NoSuchFileException e) {
          io.err().println("jq: error: Could not open " + file + ": No such file or directory");
          return 2;
        }
      }
    } finally {
      out.flush();
    }
    return exit;
  }

  private int evaluate(JqProgram program, JsonNode input, Writer out, String name, int line) throws IOException {
    try {
      program.apply(input, v -> print(v, out));
      return 0;
    } catch (JqException e) {
      // What was printed before the error stays printed, as with jq.
      out.flush();
      io.err().println("jq: error (at " + name + ":" + line + "): " + e.getMessage());
      return 5;
    } catch (UncheckedIOException e) {
      throw e.getCause();
    }
  }

  private void print(JsonNode v, Writer out) {
    try {
      if (rawOutput && v.isTextual()) {
        out.write(v.textValue());
      } else {
        out.write(JsonText.jq(v));
      }
      out.write('\n');
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
