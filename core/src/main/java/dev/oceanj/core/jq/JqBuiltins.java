package dev.oceanj.core.jq;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.BooleanNode;
import com.fasterxml.jackson.databind.node.DecimalNode;
import com.fasterxml.jackson.databind.node.DoubleNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.LongNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.io.ByteArrayOutputStream;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import net.thisptr.jackson.jq.Expression;
import net.thisptr.jackson.jq.Function;
import net.thisptr.jackson.jq.Scope;
import net.thisptr.jackson.jq.Versions;
import net.thisptr.jackson.jq.exception.JsonQueryException;
import net.thisptr.jackson.jq.internal.IsolatedScopeQuery;
import net.thisptr.jackson.jq.internal.JsonQueryFunction;
import net.thisptr.jackson.jq.internal.javacc.ExpressionParser;
import net.thisptr.jackson.jq.internal.misc.JsonNodeComparator;

/**
 * The builtins jq 1.8.1 has and jackson-jq lacks or defines differently, registered into an engine's root
 * scope: native Java functions for hot paths and C builtins, jq definitions (compiled into the root scope)
 * for the rest.
 */
final class JqBuiltins {

  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
  private static final Pattern NUMBER = Pattern.compile("-?(?:[0-9]+\\.?[0-9]*|\\.[0-9]+)(?:[eE][+-]?[0-9]+)?");
  private static final String BASE32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

  /** Builtins jq 1.8.1 defines in jq itself; parsed into the root scope after the native ones. */
  private static final String[][] JQ_DEFS = {
      {"localtime", "", "_localtime"},
      {"isempty", "g", "label $go | (g | false, break $go), true"},
      {"IN", "s", "any(s == .; .)"},
      {"IN", "src;s", "any(src == s; .)"},
      {"INDEX", "stream;idx_expr", "reduce stream as $row ({}; .[$row | idx_expr | tostring] |= $row)"},
      {"INDEX", "idx_expr", "INDEX(.[]; idx_expr)"},
      {"JOIN", "$idx;idx_expr", "[.[] | [., $idx[idx_expr]]]"},
      {"JOIN", "$idx;stream;idx_expr", "stream | [., $idx[idx_expr]]"},
      {"JOIN", "$idx;stream;idx_expr;join_expr", "stream | [., $idx[idx_expr]] | join_expr"},
      {"repeat", "f", "def _repeat: ., (f | _repeat); _repeat"},
      {"add", "f", "reduce f as $x (null; . + $x)"},
      {"skip", "$n;f", "if $n > 0 then foreach f as $x ($n; . - 1; if . < 0 then $x else empty end) "
          + "elif $n == 0 then f else error(\"skip doesn't support negative count\") end"},
      {"nth", "$n;f", "if $n < 0 then error(\"nth doesn't support negative indices\") else first(skip($n; f)) end"},
      {"pick", "pathexps", ". as $top | reduce path(pathexps) as $p (null; setpath($p; $top | getpath($p)))"},
      {"fromstream", "f", "{x: null, e: false} as $init | foreach f as $i ($init; "
          + "if .e then $init else . end | if $i | length == 2 "
          + "then setpath([\"e\"]; $i[0] | length == 0) | setpath([\"x\"] + $i[0]; $i[1]) "
          + "else setpath([\"e\"]; $i[0] | length == 1) end; if .e then .x else empty end)"},
      {"truncate_stream", "stream", ". as $n | null | stream | . as $input "
          + "| if (.[0] | length) > $n then setpath([0]; .[0][$n:]) else empty end"},
      {"trimstr", "$x", "ltrimstr($x) | rtrimstr($x)"},
      {"debug", "msg", "(msg | debug | empty), ."},
      {"have_literal_numbers", "", "true"},
      {"walk", "f", "def w: if type == \"object\" then map_values(w) elif type == \"array\" then map(w) else . end | f; w"},
      {"sub", "$re;str;$flags", ". as $in | (reduce match($re; $flags) as $edit ({result: [], previous: 0}; "
          + "$in[.previous: ($edit | .offset)] as $gap "
          + "| [reduce ($edit | .captures | map(select(.name != null) | {(.name): .string}) | .[]) as $pair "
          + "({}; . + $pair) | str] as $inserts "
          + "| reduce range(0; $inserts | length) as $ix (.; .result[$ix] += $gap + $inserts[$ix]) "
          + "| .previous = ($edit | .offset + .length)) | .result[] + $in[.previous:]) // $in"},
      {"sub", "$re;str", "sub($re; str; \"\")"},
      {"gsub", "$re;str;$flags", "sub($re; str; $flags + \"g\")"},
      {"gsub", "$re;str", "sub($re; str; \"g\")"},
      {"have_decnum", "", "false"},
      {"halt_error", "", "halt_error(5)"},
      {"finites", "", "select(isinfinite or isnan | not)"},
      {"normals", "", "select(isnormal)"},
      {"input_line_number", "", "0"},
  };

  /** Builtins of older jq versions that jq 1.8.1 does not define; a program calling one does not compile. */
  static final java.util.Set<String> NOT_DEFINED =
      java.util.Set.of("leaf_paths/0", "toarray/0", "recurse_down/0", "dateadd/2", "datesub/2");

  private JqBuiltins() {}

