package dev.oceanj.core.config;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Objects;

/**
 * A secret setting (Port client secret, Kafka password, webhook token, a {@code sensitive} spec field).
 *
 * <p>{@link #toString()} is always {@value #MASK}, so a secret printed by accident, logged inside a record or
 * shown by {@link OceanSettings#describe()} never leaks; only {@link #reveal()} gives the text, for the code that
 * sends it.
 */
public final class Secret {

  /** What every secret prints as. */
  public static final String MASK = "****";

  private final String value;

  private Secret(String value) {
    this.value = Objects.requireNonNull(value, "value");
  }

  /** Wraps {@code value}. */
  public static Secret of(String value) {
    return new Secret(value);
  }

  /** The secret text, for the one place that must send it. */
  public String reveal() {
    return value;
  }

  @Override
  public String toString() {
    return MASK;
  }

  @Override
  public boolean equals(Object o) {
    // Constant-time, so comparing a presented webhook token with this one leaks nothing through timing.
    return o instanceof Secret other
        && MessageDigest.isEqual(value.getBytes(StandardCharsets.UTF_8), other.value.getBytes(StandardCharsets.UTF_8));
  }

  @Override
  public int hashCode() {
    return value.hashCode();
  }
}
