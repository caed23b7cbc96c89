package dev.oceanj.core.jq;

import java.util.Collections;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * Which top-level fields of its input a jq program can read, when it reads its input only through static paths
 * ({@code .a.b}, {@code .a[]?.b}, {@code ."a"}, {@code .["a"]}, {@code .a // .b}, {@code {a, b: .c}},
 * {@code "\(.a)"}, {@code if .a then .b else .c end}, {@code .a | map(.b)}, {@code select(.a) | .b}, ...). Such a
 * program gives the same outputs and the same errors on an object reduced to those fields (each kept whole), so a
 * reader may skip the other fields while parsing.
 *
 * <p>The analysis is a conservative reading of the program text: it follows where the program's input (the
 * "root") flows, and gives up (empty) on anything it does not fully understand. In particular, empty whenever the
 * root itself may be output, compared, combined or printed ({@code .}, {@code . + {}}, {@code tostring},
 * {@code tojson}, {@code @json}), iterated or searched ({@code .[]}, {@code ..}, {@code keys}, {@code to_entries},
 * {@code paths}, {@code has(k)}, {@code del(...)}, {@code with_entries(...)}, or any other function applied to the
 * root), bound to a variable ({@code . as $x}), or when the program uses {@code env}, {@code $ENV},
 * {@code input}, a {@code $__…} variable, {@code def}, assignments, destructuring, {@code label} or modules.
 * Below a path ({@code .a | ...}, {@code .a[] | ...}, {@code map(...)} of a field) anything goes: the value there
 * is a whole field of the root.
 */
public final class JqFieldReads {

  /** What an expression outputs: the root itself (so far unchanged), or values built from whole fields of it. */
  private enum Out { ROOT, VALUE }

  /** The analysed program does something this reading does not follow. */
  private static final class Unsupported extends RuntimeException {
    private static final long serialVersionUID = 1L;

    Unsupported() {
      super(null, null, false, false);
    }
  }

  /** Keywords that cannot start a term here (the constructs this reading follows are handled before). */
  private static final Set<String> KEYWORDS = Set.of("then", "elif", "else", "end", "as", "def", "catch",
      "label", "import", "include", "and", "or", "__loc__");
  /** Functions not followed anywhere: they read something else than their input. */
  private static final Set<String> FORBIDDEN_ANYWHERE = Set.of("env", "input", "inputs", "input_filename",
      "get_search_paths", "halt", "halt_error", "input_line_number", "$__loc__");

  private final String src;
  private int pos;
  private final Set<String> fields = new TreeSet<>();

  private JqFieldReads(String src) {
    this.src = src;
  }

  /**
   * The top-level fields {@code program} (jq syntax, after Ocean's single-quote rewrite) can read from an object
   * input, or empty when it may read more than named fields (see the class comment).
   */
  public static Optional<Set<String>> topLevel(String program) {
    JqFieldReads r = new JqFieldReads(program);
    try {
      Out out = r.pipe(Out.ROOT);
      r.space();
      if (r.pos != r.src.length() || out == Out.ROOT) {
        return Optional.empty();
      }
    } catch (Unsupported | StringIndexOutOfBoundsException e) {
      return Optional.empty();
    }
    return Optional.of(Collections.unmodifiableSet(r.fields));
  }

  // ---- grammar (jq's, by precedence): pipe < comma < alternative < or < and < comparison < sum < product < unary

  private Out pipe(Out ctx) {
    int start = pos;
    if (term(ctx, true) != null && keyword("as")) {
      pos = start;
      Out bound = postfix(ctx);
      expectKeyword("as");
      variable();
      expect("|");
      if (bound == Out.ROOT) {
        throw new Unsupported();
      }
      return pipe(ctx);
    }
    pos = start;
    Out left = comma(ctx);
    if (peekOperator("|")) {
      pos++;
      return pipe(left == Out.ROOT ? ctx : Out.VALUE);
    }
    return left;
  }

  /** Parses a term only to look past it; null when none starts here. */
  private Out term(Out ctx, boolean probe) {
    int start = pos;
    try {
      return postfix(ctx);
    } catch (Unsupported e) {
      if (probe) {
        pos = start;
        return null;
      }
      throw e;
    }
  }

  private Out comma(Out ctx) {
    Out out = alternative(ctx);
    while (peekOperator(",")) {
      pos++;
      out = either(out, alternative(ctx));
    }
    return out;
  }

  private Out alternative(Out ctx) {
    Out out = or(ctx);
    while (peekOperator("//")) {
      pos += 2;
      out = either(out, or(ctx));
    }
    return out;
  }

