package dev.oceanj.core.config;

import com.typesafe.config.Config;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.Optional;

/**
 * oceanj's HTTP server ({@code ocean.http}).
 *
 * @param host interface to bind ({@code ocean.http.bind-address}; the older {@code ocean.http.host} still works)
 * @param port port to bind (0 = any free port)
 * @param maxRequestBodySize largest request body accepted, in bytes
 * @param adminToken when set, the admin routes ({@code /resync}, {@code /status}, the dead letters) require
 *     {@code Authorization: Bearer <token>}
 * @param requestHeadTimeout how long a connection may take to send a whole request head, counted from when it
 *     opened or from its last response; then it is closed
 * @param maxConnections connections held at once; more wait to be accepted
 */
public record HttpSettings(String host, int port, long maxRequestBodySize, Optional<Secret> adminToken,
    Duration requestHeadTimeout, int maxConnections) {

  /** Default of {@code ocean.http.request-head-timeout}. */
  public static final Duration DEFAULT_REQUEST_HEAD_TIMEOUT = Duration.ofSeconds(10);

  /** Default of {@code ocean.http.max-connections}. */
  public static final int DEFAULT_MAX_CONNECTIONS = 4096;

  /** No admin token, the default head timeout and connection limit. */
  public HttpSettings(String host, int port, long maxRequestBodySize) {
    this(host, port, maxRequestBodySize, Optional.empty(), DEFAULT_REQUEST_HEAD_TIMEOUT, DEFAULT_MAX_CONNECTIONS);
  }

  /** Reads {@code ocean.http} from a root config (defaults already merged in). */
  public static HttpSettings fromConfig(Config config) {
    ConfigReader r = new ConfigReader(config);
    HttpSettings s = read(r);
    r.throwIfProblems();
    return s;
  }

  static HttpSettings read(ConfigReader r) {
    String p = "ocean.http.";
    // bind-address is the documented name; host (OCEAN__HTTP__HOST) is kept for the setups that already use it.
    String bind = r.isDefault(p + "bind-address") && r.isSet(p + "host")
        ? r.string(p + "host", "0.0.0.0")
        : r.string(p + "bind-address", "0.0.0.0");
    return new HttpSettings(
        bind,
        r.integer(p + "port", 0, 65_535, 8000),
        r.bytes(p + "max-request-body-size", 1, 10L << 20),
        r.secret(p + "admin-token"),
        r.duration(p + "request-head-timeout", ChronoUnit.SECONDS, DEFAULT_REQUEST_HEAD_TIMEOUT),
        r.integer(p + "max-connections", 1, 1_000_000, DEFAULT_MAX_CONNECTIONS));
  }
}
