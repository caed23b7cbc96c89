package dev.oceanj.core.config;

/** Where an integration's default Port resources come from (Ocean's {@code OCEAN__CREATE_PORT_RESOURCES_ORIGIN}). */
public enum CreatePortResourcesOrigin {
  /** An empty mapping, no resources. */
  EMPTY,
  /** The files under {@code resources-path} (Ocean also spells it {@code Ocean}). */
  DEFAULT,
  /** Port provisions them. */
  PORT;

  /** The value Port's API expects ({@code Empty}, {@code Default}, {@code Port}). */
  public String wireName() {
    return name().charAt(0) + name().substring(1).toLowerCase(java.util.Locale.ROOT);
  }

  /** The origin Port stores on an integration ({@code Empty}, {@code Default}, {@code Ocean}, {@code Port}). */
  public static java.util.Optional<CreatePortResourcesOrigin> fromWire(String value) {
    return java.util.Optional.ofNullable(parse(value.trim().toUpperCase(java.util.Locale.ROOT)));
  }

  static CreatePortResourcesOrigin parse(String upper) {
    switch (upper) {
      case "EMPTY":
        return EMPTY;
      case "DEFAULT":
      case "OCEAN":
        return DEFAULT;
      case "PORT":
        return PORT;
      default:
        return null;
    }
  }
}
