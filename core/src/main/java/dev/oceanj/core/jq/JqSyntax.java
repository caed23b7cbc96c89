package dev.oceanj.core.jq;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.TreeSet;

/**
 * Source-level rewrites that let jackson-jq's parser accept jq 1.7/1.8 syntax with jq 1.8.1's meaning.
 *
 * <p>The program is scanned once, with jq's lexical rules (strings with nested interpolation, comments,
 * identifiers, variables), and only these rewrites are made:
 * <ul>
 *   <li>{@code "…\(e)…"} becomes {@code "…\((e)|tostring)…"} outside {@code @format} strings, so numbers in
 *       interpolations print as jq prints them (jackson-jq would print {@code 1.717073271079E9});</li>
 *   <li>{@code if c then a end} (no {@code else}, jq 1.7) becomes {@code if c then a else . end};</li>
 *   <li>{@code .a.[0]} / {@code .a.["b"]} (jq 1.7) drop the dot before the bracket;</li>
 *   <li>keywords used as object keys or field names ({@code {if: 1}}, {@code .end}) are quoted;</li>
 *   <li>{@code $__loc__} is left in place and reported (see {@link #locLines()}): the engine binds it.</li>
 * </ul>
 * Anything else is copied verbatim, so error positions in untouched programs are unchanged.
 */
final class JqSyntax {

  private static final Set<String> KEYWORDS = Set.of("if", "then", "elif", "else", "end", "as", "def", "reduce",
      "foreach", "try", "catch", "label", "import", "include", "and", "or", "not", "__loc__");

  private final String src;
  private int pos;
  private int line = 1;
  private final StringBuilder out = new StringBuilder();
  private final Set<Integer> locLines = new TreeSet<>();

  private JqSyntax(String src) {
    this.src = src;
  }

  /** Rewrites {@code program}; the result also says on which lines {@code $__loc__} occurs. */
  static JqSyntax rewrite(String program) {
    if (program.contains("?//")) {
      program = alternatives(program);
    }
    if (program.contains("try")) {
      program = tryBodies(program);
    }
    JqSyntax s = new JqSyntax(program);
    s.code(false);
    return s;
  }

  String program() {
    return out.toString();
  }

  /** The source lines where {@code $__loc__} is used. */
  Set<Integer> locLines() {
    return locLines;
  }

  /**
   * Destructuring alternatives (jq 1.7): {@code E as P1 ?// P2 | body} becomes
   * {@code E as $__altN | null as $v… | try ($__altN as P1 | body) catch ($__altN as P2 | body)}, binding every
   * variable of every pattern to null first, so an error in the pattern or the body of one alternative moves on
   * to the next one and the last alternative's error propagates, as in jq.
   */
  static String alternatives(String src) {
    int counter = 0;
    for (int guard = 0; guard < 64; guard++) {
      String next = alternativesOnce(src, counter++);
      if (next == null) {
        return src;
      }
      src = next;
    }
    return src;
  }