  private Out or(Out ctx) {
    Out out = and(ctx);
    while (keyword("or")) {
      value(out);
      value(and(ctx));
      out = Out.VALUE;
    }
    return out;
  }

  private Out and(Out ctx) {
    Out out = comparison(ctx);
    while (keyword("and")) {
      value(out);
      value(comparison(ctx));
      out = Out.VALUE;
    }
    return out;
  }

  private Out comparison(Out ctx) {
    Out out = sum(ctx);
    for (String op : new String[] {"==", "!=", "<=", ">=", "<", ">"}) {
      if (peekOperator(op)) {
        pos += op.length();
        value(out);
        value(sum(ctx));
        return Out.VALUE;
      }
    }
    return out;
  }

  private Out sum(Out ctx) {
    Out out = product(ctx);
    while (peekOperator("+") || peekOperator("-")) {
      pos++;
      value(out);
      value(product(ctx));
      out = Out.VALUE;
    }
    return out;
  }

  private Out product(Out ctx) {
    Out out = unary(ctx);
    while (peekOperator("*") || peekOperator("/") || peekOperator("%")) {
      pos++;
      value(out);
      value(unary(ctx));
      out = Out.VALUE;
    }
    return out;
  }

  private Out unary(Out ctx) {
    space();
    if (at('-')) {
      pos++;
      return value(postfix(ctx));
    }
    return postfix(ctx);
  }

  /** A term and its suffixes ({@code .a}, {@code [e]}, {@code []}, {@code [a:b]}, {@code ?}). */
  private Out postfix(Out ctx) {
    Out out = primary(ctx);
    while (true) {
      space();
      if (at('?') && !src.startsWith("?//", pos)) {
        pos++;
      } else if (at('.') && pos + 1 < src.length() && (identStart(src.charAt(pos + 1)) || src.charAt(pos + 1) == '"')) {
        pos++;
        out = field(out, fieldName());
      } else if (at('[') || (at('.') && pos + 1 < src.length() && src.charAt(pos + 1) == '[')) {
        if (at('.')) {
          pos++;
        }
        out = bracket(out, ctx);
      } else {
        return out;
      }
    }
  }

  private Out primary(Out ctx) {
    space();
    if (pos >= src.length()) {
      throw new Unsupported();
    }
    char c = src.charAt(pos);
    if (c == '.') {
      if (src.startsWith("..", pos)) {
        if (ctx == Out.ROOT) {
          throw new Unsupported();
        }
        pos += 2;
        return Out.VALUE;
      }
      if (pos + 1 < src.length() && Character.isDigit(src.charAt(pos + 1))) {
        number();
        return Out.VALUE;
      }
      pos++;
      if (pos < src.length() && (identStart(src.charAt(pos)) || src.charAt(pos) == '"')) {
        return field(ctx, fieldName());
      }
      if (at('[')) {
        return bracket(ctx, ctx);
      }
      return ctx;
    }
    if (Character.isDigit(c)) {
      number();
      return Out.VALUE;
    }
    if (c == '"') {
      string(ctx);
      return Out.VALUE;
    }
    if (c == '@') {
      pos++;
      identifier();
      space();
      if (at('"')) {
        string(ctx);
        return Out.VALUE;
      }
      return value(ctx);
    }
    if (c == '(') {
      pos++;
      Out out = pipe(ctx);
      expect(")");
      return out;
    }
    if (c == '[') {
      pos++;
      space();
      if (!at(']')) {
        value(pipe(ctx));
      }
      expect("]");
      return Out.VALUE;
    }
    if (c == '{') {
      object(ctx);
      return Out.VALUE;
    }
    if (c == '$') {
      variable();
      return Out.VALUE;
    }
    if (identStart(c)) {
      return word(ctx);
    }
    throw new Unsupported();
  }

  /** A keyword construct, a literal or a function call. */
  private Out word(Out ctx) {
    int start = pos;
    String name = identifier();
    if (src.startsWith("::", pos)) {
      throw new Unsupported();
    }
    switch (name) {
      case "true", "false", "null" -> {
        return Out.VALUE;
      }
      case "if" -> {
        return conditional(ctx);
      }
      case "try" -> {
        Out out = postfix(ctx);
        if (keyword("catch")) {
          postfix(Out.VALUE);
        }
        return out;
      }
      case "reduce", "foreach" -> {
        value(postfix(ctx));
        expectKeyword("as");
        variable();
        expect("(");
        value(pipe(ctx));
        expect(";");
        pipe(Out.VALUE);
        if (name.equals("foreach") && peekOperator(";")) {
          pos++;
          pipe(Out.VALUE);
        }
        expect(")");
        return Out.VALUE;
      }
      default -> {
        if (KEYWORDS.contains(name) || FORBIDDEN_ANYWHERE.contains(name)) {
          pos = start;
          throw new Unsupported();
        }
        return call(name, ctx);
      }
    }
  }

