package dev.oceanj.core.jq;

import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigDecimal;

/**
 * Numbers printed the way jq 1.8.1 prints them.
 *
 * <p>Computed numbers are doubles, printed with the shortest digits that round-trip, in plain notation unless
 * the decimal exponent is below -4 or beyond 17 digits ({@code 1717073271.079}, {@code 3}, {@code 1e+100},
 * {@code 1e-05}). Literals read from JSON keep the text jq 1.8 keeps for them ({@code 1.0} stays {@code 1.0},
 * {@code 1e+17} prints {@code 1E+17}); integers print exactly.
 */
final class JqNumbers {

  private static final String DBL_MAX = "1.7976931348623157e+308";

  private JqNumbers() {}

  /** The text jq prints for a number node. */
  static String format(JsonNode n) {
    if (n.isIntegralNumber()) {
      return n.bigIntegerValue().toString();
    }
    if (n.isBigDecimal()) {
      BigDecimal bd = n.decimalValue();
      double d = bd.doubleValue();
      if (Double.isInfinite(d)) {
        return d > 0 ? DBL_MAX : "-" + DBL_MAX;
      }
      return bd.toString();
    }
    return format(n.doubleValue());
  }

  /** jq's {@code jvp_dtoa_fmt}: shortest round-trip digits, plain or exponent notation as jq chooses. */
  static String format(double d) {
    if (Double.isNaN(d)) {
      return "null";
    }
    if (Double.isInfinite(d)) {
      return d > 0 ? DBL_MAX : "-" + DBL_MAX;
    }
    if (d == 0) {
      return (1 / d < 0) ? "-0" : "0";
    }
    if (d == Math.rint(d) && Math.abs(d) < 1e16) {
      return Long.toString((long) d);
    }
    BigDecimal bd = new BigDecimal(Double.toString(Math.abs(d))).stripTrailingZeros();
    String digits = bd.unscaledValue().toString();
    int decpt = digits.length() - bd.scale();
    StringBuilder b = new StringBuilder(digits.length() + 8);
    if (d < 0) {
      b.append('-');
    }
    if (decpt <= -4 || decpt > digits.length() + 15) {
      b.append(digits.charAt(0));
      if (digits.length() > 1) {
        b.append('.').append(digits, 1, digits.length());
      }
      b.append('e');
      int e = decpt - 1;
      b.append(e < 0 ? '-' : '+');
      int abs = Math.abs(e);
      if (abs < 10) {
        b.append('0');
      }
      b.append(abs);
    } else if (decpt <= 0) {
      b.append("0.");
      for (int i = decpt; i < 0; i++) {
        b.append('0');
      }
      b.append(digits);
    } else if (decpt >= digits.length()) {
      b.append(digits);
      for (int i = digits.length(); i < decpt; i++) {
        b.append('0');
      }
    } else {
      b.append(digits, 0, decpt).append('.').append(digits, decpt, digits.length());
    }
    return b.toString();
  }
}