  private static String alternativesOnce(String src, int n) {
    for (int i = 0; i < src.length(); i++) {
      char c = src.charAt(i);
      if (c == '"') {
        i = skipString(src, i) - 1;
        continue;
      }
      if (c == '#') {
        while (i < src.length() && src.charAt(i) != '\n') {
          i++;
        }
        continue;
      }
      if (!src.startsWith("as", i) || (i > 0 && (isIdentPart(src.charAt(i - 1)) || src.charAt(i - 1) == '.'
          || src.charAt(i - 1) == '$')) || (i + 2 < src.length() && isIdentPart(src.charAt(i + 2)))) {
        continue;
      }
      List<int[]> patterns = new ArrayList<>();
      int start = i + 2;
      int depth = 0;
      int j = start;
      int bar = -1;
      for (; j < src.length(); j++) {
        char d = src.charAt(j);
        if (d == '"') {
          j = skipString(src, j) - 1;
        } else if (d == '(' || d == '[' || d == '{') {
          depth++;
        } else if (d == ')' || d == ']' || d == '}') {
          if (--depth < 0) {
            break;
          }
        } else if (depth == 0 && src.startsWith("?//", j)) {
          patterns.add(new int[] {start, j});
          start = j + 3;
          j += 2;
        } else if (depth == 0 && d == '|') {
          bar = j;
          break;
        } else if (depth == 0 && (d == ';' || d == ',')) {
          break;
        }
      }
      if (bar < 0 || patterns.isEmpty()) {
        continue;
      }
      patterns.add(new int[] {start, bar});
      int bodyEnd = bodyEnd(src, bar + 1);
      String body = src.substring(bar + 1, bodyEnd);
      Set<String> vars = new LinkedHashSet<>();
      for (int[] p : patterns) {
        Matcher m = VARIABLE.matcher(src.substring(p[0], p[1]));
        while (m.find()) {
          vars.add(m.group());
        }
      }
      String alt = "$__alt" + n;
      StringBuilder b = new StringBuilder(src.substring(0, i)).append("as ").append(alt).append(" | ");
      for (String v : vars) {
        b.append("null as ").append(v).append(" | ");
      }
      for (int k = 0; k < patterns.size(); k++) {
        String pattern = src.substring(patterns.get(k)[0], patterns.get(k)[1]).trim();
        boolean last = k == patterns.size() - 1;
        b.append(last ? "(" : "try (").append(alt).append(" as ").append(pattern).append(" | ").append(body)
            .append(last ? ")" : ") catch (");
      }
      for (int k = 0; k < patterns.size() - 1; k++) {
        b.append(')');
      }
      return b.append(src.substring(bodyEnd)).toString();
    }
    return null;
  }

  /**
   * In jq, {@code try} and {@code catch} take a postfix term ({@code 1, try error(2), 3} is
   * {@code 1, (try error(2)), 3}); jackson-jq's parser takes a whole pipeline. Each body is parenthesized.
   */
  static String tryBodies(String src) {
    StringBuilder out = new StringBuilder(src.length() + 16);
    int i = 0;
    while (i < src.length()) {
      char c = src.charAt(i);
      if (c == '"') {
        int e = skipString(src, i);
        out.append(src, i, e);
        i = e;
        continue;
      }
      if (c == '#') {
        int e = src.indexOf('\n', i);
        e = e < 0 ? src.length() : e;
        out.append(src, i, e);
        i = e;
        continue;
      }
      if (src.startsWith("try", i) && (i == 0 || (!isIdentPart(src.charAt(i - 1)) && src.charAt(i - 1) != '.'
          && src.charAt(i - 1) != '$')) && (i + 3 >= src.length() || !isIdentPart(src.charAt(i + 3)))) {
        int start = skipWhite(src, i + 3);
        int end = postTermEnd(src, start);
        if (end == start) {
          out.append("try");
          i += 3;
          continue;
        }
        // (try (body) catch (handler)): the whole construct is one term, as in jq's grammar.
        out.append("(try (").append(tryBodies(src.substring(start, end))).append(')');
        int k = skipWhite(src, end);
        if (src.startsWith("catch", k) && (k + 5 >= src.length() || !isIdentPart(src.charAt(k + 5)))) {
          int hStart = skipWhite(src, k + 5);
          int hEnd = postTermEnd(src, hStart);
          if (hEnd > hStart) {
            out.append(" catch (").append(tryBodies(src.substring(hStart, hEnd))).append("))");
            i = hEnd;
            continue;
          }
        }
        out.append(')');
        i = end;
        continue;
      }
      if (isIdentStart(c)) {
        int e = i;
        while (e < src.length() && isIdentPart(src.charAt(e))) {
          e++;
        }
        out.append(src, i, e);
        i = e;
        continue;
      }
      out.append(c);
      i++;
    }
    return out.toString();
  }

