package dev.oceanj.core.jq;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Iterator;
import java.util.Map;

/** jq's notion of equal values: numbers by numeric value, object keys in any order. */
final class JsonEquality {

  private JsonEquality() {}

  static boolean equal(JsonNode a, JsonNode b) {
    // jq prints NaN as null, and the expected outputs are what jq printed.
    if (isNaN(a) && b.isNull() || isNaN(b) && a.isNull()) {
      return true;
    }
    if (a.isNumber() && b.isNumber()) {
      if (a.isIntegralNumber() && b.isIntegralNumber()) {
        return a.bigIntegerValue().equals(b.bigIntegerValue());
      }
      double x = a.doubleValue();
      double y = b.doubleValue();
      return x == y || (Double.isNaN(x) && Double.isNaN(y));
    }
    if (a.getNodeType() != b.getNodeType()) {
      return false;
    }
    if (a.isArray()) {
      if (a.size() != b.size()) {
        return false;
      }
      for (int i = 0; i < a.size(); i++) {
        if (!equal(a.get(i), b.get(i))) {
          return false;
        }
      }
      return true;
    }
    if (a.isObject()) {
      if (a.size() != b.size()) {
        return false;
      }
      for (Iterator<Map.Entry<String, JsonNode>> it = a.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> e = it.next();
        JsonNode other = b.get(e.getKey());
        if (other == null || !equal(e.getValue(), other)) {
          return false;
        }
      }
      return true;
    }
    return a.equals(b);
  }

  private static boolean isNaN(JsonNode n) {
    return n.isNumber() && !n.isIntegralNumber() && !n.isBigDecimal() && Double.isNaN(n.doubleValue());
  }
}