  static void register(Scope root, ZoneId localZone) throws JsonQueryException {
    // jq 1.8.1 dropped these; jq reports them as undefined.
    root.getLocalFunctions().remove("leaf_paths/0");
    root.getLocalFunctions().remove("recurse_down/0");

    Function origIndices = root.getFunction("indices", 1);

    fn(root, "tostring", 0, (s, a, in, o) -> o.emit(in.isTextual() ? in : TextNode.valueOf(JqText.toJson(in)), null));
    fn(root, "tojson", 0, (s, a, in, o) -> o.emit(TextNode.valueOf(JqText.toJson(in)), null));
    fn(root, "@text", 0, (s, a, in, o) -> o.emit(TextNode.valueOf(JqText.toText(in)), null));
    fn(root, "@json", 0, (s, a, in, o) -> o.emit(TextNode.valueOf(JqText.toJson(in)), null));
    fn(root, "@html", 0, (s, a, in, o) -> o.emit(TextNode.valueOf(html(JqText.toText(in))), null));
    fn(root, "@uri", 0, (s, a, in, o) -> o.emit(TextNode.valueOf(uri(JqText.toText(in))), null));
    fn(root, "@urid", 0, (s, a, in, o) -> o.emit(TextNode.valueOf(urid(in)), null));
    fn(root, "@csv", 0, (s, a, in, o) -> o.emit(TextNode.valueOf(csv(in)), null));
    fn(root, "@tsv", 0, (s, a, in, o) -> o.emit(TextNode.valueOf(tsv(in)), null));
    fn(root, "@sh", 0, (s, a, in, o) -> o.emit(TextNode.valueOf(sh(in)), null));
    fn(root, "@base64", 0, (s, a, in, o) -> o.emit(TextNode.valueOf(Base64.getEncoder().encodeToString(
        JqText.toText(in).getBytes(StandardCharsets.UTF_8))), null));
    fn(root, "@base32", 0, (s, a, in, o) -> o.emit(TextNode.valueOf(base32(JqText.toText(in)
        .getBytes(StandardCharsets.UTF_8))), null));
    fn(root, "@base32d", 0, (s, a, in, o) -> o.emit(TextNode.valueOf(base32d(JqText.toText(in))), null));
    fn(root, "join", 1, (s, a, in, o) -> each(s, a, in, v -> o.emit(join(in, v.get(0)), null)));

    fn(root, "ascii_downcase", 0, (s, a, in, o) -> o.emit(TextNode.valueOf(ascii(in, false)), null));
    fn(root, "ascii_upcase", 0, (s, a, in, o) -> o.emit(TextNode.valueOf(ascii(in, true)), null));
    fn(root, "ltrimstr", 1, (s, a, in, o) -> each(s, a, in, v -> o.emit(trimStr(in, v.get(0), true), null)));
    fn(root, "rtrimstr", 1, (s, a, in, o) -> each(s, a, in, v -> o.emit(trimStr(in, v.get(0), false), null)));
    fn(root, "startswith", 1, (s, a, in, o) -> each(s, a, in, v -> o.emit(BooleanNode.valueOf(
        strings(in, v.get(0), "startswith").startsWith(v.get(0).textValue())), null)));
    fn(root, "endswith", 1, (s, a, in, o) -> each(s, a, in, v -> o.emit(BooleanNode.valueOf(
        strings(in, v.get(0), "endswith").endsWith(v.get(0).textValue())), null)));
    fn(root, "trim", 0, (s, a, in, o) -> o.emit(TextNode.valueOf(trim(in, true, true)), null));
    fn(root, "ltrim", 0, (s, a, in, o) -> o.emit(TextNode.valueOf(trim(in, true, false)), null));
    fn(root, "rtrim", 0, (s, a, in, o) -> o.emit(TextNode.valueOf(trim(in, false, true)), null));
    fn(root, "reverse", 0, (s, a, in, o) -> o.emit(reverse(in), null));
    fn(root, "toboolean", 0, (s, a, in, o) -> o.emit(toBoolean(in), null));
    fn(root, "tonumber", 0, (s, a, in, o) -> o.emit(toNumber(in), null));
    fn(root, "abs", 0, (s, a, in, o) -> o.emit(abs(in), null));
    fn(root, "fabs", 0, (s, a, in, o) -> o.emit(DoubleNode.valueOf(Math.abs(number(in, "fabs"))), null));
    fn(root, "significand", 0, (s, a, in, o) -> o.emit(DoubleNode.valueOf(significand(number(in, "significand"))), null));
    // Not builtins of jq 1.8.1 (the jq Ocean runs): calling them is an error there, so it is one here (and
    // compiling a program that calls them, see NOT_DEFINED).
    for (String gone : new String[] {"leaf_paths", "toarray", "recurse_down"}) {
      fn(root, gone, 0, (s, a, in, o) -> {
        throw error(gone + "/0 is not defined");
      });
    }
    fn(root, "dateadd", 2, (s, a, in, o) -> {
      throw error("dateadd/2 is not defined");
    });
    fn(root, "datesub", 2, (s, a, in, o) -> {
      throw error("datesub/2 is not defined");
    });
    fn(root, "limit", 2, (s, a, in, o) -> each(s, a.subList(0, 1), in, n -> limit(s, n.get(0), a.get(1), in, o)));
    fn(root, "first", 1, (s, a, in, o) -> limit(s, LongNode.valueOf(1), a.get(0), in, o));
    fn(root, "any", 2, (s, a, in, o) -> o.emit(BooleanNode.valueOf(anyAll(s, a, in, true)), null));
    fn(root, "all", 2, (s, a, in, o) -> o.emit(BooleanNode.valueOf(!anyAll(s, a, in, false)), null));
    Function origHas = root.getFunction("has", 1);
    fn(root, "has", 1, (s, a, in, path, o, ver) -> each(s, a, in, v -> {
      if (in.isArray() && v.get(0).isNumber() && Double.isNaN(v.get(0).doubleValue())) {
        o.emit(BooleanNode.FALSE, null);
      } else {
        origHas.apply(s, a, in, path, o, ver);
      }
    }));
    fn(root, "implode", 0, (s, a, in, o) -> o.emit(implode(in), null));
    fn(root, "fromjson", 0, (s, a, in, o) -> o.emit(fromJson(in), null));
    Function origSetpath = root.getFunction("setpath", 2);
    fn(root, "setpath", 2, (s, a, in, path, o, ver) -> each(s, a.subList(0, 1), in, v -> {
      checkPathDepth(v.get(0));
      origSetpath.apply(s, a, in, path, o, ver);
    }));
    Function origDelpaths = root.getFunction("delpaths", 1);
    fn(root, "delpaths", 1, (s, a, in, path, o, ver) -> each(s, a, in, v -> {
      if (v.get(0).isArray()) {
        for (JsonNode p : v.get(0)) {
          checkPathDepth(p);
        }
      }
      origDelpaths.apply(s, a, in, path, o, ver);
    }));
    // Hot jq-defined builtins made native: select keeps its path so del(.[] | select(f)) still works.
    fn(root, "select", 1, (s, a, in, path, o, ver) -> a.get(0).apply(s, in, c -> {
      if (!(c.isNull() || (c.isBoolean() && !c.booleanValue()))) {
        o.emit(in, path);
      }
    }));
    fn(root, "map", 1, (s, a, in, o) -> {
      if (!in.isArray() && !in.isObject()) {
        throw error("Cannot iterate over " + JqText.describe(in));
      }
      ArrayNode out = NODES.arrayNode(in.size());
      for (JsonNode e : in) {
        a.get(0).apply(s, e, out::add);
      }
      o.emit(out, null);
    });
    fn(root, "builtins", 0, (s, a, in, o) -> {
      ArrayNode names = NODES.arrayNode();
      for (Scope sc = s; sc != null; sc = sc.getParentScope()) {
        for (String k : sc.getLocalFunctions().keySet()) {
          if (!k.startsWith("_") && !k.startsWith("@")) {
            names.add(k);
          }
        }
      }
      o.emit(names, null);
    });
    fn(root, "@base64d", 0, (s, a, in, o) -> o.emit(TextNode.valueOf(base64d(in)), null));
    fn(root, "_strindices", 1, (s, a, in, o) -> each(s, a, in, v -> o.emit(strIndices(in, v.get(0)), null)));
    fn(root, "indices", 1, (s, a, in, path, o, ver) -> each(s, a, in, v -> {
      if (in.isTextual() && v.get(0).isTextual()) {
        o.emit(strIndices(in, v.get(0)), null);
      } else {
        origIndices.apply(s, a, in, path, o, ver);
      }
    }));
    fn(root, "index", 1, (s, a, in, o) -> indexOf(s, a, in, o, origIndices, true));
    fn(root, "rindex", 1, (s, a, in, o) -> indexOf(s, a, in, o, origIndices, false));
    fn(root, "bsearch", 1, (s, a, in, o) -> each(s, a, in, v -> o.emit(bsearch(in, v.get(0)), null)));
    fn(root, "tostream", 0, (s, a, in, o) -> toStream(NODES.arrayNode(), in, o, true));
    fn(root, "getpath", 1, (s, a, in, path, o, ver) -> getpath(s, a, in, path, o, ver));
    fn(root, "map_values", 1, (s, a, in, o) -> o.emit(mapValues(s, a.get(0), in), null));
    fn(root, "last", 1, (s, a, in, o) -> {
      JsonNode[] last = {null};
      a.get(0).apply(s, in, v -> last[0] = v);
      if (last[0] != null) {
        o.emit(last[0], null);
      }
    });
    fn(root, "error", 0, (s, a, in, o) -> {
      throw new JqUserError(in);
    });
    fn(root, "halt_error", 1, (s, a, in, o) -> each(s, a, in, v -> {
      throw new JqUserError(in);
    }));
    fn(root, "halt", 0, (s, a, in, o) -> {
      throw new JsonQueryException("halt");
    });
    fn(root, "debug", 0, (s, a, in, o) -> {
      System.err.println("[\"DEBUG:\"," + JqText.toJson(in) + "]");
      o.emit(in, null);
    });
    fn(root, "stderr", 0, (s, a, in, o) -> {
      System.err.print(JqText.toJson(in));
      o.emit(in, null);
    });
    fn(root, "input", 0, (s, a, in, o) -> {
      throw new JsonQueryException("No more inputs");
    });
    fn(root, "inputs", 0, (s, a, in, o) -> { });
    // What jq 1.8.1 answers when its input comes from stdin, as Ocean's does.
    fn(root, "input_filename", 0, (s, a, in, o) -> o.emit(TextNode.valueOf("<stdin>"), null));
    fn(root, "now", 0, (s, a, in, o) -> o.emit(DoubleNode.valueOf(System.currentTimeMillis() / 1000.0), null));
    fn(root, "gmtime", 0, (s, a, in, o) -> o.emit(JqDates.fromEpoch(number(in, "gmtime"), ZoneOffset.UTC).toJson(), null));
    fn(root, "_localtime", 0, (s, a, in, o) -> o.emit(JqDates.fromEpoch(number(in, "localtime"), localZone).toJson(), null));
    fn(root, "mktime", 0, (s, a, in, o) -> o.emit(LongNode.valueOf(JqDates.toEpoch(tm(in, "mktime"), ZoneOffset.UTC)), null));
    fn(root, "strftime", 1, (s, a, in, o) -> each(s, a, in, v -> o.emit(strftime(in, v.get(0), "strftime/1", ZoneOffset.UTC), null)));
    fn(root, "strflocaltime", 1, (s, a, in, o) -> each(s, a, in, v -> o.emit(strftime(in, v.get(0), "strflocaltime/1", localZone), null)));
    // jq defines these as strftime/strptime|mktime with the ISO format; the same steps, without the jq calls.
    TextNode iso = TextNode.valueOf("%Y-%m-%dT%H:%M:%SZ");
    for (String name : new String[] {"todateiso8601", "todate"}) {
      fn(root, name, 0, (s, a, in, o) -> o.emit(strftime(in, iso, "strftime/1", ZoneOffset.UTC), null));
    }
    for (String name : new String[] {"fromdateiso8601", "fromdate"}) {
      fn(root, name, 0, (s, a, in, o) -> o.emit(LongNode.valueOf(
          JqDates.toEpoch(tm(strptime(in, iso), "mktime"), ZoneOffset.UTC)), null));
    }
    fn(root, "strptime", 1, (s, a, in, o) -> each(s, a, in, v -> o.emit(strptime(in, v.get(0)), null)));

    for (String[] def : JQ_DEFS) {
      List<String> params = def[1].isEmpty() ? List.of() : List.of(def[1].split(";"));
      Expression body = ExpressionParser.compile(JqSyntax.rewrite(def[2]).program(), Versions.JQ_1_7);
      root.addFunction(def[0], params.size(), new JsonQueryFunction(def[0], params, new IsolatedScopeQuery(body), root));
    }
    JqRegex.register(root);
  }