  private Out conditional(Out ctx) {
    value(pipe(ctx));
    expectKeyword("then");
    Out out = pipe(ctx);
    while (true) {
      if (keyword("elif")) {
        value(pipe(ctx));
        expectKeyword("then");
        out = either(out, pipe(ctx));
      } else if (keyword("else")) {
        out = either(out, pipe(ctx));
        expectKeyword("end");
        return out;
      } else {
        expectKeyword("end");
        // jq 1.7: no else means else .
        return either(out, ctx);
      }
    }
  }

  /**
   * {@code name} or {@code name(a; b)}. On the root only functions whose arguments see the same input and whose
   * outputs are their arguments' (or their input) are followed; below a path, every function is.
   */
  private Out call(String name, Out ctx) {
    space();
    java.util.List<Out> args = new java.util.ArrayList<>();
    if (at('(')) {
      pos++;
      args.add(pipe(ctx == Out.ROOT ? Out.ROOT : Out.VALUE));
      while (peekOperator(";")) {
        pos++;
        args.add(pipe(ctx == Out.ROOT ? Out.ROOT : Out.VALUE));
      }
      expect(")");
    }
    if (ctx != Out.ROOT) {
      return Out.VALUE;
    }
    String signature = name + "/" + args.size();
    switch (signature) {
      case "empty/0", "now/0" -> {
        return Out.VALUE;
      }
      case "select/1" -> {
        value(args.get(0));
        return Out.ROOT;
      }
      case "first/1", "last/1" -> {
        return args.get(0);
      }
      case "limit/2" -> {
        value(args.get(0));
        return args.get(1);
      }
      case "error/1" -> {
        value(args.get(0));
        return Out.VALUE;
      }
      default -> throw new Unsupported();
    }
  }

  private void object(Out ctx) {
    expect("{");
    space();
    if (at('}')) {
      pos++;
      return;
    }
    do {
      space();
      String shorthand = null;
      boolean variableKey = at('$');
      if (variableKey) {
        variable();
      } else if (at('"')) {
        shorthand = string(ctx);
      } else if (at('@')) {
        throw new Unsupported();
      } else if (at('(')) {
        pos++;
        value(pipe(ctx));
        expect(")");
      } else {
        shorthand = identifier();
      }
      space();
      if (at(':')) {
        pos++;
        value(objectValue(ctx));
      } else if (shorthand != null) {
        field(ctx, shorthand);
      } else if (!variableKey) {
        throw new Unsupported();
      }
      space();
    } while (accept(','));
    expect("}");
  }

  /** jq's object values: terms joined by {@code |}, with an optional leading minus. */
  private Out objectValue(Out ctx) {
    space();
    Out out;
    if (at('-')) {
      pos++;
      out = value(postfix(ctx));
    } else {
      out = postfix(ctx);
    }
    while (peekOperator("|")) {
      pos++;
      Out next = out == Out.ROOT ? ctx : Out.VALUE;
      space();
      if (at('-')) {
        pos++;
        out = value(postfix(next));
      } else {
        out = postfix(next);
      }
    }
    return out;
  }

  /** {@code [e]}, {@code []}, {@code [a:b]} applied to {@code base}; index expressions see {@code ctx}. */
  private Out bracket(Out base, Out ctx) {
    expect("[");
    space();
    if (at(']')) {
      pos++;
      if (base == Out.ROOT) {
        throw new Unsupported();
      }
      return Out.VALUE;
    }
    int start = pos;
    space();
    if (at('"')) {
      String key = string(ctx);
      space();
      if (at(']')) {
        pos++;
        return field(base, key);
      }
      pos = start;
    }
    if (base == Out.ROOT) {
      throw new Unsupported();
    }
    if (!at(':')) {
      value(pipe(ctx));
    }
    if (accept(':')) {
      space();
      if (!at(']')) {
        value(pipe(ctx));
      }
    }
    expect("]");
    return Out.VALUE;
  }

  /** {@code .name} on {@code base}: recorded when {@code base} is the root. */
  private Out field(Out base, String name) {
    if (name == null) {
      throw new Unsupported();
    }
    if (base == Out.ROOT) {
      fields.add(name);
    }
    return Out.VALUE;
  }

