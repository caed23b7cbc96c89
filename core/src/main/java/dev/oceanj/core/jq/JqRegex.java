package dev.oceanj.core.jq;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.BooleanNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.JsonNodeType;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import net.thisptr.jackson.jq.Expression;
import net.thisptr.jackson.jq.Function;
import net.thisptr.jackson.jq.PathOutput;
import net.thisptr.jackson.jq.Scope;
import net.thisptr.jackson.jq.Version;
import net.thisptr.jackson.jq.exception.JsonQueryException;
import net.thisptr.jackson.jq.internal.functions._MatchImplFunction;
import net.thisptr.jackson.jq.internal.misc.OnigUtils;
import net.thisptr.jackson.jq.internal.misc.Preconditions;
import net.thisptr.jackson.jq.internal.misc.UnicodeUtils;
import net.thisptr.jackson.jq.path.Path;

/**
 * Native regex builtins: {@code test}, {@code match}, {@code capture}, {@code scan}, {@code split/2},
 * {@code splits}, {@code sub}, {@code gsub}.
 *
 * <p>They keep the behaviour of the jq definitions they replace by construction: matching still goes through
 * jackson-jq's own {@code _match_impl} matcher (Oniguruma via joni, offsets in code points, the same match
 * objects), only with compiled patterns cached per (regex, flags) instead of compiled on every call, and the
 * jq-level plumbing around it (type dispatch on the argument, {@code reduce} over captures, string
 * slicing) done in Java. Any unusual case (a non-string input or argument, a replacement that is not a
 * string, any error on the way) is handed to the jq definition it replaces, so errors and jq's
 * {@code //}-swallowing inside {@code sub} stay exactly as they were.
 */
final class JqRegex {

  /** Enough for every distinct regex in a large mapping set; a full cache is dropped rather than tracked. */
  static final int CACHE_LIMIT = 1024;

  private static final ConcurrentHashMap<Key, OnigUtils.Pattern> PATTERNS = new ConcurrentHashMap<>();

  private static final MethodHandle MATCH;