  /** A native builtin that ignores paths: most builtins are not path expressions. */
  @FunctionalInterface
  interface Simple {
    void apply(Scope scope, List<Expression> args, JsonNode in, net.thisptr.jackson.jq.PathOutput out)
        throws JsonQueryException;
  }

  @FunctionalInterface
  interface ArgsConsumer {
    void accept(List<JsonNode> values) throws JsonQueryException;
  }

  private static void fn(Scope root, String name, int arity, Simple f) {
    root.addFunction(name, arity, (scope, args, in, path, out, version) -> f.apply(scope, args, in, out));
  }

  private static void fn(Scope root, String name, int arity, Function f) {
    root.addFunction(name, arity, f);
  }

  /** Cartesian product of the argument generators, the first argument varying slowest (jq's $param order). */
  static void each(Scope s, List<Expression> args, JsonNode in, ArgsConsumer body) throws JsonQueryException {
    each(s, args, in, 0, new JsonNode[args.size()], body);
  }

  private static void each(Scope s, List<Expression> args, JsonNode in, int i, JsonNode[] vals, ArgsConsumer body)
      throws JsonQueryException {
    if (i == args.size()) {
      body.accept(List.of(vals.clone()));
      return;
    }
    args.get(i).apply(s, in, v -> {
      vals[i] = v;
      each(s, args, in, i + 1, vals, body);
    });
  }

