package dev.oceanj.spi;

/**
 * An integration: the code that knows one 3rd-party system. Found with {@link java.util.ServiceLoader}
 * ({@code META-INF/services/dev.oceanj.spi.Integration}); {@code ocean.integration.type} picks the one whose
 * {@link #type()} matches.
 *
 * <p>The runtime calls {@link #define} once at start, on the start-up thread, before any resync. Everything an
 * integration does afterwards is driven by the runtime through what {@code define} registered: author code
 * holds no trigger, batching, retry or upsert logic.
 *
 * @since 0.1
 */
public interface Integration {

  /** The integration type, e.g. {@code "fake"}; Ocean's {@code OCEAN__INTEGRATION__TYPE}. Never null. */
  String type();

  /**
   * Registers the integration's kinds and hooks.
   *
   * @param ocean the registration surface; valid only during this call, except for objects it returns
   *     (settings, HTTP client), which live as long as the integration
   */
  void define(IntegrationDefinition ocean);
}
