package dev.oceanj.core.jq;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Map;
import java.util.regex.Pattern;
import net.thisptr.jackson.jq.BuiltinFunctionLoader;
import net.thisptr.jackson.jq.JsonQuery;
import net.thisptr.jackson.jq.Scope;
import net.thisptr.jackson.jq.Versions;
import net.thisptr.jackson.jq.exception.JsonQueryException;
import net.thisptr.jackson.jq.internal.functions.EnvFunction;

/**
 * Compiles jq programs the way Port Ocean does: single-quoted string delimiters are rewritten to double
 * quotes first, and {@code env}/{@code $ENV} are either the process environment or stubbed to {@code {}}.
 *
 * <p>One engine holds one root scope with every builtin; it is immutable after creation and safe to share
 * between threads. Each compiled {@link JqProgram} evaluates in a fresh child scope.
 */
public final class JqEngine {

  /** Ocean's rewrite: {@code (^|\s)'(?!\s|")|(?<!\s|")'(\s|$)} replaced by {@code \1"\2}. */
  private static final Pattern SINGLE_QUOTE = Pattern.compile("(^|\\s)'(?!\\s|\")|(?<!\\s|\")'(\\s|$)");

  private static final ObjectMapper JSON = JsonMapper.builder()
      .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
      .nodeFactory(JsonNodeFactory.withExactBigDecimals(true))
      .build();

  private final Scope root;
  private final boolean envAccess;

  private JqEngine(boolean envAccess, Map<String, String> environment) {
    this.envAccess = envAccess;
    this.root = Scope.newEmptyScope();
    BuiltinFunctionLoader.getInstance().loadFunctions(Versions.JQ_1_7, root);
    ObjectNode env = JsonNodeFactory.instance.objectNode();
    if (envAccess) {
      environment.forEach(env::put);
      root.addFunction("env", 0, new EnvFunction());
    } else {
      root.addFunction("env", 0, (scope, args, in, path, output, version) -> output.emit(env, null));
    }
    root.setValue("ENV", env);
  }

  /** An engine whose {@code env}/{@code $ENV} see the process environment when {@code envAccess} is true. */
  public static JqEngine create(boolean envAccess) {
    return new JqEngine(envAccess, System.getenv());
  }

  /** Whether {@code env}/{@code $ENV} expose the environment. */
  public boolean envAccess() {
    return envAccess;
  }

  /** Applies Ocean's single-quote rewrite, exactly as Ocean's JQ entity processor does before compiling. */
  public static String oceanRewrite(String expr) {
    return SINGLE_QUOTE.matcher(expr).replaceAll("$1\"$2");
  }

  /**
   * Compiles {@code expr} after Ocean's rewrite.
   *
   * @throws JqException with the parser's message when the program does not compile
   */
  public JqProgram compile(String expr) {
    return compileProgram(expr, oceanRewrite(expr));
  }

  /**
   * Compiles {@code program} as jq itself would, without Ocean's single-quote rewrite.
   *
   * @throws JqException with the parser's message when the program does not compile
   */
  public JqProgram compileJq(String program) {
    return compileProgram(program, program);
  }

  private JqProgram compileProgram(String source, String program) {
    try {
      return new JqProgram(source, JsonQuery.compile(program, Versions.JQ_1_7), root);
    } catch (JsonQueryException e) {
      throw new JqException(e.getMessage(), e);
    } catch (RuntimeException | StackOverflowError e) {
      throw new JqException("jq: error: cannot compile: " + e, e);
    }
  }

  /**
   * A JSON reader that keeps numbers as jq 1.8 keeps literals: decimals as written ({@code 1.0} stays
   * {@code 1.0}, {@code 1e+17} prints {@code 1E+17}), integers exact. Use it to parse what programs run on.
   */
  public static ObjectMapper jsonMapper() {
    return JSON;
  }

  /** Convenience for tests and the CLI: compile and return the first output of {@code expr} on {@code input}. */
  public JsonNode first(String expr, JsonNode input) {
    return compile(expr).first(input);
  }
}