  /** End of the postfix term starting at {@code j} (a primary term and its suffixes), or {@code j} if none. */
  private static int postTermEnd(String src, int j) {
    int n = src.length();
    if (j >= n) {
      return j;
    }
    char c = src.charAt(j);
    int e;
    if (c == '"') {
      e = skipString(src, j);
    } else if (c == '(' || c == '[' || c == '{') {
      e = matching(src, j);
    } else if (c == '@') {
      e = identEnd(src, j + 1);
      int k = e;
      while (k < n && Character.isWhitespace(src.charAt(k))) {
        k++;
      }
      if (k < n && src.charAt(k) == '"') {
        e = skipString(src, k);
      }
    } else if (c == '$') {
      e = identEnd(src, j + 1);
    } else if (c == '.') {
      e = j + 1;
      if (e < n && src.charAt(e) == '.') {
        e++;
      } else if (e < n && src.charAt(e) == '"') {
        e = skipString(src, e);
      } else if (e < n && isIdentStart(src.charAt(e))) {
        e = identEnd(src, e);
      }
    } else if (Character.isDigit(c)) {
      e = j;
      while (e < n && (Character.isLetterOrDigit(src.charAt(e)) || src.charAt(e) == '.'
          || ((src.charAt(e) == '+' || src.charAt(e) == '-') && (src.charAt(e - 1) == 'e' || src.charAt(e - 1) == 'E')))) {
        e++;
      }
    } else if (isIdentStart(c)) {
      e = identEnd(src, j);
      String word = src.substring(j, e);
      if (word.equals("if")) {
        return keywordBlockEnd(src, e);
      }
      if (word.equals("reduce") || word.equals("foreach") || word.equals("try") || word.equals("label")
          || word.equals("def") || word.equals("catch") || KEYWORDS.contains(word)) {
        return j;
      }
      if (e < n && src.charAt(e) == '(') {
        e = matching(src, e);
      }
    } else {
      return j;
    }
    // Suffixes: .name, ."s", [..], .[..], ?
    while (e < n) {
      int k = e;
      while (k < n && src.charAt(k) == ' ') {
        k++;
      }
      if (k >= n) {
        break;
      }
      char d = src.charAt(k);
      if (d == '[') {
        e = matching(src, k);
      } else if (d == '?' && !src.startsWith("?//", k)) {
        e = k + 1;
      } else if (d == '.' && k + 1 < n && (isIdentStart(src.charAt(k + 1)) || src.charAt(k + 1) == '"'
          || src.charAt(k + 1) == '[')) {
        if (src.charAt(k + 1) == '"') {
          e = skipString(src, k + 1);
        } else if (src.charAt(k + 1) == '[') {
          e = matching(src, k + 1);
        } else {
          e = identEnd(src, k + 1);
        }
      } else {
        break;
      }
    }
    return e;
  }

  private static int skipWhite(String src, int j) {
    while (j < src.length() && Character.isWhitespace(src.charAt(j))) {
      j++;
    }
    return j;
  }

  private static int identEnd(String src, int j) {
    while (j < src.length() && (isIdentPart(src.charAt(j))
        || (src.startsWith("::", j) && j + 2 < src.length() && isIdentStart(src.charAt(j + 2))))) {
      j += src.charAt(j) == ':' ? 2 : 1;
    }
    return j;
  }

  /** Index just past the bracket matching the one at {@code j}. */
  private static int matching(String src, int j) {
    int depth = 0;
    for (int k = j; k < src.length(); k++) {
      char d = src.charAt(k);
      if (d == '"') {
        k = skipString(src, k) - 1;
      } else if (d == '(' || d == '[' || d == '{') {
        depth++;
      } else if (d == ')' || d == ']' || d == '}') {
        if (--depth == 0) {
          return k + 1;
        }
      }
    }
    return src.length();
  }

  /** Index just past the {@code end} closing an {@code if} whose keyword ends at {@code j}. */
  private static int keywordBlockEnd(String src, int j) {
    int depth = 1;
    for (int k = j; k < src.length(); k++) {
      char d = src.charAt(k);
      if (d == '"') {
        k = skipString(src, k) - 1;
      } else if (isIdentStart(d) && (k == 0 || (!isIdentPart(src.charAt(k - 1)) && src.charAt(k - 1) != '.'
          && src.charAt(k - 1) != '$'))) {
        int e = identEnd(src, k);
        String w = src.substring(k, e);
        if (w.equals("if")) {
          depth++;
        } else if (w.equals("end") && --depth == 0) {
          return e;
        }
        k = e - 1;
      }
    }
    return src.length();
  }

