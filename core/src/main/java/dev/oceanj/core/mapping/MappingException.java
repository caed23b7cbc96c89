package dev.oceanj.core.mapping;

import java.util.List;

/**
 * A mapping that cannot be used: unreadable, malformed, or with jq expressions that do not compile. It lists
 * <em>every</em> problem found, so a user fixes them in one round; nothing of such a mapping is ever applied.
 */
public final class MappingException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /**
   * One problem of a mapping.
   *
   * @param resourceIndex index of the resource in {@code resources[]}, or -1 for a top-level problem
   * @param kind the resource's kind, or null when unknown or top-level
   * @param fieldPath where, relative to the resource (e.g. {@code port.entity.mappings.properties.url}) or to
   *     the document root for top-level problems
   * @param expression the offending jq expression as written, or null when the problem is not an expression
   * @param message what is wrong (for expressions: the jq parser's message)
   */
  public record Problem(int resourceIndex, String kind, String fieldPath, String expression, String message) {
    /** One line naming the resource, field, expression and message. */
    public String describe() {
      StringBuilder sb = new StringBuilder();
      if (resourceIndex >= 0) {
        sb.append("resources[").append(resourceIndex).append(']');
        if (kind != null) {
          sb.append(" (kind ").append(kind).append(')');
        }
        sb.append(' ');
      }
      sb.append(fieldPath);
      if (expression != null) {
        sb.append(" = '").append(expression).append('\'');
      }
      return sb.append(": ").append(message).toString();
    }
  }

  private final String source;
  private final List<Problem> problems;

  public MappingException(String source, List<Problem> problems) {
    super(message(source, problems));
    this.source = source;
    this.problems = List.copyOf(problems);
  }

  private static String message(String source, List<Problem> problems) {
    StringBuilder sb = new StringBuilder("Invalid mapping in ").append(source).append(": ")
        .append(problems.size()).append(problems.size() == 1 ? " problem" : " problems");
    for (Problem p : problems) {
      sb.append("\n  ").append(p.describe());
    }
    return sb.toString();
  }

  /** Where the mapping came from: a file name or {@code "Port integration config"}. */
  public String source() {
    return source;
  }

  /** Every problem found, in document order. Never empty. */
  public List<Problem> problems() {
    return problems;
  }
}
