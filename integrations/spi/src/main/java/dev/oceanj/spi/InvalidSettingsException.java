package dev.oceanj.spi;

import java.util.Objects;

/**
 * The integration's settings ({@code ocean.integration.config}) cannot be bound to the type an integration
 * asked for in {@link IntegrationDefinition#settings(Class)}.
 *
 * <p>The message names the integration type and the setting, and says what was expected; it never repeats the
 * offending value, because settings routinely hold tokens and passwords.
 *
 * @since 0.1
 */
public final class InvalidSettingsException extends IllegalArgumentException {

  private static final long serialVersionUID = 1L;

  /** The dotted path of the setting inside {@code ocean.integration.config}, e.g. {@code failKindAfter.items}. */
  private final String field;

  /**
   * Creates the exception.
   *
   * @param field the dotted path of the offending setting; empty when the whole object is at fault
   * @param message the full message, naming the integration and the field
   * @param cause the binding failure, or null
   */
  public InvalidSettingsException(String field, String message, Throwable cause) {
    super(message, cause);
    this.field = Objects.requireNonNull(field, "field");
  }

  /**
   * The dotted path of the offending setting inside {@code ocean.integration.config} (e.g. {@code entityAmount},
   * {@code failKindAfter.items}); empty when the settings object as a whole could not be bound. Never null.
   */
  public String field() {
    return field;
  }
}