  static {
    try {
      MATCH = MethodHandles.privateLookupIn(_MatchImplFunction.class, MethodHandles.lookup()).findStatic(
          _MatchImplFunction.class, "match", MethodType.methodType(JsonNode.class, ObjectMapper.class,
              OnigUtils.Pattern.class, byte[].class, int[].class, boolean.class));
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  private static final String IMPL = "_match_impl/3";

  private record Key(String regex, String flags) {}

  private JqRegex() {}

  /** The compiled pattern for {@code (regex, flags)}; {@code flags} null means none. */
  static OnigUtils.Pattern pattern(String regex, String flags) throws JsonQueryException {
    Key key = new Key(regex, flags);
    OnigUtils.Pattern p = PATTERNS.get(key);
    if (p == null) {
      p = new OnigUtils.Pattern(regex, flags);
      if (PATTERNS.size() >= CACHE_LIMIT) {
        PATTERNS.clear();
      }
      PATTERNS.put(key, p);
    }
    return p;
  }

  /** How many compiled patterns are cached (for tests). */
  static int cachedPatterns() {
    return PATTERNS.size();
  }

  /**
   * {@code _match_impl(re; flags; test)} on evaluated values, with its checks in its order: a boolean for
   * {@code test}, an array of match objects otherwise.
   */
  static JsonNode match(Scope s, JsonNode in, JsonNode re, JsonNode flags, boolean test) throws JsonQueryException {
    Preconditions.checkInputType(IMPL, in, JsonNodeType.STRING);
    Preconditions.checkArgumentType(IMPL, 2, flags, JsonNodeType.STRING, JsonNodeType.NULL);
    Preconditions.checkArgumentType(IMPL, 1, re, JsonNodeType.STRING);
    OnigUtils.Pattern p = pattern(re.asText(), flags.isNull() ? null : flags.asText());
    byte[] bytes = in.asText().getBytes(StandardCharsets.UTF_8);
    if (test) {
      return BooleanNode.valueOf(p.regex.matcher(bytes).search(0, bytes.length, 0) >= 0);
    }
    try {
      return (JsonNode) MATCH.invokeExact(s.getObjectMapper(), p, bytes, UnicodeUtils.UTF8CharIndex(bytes), false);
    } catch (JsonQueryException | RuntimeException | Error e) {
      throw e;
    } catch (Throwable e) {
      throw new JsonQueryException(e);
    }
  }

  static void register(Scope root) {
    Function origSub3 = root.getFunction("sub", 3);
    Function origGsub3 = root.getFunction("gsub", 3);
    Function origSplits2 = root.getFunction("splits", 2);

    root.addFunction("_match_impl", 3, (s, a, in, path, o, ver) -> {
      Preconditions.checkInputType(IMPL, in, JsonNodeType.STRING);
      a.get(2).apply(s, in, t -> {
        Preconditions.checkArgumentType(IMPL, 3, t, JsonNodeType.BOOLEAN);
        a.get(1).apply(s, in, f -> a.get(0).apply(s, in, re -> o.emit(match(s, in, re, f, t.booleanValue()), null)));
      });
    });
    root.addFunction("test", 2, (s, a, in, path, o, ver) -> twoArgs(s, a, in, (re, f) ->
        o.emit(match(s, in, re, f, true), null)));
    root.addFunction("test", 1, (s, a, in, path, o, ver) -> oneArg(s, a, in, (re, f) ->
        o.emit(match(s, in, re, f, true), null)));
    root.addFunction("match", 2, (s, a, in, path, o, ver) -> twoArgs(s, a, in, (re, f) ->
        emitAll(match(s, in, re, f, false), o)));
    root.addFunction("match", 1, (s, a, in, path, o, ver) -> oneArg(s, a, in, (re, f) ->
        emitAll(match(s, in, re, f, false), o)));
    root.addFunction("capture", 2, (s, a, in, path, o, ver) -> twoArgs(s, a, in, (re, f) ->
        captures(match(s, in, re, f, false), o)));
    root.addFunction("capture", 1, (s, a, in, path, o, ver) -> oneArg(s, a, in, (re, f) ->
        captures(match(s, in, re, f, false), o)));
    Function origScan2 = root.getFunction("scan", 2);
    root.addFunction("scan", 2, (s, a, in, path, o, ver) -> scan(s, a.get(0), a.get(1), in, path, o, ver, origScan2));
    root.addFunction("scan", 1, (s, a, in, path, o, ver) ->
        scan(s, a.get(0), constant(TextNode.valueOf("")), in, path, o, ver, origScan2));

    root.addFunction("splits", 2, (s, a, in, path, o, ver) -> a.get(0).apply(s, in, re ->
        splits(s, in, re, a.get(1), origSplits2, path, ver, o)));
    root.addFunction("splits", 1, (s, a, in, path, o, ver) -> a.get(0).apply(s, in, re ->
        splits(s, in, re, constant(NullNode.getInstance()), origSplits2, path, ver, o)));
    // [splits($re; flags)]: one array per regex.
    root.addFunction("split", 2, (s, a, in, path, o, ver) -> a.get(0).apply(s, in, re -> {
      ArrayNode parts = JsonNodeFactory.instance.arrayNode();
      splits(s, in, re, a.get(1), origSplits2, path, ver, (v, p) -> parts.add(v));
      o.emit(parts, null);
    }));

    // sub/gsub bind $re, then $flags (jq's $param order), with str a closure run per match.
    root.addFunction("sub", 3, (s, a, in, path, o, ver) -> a.get(0).apply(s, in, re -> a.get(2).apply(s, in, f ->
        sub(s, in, re, a.get(1), f, path, o, ver, origSub3))));
    root.addFunction("sub", 2, (s, a, in, path, o, ver) -> a.get(0).apply(s, in, re ->
        sub(s, in, re, a.get(1), TextNode.valueOf(""), path, o, ver, origSub3)));
    root.addFunction("gsub", 3, (s, a, in, path, o, ver) -> a.get(0).apply(s, in, re -> a.get(2).apply(s, in, f -> {
      if (f.isTextual() || f.isNull()) {
        sub(s, in, re, a.get(1), TextNode.valueOf(f.isNull() ? "g" : f.textValue() + "g"), path, o, ver, origSub3);
      } else {
        origGsub3.apply(s, List.of(constant(re), a.get(1), constant(f)), in, path, o, ver);
      }
    })));
    root.addFunction("gsub", 2, (s, a, in, path, o, ver) -> a.get(0).apply(s, in, re ->
        sub(s, in, re, a.get(1), TextNode.valueOf("g"), path, o, ver, origSub3)));
  }

  @FunctionalInterface
  private interface RegexBody {
    void accept(JsonNode re, JsonNode flags) throws JsonQueryException;
  }

  /** {@code f(re; flags)} as {@code _match_impl} evaluates them: the input checked first, flags outermost. */
  private static void twoArgs(Scope s, List<Expression> a, JsonNode in, RegexBody body) throws JsonQueryException {
    Preconditions.checkInputType(IMPL, in, JsonNodeType.STRING);
    a.get(1).apply(s, in, f -> a.get(0).apply(s, in, re -> body.accept(re, f)));
  }

  /** {@code f($val)}: a string is the regex, an array is {@code [regex, flags]}, as jq's definitions dispatch. */
  private static void oneArg(Scope s, List<Expression> a, JsonNode in, RegexBody body) throws JsonQueryException {
    a.get(0).apply(s, in, v -> {
      if (v.isTextual()) {
        body.accept(v, NullNode.getInstance());
      } else if (v.isArray() && v.size() > 0) {
        body.accept(v.get(0), v.size() > 1 ? v.get(1) : NullNode.getInstance());
      } else {
        throw new JqBuiltins.JqUserError(TextNode.valueOf(typeName(v) + " not a string or array"));
      }
    });
  }

  static String typeName(JsonNode v) {
    if (v.isNull() || v.isMissingNode()) {
      return "null";
    }
    if (v.isBoolean()) {
      return "boolean";
    }
    if (v.isNumber()) {
      return "number";
    }
    if (v.isTextual()) {
      return "string";
    }
    return v.isArray() ? "array" : "object";
  }

  private static void emitAll(JsonNode matches, PathOutput o) throws JsonQueryException {
    for (JsonNode m : matches) {
      o.emit(m, null);
    }
  }

  private static void captures(JsonNode matches, PathOutput o) throws JsonQueryException {
    for (JsonNode m : matches) {
      o.emit(captureObject(m), null);
    }
  }

  /** The named captures of a match object as {@code {name: string}}, a later name overriding an earlier one. */
  private static ObjectNode captureObject(JsonNode m) {
    ObjectNode out = JsonNodeFactory.instance.objectNode();
    for (JsonNode c : m.get("captures")) {
      JsonNode name = c.get("name");
      if (name != null && !name.isNull()) {
        out.set(name.asText(), c.get("string"));
      }
    }
    return out;
  }

  private static Expression constant(JsonNode v) {
    return (scope, in, path, out, requirePath) -> out.emit(v, null);
  }

  /** jq's {@code scan($re; $flags)}: {@code match($re; "g" + $flags)}, captures as arrays, else the whole match. */
  private static void scan(Scope s, Expression re, Expression flags, JsonNode in, Path path, PathOutput o, Version ver,
      Function original) throws JsonQueryException {
    if (!in.isTextual()) {
      original.apply(s, List.of(re, flags), in, path, o, ver);
      return;
    }
    flags.apply(s, in, f -> {
      if (!f.isTextual() && !f.isNull()) {
        original.apply(s, List.of(re, constant(f)), in, path, o, ver);
        return;
      }
      JsonNode g = TextNode.valueOf(f.isNull() ? "g" : f.textValue() + "g");
      re.apply(s, in, r -> {
        for (JsonNode m : match(s, in, r, g, false)) {
          JsonNode caps = m.get("captures");
          if (caps.size() > 0) {
            ArrayNode strings = JsonNodeFactory.instance.arrayNode(caps.size());
            for (JsonNode c : caps) {
              strings.add(c.get("string"));
            }
            o.emit(strings, null);
          } else {
            o.emit(m.get("string"), null);
          }
        }
      });
    });
  }

  /**
   * jq's {@code splits($re; flags)}: the pieces between the matches of {@code match($re; "g" + flags)}; the
   * matches for every value of {@code flags} go into one list of cut points, as in the jq definition.
   */
  private static void splits(Scope s, JsonNode in, JsonNode re, Expression flags, Function original, Path path,
      Version ver, PathOutput out) throws JsonQueryException {
    List<JsonNode> flagValues = new ArrayList<>(1);
    if (in.isTextual() && re.isTextual()) {
      flags.apply(s, in, flagValues::add);
    }
    if (flagValues.isEmpty() || !flagValues.stream().allMatch(f -> f.isTextual() || f.isNull())) {
      original.apply(s, List.of(constant(re), flags), in, path, out, ver);
      return;
    }
    List<JsonNode> matches = new ArrayList<>();
    for (JsonNode f : flagValues) {
      match(s, in, re, TextNode.valueOf(f.isNull() ? "g" : "g" + f.textValue()), false).forEach(matches::add);
    }
    CodePoints cp = new CodePoints(in.textValue());
    int previous = 0;
    for (JsonNode m : matches) {
      int offset = m.get("offset").intValue();
      out.emit(TextNode.valueOf(cp.slice(previous, offset)), null);
      previous = offset + m.get("length").intValue();
    }
    out.emit(TextNode.valueOf(cp.slice(previous, cp.length())), null);
  }

  /** Thrown inside {@link #sub} for a case the jq definition must decide (a replacement that is not a string). */
  private static final class Unusual extends Exception {
    private static final long serialVersionUID = 1L;
    static final Unusual INSTANCE = new Unusual();

    private Unusual() {
      super(null, null, false, false);
    }
  }

  /**
   * jq 1.8.1's {@code sub($re; str; $flags)}: each match's gap and each output of {@code str} (run on the
   * match's named captures) appended to the matching result; every result completed with the tail; the input
   * itself when there is no result.
   */
  private static void sub(Scope s, JsonNode in, JsonNode re, Expression str, JsonNode flags, Path path, PathOutput o,
      Version ver, Function original) throws JsonQueryException {
    List<StringBuilder> results;
    String tail;
    if (!in.isTextual() || !re.isTextual() || !flags.isTextual()) {
      original.apply(s, List.of(constant(re), str, constant(flags)), in, path, o, ver);
      return;
    }
    try {
      String text = in.textValue();
      JsonNode matches = match(s, in, re, flags, false);
      if (matches.isEmpty()) {
        o.emit(in, null);
        return;
      }
      CodePoints cp = new CodePoints(text);
      results = new ArrayList<>(1);
      int previous = 0;
      List<JsonNode> inserts = new ArrayList<>(1);
      for (JsonNode m : matches) {
        int offset = m.get("offset").intValue();
        String gap = cp.slice(previous, offset);
        inserts.clear();
        str.apply(s, captureObject(m), inserts::add);
        for (int ix = 0; ix < inserts.size(); ix++) {
          JsonNode insert = inserts.get(ix);
          if (!insert.isTextual()) {
            throw Unusual.INSTANCE;
          }
          if (ix < results.size()) {
            results.get(ix).append(gap).append(insert.textValue());
          } else {
            results.add(new StringBuilder(text.length() + 16).append(gap).append(insert.textValue()));
          }
        }
        previous = offset + m.get("length").intValue();
      }
      tail = cp.slice(previous, cp.length());
    } catch (JsonQueryException | Unusual e) {
      // Errors inside jq's sub fall to its `// $in`, and odd replacements have their own errors: let jq decide.
      original.apply(s, List.of(constant(re), str, constant(flags)), in, path, o, ver);
      return;
    }
    if (results.isEmpty()) {
      o.emit(in, null);
      return;
    }
    for (StringBuilder r : results) {
      o.emit(TextNode.valueOf(r.append(tail).toString()), null);
    }
  }

  /** jq's string slicing by code point, cheap when the text has no surrogate pairs. */
  private static final class CodePoints {
    private final String text;
    private final boolean simple;
    private final int length;

    CodePoints(String text) {
      this.text = text;
      this.length = text.codePointCount(0, text.length());
      this.simple = length == text.length();
    }

    int length() {
      return length;
    }

    String slice(int from, int to) {
      int a = Math.max(0, Math.min(from, length));
      int b = Math.max(a, Math.min(to, length));
      if (simple) {
        return text.substring(a, b);
      }
      int i = text.offsetByCodePoints(0, a);
      return text.substring(i, text.offsetByCodePoints(i, b - a));
    }
  }
}
