package dev.oceanj.core.jq;

import com.fasterxml.jackson.databind.JsonNode;
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

  private final Scope root;
  private final boolean envAccess;

  private JqEngine(boolean envAccess, Map<String, String> environment) {
    this.envAccess = envAccess;
    this.root = Scope.newEmptyScope();
    BuiltinFunctionLoader.getInstance().loadFunctions(Versions.JQ_1_6, root);
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
    String rewritten = oceanRewrite(expr);
    try {
      return new JqProgram(expr, JsonQuery.compile(rewritten, Versions.JQ_1_6), root);
    } catch (JsonQueryException e) {
      throw new JqException(e.getMessage(), e);
    }
  }

  /** Convenience for tests and the CLI: compile and return the first output of {@code expr} on {@code input}. */
  public JsonNode first(String expr, JsonNode input) {
    return compile(expr).first(input);
  }
}
