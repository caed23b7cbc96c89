package dev.oceanj.core.net;

import java.io.IOException;
import java.net.Authenticator;
import java.net.InetSocketAddress;
import java.net.CookieHandler;
import java.net.Proxy;
import java.net.ProxySelector;
import java.net.SocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.Supplier;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;

/**
 * JDK {@link HttpClient}s that honour the proxies and the trust of the network settings: the one handed to
 * integrations for their 3rd-party calls, and the one that carries telemetry to Port's ingest endpoints.
 *
 * <p>Proxy credentials are sent pre-emptively as {@code Proxy-Authorization: Basic} on every request that goes
 * through that proxy (the JDK forwards the header to the proxy only: on the CONNECT of an HTTPS tunnel, not to the
 * origin). A JDK {@link Authenticator} would do it on a 407 instead, but it also takes over the origin's 401s (a 401
 * without {@code WWW-Authenticate} then fails with an IOException instead of reaching the integration, which must
 * see it to re-read its token). Basic on tunnels is disabled in the JDK by default
 * ({@code jdk.http.auth.tunneling.disabledSchemes=Basic}); company proxies use exactly that, so it is enabled here,
 * before the first client is built, unless the property was set explicitly.
 *
 * <p>The JDK client reads responses in buffers of {@code jdk.httpclient.bufsize} bytes (16 KB by default), each
 * passed between its selector thread, its executor and the body's reader; 3rd-party pages are often hundreds of KB
 * (100 PagerDuty incidents with their includes are 360 KB), so the buffers are 64 KB here unless the property was
 * set: a quarter of the hand-offs, about a fifth less of the client's CPU per page (pagerduty benchmark). Buffers
 * exist only while a response is read.
 */
public final class HttpClients {

  static final String TUNNELING_DISABLED = "jdk.http.auth.tunneling.disabledSchemes";
  static final String BUFFER_SIZE = "jdk.httpclient.bufsize";

  static {
    if (System.getProperty(TUNNELING_DISABLED) == null) {
      System.setProperty(TUNNELING_DISABLED, "");
    }
    if (System.getProperty(BUFFER_SIZE) == null) {
      System.setProperty(BUFFER_SIZE, Integer.toString(64 * 1024));
    }
  }

  private HttpClients() {}

  /**
   * A client for {@code proxies}, trusting what {@code tls} trusts.
   *
   * @param connectTimeout timeout of opening a connection
   */
  public static HttpClient create(ProxyRules proxies, SSLContext tls, Duration connectTimeout) {
    HttpClient.Builder b = HttpClient.newBuilder().connectTimeout(connectTimeout).sslContext(tls)
        .followRedirects(HttpClient.Redirect.NORMAL);
    if (!proxies.any()) {
      // Never the JVM's own proxy settings (-Dhttps.proxyHost): only what the environment says, as Ocean.
      return b.proxy(HttpClient.Builder.NO_PROXY).build();
    }
    HttpClient client = b.proxy(selector(proxies)).build();
    return proxies.proxies().stream().anyMatch(p -> p.username().isPresent())
        ? new ProxyAuthorizing(client, proxies) : client;
  }

  /**
   * A client that builds {@code create}'s client on its first use. A JDK client costs about 300 classes and a selector
   * thread for as long as it lives, and its TLS context some 200 more classes (even for {@code http://}): a runtime
   * whose integration or telemetry never calls out (WEBHOOKS_ONLY waiting for events) keeps neither.
   */
  public static HttpClient lazy(Supplier<HttpClient> create) {
    return new Lazy(create);
  }

  /** The JDK form of {@link ProxyRules#proxyFor(URI)}. */
  public static ProxySelector selector(ProxyRules proxies) {
    return new ProxySelector() {
      @Override
      public List<Proxy> select(URI uri) {
        Optional<ProxyRules.Proxy> p = proxies.proxyFor(uri);
        return p.isEmpty() ? List.of(Proxy.NO_PROXY)
            : List.of(new Proxy(Proxy.Type.HTTP, InetSocketAddress.createUnresolved(p.get().host(), p.get().port())));
      }

      @Override
      public void connectFailed(URI uri, SocketAddress sa, IOException ioe) {
        // Nothing to fall back to: the request fails with the proxy's error.
      }
    };
  }

  /** Adds {@code Proxy-Authorization} to requests that go through a proxy with credentials. */
  private static final class ProxyAuthorizing extends Forwarding {
    private final HttpClient client;
    private final ProxyRules proxies;

    ProxyAuthorizing(HttpClient client, ProxyRules proxies) {
      this.client = client;
      this.proxies = proxies;
    }

    @Override
    HttpClient client() {
      return client;
    }

    @Override
    HttpRequest prepare(HttpRequest request) {
      Optional<String> auth = proxies.proxyFor(request.uri()).flatMap(ProxyRules.Proxy::authorization);
      if (auth.isEmpty() || request.headers().firstValue("Proxy-Authorization").isPresent()) {
        return request;
      }
      return HttpRequest.newBuilder(request, (name, value) -> true).header("Proxy-Authorization", auth.get()).build();
    }
  }

  /** {@link #lazy}: the client is built once, by the first call that needs it. */
  private static final class Lazy extends Forwarding {
    private final Supplier<HttpClient> create;
    private volatile HttpClient client;

    Lazy(Supplier<HttpClient> create) {
      this.create = create;
    }

    @Override
    HttpClient client() {
      HttpClient c = client;
      if (c == null) {
        synchronized (this) {
          c = client;
          if (c == null) {
            c = create.get();
            client = c;
          }
        }
      }
      return c;
    }

    @Override
    public java.net.http.WebSocket.Builder newWebSocketBuilder() {
      return client().newWebSocketBuilder();
    }
  }

  /** A client that hands every call to {@link #client()}, each request first through {@link #prepare}. */
  private abstract static class Forwarding extends HttpClient {

    abstract HttpClient client();

    HttpRequest prepare(HttpRequest request) {
      return request;
    }

    @Override
    public <T> HttpResponse<T> send(HttpRequest request, HttpResponse.BodyHandler<T> handler)
        throws IOException, InterruptedException {
      return client().send(prepare(request), handler);
    }

    @Override
    public <T> CompletableFuture<HttpResponse<T>> sendAsync(HttpRequest request, HttpResponse.BodyHandler<T> handler) {
      return client().sendAsync(prepare(request), handler);
    }

    @Override
    public <T> CompletableFuture<HttpResponse<T>> sendAsync(HttpRequest request, HttpResponse.BodyHandler<T> handler,
        HttpResponse.PushPromiseHandler<T> push) {
      return client().sendAsync(prepare(request), handler, push);
    }

    @Override
    public Optional<CookieHandler> cookieHandler() {
      return client().cookieHandler();
    }

    @Override
    public Optional<Duration> connectTimeout() {
      return client().connectTimeout();
    }

    @Override
    public Redirect followRedirects() {
      return client().followRedirects();
    }

    @Override
    public Optional<ProxySelector> proxy() {
      return client().proxy();
    }

    @Override
    public SSLContext sslContext() {
      return client().sslContext();
    }

    @Override
    public SSLParameters sslParameters() {
      return client().sslParameters();
    }

    @Override
    public Optional<Authenticator> authenticator() {
      return client().authenticator();
    }

    @Override
    public Version version() {
      return client().version();
    }

    @Override
    public Optional<Executor> executor() {
      return client().executor();
    }
  }
}
