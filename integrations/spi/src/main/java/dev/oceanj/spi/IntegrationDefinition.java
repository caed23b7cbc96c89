package dev.oceanj.spi;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.oceanj.spi.live.LiveEventProcessor;
import java.net.http.HttpClient;

/**
 * What {@link Integration#define} receives: the integration's settings, shared resources, and the
 * registration of kinds and lifecycle hooks.
 *
 * @since 0.1
 */
public interface IntegrationDefinition {

  /**
   * The integration's own settings ({@code ocean.integration.config}, typed by {@code .port/spec.yaml}) bound
   * to {@code type} with Jackson, usually a record whose component names are the spec's configuration names.
   *
   * <p>Binding rules: for a record, keys that differ from a component name only by case, {@code _} or
   * {@code -} bind to it, so Ocean's snake_case keys ({@code third_party_latency_ms}) reach
   * {@code thirdPartyLatencyMS}; an exact key wins. Keys the type does not declare are ignored (the spec
   * validation already rejected unknown ones). A missing key binds as {@code null} (0/false for primitives):
   * use boxed components and apply defaults in the compact constructor, which may also throw
   * {@link IllegalArgumentException} to reject a value. Strings holding numbers or booleans are accepted;
   * fractions are not truncated into integers. Each call binds afresh.
   *
   * @throws InvalidSettingsException naming the field (e.g. {@code failKindAfter.items}) when a value cannot be
   *     bound or the constructor rejects it; the message never contains the value, which may be a secret
   */
  <T> T settings(Class<T> type);

  /** The same settings as a JSON object (never null; empty when the integration has none). */
  ObjectNode rawSettings();

  /**
   * The HTTP client for 3rd-party calls, shared by the whole integration (one connection pool). Closed by the
   * runtime at shutdown; integrations must not close it.
   */
  HttpClient httpClient();

  /**
   * The 3rd-party OAuth token the host keeps in a file ({@code OCEAN__OAUTH_ACCESS_TOKEN_FILE_PATH}), when one is
   * configured; empty otherwise.
   *
   * @since 0.2
   */
  default java.util.Optional<AccessToken> oauthToken() {
    return java.util.Optional.empty();
  }

  /** Starts (or continues) the declaration of {@code kind}; kinds are the {@code kind} values of the mapping. */
  KindDefinition kind(String kind);

  /** Runs {@code hook} once after {@code define} and before the first resync (e.g. to verify credentials). */
  void onStart(LifecycleHook hook);

  /** Runs {@code hook} once at shutdown, after the last resync stopped (e.g. to close clients). */
  void onStop(LifecycleHook hook);

  /**
   * Registers a processor of the 3rd party's webhooks sent to {@code POST /integration<path>}. {@code path}
   * starts with {@code /}; a segment {@code {name}} matches any one segment and is handed to the processor as
   * a path parameter ({@code /webhook/{runId}}). Several processors may share a path: each handles every event.
   *
   * @throws IllegalArgumentException when the path is malformed
   * @since 0.1
   */
  void onLiveEvent(String path, LiveEventProcessor processor);
}