  /** After a dot: an identifier (keywords included) or a string; null for an interpolated string. */
  private String fieldName() {
    if (at('"')) {
      return string(Out.VALUE);
    }
    return identifier();
  }

  /**
   * A string literal; its interpolations are analysed with {@code ctx}. Returns its text, or null when it has
   * interpolations.
   */
  private String string(Out ctx) {
    expect("\"");
    StringBuilder text = new StringBuilder();
    boolean interpolated = false;
    while (true) {
      char c = src.charAt(pos++);
      if (c == '"') {
        return interpolated ? null : text.toString();
      }
      if (c != '\\') {
        text.append(c);
        continue;
      }
      char e = src.charAt(pos++);
      switch (e) {
        case '(' -> {
          interpolated = true;
          value(pipe(ctx));
          expect(")");
        }
        case 'n' -> text.append('\n');
        case 't' -> text.append('\t');
        case 'r' -> text.append('\r');
        case 'b' -> text.append('\b');
        case 'f' -> text.append('\f');
        case 'u' -> {
          text.append((char) Integer.parseInt(src.substring(pos, pos + 4), 16));
          pos += 4;
        }
        default -> text.append(e);
      }
    }
  }

  private void number() {
    int start = pos;
    while (pos < src.length() && (Character.isDigit(src.charAt(pos)) || src.charAt(pos) == '.')) {
      pos++;
    }
    if (pos < src.length() && (src.charAt(pos) == 'e' || src.charAt(pos) == 'E')) {
      pos++;
      if (at('+') || at('-')) {
        pos++;
      }
      while (pos < src.length() && Character.isDigit(src.charAt(pos))) {
        pos++;
      }
    }
    if (pos == start) {
      throw new Unsupported();
    }
  }

  private void variable() {
    space();
    expect("$");
    String name = identifier();
    if (name.startsWith("__") || name.equals("ENV") || src.startsWith("::", pos)) {
      throw new Unsupported();
    }
  }

  private String identifier() {
    int start = pos;
    if (pos >= src.length() || !identStart(src.charAt(pos))) {
      throw new Unsupported();
    }
    while (pos < src.length() && (identStart(src.charAt(pos)) || Character.isDigit(src.charAt(pos)))) {
      pos++;
    }
    return src.substring(start, pos);
  }

  // ---- helpers

  /** An output used as an operand, a condition, an index or an element: the root itself may not be one. */
  private static Out value(Out out) {
    if (out == Out.ROOT) {
      throw new Unsupported();
    }
    return Out.VALUE;
  }

  private static Out either(Out a, Out b) {
    return a == Out.ROOT || b == Out.ROOT ? Out.ROOT : Out.VALUE;
  }

  private static boolean identStart(char c) {
    return c == '_' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
  }

  private void space() {
    while (pos < src.length()) {
      char c = src.charAt(pos);
      if (c == '#') {
        while (pos < src.length() && src.charAt(pos) != '\n') {
          pos++;
        }
      } else if (Character.isWhitespace(c)) {
        pos++;
      } else {
        return;
      }
    }
  }

  private boolean at(char c) {
    return pos < src.length() && src.charAt(pos) == c;
  }

  private boolean accept(char c) {
    space();
    if (at(c)) {
      pos++;
      return true;
    }
    return false;
  }

  private void expect(String s) {
    space();
    if (!src.startsWith(s, pos)) {
      throw new Unsupported();
    }
    pos += s.length();
  }

  /**
   * Whether operator {@code op} comes next (not part of a longer operator: {@code |} is not {@code |=},
   * {@code /} is not {@code //} nor {@code /=}, ...). Assignments are not followed at all.
   */
  private boolean peekOperator(String op) {
    space();
    if (!src.startsWith(op, pos)) {
      return false;
    }
    int end = pos + op.length();
    char next = end < src.length() ? src.charAt(end) : ' ';
    if (next == '=' && !op.equals("==") && !op.equals("!=") && !op.equals("<=") && !op.equals(">=")) {
      throw new Unsupported();
    }
    if (op.equals("/") && next == '/') {
      return false;
    }
    return !(op.equals("<") || op.equals(">")) || next != '=';
  }

  private boolean keyword(String word) {
    space();
    int end = pos + word.length();
    if (src.startsWith(word, pos) && (end >= src.length() || !(identStart(src.charAt(end))
        || Character.isDigit(src.charAt(end))))) {
      pos = end;
      return true;
    }
    return false;
  }

  private void expectKeyword(String word) {
    if (!keyword(word)) {
      throw new Unsupported();
    }
  }
}