  private static final Pattern VARIABLE = Pattern.compile("\\$[A-Za-z_][A-Za-z0-9_]*");

  /** Where the body of an {@code as} binding ends: an unmatched closer, a ';', or a keyword closing a construct. */
  private static int bodyEnd(String src, int from) {
    int depth = 0;
    for (int j = from; j < src.length(); j++) {
      char d = src.charAt(j);
      if (d == '"') {
        j = skipString(src, j) - 1;
      } else if (d == '(' || d == '[' || d == '{') {
        depth++;
      } else if (d == ')' || d == ']' || d == '}') {
        if (--depth < 0) {
          return j;
        }
      } else if (depth == 0 && d == ';') {
        return j;
      } else if (depth == 0 && isIdentStart(d) && (j == 0 || !isIdentPart(src.charAt(j - 1)))
          && src.charAt(Math.max(0, j - 1)) != '.' && src.charAt(Math.max(0, j - 1)) != '$') {
        int e = j;
        while (e < src.length() && isIdentPart(src.charAt(e))) {
          e++;
        }
        String w = src.substring(j, e);
        if (w.equals("end") || w.equals("then") || w.equals("elif") || w.equals("else") || w.equals("catch")) {
          return j;
        }
        if (w.equals("if")) {
          e = keywordBlockEnd(src, e);
        }
        j = e - 1;
      }
    }
    return src.length();
  }

  /** Index just past the string literal starting at {@code i}, interpolations included. */
  private static int skipString(String src, int i) {
    int j = i + 1;
    while (j < src.length()) {
      char c = src.charAt(j);
      if (c == '"') {
        return j + 1;
      }
      if (c == '\\' && j + 1 < src.length() && src.charAt(j + 1) == '(') {
        int depth = 1;
        j += 2;
        while (j < src.length() && depth > 0) {
          char d = src.charAt(j);
          if (d == '"') {
            j = skipString(src, j);
            continue;
          }
          if (d == '(') {
            depth++;
          } else if (d == ')') {
            depth--;
          }
          j++;
        }
        continue;
      }
      j += c == '\\' ? 2 : 1;
    }
    return src.length();
  }

