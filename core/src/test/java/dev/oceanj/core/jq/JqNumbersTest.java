package dev.oceanj.core.jq;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Computed numbers print with jq's dtoa rules: shortest digits, exponent notation when the
 * decimal point is 4 or more places left of the digits or 16 or more right of them (as jq 1.6-1.8 print). */
class JqNumbersTest {

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource({
      "3.0, 3",
      "-0.0, -0",
      "0.1, 0.1",
      "1717073271.079, 1717073271.079",
      "3.3333333333333335, 3.3333333333333335",
      "1e15, 1000000000000000",
      "1e16, 1e+16",
      "1e17, 1e+17",
      "1.5e17, 1.5e+17",
      "12345678901234567, 12345678901234568",
      "1e100, 1e+100",
      "1.7976931348623157e308, 1.7976931348623157e+308",
      "0.0001, 0.0001",
      "0.00001, 1e-05",
      "1.25e-7, 1.25e-07",
      "123456789012, 123456789012",
      "-2.5, -2.5",
  })
  void formatsLikeJq(double value, String expected) {
    assertEquals(expected, JqNumbers.format(value));
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource({"NaN, null", "Infinity, 1.7976931348623157e+308", "-Infinity, -1.7976931348623157e+308"})
  void nonFiniteNumbersPrintAsJqPrintsThem(double value, String expected) {
    assertEquals(expected, JqNumbers.format(value));
  }
}
