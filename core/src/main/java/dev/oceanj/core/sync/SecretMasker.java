package dev.oceanj.core.sync;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Masks secrets in raw objects before they leave the process as raw-data examples: values of fields whose
 * name says secret, and strings shaped like well-known credentials (Ocean's patterns: tokens, keys, JWTs,
 * passwords in URLs). A masked value becomes {@code [REDACTED]}, whole.
 */
public final class SecretMasker {

  static final String REDACTED = "[REDACTED]";

  private static final Pattern SECRET_NAME = Pattern.compile(
      "(?i).*(password|passwd|secret|token|api[_-]?key|apikey|private[_-]?key|credential|authorization|cookie).*");

  private static final List<Pattern> SECRET_VALUES = List.of(
      Pattern.compile("gh[pousr]_[A-Za-z0-9]{20,}"), // GitHub tokens
      Pattern.compile("github_pat_[A-Za-z0-9_]{20,}"),
      Pattern.compile("glpat-[A-Za-z0-9_-]{20,}"), // GitLab
      Pattern.compile("xox[abprs]-[A-Za-z0-9-]{10,}"), // Slack
      Pattern.compile("(?:AKIA|ASIA)[A-Z0-9]{16}"), // AWS access key ids
      Pattern.compile("eyJ[A-Za-z0-9_-]{8,}\\.[A-Za-z0-9_-]{8,}\\.[A-Za-z0-9_-]{8,}"), // JWT
      Pattern.compile("-----BEGIN [A-Z ]*PRIVATE KEY-----"),
      Pattern.compile("(?i)bearer\\s+[A-Za-z0-9._~+/=-]{16,}"),
      Pattern.compile("[a-z][a-z0-9+.-]*://[^/\\s:@]+:[^/\\s@]+@")); // credentials in a URL

  private SecretMasker() {}

  /**
   * {@code text} with every credential-shaped part (the patterns above) and every occurrence of one of
   * {@code secrets} (the values of sensitive settings) replaced by {@code [REDACTED]}: what a shipped log line
   * carries, as Ocean masks them.
   */
  public static String maskText(String text, java.util.Collection<String> secrets) {
    String out = text;
    for (String secret : secrets) {
      if (secret != null && secret.length() >= 4) {
        out = out.replace(secret, REDACTED);
      }
    }
    for (Pattern p : SECRET_VALUES) {
      out = p.matcher(out).replaceAll(java.util.regex.Matcher.quoteReplacement(REDACTED));
    }
    return out;
  }

  /** A masked deep copy of {@code node}. */
  public static JsonNode mask(JsonNode node) {
    if (node instanceof ObjectNode obj) {
      ObjectNode out = JsonNodeFactory.instance.objectNode();
      for (Iterator<Map.Entry<String, JsonNode>> it = obj.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> f = it.next();
        boolean secretName = SECRET_NAME.matcher(f.getKey()).matches() && f.getValue().isValueNode()
            && !f.getValue().isNull() && !f.getValue().isBoolean();
        out.set(f.getKey(), secretName ? TextNode.valueOf(REDACTED) : mask(f.getValue()));
      }
      return out;
    }
    if (node instanceof ArrayNode arr) {
      ArrayNode out = JsonNodeFactory.instance.arrayNode(arr.size());
      arr.forEach(v -> out.add(mask(v)));
      return out;
    }
    if (node.isTextual()) {
      String s = node.textValue();
      for (Pattern p : SECRET_VALUES) {
        if (p.matcher(s).find()) {
          return TextNode.valueOf(REDACTED);
        }
      }
    }
    return node;
  }
}
