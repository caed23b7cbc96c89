package dev.oceanj.core.config;

import com.typesafe.config.Config;

/**
 * oceanj's HTTP server ({@code ocean.http}).
 *
 * @param host interface to bind
 * @param port port to bind (0 = any free port)
 * @param maxRequestBodySize largest request body accepted, in bytes
 */
public record HttpSettings(String host, int port, long maxRequestBodySize) {

  /** Reads {@code ocean.http} from a root config (defaults already merged in). */
  public static HttpSettings fromConfig(Config config) {
    ConfigReader r = new ConfigReader(config);
    HttpSettings s = read(r);
    r.throwIfProblems();
    return s;
  }

  static HttpSettings read(ConfigReader r) {
    return new HttpSettings(
        r.string("ocean.http.host", "0.0.0.0"),
        r.integer("ocean.http.port", 0, 65_535, 8000),
        r.bytes("ocean.http.max-request-body-size", 1, 10L << 20));
  }
}