  static JsonQueryException error(String message) {
    return new JsonQueryException(message);
  }

  private static double number(JsonNode in, String fn) throws JsonQueryException {
    if (!in.isNumber()) {
      throw error(fn.endsWith("time") ? fn + "() requires a number" : JqText.describe(in) + " number required");
    }
    return in.doubleValue();
  }

  private static String ascii(JsonNode in, boolean upper) throws JsonQueryException {
    if (!in.isTextual()) {
      throw error((upper ? "ascii_upcase" : "ascii_downcase") + " input must be a string");
    }
    String s = in.textValue();
    char[] cs = null;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      char m = upper ? (c >= 'a' && c <= 'z' ? (char) (c - 32) : c) : (c >= 'A' && c <= 'Z' ? (char) (c + 32) : c);
      if (m != c) {
        if (cs == null) {
          cs = s.toCharArray();
        }
        cs[i] = m;
      }
    }
    return cs == null ? s : new String(cs);
  }

  private static String strings(JsonNode in, JsonNode arg, String fn) throws JsonQueryException {
    if (!in.isTextual() || !arg.isTextual()) {
      throw error(fn + "() requires string inputs");
    }
    return in.textValue();
  }

  private static JsonNode trimStr(JsonNode in, JsonNode arg, boolean left) throws JsonQueryException {
    String s = strings(in, arg, left ? "startswith" : "endswith");
    String x = arg.textValue();
    if (left && s.startsWith(x)) {
      return TextNode.valueOf(s.substring(x.length()));
    }
    if (!left && s.endsWith(x)) {
      return TextNode.valueOf(s.substring(0, s.length() - x.length()));
    }
    return in;
  }

  private static String trim(JsonNode in, boolean left, boolean right) throws JsonQueryException {
    if (!in.isTextual()) {
      throw error("trim input must be a string");
    }
    String s = in.textValue();
    int b = 0;
    int e = s.length();
    while (left && b < e && isSpace(s.charAt(b))) {
      b++;
    }
    while (right && e > b && isSpace(s.charAt(e - 1))) {
      e--;
    }
    return s.substring(b, e);
  }

  /** jq 1.8 trims Unicode white space, not just ASCII. */
  private static boolean isSpace(char c) {
    return (c >= 0x09 && c <= 0x0d) || c == ' ' || c == 0x85 || c == 0xa0 || c == 0x1680
        || (c >= 0x2000 && c <= 0x200a) || c == 0x2028 || c == 0x2029 || c == 0x202f || c == 0x205f || c == 0x3000;
  }

  private static JsonNode reverse(JsonNode in) throws JsonQueryException {
    if (in.isTextual()) {
      return TextNode.valueOf(new StringBuilder(in.textValue()).reverse().toString());
    }
    ArrayNode out = NODES.arrayNode();
    if (in.isNull()) {
      return out;
    }
    if (!in.isArray()) {
      if (in.isNumber() && in.doubleValue() == 0) {
        return out;
      }
      throw error("Cannot index " + JqText.typeOf(in) + " with number");
    }
    for (int i = in.size() - 1; i >= 0; i--) {
      out.add(in.get(i));
    }
    return out;
  }

  private static JsonNode toBoolean(JsonNode in) throws JsonQueryException {
    if (in.isBoolean()) {
      return in;
    }
    if (in.isTextual() && in.textValue().equals("true")) {
      return BooleanNode.TRUE;
    }
    if (in.isTextual() && in.textValue().equals("false")) {
      return BooleanNode.FALSE;
    }
    throw error(JqText.describe(in) + " cannot be parsed as a boolean");
  }

  static JsonNode toNumber(JsonNode in) throws JsonQueryException {
    if (in.isNumber()) {
      return in;
    }
    if (in.isTextual()) {
      String s = in.textValue();
      if (NUMBER.matcher(s).matches()) {
        if (s.indexOf('.') < 0 && s.indexOf('e') < 0 && s.indexOf('E') < 0) {
          BigInteger bi = new BigInteger(s);
          return bi.bitLength() < 54 ? LongNode.valueOf(bi.longValue()) : DecimalNode.valueOf(new BigDecimal(bi));
        }
        return DecimalNode.valueOf(new BigDecimal(s.endsWith(".") ? s + "0" : s));
      }
      if (s.equals("nan") || s.equals("-nan") || s.equals("NaN") || s.equals("-NaN")) {
        return DoubleNode.valueOf(Double.NaN);
      }
    }
    throw error(JqText.describe(in) + " cannot be parsed as a number");
  }

  private static JsonNode abs(JsonNode in) throws JsonQueryException {
    if (!in.isNumber()) {
      if (in.isTextual()) {
        return in;
      }
      throw error(JqText.describe(in) + " has no absolute value");
    }
    if (in.isIntegralNumber()) {
      return in.bigIntegerValue().signum() < 0 ? NODES.numberNode(in.bigIntegerValue().negate()) : in;
    }
    if (in.isBigDecimal()) {
      return in.decimalValue().signum() < 0 ? DecimalNode.valueOf(in.decimalValue().negate()) : in;
    }
    return DoubleNode.valueOf(Math.abs(in.doubleValue()));
  }

  private static double significand(double x) {
    if (x == 0 || Double.isNaN(x) || Double.isInfinite(x)) {
      return x;
    }
    int e = Math.getExponent(x);
    if (e == Double.MIN_EXPONENT - 1) {
      e = Math.getExponent(x * 0x1p54) - 54;
    }
    return Math.scalb(x, -e);
  }

  private static JsonNode strIndices(JsonNode in, JsonNode needle) throws JsonQueryException {
    if (!in.isTextual()) {
      throw error(JqText.describe(in) + " cannot be searched, as it is not a string");
    }
    if (!needle.isTextual()) {
      throw error(JqText.describe(needle) + " is not a string");
    }
    String s = in.textValue();
    String n = needle.textValue();
    ArrayNode out = NODES.arrayNode();
    if (n.isEmpty()) {
      return out;
    }
    int cp = 0;
    int last = 0;
    for (int i = s.indexOf(n); i >= 0; i = s.indexOf(n, i + 1)) {
      cp += s.codePointCount(last, i);
      last = i;
      out.add(cp);
    }
    return out;
  }

  private static void indexOf(Scope s, List<Expression> a, JsonNode in, net.thisptr.jackson.jq.PathOutput o,
      Function origIndices, boolean first) throws JsonQueryException {
    each(s, a, in, v -> {
      JsonNode[] found = {null};
      if (in.isTextual() && v.get(0).isTextual()) {
        found[0] = strIndices(in, v.get(0));
      } else {
        origIndices.apply(s, a, in, null, (r, p) -> found[0] = r, Versions.JQ_1_7);
      }
      JsonNode r = found[0];
      if (r == null || !r.isArray() || r.isEmpty()) {
        o.emit(NullNode.getInstance(), null);
      } else {
        o.emit(first ? r.get(0) : r.get(r.size() - 1), null);
      }
    });
  }

  private static JsonNode bsearch(JsonNode in, JsonNode target) throws JsonQueryException {
    if (!in.isArray()) {
      throw error(JqText.describe(in) + " cannot be searched from");
    }
    JsonNodeComparator cmp = JsonNodeComparator.getInstance();
    int lo = 0;
    int hi = in.size() - 1;
    while (lo <= hi) {
      int mid = (lo + hi) >>> 1;
      int c = cmp.compare(in.get(mid), target);
      if (c == 0) {
        return LongNode.valueOf(mid);
      } else if (c < 0) {
        lo = mid + 1;
      } else {
        hi = mid - 1;
      }
    }
    return LongNode.valueOf(-1 - lo);
  }

  private static void toStream(ArrayNode path, JsonNode v, net.thisptr.jackson.jq.PathOutput o, boolean top)
      throws JsonQueryException {
    if ((v.isArray() || v.isObject()) && !v.isEmpty()) {
      JsonNode lastKey = null;
      if (v.isArray()) {
        for (int i = 0; i < v.size(); i++) {
          lastKey = LongNode.valueOf(i);
          toStream(path.deepCopy().add(lastKey), v.get(i), o, false);
        }
      } else {
        for (Iterator<Map.Entry<String, JsonNode>> it = v.fields(); it.hasNext(); ) {
          Map.Entry<String, JsonNode> e = it.next();
          lastKey = TextNode.valueOf(e.getKey());
          toStream(path.deepCopy().add(lastKey), e.getValue(), o, false);
        }
      }
      o.emit(NODES.arrayNode().add(path.deepCopy().add(lastKey)), null);
    } else {
      o.emit(NODES.arrayNode().add(path).add(v), null);
    }
  }

  private static void getpath(Scope s, List<Expression> a, JsonNode in, net.thisptr.jackson.jq.path.Path path,
      net.thisptr.jackson.jq.PathOutput o, net.thisptr.jackson.jq.Version ver) throws JsonQueryException {
    each(s, a, in, v -> {
      JsonNode p = v.get(0);
      if (!p.isArray()) {
        throw error("Path must be specified as an array");
      }
      checkPathDepth(p);
      if (path != null) {
        ORIGINAL_GETPATH.apply(s, a, in, path, o, ver);
        return;
      }
      JsonNode cur = in;
      for (JsonNode k : p) {
        if (cur.isNull()) {
          break;
        }
        if (k.isTextual() && cur.isObject()) {
          cur = cur.has(k.textValue()) ? cur.get(k.textValue()) : NullNode.getInstance();
        } else if (k.isNumber() && cur.isArray()) {
          int i = (int) Math.floor(k.doubleValue());
          if (i < 0) {
            i += cur.size();
          }
          cur = i >= 0 && i < cur.size() ? cur.get(i) : NullNode.getInstance();
        } else {
          final JsonNode base = cur;
          JsonNode[] r = {null};
          ORIGINAL_GETPATH.apply(s, List.of((sc, i2, pp, out, req) -> out.emit(NODES.arrayNode().add(k), null)),
              base, null, (x, pp) -> r[0] = x, ver);
          cur = r[0] == null ? NullNode.getInstance() : r[0];
        }
      }
      o.emit(cur, null);
    });
  }

  private static final Function ORIGINAL_GETPATH = new net.thisptr.jackson.jq.internal.functions.GetPathFunction();

  private static JsonNode mapValues(Scope s, Expression f, JsonNode in) throws JsonQueryException {
    if (in.isObject()) {
      ObjectNode out = NODES.objectNode();
      for (Iterator<Map.Entry<String, JsonNode>> it = in.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> e = it.next();
        JsonNode v = first(s, f, e.getValue());
        if (v != null) {
          out.set(e.getKey(), v);
        }
      }
      return out;
    }
    if (in.isArray()) {
      ArrayNode out = NODES.arrayNode();
      for (JsonNode e : in) {
        JsonNode v = first(s, f, e);
        if (v != null) {
          out.add(v);
        }
      }
      return out;
    }
    throw error("Cannot iterate over " + JqText.describe(in));
  }

  /** jq refuses paths longer than its parser's depth limit rather than recursing without bound. */
  private static void checkPathDepth(JsonNode p) throws JsonQueryException {
    if (p.isArray() && p.size() > MAX_DEPTH) {
      throw error("Path too deep");
    }
  }

  static final int MAX_DEPTH = 10_000;

  private static final com.fasterxml.jackson.databind.ObjectMapper FROM_JSON = JqEngine.jsonMapper().copy();

  static {
    FROM_JSON.getFactory().setStreamReadConstraints(com.fasterxml.jackson.core.StreamReadConstraints.builder()
        .maxNestingDepth(MAX_DEPTH).maxNumberLength(Integer.MAX_VALUE).build());
    FROM_JSON.enable(com.fasterxml.jackson.core.json.JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS.mappedFeature());
  }

  private static JsonNode fromJson(JsonNode in) throws JsonQueryException {
    if (!in.isTextual()) {
      throw error(JqText.describe(in) + " only strings can be parsed");
    }
    String text = in.textValue();
    String t = text.strip();
    if (t.equals("nan") || t.equals("NaN") || t.equals("-nan") || t.equals("-NaN")) {
      return DoubleNode.valueOf(Double.NaN);
    }
    try {
      JsonNode v = FROM_JSON.readTree(text);
      if (v == null || v.isMissingNode()) {
        throw error("Expected JSON value (while parsing '" + text + "')");
      }
      return v;
    } catch (com.fasterxml.jackson.core.exc.StreamConstraintsException e) {
      throw error("Exceeds depth limit for parsing (while parsing '" + text + "')");
    } catch (java.io.IOException e) {
      String reason = e.getMessage() == null ? "Invalid JSON" : e.getMessage().split("\n")[0];
      throw error(reason + " (while parsing '" + text + "')");
    }
  }

  private static JsonNode implode(JsonNode in) throws JsonQueryException {
    if (!in.isArray()) {
      throw error("implode input must be an array");
    }
    StringBuilder b = new StringBuilder(in.size());
    for (JsonNode c : in) {
      if (!c.isNumber() || Double.isNaN(c.doubleValue())) {
        throw error(JqText.describe(c) + " can't be imploded, unicode codepoint needs to be numeric");
      }
      double d = c.doubleValue();
      int cp = d > 0x10FFFF || d < 0 ? 0xFFFD : (int) d;
      if (cp >= 0xD800 && cp <= 0xDFFF) {
        cp = 0xFFFD;
      }
      b.appendCodePoint(cp);
    }
    return TextNode.valueOf(b.toString());
  }

  private static void limit(Scope s, JsonNode n, Expression f, JsonNode in, net.thisptr.jackson.jq.PathOutput o)
      throws JsonQueryException {
    if (!n.isNumber()) {
      throw error("Invalid limit: must be a number");
    }
    double max = n.doubleValue();
    if (max < 0) {
      throw error("limit doesn't support negative count");
    }
    if (max == 0) {
      return;
    }
    Stop stop = new Stop();
    int[] count = {0};
    try {
      f.apply(s, in, v -> {
        o.emit(v, null);
        if (++count[0] >= max) {
          throw stop;
        }
      });
    } catch (Stop e) {
      if (e != stop) {
        throw e;
      }
    }
  }

  /** Whether some (or, for {@code all}, not every) output of the generator satisfies the condition. */
  private static boolean anyAll(Scope s, List<Expression> a, JsonNode in, boolean wanted) throws JsonQueryException {
    Stop stop = new Stop();
    try {
      a.get(0).apply(s, in, v -> a.get(1).apply(s, v, c -> {
        boolean truthy = !(c.isNull() || (c.isBoolean() && !c.booleanValue()));
        if (truthy == wanted) {
          throw stop;
        }
      }));
    } catch (Stop e) {
      if (e != stop) {
        throw e;
      }
      return true;
    }
    return false;
  }

  /** Ends a generator early; each use has its own instance so nested stops do not mix. */
  private static final class Stop extends RuntimeException {
    private static final long serialVersionUID = 1L;

    Stop() {
      super(null, null, false, false);
    }
  }

  private static String base64d(JsonNode in) throws JsonQueryException {
    String s = JqText.toText(in);
    ByteArrayOutputStream out = new ByteArrayOutputStream(s.length());
    int buf = 0;
    int n = 0;
    int i = 0;
    for (; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '=') {
        break;
      }
      int v = c < 128 ? "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".indexOf(c) : -1;
      if (v < 0) {
        throw error(JqText.describe(in) + " is not valid base64 data");
      }
      buf = (buf << 6) | v;
      n++;
      if (n == 4) {
        out.write((buf >> 16) & 0xff);
        out.write((buf >> 8) & 0xff);
        out.write(buf & 0xff);
        buf = 0;
        n = 0;
      }
    }
    if (n == 1) {
      throw error(JqText.describe(in) + " trailing base64 byte found");
    }
    if (n == 2) {
      out.write((buf >> 4) & 0xff);
    } else if (n == 3) {
      out.write((buf >> 10) & 0xff);
      out.write((buf >> 2) & 0xff);
    }
    return new String(out.toByteArray(), StandardCharsets.UTF_8);
  }

  private static JsonNode first(Scope s, Expression f, JsonNode in) throws JsonQueryException {
    JsonNode[] r = {null};
    try {
      f.apply(s, in, v -> {
        r[0] = v;
        throw FirstFound.INSTANCE;
      });
    } catch (FirstFound e) {
      return r[0];
    }
    return null;
  }

  /** Stops a generator after its first output. */
  private static final class FirstFound extends RuntimeException {
    static final FirstFound INSTANCE = new FirstFound();
    private static final long serialVersionUID = 1L;

    private FirstFound() {
      super(null, null, false, false);
    }
  }

  private static JqDates.Tm tm(JsonNode in, String fn) throws JsonQueryException {
    if (!in.isArray()) {
      throw error(fn + " requires array of 6 numbers");
    }
    JqDates.Tm tm = JqDates.fromJson(in);
    if (tm == null) {
      throw error(fn + " requires parsed datetime inputs");
    }
    return tm;
  }

  private static JsonNode strftime(JsonNode in, JsonNode fmt, String fn, ZoneId zone) throws JsonQueryException {
    JqDates.Tm tm;
    if (in.isNumber()) {
      tm = JqDates.fromEpoch(in.doubleValue(), zone);
    } else if (in.isArray()) {
      tm = JqDates.fromJson(in);
      if (tm == null) {
        throw error(fn + " requires parsed datetime inputs");
      }
    } else {
      throw error(fn + " requires parsed datetime inputs");
    }
    if (!fmt.isTextual()) {
      throw error(fn + " requires a string format");
    }
    return TextNode.valueOf(JqDates.strftime(tm, fmt.textValue(), zone));
  }

  private static JsonNode strptime(JsonNode in, JsonNode fmt) throws JsonQueryException {
    if (!in.isTextual() || !fmt.isTextual()) {
      throw error("strptime/1 requires string inputs and arguments");
    }
    JqDates.Tm tm = JqDates.strptime(in.textValue(), fmt.textValue(), ZoneOffset.UTC);
    if (tm == null) {
      throw error("date \"" + in.textValue() + "\" does not match format \"" + fmt.textValue() + "\"");
    }
    return tm.toJson();
  }

  private static JsonNode join(JsonNode in, JsonNode sep) throws JsonQueryException {
    if (!in.isArray() && !in.isObject()) {
      throw error("Cannot iterate over " + JqText.describe(in));
    }
    if (in.isEmpty()) {
      return TextNode.valueOf("");
    }
    if (!sep.isTextual()) {
      JsonNode e = in.elements().next();
      throw error(JqText.describe(in.size() == 1 ? TextNode.valueOf("") : e) + " and " + JqText.describe(sep)
          + " cannot be added");
    }
    StringBuilder b = new StringBuilder();
    boolean first = true;
    for (JsonNode e : in) {
      if (!first) {
        b.append(sep.textValue());
      }
      first = false;
      if (e.isNull()) {
        continue;
      }
      if (e.isTextual()) {
        b.append(e.textValue());
      } else if (e.isNumber() || e.isBoolean()) {
        b.append(JqText.toJson(e));
      } else {
        throw error(JqText.describe(TextNode.valueOf(b.toString())) + " and " + JqText.describe(e)
            + " cannot be added");
      }
    }
    return TextNode.valueOf(b.toString());
  }

  private static String html(String s) {
    StringBuilder b = new StringBuilder(s.length() + 16);
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '<': b.append("&lt;"); break;
        case '>': b.append("&gt;"); break;
        case '&': b.append("&amp;"); break;
        case '\'': b.append("&#39;"); break;
        case '"': b.append("&quot;"); break;
        default: b.append(c);
      }
    }
    return b.toString();
  }

  private static String uri(String s) {
    StringBuilder b = new StringBuilder(s.length() + 16);
    for (byte x : s.getBytes(StandardCharsets.UTF_8)) {
      int c = x & 0xff;
      if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_'
          || c == '.' || c == '~') {
        b.append((char) c);
      } else {
        b.append('%').append(Character.toUpperCase(Character.forDigit(c >> 4, 16)))
            .append(Character.toUpperCase(Character.forDigit(c & 15, 16)));
      }
    }
    return b.toString();
  }

  private static String urid(JsonNode in) throws JsonQueryException {
    String s = JqText.toText(in);
    ByteArrayOutputStream out = new ByteArrayOutputStream(s.length());
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '%') {
        int hi = i + 1 < s.length() ? Character.digit(s.charAt(i + 1), 16) : -1;
        int lo = i + 2 < s.length() ? Character.digit(s.charAt(i + 2), 16) : -1;
        if (hi < 0 || lo < 0) {
          throw error(JqText.describe(in) + " is not a valid uri encoding");
        }
        out.write(hi * 16 + lo);
        i += 2;
      } else {
        byte[] bs = String.valueOf(c).getBytes(StandardCharsets.UTF_8);
        out.write(bs, 0, bs.length);
      }
    }
    var decoder = StandardCharsets.UTF_8.newDecoder();
    try {
      return decoder.decode(java.nio.ByteBuffer.wrap(out.toByteArray())).toString();
    } catch (java.nio.charset.CharacterCodingException e) {
      throw error(JqText.describe(in) + " is not a valid uri encoding");
    }
  }

  private static String csv(JsonNode in) throws JsonQueryException {
    return row(in, "csv", ',', t -> '"' + t.replace("\"", "\"\"") + '"');
  }

  private static String tsv(JsonNode in) throws JsonQueryException {
    return row(in, "tsv", '\t',
        t -> t.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r"));
  }

  /** {@code @csv}/{@code @tsv}: numbers as jq prints them, booleans, escaped strings, nulls empty; nothing else. */
  private static String row(JsonNode in, String format, char separator, java.util.function.UnaryOperator<String> text)
      throws JsonQueryException {
    if (!in.isArray()) {
      throw error(JqText.describe(in) + " cannot be " + format + "-formatted, only an array can be");
    }
    StringBuilder b = new StringBuilder();
    boolean first = true;
    for (JsonNode e : in) {
      if (!first) {
        b.append(separator);
      }
      first = false;
      if (e.isNumber()) {
        b.append(JqNumbers.format(e));
      } else if (e.isBoolean()) {
        b.append(e.booleanValue());
      } else if (e.isTextual()) {
        b.append(text.apply(e.textValue()));
      } else if (!e.isNull()) {
        throw error(JqText.describe(e) + " is not valid in a " + format + " row");
      }
    }
    return b.toString();
  }

  private static String sh(JsonNode in) throws JsonQueryException {
    List<JsonNode> items = new ArrayList<>();
    if (in.isArray()) {
      in.forEach(items::add);
    } else {
      items.add(in);
    }
    StringBuilder b = new StringBuilder();
    for (JsonNode e : items) {
      if (b.length() > 0) {
        b.append(' ');
      }
      if (e.isTextual()) {
        b.append('\'').append(e.textValue().replace("'", "'\\''")).append('\'');
      } else if (e.isArray() || e.isObject()) {
        throw error(JqText.describe(e) + " can not be escaped for shell");
      } else {
        b.append(JqText.toJson(e));
      }
    }
    return b.toString();
  }

  private static String base32(byte[] data) {
    StringBuilder b = new StringBuilder((data.length + 4) / 5 * 8);
    for (int i = 0; i < data.length; i += 5) {
      long buf = 0;
      int n = Math.min(5, data.length - i);
      for (int j = 0; j < 5; j++) {
        buf = (buf << 8) | (j < n ? (data[i + j] & 0xff) : 0);
      }
      int chars = (n * 8 + 4) / 5;
      for (int j = 0; j < 8; j++) {
        b.append(j < chars ? BASE32.charAt((int) (buf >> (35 - 5 * j)) & 31) : '=');
      }
    }
    return b.toString();
  }

  private static String base32d(String s) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    long buf = 0;
    int bits = 0;
    for (int i = 0; i < s.length(); i++) {
      int v = BASE32.indexOf(s.charAt(i));
      if (v < 0) {
        continue;
      }
      buf = (buf << 5) | v;
      bits += 5;
      if (bits >= 8) {
        bits -= 8;
        out.write((int) (buf >> bits) & 0xff);
      }
    }
    return new String(out.toByteArray(), StandardCharsets.UTF_8);
  }

  /** jq's {@code error}: the input itself is the error value ({@code try error({a:1}) catch .a}). */
  static final class JqUserError extends net.thisptr.jackson.jq.exception.JsonQueryUserException {
    private static final long serialVersionUID = 1L;

    JqUserError(JsonNode value) {
      super(value);
    }
  }
}