  /** Scans code up to the end of input, or (when {@code nested}) up to the ')' closing an interpolation. */
  private void code(boolean nested) {
    Deque<int[]> ifs = new ArrayDeque<>();
    Deque<Character> brackets = new ArrayDeque<>();
    int depth = 0;
    String prev = "";
    while (pos < src.length()) {
      char c = src.charAt(pos);
      if (c == '\n') {
        line++;
        out.append(c);
        pos++;
        continue;
      }
      if (Character.isWhitespace(c)) {
        out.append(c);
        pos++;
        continue;
      }
      if (c == '#') {
        while (pos < src.length() && src.charAt(pos) != '\n') {
          out.append(src.charAt(pos++));
        }
        continue;
      }
      if (c == '"') {
        string(prev.startsWith("@"));
        prev = "\"";
        continue;
      }
      if (c == '(' || c == '[' || c == '{') {
        depth++;
        brackets.push(c);
      } else if (c == ')' || c == ']' || c == '}') {
        if (nested && depth == 0 && c == ')') {
          return;
        }
        depth--;
        brackets.poll();
      }
      if (c == '$' || c == '@' || isIdentStart(c)) {
        int start = pos;
        pos++;
        while (pos < src.length() && (isIdentPart(src.charAt(pos))
            || (src.startsWith("::", pos) && pos + 2 < src.length() && isIdentStart(src.charAt(pos + 2))))) {
          pos += src.charAt(pos) == ':' ? 2 : 1;
        }
        String word = src.substring(start, pos);
        boolean shorthand = !brackets.isEmpty() && brackets.peek() == '{' && (prev.equals("{") || prev.equals(","))
            && (nextNonSpace() == ',' || nextNonSpace() == '}');
        if (word.equals("$__loc__")) {
          locLines.add(line);
        } else if (word.startsWith("$") && KEYWORDS.contains(word.substring(1))) {
          // jq 1.7 allows keywords as variable names ($label, $if); jackson-jq's parser does not.
          if (shorthand) {
            out.append('"').append(word, 1, word.length()).append("\": ");
          }
          word = "$__kw_" + word.substring(1);
        } else if (shorthand && KEYWORDS.contains(word)) {
          // {as} is {as: .as} in jq 1.7
          out.append('"').append(word).append("\": .\"").append(word).append('"');
          prev = word;
          continue;
        }
        if (KEYWORDS.contains(word) && !prev.equals(".") && nextNonSpace() == ':' && !src.startsWith("::", skipSpace())) {
          out.append('"').append(word).append('"');
        } else if (KEYWORDS.contains(word) && prev.equals(".") && src.charAt(start - 1) == '.') {
          out.append('"').append(word).append('"');
        } else if (word.equals("if") && !prev.equals(".")) {
          ifs.push(new int[] {0, out.length()});
          out.append(word);
        } else if (word.equals("else") && !ifs.isEmpty()) {
          ifs.peek()[0] = 1;
          out.append(word);
        } else if (word.equals("end") && !ifs.isEmpty()) {
          int[] open = ifs.pop();
          if (open[0] == 0) {
            out.append("else . ");
          }
          out.append(word);
          char next = nextNonSpace();
          if (next == '[' || (next == '?' && !src.startsWith("?//", skipSpace())) || next == '.') {
            // jq allows suffixes on if...end (`if c then [.] else . end [0]`); jackson-jq needs parentheses.
            out.insert(open[1], '(');
            out.append(')');
          }
        } else {
          out.append(word);
        }
        prev = word;
        continue;
      }
      if (c == '.' && pos + 1 < src.length() && src.charAt(pos + 1) == '[' && endsTerm(prev)) {
        pos++;
        prev = ".";
        continue;
      }
      out.append(c);
      pos++;
      prev = String.valueOf(c);
    }
  }

  /** Whether the previous token ends a term, so that a following {@code .[} is a postfix index. */
  private static boolean endsTerm(String prev) {
    if (prev.isEmpty()) {
      return false;
    }
    if (prev.equals("]") || prev.equals(")") || prev.equals("\"") || prev.equals("?") || prev.equals("}")) {
      return true;
    }
    char c = prev.charAt(0);
    return (c == '$' || isIdentStart(c)) && !KEYWORDS.contains(prev);
  }

  private void string(boolean formatted) {
    out.append('"');
    pos++;
    while (pos < src.length()) {
      char c = src.charAt(pos);
      if (c == '"') {
        out.append(c);
        pos++;
        return;
      }
      if (c == '\n') {
        line++;
      }
      if (c == '\\' && pos + 1 < src.length()) {
        char n = src.charAt(pos + 1);
        if (n == '(') {
          pos += 2;
          out.append(formatted ? "\\(" : "\\((");
          code(true);
          out.append(formatted ? ")" : ")|tostring)");
          if (pos < src.length()) {
            pos++;
          }
          continue;
        }
        out.append(c).append(n);
        pos += 2;
        continue;
      }
      out.append(c);
      pos++;
    }
  }

  private int skipSpace() {
    int p = pos;
    while (p < src.length() && Character.isWhitespace(src.charAt(p))) {
      p++;
    }
    return p;
  }

  private char nextNonSpace() {
    int p = skipSpace();
    return p < src.length() ? src.charAt(p) : 0;
  }

  private static boolean isIdentStart(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
  }

  private static boolean isIdentPart(char c) {
    return isIdentStart(c) || (c >= '0' && c <= '9');
  }
}
