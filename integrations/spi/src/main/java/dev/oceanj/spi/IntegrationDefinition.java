package dev.oceanj.spi;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.oceanj.spi.http.HttpOptions;
import dev.oceanj.spi.http.ThirdPartyHttp;
import dev.oceanj.spi.live.KindProcessor;
import dev.oceanj.spi.live.LiveEvent;
import dev.oceanj.spi.live.LiveEventProcessor;
import dev.oceanj.spi.live.LiveEventResult;
import java.net.http.HttpClient;
import java.util.function.Function;

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

  /**
   * The certificate authorities the host trusts for 3rd-party calls in addition to the JVM's ({@code SSL_CERT_FILE},
   * {@code REQUESTS_CA_BUNDLE}, the runtime's CA directory), for clients the integration builds itself (a Kafka admin
   * client). {@link #httpClient()} already trusts them.
   *
   * @since 0.2
   */
  default java.util.List<java.security.cert.X509Certificate> trustedAuthorities() {
    return java.util.List.of();
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
   * For the common case (one kind, a function of the event) see {@link #onLiveEvent(String, String, Function)}.
   *
   * @throws IllegalArgumentException when the path is malformed
   * @since 0.1
   */
  @Incubating
  void onLiveEvent(String path, LiveEventProcessor processor);

  /**
   * The common live event in one statement (Ocean's {@code register_raw}): every webhook sent to
   * {@code POST /integration<path>} affects {@code kind}, and {@code handler} turns it into what to upsert or delete
   * through the kind's mapping, e.g.
   * {@code ocean.onLiveEvent("/webhook", PERSON, event -> LiveEventResult.upsert(List.of(event.payload())))}.
   * Registers a {@link KindProcessor} as {@link #onLiveEvent(String, LiveEventProcessor)} does and returns it, to
   * add validation, per-resource ordering or authentication in the same statement.
   *
   * @throws IllegalArgumentException when the path is malformed
   * @since 0.2
   */
  @Incubating
  default KindProcessor onLiveEvent(String path, String kind, Function<LiveEvent, LiveEventResult> handler) {
    KindProcessor processor = new KindProcessor(kind, handler);
    onLiveEvent(path, processor);
    return processor;
  }

  /**
   * Starts (or continues) the declaration of the kinds this integration does not know in advance: any kind of
   * the mapping that no {@link #kind(String)} declared is served by the source declared here (for the
   * {@code custom} integration, every endpoint path). Usually declared with
   * {@link KindDefinition#resync(Class, java.util.function.Function)}, so the source sees its kind and
   * selector through {@link Resource}.
   *
   * @since 0.2
   */
  default KindDefinition anyKind() {
    throw new UnsupportedOperationException("this host does not support dynamic kinds (SPI 0.2)");
  }

  /**
   * Runs {@code hook} at the start of every full resync, after the mapping loaded and before any kind runs.
   * Hooks run in registration order; a failure fails the resync, which then deletes nothing.
   *
   * @since 0.2
   */
  default void onResyncStart(ResyncHook hook) {
    throw new UnsupportedOperationException("this host does not support resync hooks (SPI 0.2)");
  }

  /**
   * Runs {@code hook} when a full resync completed without error (after reconciliation), in registration
   * order. A failure is logged. The per-resync cache is emptied after these hooks, whatever the outcome.
   *
   * @since 0.2
   */
  default void onResyncComplete(ResyncHook hook) {
    throw new UnsupportedOperationException("this host does not support resync hooks (SPI 0.2)");
  }

  /**
   * A 3rd-party HTTP client with retries, rate-limit waits, a concurrency bound, timeouts and streamed
   * bodies, built on {@link #httpClient()} (so it uses the runtime's proxy and CA settings). Each call returns
   * a new helper with its own concurrency bound; build it once in {@code define}.
   *
   * @since 0.2
   */
  default ThirdPartyHttp http(HttpOptions options) {
    throw new UnsupportedOperationException("this host does not provide the HTTP helper (SPI 0.2)");
  }

  /**
   * The runtime's jq engine, with Ocean's semantics.
   *
   * @throws UnsupportedOperationException when the host provides none (a bare test host)
   * @since 0.2
   */
  default Jq jq() {
    throw new UnsupportedOperationException("this host does not provide a jq engine (SPI 0.2)");
  }

  /**
   * Where this integration instance is reached from outside, without a trailing slash: the base of the URLs it
   * registers with its 3rd party (Ocean's {@code ocean.app.base_url} with the path prefix). A live event of path
   * {@code p} ({@link #onLiveEvent(String, LiveEventProcessor)}) arrives at {@code publicUrl() + "/integration" + p}.
   *
   * <p>It is {@code OCEAN__BASE_URL} (else the deprecated {@code appHost} setting) followed by the path the host
   * serves this instance under: {@code OCEAN__PATH_PREFIX} when it runs alone; in host mode the instance's own path
   * prefix when it has one, else {@code /<identifier>} (under the process's prefix). Read it in a start hook (it is
   * known during {@code define} too, and does not change).
   *
   * @return empty when no base URL is configured, or when the host does not say (the default)
   * @since 0.3
   */
  default java.util.Optional<String> publicUrl() {
    return java.util.Optional.empty();
  }

  /**
   * The event listener this instance runs with ({@code ONCE}, {@code POLLING}, {@code WEBHOOK}, {@code KAFKA},
   * {@code WEBHOOKS_ONLY}; Ocean's {@code ocean.event_listener_type}): an integration registers nothing with its
   * 3rd party for a {@code ONCE} run, which ends after one resync.
   *
   * @return empty when the host does not say (the default)
   * @since 0.3
   */
  default java.util.Optional<String> eventListenerType() {
    return java.util.Optional.empty();
  }
}
