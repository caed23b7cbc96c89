package dev.oceanj.core.jq;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.DecimalNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.NumericNode;
import com.fasterxml.jackson.databind.node.ValueNode;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.ZoneId;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;
import net.thisptr.jackson.jq.BuiltinFunctionLoader;
import net.thisptr.jackson.jq.JsonQuery;
import net.thisptr.jackson.jq.Scope;
import net.thisptr.jackson.jq.Versions;
import net.thisptr.jackson.jq.exception.JsonQueryException;

/**
 * Compiles jq programs the way Port Ocean does: single-quoted string delimiters are rewritten to double
 * quotes first, and {@code env}/{@code $ENV} are either the process environment or stubbed to {@code {}}.
 *
 * <p>Programs behave as in jq 1.8.1 (the jq Ocean runs): jackson-jq evaluates them, with the builtins jq
 * 1.8.1 has and jackson-jq lacks or defines differently ({@code JqBuiltins}), and jq 1.7/1.8 syntax rewritten
 * into what jackson-jq's parser accepts ({@code JqSyntax}). Numbers print as jq prints them: use
 * {@link #jsonMapper()} to read the JSON programs run on (so {@code 1.0} stays {@code 1.0}) and
 * {@link #toJqString(JsonNode)} to print results the way {@code jq -c} does.
 *
 * <p>One engine holds one root scope with every builtin; it is immutable after creation and safe to share
 * between threads. Each compiled {@link JqProgram} evaluates in a fresh child scope. Compiled programs are
 * cached by source text (bounded), so compiling the same expression again costs a map look-up.
 */
public final class JqEngine {

  /** Ocean's rewrite: {@code (^|\s)'(?!\s|")|(?<!\s|")'(\s|$)} replaced by {@code \1"\2}. */
  private static final Pattern SINGLE_QUOTE = Pattern.compile("(^|\\s)'(?!\\s|\")|(?<!\\s|\")'(\\s|$)");

  private static final ObjectMapper JSON = JsonMapper.builder()
      .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
      .nodeFactory(new LiteralNumbers())
      .build();

  private final Scope root;

  /** Programs by source: a mapping refresh or a CLI run compiles the same expressions again and again. */
  static final int PROGRAM_CACHE_LIMIT = 4096;

  private final Map<String, JqProgram> ocean = new ConcurrentHashMap<>();
  private final Map<String, JqProgram> plain = new ConcurrentHashMap<>();

  /**
   * Integers beyond 2^53 become exact decimals: they print as written (jq 1.8 keeps literals) while
   * arithmetic on them goes through doubles, as in jq ({@code 13911860366432393 + 1 == 13911860366432392}).
   */
  private static final class LiteralNumbers extends JsonNodeFactory {
    private static final long serialVersionUID = 1L;
    private static final long EXACT = 1L << 53;

    LiteralNumbers() {
      super(true);
    }

    @Override
    public NumericNode numberNode(long v) {
      return v > EXACT || v < -EXACT ? DecimalNode.valueOf(BigDecimal.valueOf(v)) : super.numberNode(v);
    }

    @Override
    public ValueNode numberNode(BigInteger v) {
      return v == null ? super.numberNode(v) : DecimalNode.valueOf(new BigDecimal(v));
    }
  }
  private final boolean envAccess;

  private JqEngine(boolean envAccess, Map<String, String> environment) {
    this.envAccess = envAccess;
    this.root = Scope.newEmptyScope();
    BuiltinFunctionLoader.getInstance().loadFunctions(Versions.JQ_1_7, root);
    try {
      JqBuiltins.register(root, ZoneId.systemDefault());
    } catch (JsonQueryException e) {
      throw new IllegalStateException("jq builtins do not compile: " + e.getMessage(), e);
    }
    ObjectNode env = JsonNodeFactory.instance.objectNode();
    if (envAccess) {
      new TreeMap<>(environment).forEach(env::put);
    }
    root.addFunction("env", 0, (scope, args, in, path, output, version) -> output.emit(env, null));
    root.setValue("ENV", env);
    ObjectNode programArgs = JsonNodeFactory.instance.objectNode();
    programArgs.putArray("positional");
    programArgs.putObject("named");
    root.setValue("ARGS", programArgs);
  }

  /** An engine whose {@code env}/{@code $ENV} see the process environment when {@code envAccess} is true. */
  public static JqEngine create(boolean envAccess) {
    return new JqEngine(envAccess, System.getenv());
  }

  /**
   * An engine whose {@code env}/{@code $ENV} see {@code environment} when {@code envAccess} is true, and
   * {@code {}} otherwise (Ocean's {@code ALLOW_ENVIRONMENT_VARIABLES_JQ_ACCESS} off).
   */
  public static JqEngine create(boolean envAccess, Map<String, String> environment) {
    return new JqEngine(envAccess, Map.copyOf(environment));
  }

  /** {@code value} as {@code jq -c} prints it: compact, keys in order, numbers as jq prints them. */
  public static String toJqString(JsonNode value) {
    return JqText.toJson(value);
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
    JqProgram cached = ocean.get(expr);
    if (cached != null) {
      return cached;
    }
    return remember(ocean, expr, compileProgram(expr, oceanRewrite(expr)));
  }

  /**
   * Compiles {@code program} as jq itself would, without Ocean's single-quote rewrite.
   *
   * @throws JqException with the parser's message when the program does not compile
   */
  public JqProgram compileJq(String program) {
    JqProgram cached = plain.get(program);
    if (cached != null) {
      return cached;
    }
    return remember(plain, program, compileProgram(program, program));
  }

  /** Compiled programs are immutable, so one per source text serves every caller; a full cache is dropped. */
  private static JqProgram remember(Map<String, JqProgram> cache, String source, JqProgram program) {
    if (cache.size() >= PROGRAM_CACHE_LIMIT) {
      cache.clear();
    }
    cache.put(source, program);
    return program;
  }

  /** How many compiled programs the engine holds (for tests). */
  int cachedPrograms() {
    return ocean.size() + plain.size();
  }

  private JqProgram compileProgram(String source, String program) {
    try {
      JqSyntax syntax = JqSyntax.rewrite(program);
      Map<String, JsonNode> vars = new HashMap<>();
      if (!syntax.locLines().isEmpty()) {
        // $__loc__ is the line of its use; jq programs in mappings are one line, so one binding suffices.
        ObjectNode loc = JsonNodeFactory.instance.objectNode();
        loc.put("file", "<top-level>");
        loc.put("line", syntax.locLines().iterator().next());
        vars.put("__loc__", loc);
      }
      JsonQuery query = JsonQuery.compile(syntax.program(), Versions.JQ_1_7);
      java.util.Optional<String> undefined = JqUndefinedCalls.first(query, root, JqBuiltins.NOT_DEFINED);
      if (undefined.isPresent()) {
        throw new JsonQueryException(undefined.get() + " is not defined");
      }
      return new JqProgram(source, query, root, vars);
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
