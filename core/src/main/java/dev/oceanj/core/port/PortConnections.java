package dev.oceanj.core.port;

import dev.oceanj.core.config.NetworkSettings;
import dev.oceanj.core.port.PortClient.PortIdentity;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the integration instances of one JVM share to reach Port (host mode): each instance gets a
 * {@link HttpPortClient} of its own (its identity, so its User-Agent and {@code $datasource}), over
 * <ul>
 *   <li>one channel per base URL: one pool of kept-alive HTTP/1.1 connections and its I/O threads, sized by the
 *       first client's {@code max-connections}, with the registry's proxy and TLS settings;</li>
 *   <li>one access token per credential (base URL, client id and secret);</li>
 *   <li>one {@link WriteLimiter} per Port organisation, since Port limits writes per organisation: the org's id comes
 *       from {@code GET /v1/organization}, read once per credential, so two credentials of one org share the
 *       budget. The limiter starts from the first client's {@code rate-limit} settings. Each client writes through
 *       a lane of its own, and waiting lanes take turns (weighted fair queuing), so one instance's big resync
 *       cannot starve another's small one; live events keep their reserve.</li>
 * </ul>
 * If the organisation cannot be read within {@link #ORG_LOOKUP_WAIT} (Port unreachable at start), the credential
 * gets a limiter of its own, keyed by base URL and client id, and a warning says so.
 *
 * <p>Thread-safe. {@link #client} blocks while it reads a new credential's organisation (once per credential).
 * Closing a client closes its lane; {@link #close()} closes the channels and the limiters.
 */
public final class PortConnections implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(PortConnections.class);
  /**
   * How long a new credential waits for its organisation (at most the request timeout): a Port that is down at
   * start delays the start by no more than this, and the start-up's own checks then report it.
   */
  static final Duration ORG_LOOKUP_WAIT = Duration.ofSeconds(10);

  private final NetworkSettings network;
  private final Map<String, PortChannel> channels = new LinkedHashMap<>();
  private final Map<String, Credential> credentials = new LinkedHashMap<>();
  private final Map<String, WriteLimiter> limiters = new LinkedHashMap<>();
  private final List<BiConsumer<String, WriteLimiter>> limiterListeners = new ArrayList<>();
  private boolean closed;

  /** One credential: the client that fetches its tokens and read its organisation, and that organisation. */
  private record Credential(HttpPortClient base, CompletableFuture<String> org) {}

  private PortConnections(NetworkSettings network) {
    this.network = network;
  }

  /** A registry whose channels go through the proxies and trust of {@code network}. */
  public static PortConnections create(NetworkSettings network) {
    return new PortConnections(network);
  }

  /** A registry with direct connections and the JVM's default trust (tests, the embedded emulator). */
  public static PortConnections create() {
    return new PortConnections(NetworkSettings.DEFAULTS);
  }

  /**
   * The Port client of one integration instance: its identity over the shared channel, token and org limiter.
   *
   * @param settings where Port is, the credential, and (for a new channel or limiter) the pool size and the budget
   * @param identity the instance as Port sees it
   * @throws IllegalStateException when the registry is closed
   */
  public HttpPortClient client(PortClientSettings settings, PortIdentity identity) {
    Credential credential;
    PortChannel channel;
    synchronized (this) {
      requireOpen();
      channel = channels.computeIfAbsent(settings.baseUrl().toString(), k -> newChannel(settings));
      String key = settings.baseUrl() + "\n" + settings.clientId() + "\n" + settings.clientSecret();
      credential = credentials.computeIfAbsent(key, k -> newCredential(settings, identity, channel));
    }
    // Outside the lock: the first client of a credential waits for Port's answer, the others do not wait for it.
    String org = credential.org().join();
    List<BiConsumer<String, WriteLimiter>> announce = List.of();
    WriteLimiter limiter;
    synchronized (this) {
      requireOpen();
      limiter = limiters.get(org);
      if (limiter == null) {
        limiter = WriteLimiter.create(settings.rateLimit());
        limiters.put(org, limiter);
        announce = List.copyOf(limiterListeners);
      }
    }
    for (BiConsumer<String, WriteLimiter> l : announce) {
      l.accept(org, limiter);
    }
    return HttpPortClient.shared(settings, identity, limiter.lane(identity.identifier(), 1.0), channel,
        credential.base().tokens());
  }

  /** The limiter of every organisation known so far, by org id. */
  public synchronized Map<String, WriteLimiter> limiters() {
    return Map.copyOf(limiters);
  }

  /**
   * Calls {@code listener} with every org's limiter: those known now at once, later ones when their first client is
   * made (to publish one metrics series per org, or to share the budget across nodes).
   */
  public void onLimiter(BiConsumer<String, WriteLimiter> listener) {
    Map<String, WriteLimiter> known;
    synchronized (this) {
      limiterListeners.add(listener);
      known = new LinkedHashMap<>(limiters);
    }
    known.forEach(listener);
  }

  private PortChannel newChannel(PortClientSettings settings) {
    boolean https = "https".equalsIgnoreCase(settings.baseUrl().getScheme());
    return new PortChannel(settings, https ? network.portTls() : null,
        network.proxies().proxyFor(settings.baseUrl()).orElse(null));
  }

  private Credential newCredential(PortClientSettings settings, PortIdentity identity, PortChannel channel) {
    HttpPortClient base = HttpPortClient.shared(settings, identity, null, channel, null);
    String fallback = settings.baseUrl() + " client " + settings.clientId();
    long waitMillis = Math.min(settings.requestTimeout().toMillis(), ORG_LOOKUP_WAIT.toMillis());
    CompletableFuture<String> org = base.organization().toCompletableFuture()
        .thenApply(o -> o.id() == null || o.id().isBlank() ? null : o.id())
        .completeOnTimeout(null, waitMillis, TimeUnit.MILLISECONDS)
        .exceptionally(e -> {
          LOG.debug("reading the organization of client id {} failed", settings.clientId(), e);
          return null;
        })
        .thenApply(id -> {
          if (id != null) {
            return id;
          }
          LOG.warn("Could not read the Port organization of client id {} at {} (GET /v1/organization gave no id"
              + " within {} ms); its writes get a write budget of their own, not shared with other credentials of the"
              + " same organization",
              settings.clientId(), settings.baseUrl(), waitMillis);
          return fallback;
        });
    return new Credential(base, org);
  }

  private void requireOpen() {
    if (closed) {
      throw new IllegalStateException("Port connections closed");
    }
  }

  /** Closes every limiter (failing its waiters) and every channel; clients made here stop working. */
  @Override
  public void close() {
    List<AutoCloseable> toClose = new ArrayList<>();
    synchronized (this) {
      if (closed) {
        return;
      }
      closed = true;
      toClose.addAll(limiters.values());
      credentials.values().forEach(c -> toClose.add(c.base()));
      toClose.addAll(channels.values());
    }
    for (AutoCloseable c : toClose) {
      try {
        c.close();
      } catch (Exception e) {
        LOG.debug("closing {} failed", c, e);
      }
    }
  }
}
