package dev.oceanj.actors.trigger;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * How resyncs of an integration are triggered: Ocean's {@code OCEAN__EVENT_LISTENER__TYPE}.
 *
 * <p>{@code ACTIONS_ONLY} is accepted for compatibility; like {@code WEBHOOKS_ONLY} it starts no resync.
 */
public enum ListenerType {
  POLLING,
  WEBHOOK,
  KAFKA,
  ONCE,
  WEBHOOKS_ONLY,
  ACTIONS_ONLY;

  /** Whether this mode ever starts a resync by itself (the schedule may still start some). */
  public boolean resyncs() {
    return this != WEBHOOKS_ONLY && this != ACTIONS_ONLY;
  }

  /**
   * Parses Ocean's spelling, case-insensitively ({@code once}, {@code webhooks-only} and {@code WEBHOOKS_ONLY}
   * are all accepted).
   *
   * @param key the config path the value came from, named in the error
   * @throws IllegalArgumentException naming {@code key}, the value and the accepted values
   */
  public static ListenerType parse(String value, String key) {
    String normalised = value.trim().toUpperCase(Locale.ROOT).replace('-', '_');
    for (ListenerType type : values()) {
      if (type.name().equals(normalised)) {
        return type;
      }
    }
    throw new IllegalArgumentException(
        key + ": unknown event listener type '" + value + "'; expected one of "
            + Arrays.stream(values()).map(Enum::name).collect(Collectors.joining(", ")));
  }
}
