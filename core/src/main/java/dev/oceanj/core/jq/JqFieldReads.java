package dev.oceanj.core.jq;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * What a jq program can read of its input, when it reads it only through static paths: {@code .a.b},
 * {@code .a[]?.b}, {@code ."a"}, {@code .["a"]}, {@code .a // .b}, {@code {a, b: .c}}, {@code "\(.a)"},
 * {@code if .a then .b else .c end}, {@code .a | map(.b.c)}, {@code select(.a) | .b}, {@code first(.a[])}, ... The
 * program gives the same outputs and the same errors on an input reduced to those parts, so a reader may skip the
 * rest while parsing.
 *
 * <p>The result is two sets of paths (field names, {@link #ELEMENTS} for every element of an array): the values
 * needed whole, and those needed only to exist (an {@code if} or {@code select} condition, an operand of
 * {@code and}/{@code or}/{@code not}, the left of {@code //}, {@code type}): dropping fields from an object or from
 * the objects of an array keeps its type and truthiness. Below a path used whole ({@code .a | keys},
 * {@code .a | tostring}, {@code .a + 1}, {@code [.a]}) anything goes.
 *
 * <p>The analysis is a conservative reading of the program text that follows where the input flows, and gives up
 * (empty) on anything it does not fully understand or that reads the input whole: the input output, compared,
 * combined or printed ({@code .}, {@code . + {}}, {@code tostring}, {@code tojson}, {@code @json}), searched
 * ({@code ..}, {@code keys}, {@code to_entries}, {@code paths}, {@code has(k)}, {@code del(...)},
 * {@code with_entries(...)} or any other function of the input not named above), bound to a variable
 * ({@code . as $x}); or a program that uses {@code env}, {@code $ENV}, {@code input}, a {@code $__…} variable,
 * {@code def}, destructuring, {@code label}, {@code ?//} or modules.
 */
public final class JqFieldReads {

  /** The path segment for every element of an array. */
  public static final String ELEMENTS = "[]";

  /**
   * The parts of the input a program reads.
   *
   * @param whole paths of the values read whole
   * @param present paths of the values only read for their existence, type or truthiness
   */
  public record Reads(Set<List<String>> whole, Set<List<String>> present) {
    /** Keeps only what adds something: not a path under one read whole, nor a presence implied by a longer path. */
    public Reads {
      Set<List<String>> w = new LinkedHashSet<>();
      for (List<String> p : whole) {
        if (whole.stream().noneMatch(q -> q.size() < p.size() && startsWith(p, q))) {
          w.add(p);
        }
      }
      Set<List<String>> e = new LinkedHashSet<>();
      for (List<String> p : present) {
        if (whole.stream().noneMatch(q -> startsWith(p, q))
            && java.util.stream.Stream.concat(whole.stream(), present.stream())
                .noneMatch(q -> q.size() > p.size() && startsWith(q, p))) {
          e.add(p);
        }
      }
      whole = Collections.unmodifiableSet(w);
      present = Collections.unmodifiableSet(e);
    }

    private static boolean startsWith(List<String> path, List<String> prefix) {
      return path.size() >= prefix.size() && path.subList(0, prefix.size()).equals(prefix);
    }

    /** Both programs' reads. */
    public Reads and(Reads other) {
      Set<List<String>> w = new LinkedHashSet<>(whole);
      w.addAll(other.whole);
      Set<List<String>> p = new LinkedHashSet<>(present);
      p.addAll(other.present);
      return new Reads(w, p);
    }

    /** The first segment of every path: the top-level fields read. */
    public Set<String> topLevel() {
      Set<String> names = new java.util.TreeSet<>();
      whole.forEach(p -> names.add(p.get(0)));
      present.forEach(p -> names.add(p.get(0)));
      return names;
    }
  }

  /**
   * What an expression outputs: values at these paths of the input (as far as the analysis knows, unchanged), and
   * (when {@code value}) other values, built from parts already accounted for.
   */
  private record Out(Set<List<String>> paths, boolean value) {
    static final Out VALUE = new Out(Set.of(), true);
    static final Out INPUT = new Out(Set.of(List.of()), false);

    Out map(java.util.function.UnaryOperator<List<String>> f) {
      Set<List<String>> out = new LinkedHashSet<>();
      paths.forEach(p -> out.add(f.apply(p)));
      return new Out(out, value);
    }
  }

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
  private static final Set<String> FORBIDDEN = Set.of("env", "input", "inputs", "input_filename",
      "get_search_paths", "halt", "halt_error", "input_line_number");
  private static final String[] ASSIGNMENTS = {"|=", "+=", "-=", "*=", "/=", "%=", "//=", "="};

  private final String src;
  private int pos;
  private final Set<List<String>> whole = new LinkedHashSet<>();
  private final Set<List<String>> present = new LinkedHashSet<>();

  private JqFieldReads(String src) {
    this.src = src;
  }

  /**
   * What {@code program} (jq syntax, after Ocean's single-quote rewrite) reads of its input, or empty when it may
   * read it whole or does something this analysis does not follow (see the class comment).
   */
  public static Optional<Reads> of(String program) {
    JqFieldReads r = new JqFieldReads(program);
    try {
      r.whole(r.pipe(Out.INPUT));
      r.space();
      r.present.remove(List.of());
      if (r.pos != r.src.length() || r.whole.contains(List.of()) || iteratesTheInput(r.whole)
          || iteratesTheInput(r.present)) {
        return Optional.empty();
      }
    } catch (Unsupported | StringIndexOutOfBoundsException | NumberFormatException e) {
      return Optional.empty();
    }
    return Optional.of(new Reads(r.whole, r.present));
  }

  /** {@code .[]} of an object input reads all its fields. */
  private static boolean iteratesTheInput(Set<List<String>> paths) {
    return paths.stream().anyMatch(p -> p.get(0).equals(ELEMENTS));
  }

  /** The top-level fields {@code program} reads, or empty as {@link #of}. */
  public static Optional<Set<String>> topLevel(String program) {
    return of(program).map(Reads::topLevel);
  }

  // ---- grammar (jq's, by precedence): pipe < comma < alternative < assignment < or < and < comparison < sum <
  // product < unary < postfix

  private Out pipe(Out ctx) {
    int start = pos;
    Set<List<String>> w = new LinkedHashSet<>(whole);
    Set<List<String>> p = new LinkedHashSet<>(present);
    if (probeTerm(ctx) && keyword("as")) {
      // E as $x | body: $x may be used any way, so E is read whole
      pos = start;
      whole(postfix(ctx));
      expectKeyword("as");
      variable();
      expect("|");
      return pipe(ctx);
    }
    pos = start;
    whole.retainAll(w);
    present.retainAll(p);
    Out left = comma(ctx);
    if (peekOperator("|")) {
      pos++;
      return pipe(left);
    }
    return left;
  }

  /** Parses a term only to look past it; false when none parses here. */
  private boolean probeTerm(Out ctx) {
    try {
      postfix(ctx);
      return true;
    } catch (Unsupported e) {
      return false;
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
    Out out = assignment(ctx);
    while (peekOperator("//")) {
      pos += 2;
      present(out);
      out = either(out, assignment(ctx));
    }
    return out;
  }

  /** {@code lhs |= rhs} and the like output the input updated: the input is read whole. */
  private Out assignment(Out ctx) {
    Out out = or(ctx);
    space();
    for (String op : ASSIGNMENTS) {
      if (src.startsWith(op, pos) && !src.startsWith("==", pos)) {
        pos += op.length();
        or(ctx);
        whole(ctx);
        return Out.VALUE;
      }
    }
    return out;
  }

  private Out or(Out ctx) {
    Out out = and(ctx);
    while (keyword("or")) {
      present(out);
      present(and(ctx));
      out = Out.VALUE;
    }
    return out;
  }

  private Out and(Out ctx) {
    Out out = comparison(ctx);
    while (keyword("and")) {
      present(out);
      present(comparison(ctx));
      out = Out.VALUE;
    }
    return out;
  }

  private Out comparison(Out ctx) {
    Out out = sum(ctx);
    for (String op : new String[] {"==", "!=", "<=", ">=", "<", ">"}) {
      if (peekOperator(op)) {
        pos += op.length();
        whole(out);
        whole(sum(ctx));
        return Out.VALUE;
      }
    }
    return out;
  }

  private Out sum(Out ctx) {
    Out out = product(ctx);
    while (peekOperator("+") || peekOperator("-")) {
      pos++;
      whole(out);
      whole(product(ctx));
      out = Out.VALUE;
    }
    return out;
  }

  private Out product(Out ctx) {
    Out out = unary(ctx);
    while (peekOperator("*") || peekOperator("/") || peekOperator("%")) {
      pos++;
      whole(out);
      whole(unary(ctx));
      out = Out.VALUE;
    }
    return out;
  }

  private Out unary(Out ctx) {
    space();
    if (at('-')) {
      pos++;
      return whole(postfix(ctx));
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
        pos += 2;
        return whole(ctx);
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
      return whole(ctx);
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
        whole(pipe(ctx));
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
        whole(postfix(ctx));
        expectKeyword("as");
        variable();
        expect("(");
        whole(pipe(ctx));
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
        if (KEYWORDS.contains(name) || FORBIDDEN.contains(name)) {
          throw new Unsupported();
        }
        return call(name, ctx);
      }
    }
  }

  private Out conditional(Out ctx) {
    present(pipe(ctx));
    expectKeyword("then");
    Out out = pipe(ctx);
    while (true) {
      if (keyword("elif")) {
        present(pipe(ctx));
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
   * {@code name} or {@code name(a; b)}. Followed: {@code map}, {@code select}, {@code first}, {@code last},
   * {@code limit}, {@code error}, {@code not}, {@code type}, and {@code empty}, {@code now}, {@code infinite},
   * {@code nan} (which read nothing); any other function reads its input whole (its arguments only see values
   * under it).
   */
  private Out call(String name, Out ctx) {
    space();
    boolean mapping = name.equals("map");
    List<Out> args = new ArrayList<>();
    if (at('(')) {
      pos++;
      args.add(pipe(mapping ? elements(ctx) : ctx));
      while (peekOperator(";")) {
        pos++;
        args.add(pipe(ctx));
      }
      expect(")");
    }
    switch (name + "/" + args.size()) {
      case "map/1" -> {
        whole(args.get(0));
        return Out.VALUE;
      }
      case "select/1" -> {
        present(args.get(0));
        return ctx;
      }
      case "first/1", "last/1" -> {
        return args.get(0);
      }
      case "limit/2" -> {
        whole(args.get(0));
        return args.get(1);
      }
      case "empty/0", "now/0", "infinite/0", "nan/0" -> {
        return Out.VALUE;
      }
      case "error/1" -> {
        return whole(args.get(0));
      }
      case "not/0", "type/0" -> {
        present(ctx);
        return Out.VALUE;
      }
      default -> {
        args.forEach(this::whole);
        return whole(ctx);
      }
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
      } else if (at('(')) {
        pos++;
        whole(pipe(ctx));
        expect(")");
      } else if (identStart(src.charAt(pos))) {
        shorthand = identifier();
      } else {
        throw new Unsupported();
      }
      space();
      if (at(':')) {
        pos++;
        whole(objectValue(ctx));
      } else if (shorthand != null) {
        whole(field(ctx, shorthand));
      } else if (!variableKey) {
        throw new Unsupported();
      }
      space();
    } while (accept(','));
    expect("}");
  }

  /** jq's object values: terms joined by {@code |}, each with an optional leading minus. */
  private Out objectValue(Out ctx) {
    Out out = ctx;
    while (true) {
      space();
      if (at('-')) {
        pos++;
        out = whole(postfix(out));
      } else {
        out = postfix(out);
      }
      if (!peekOperator("|")) {
        return out;
      }
      pos++;
    }
  }

  /** {@code [e]}, {@code []}, {@code [a:b]} applied to {@code base}; index expressions see {@code ctx}. */
  private Out bracket(Out base, Out ctx) {
    expect("[");
    space();
    if (at(']')) {
      pos++;
      return elements(base);
    }
    int start = pos;
    if (at('"')) {
      String key = string(ctx);
      space();
      if (at(']') && key != null) {
        pos++;
        return field(base, key);
      }
      pos = start;
    }
    if (Character.isDigit(src.charAt(pos))) {
      number();
      space();
      if (at(']')) {
        // .[0] of an array is one of its elements; of anything else an error either way
        pos++;
        return elements(base);
      }
      pos = start;
    }
    // a computed index or a slice: the base is read whole
    whole(base);
    space();
    if (!at(':')) {
      whole(pipe(ctx));
    }
    if (accept(':')) {
      space();
      if (!at(']')) {
        whole(pipe(ctx));
      }
    }
    expect("]");
    return Out.VALUE;
  }

  private static Out field(Out base, String name) {
    if (name == null || name.equals(ELEMENTS)) {
      throw new Unsupported();
    }
    return base.map(p -> append(p, name));
  }

  private static Out elements(Out base) {
    return base.map(p -> append(p, ELEMENTS));
  }

  private static List<String> append(List<String> path, String segment) {
    List<String> longer = new ArrayList<>(path.size() + 1);
    longer.addAll(path);
    longer.add(segment);
    return List.copyOf(longer);
  }

  /** After a dot: an identifier (keywords included) or a string; null for an interpolated string. */
  private String fieldName() {
    if (at('"')) {
      return string(Out.VALUE);
    }
    return identifier();
  }

  /**
   * A string literal; its interpolations are read whole from {@code ctx}. Returns its text, or null when it has
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
          whole(pipe(ctx));
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

  // ---- what is read

  /** The values of {@code out} are used whole (output, operand, element, printed, bound, ...). */
  private Out whole(Out out) {
    whole.addAll(out.paths());
    return Out.VALUE;
  }

  /** Only the existence, type or truthiness of the values of {@code out} matter. */
  private void present(Out out) {
    present.addAll(out.paths());
  }

  private static Out either(Out a, Out b) {
    Set<List<String>> paths = new LinkedHashSet<>(a.paths());
    paths.addAll(b.paths());
    return new Out(paths, a.value() || b.value());
  }

  // ---- lexing

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
   * Whether operator {@code op} comes next, and not as part of a longer operator: {@code |} is not {@code |=},
   * {@code /} is not {@code //} nor {@code /=}, {@code <} is not {@code <=}, ...
   */
  private boolean peekOperator(String op) {
    space();
    if (!src.startsWith(op, pos)) {
      return false;
    }
    int end = pos + op.length();
    char next = end < src.length() ? src.charAt(end) : ' ';
    if (next == '=' && !op.equals("==") && !op.equals("!=") && !op.equals("<=") && !op.equals(">=")) {
      return false;
    }
    return !(op.equals("/") && next == '/');
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
