package dev.oceanj.core.mapping;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Ocean's heuristic ({@code extract_jq_deletion_path_revised} in {@code core/integrations/mixins/utils.py}) that
 * finds, in an {@code itemsToParse} expression, the path of the source array to remove from the parent when
 * {@code itemsToParseTopLevelTransform} is on. Reproduced rule for rule so that the same parents lose the same key.
 */
final class ItemsToParsePath {

  private static final Pattern LEADING_PARENS = Pattern.compile("\\((.*?)\\)", Pattern.DOTALL);
  private static final Pattern AS_VARIABLE = Pattern.compile("^\\.\\s+as\\s+\\$\\w+", Pattern.UNICODE_CHARACTER_CLASS);
  private static final Pattern PATH = Pattern.compile(
      "(\\.[\\w]+|\\.\\[[^\\]]+\\])(\\.[\\w]+|\\[[^\\]]+\\]|\\.\\[[^\\]]+\\])*", Pattern.UNICODE_CHARACTER_CLASS);

  private ItemsToParsePath() {}

  /** The path to delete (e.g. {@code .file.content.raw}), or null when none can be found. */
  static String extract(String expression) {
    String expr = expression.strip();
    String chain;
    if (expr.startsWith("(")) {
      Matcher m = LEADING_PARENS.matcher(expr);
      if (!m.lookingAt()) {
        return null;
      }
      chain = m.group(1).strip();
    } else {
      chain = expr;
    }
    for (String raw : chain.split("\\|", -1)) {
      String segment = raw.strip();
      if (AS_VARIABLE.matcher(segment).lookingAt()) {
        continue;
      }
      if (segment.equals(".") || segment.startsWith("$")) {
        continue;
      }
      Matcher path = PATH.matcher(segment);
      if (path.lookingAt()) {
        return path.group(0).strip();
      }
    }
    return null;
  }
}
