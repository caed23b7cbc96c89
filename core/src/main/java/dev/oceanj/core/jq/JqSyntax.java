package dev.oceanj.core.jq;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Set;
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

  /** Scans code up to the end of input, or (when {@code nested}) up to the ')' closing an interpolation. */
  private void code(boolean nested) {
    Deque<boolean[]> ifs = new ArrayDeque<>();
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
      } else if (c == ')' || c == ']' || c == '}') {
        if (nested && depth == 0 && c == ')') {
          return;
        }
        depth--;
      }
      if (c == '$' || c == '@' || isIdentStart(c)) {
        int start = pos;
        pos++;
        while (pos < src.length() && (isIdentPart(src.charAt(pos))
            || (src.startsWith("::", pos) && pos + 2 < src.length() && isIdentStart(src.charAt(pos + 2))))) {
          pos += src.charAt(pos) == ':' ? 2 : 1;
        }
        String word = src.substring(start, pos);
        if (word.equals("$__loc__")) {
          locLines.add(line);
        } else if (word.startsWith("$") && KEYWORDS.contains(word.substring(1))) {
          // jq 1.7 allows keywords as variable names ($label, $if); jackson-jq's parser does not.
          word = "$__kw_" + word.substring(1);
        }
        if (KEYWORDS.contains(word) && !prev.equals(".") && nextNonSpace() == ':' && !src.startsWith("::", skipSpace())) {
          out.append('"').append(word).append('"');
        } else if (KEYWORDS.contains(word) && prev.equals(".") && src.charAt(start - 1) == '.') {
          out.append('"').append(word).append('"');
        } else if (word.equals("if") && !prev.equals(".")) {
          ifs.push(new boolean[1]);
          out.append(word);
        } else if (word.equals("else") && !ifs.isEmpty()) {
          ifs.peek()[0] = true;
          out.append(word);
        } else if (word.equals("end") && !ifs.isEmpty()) {
          if (!ifs.pop()[0]) {
            out.append("else . ");
          }
          out.append(word);
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
