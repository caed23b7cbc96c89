package dev.oceanj.core.net;

import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Which proxy a request goes through, read from {@code HTTPS_PROXY}, {@code HTTP_PROXY}, {@code ALL_PROXY} and
 * {@code NO_PROXY} (either case; the lower-case name wins when both are set) the way httpx reads them for Ocean:
 *
 * <ul>
 *   <li>{@code https://} URLs use {@code HTTPS_PROXY}, {@code http://} URLs {@code HTTP_PROXY}, either falls back to
 *       {@code ALL_PROXY}; a proxy URL without a scheme gets {@code http://}; credentials in it
 *       ({@code http://user:pass@proxy:3128}) are sent as Basic proxy authentication.
 *   <li>No host is exempt unless {@code NO_PROXY} names it, loopback included. Its comma-separated entries: {@code *}
 *       (no proxy at all); {@code scheme://host} (that scheme and host only); an IP address or {@code localhost}
 *       (exactly that host); {@code .example.com} (subdomains only); any other name (the domain and its
 *       subdomains, {@code example.com} matches {@code api.example.com}, not {@code notexample.com}); {@code host:port}
 *       (that port only). oceanj also honours CIDR ranges ({@code 10.0.0.0/8}) for IP-literal hosts, which httpx
 *       ignores.
 * </ul>
 */
public final class ProxyRules {

  /**
   * A proxy to go through.
   *
   * @param host proxy host
   * @param port proxy port
   * @param username user for Basic proxy authentication, if the URL carried one
   * @param password its password (never printed)
   */
  public record Proxy(String host, int port, Optional<String> username, Optional<String> password) {

    public Proxy {
      Objects.requireNonNull(host, "host");
      Objects.requireNonNull(username, "username");
      Objects.requireNonNull(password, "password");
    }

    /** The {@code Proxy-Authorization} header's value, when the proxy URL carried credentials. */
    public Optional<String> authorization() {
      return username.map(u -> "Basic " + Base64.getEncoder().encodeToString(
          (u + ":" + password.orElse("")).getBytes(StandardCharsets.UTF_8)));
    }

    /** {@code host:port}, without credentials. */
    @Override
    public String toString() {
      return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port
          + (username.isPresent() ? " (with credentials)" : "");
    }
  }

  private record Exclusion(String scheme, String host, boolean subdomainsOnly, boolean exact, int port,
      byte[] network, int prefix) {}

  /** No proxy for anything. */
  public static final ProxyRules NONE = new ProxyRules(Optional.empty(), Optional.empty(), false, List.of());

  private final Optional<Proxy> https;
  private final Optional<Proxy> http;
  private final boolean noneAtAll;
  private final List<Exclusion> exclusions;

  private ProxyRules(Optional<Proxy> https, Optional<Proxy> http, boolean noneAtAll, List<Exclusion> exclusions) {
    this.https = https;
    this.http = http;
    this.noneAtAll = noneAtAll;
    this.exclusions = exclusions;
  }

  /**
   * The rules in {@code env}.
   *
   * @param problems where a malformed variable is reported (one line naming it; its value is not shown, it may hold
   *     a password)
   */
  public static ProxyRules fromEnvironment(Map<String, String> env, List<String> problems) {
    Optional<Proxy> all = proxy(env, "ALL_PROXY", problems);
    Optional<Proxy> https = proxy(env, "HTTPS_PROXY", problems).or(() -> all);
    Optional<Proxy> http = proxy(env, "HTTP_PROXY", problems).or(() -> all);
    String noProxy = variable(env, "NO_PROXY").map(Map.Entry::getValue).orElse("");
    boolean none = false;
    List<Exclusion> exclusions = new ArrayList<>();
    for (String raw : noProxy.split(",")) {
      String entry = raw.trim().toLowerCase(Locale.ROOT);
      if (entry.isEmpty()) {
        continue;
      }
      if (entry.equals("*")) {
        none = true;
        continue;
      }
      Exclusion e = exclusion(entry);
      if (e != null) {
        exclusions.add(e);
      }
    }
    if (https.isEmpty() && http.isEmpty()) {
      return NONE;
    }
    return new ProxyRules(https, http, none, List.copyOf(exclusions));
  }

  /** Whether any proxy is configured at all. */
  public boolean any() {
    return !noneAtAll && (https.isPresent() || http.isPresent());
  }

  /** The configured proxies (for {@code https://}, then for {@code http://}). */
  public List<Proxy> proxies() {
    List<Proxy> out = new ArrayList<>(2);
    https.ifPresent(out::add);
    http.filter(p -> !out.contains(p)).ifPresent(out::add);
    return out;
  }

  /** The proxy for {@code uri}, or empty to connect directly. */
  public Optional<Proxy> proxyFor(URI uri) {
    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
    Optional<Proxy> proxy = scheme.equals("https") || scheme.equals("wss") ? https
        : scheme.equals("http") || scheme.equals("ws") ? http : Optional.empty();
    if (proxy.isEmpty() || noneAtAll || uri.getHost() == null) {
      return Optional.empty();
    }
    String host = uri.getHost().toLowerCase(Locale.ROOT);
    if (host.startsWith("[") && host.endsWith("]")) {
      host = host.substring(1, host.length() - 1);
    }
    int port = uri.getPort() >= 0 ? uri.getPort() : scheme.startsWith("https") || scheme.equals("wss") ? 443 : 80;
    for (Exclusion e : exclusions) {
      if (matches(e, scheme, host, port)) {
        return Optional.empty();
      }
    }
    return proxy;
  }

  private static boolean matches(Exclusion e, String scheme, String host, int port) {
    if (e.scheme() != null && !e.scheme().equals(scheme)) {
      return false;
    }
    if (e.port() >= 0 && e.port() != port) {
      return false;
    }
    if (e.network() != null) {
      byte[] address = ipLiteral(host);
      return address != null && address.length == e.network().length && inNetwork(address, e.network(), e.prefix());
    }
    if (e.exact()) {
      return host.equals(e.host());
    }
    if (e.subdomainsOnly()) {
      return host.endsWith("." + e.host());
    }
    return host.equals(e.host()) || host.endsWith("." + e.host());
  }

  private static Exclusion exclusion(String entry) {
    String scheme = null;
    String rest = entry;
    int sep = entry.indexOf("://");
    if (sep >= 0) {
      scheme = entry.substring(0, sep);
      rest = entry.substring(sep + 3);
    }
    int slash = rest.indexOf('/');
    if (slash >= 0 && scheme == null) {
      // A CIDR range: 10.0.0.0/8, fd00::/8.
      byte[] network = ipLiteral(rest.substring(0, slash));
      try {
        int prefix = Integer.parseInt(rest.substring(slash + 1));
        if (network != null && prefix >= 0 && prefix <= network.length * 8) {
          return new Exclusion(null, rest, false, false, -1, network, prefix);
        }
      } catch (NumberFormatException ignored) {
        // not a range: read below as a name
      }
      return null;
    }
    if (slash >= 0) {
      rest = rest.substring(0, slash);
    }
    int port = -1;
    String host = rest;
    if (host.startsWith("[")) {
      int close = host.indexOf(']');
      if (close < 0) {
        return null;
      }
      String after = host.substring(close + 1);
      host = host.substring(1, close);
      port = after.startsWith(":") ? parsePort(after.substring(1)) : -1;
    } else if (host.indexOf(':') >= 0 && host.indexOf(':') == host.lastIndexOf(':')) {
      port = parsePort(host.substring(host.indexOf(':') + 1));
      host = host.substring(0, host.indexOf(':'));
    }
    if (host.startsWith("*.")) {
      host = host.substring(1);
    } else if (host.startsWith("*")) {
      host = host.substring(1);
    }
    boolean exact = scheme != null || ipLiteral(host) != null || host.equals("localhost");
    boolean subdomainsOnly = !exact && host.startsWith(".");
    if (subdomainsOnly) {
      host = host.substring(1);
    }
    return host.isEmpty() ? null : new Exclusion(scheme, host, subdomainsOnly, exact, port, null, 0);
  }

  private static int parsePort(String s) {
    try {
      return Integer.parseInt(s);
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  private static boolean inNetwork(byte[] address, byte[] network, int prefix) {
    for (int bit = 0; bit < prefix; bit++) {
      int mask = 0x80 >>> (bit % 8);
      if ((address[bit / 8] & mask) != (network[bit / 8] & mask)) {
        return false;
      }
    }
    return true;
  }

  /** The bytes of an IPv4 or IPv6 literal, or null for a name (never resolves a name). */
  static byte[] ipLiteral(String host) {
    boolean v4 = host.chars().allMatch(c -> c == '.' || (c >= '0' && c <= '9')) && host.chars().filter(c -> c == '.')
        .count() == 3;
    boolean v6 = host.indexOf(':') >= 0 && host.chars().allMatch(c -> c == ':' || c == '.' || Character.digit(c, 16) >= 0);
    if (!v4 && !v6) {
      return null;
    }
    try {
      return InetAddress.getByName(host).getAddress();
    } catch (UnknownHostException e) {
      return null;
    }
  }

  private static Optional<Map.Entry<String, String>> variable(Map<String, String> env, String upper) {
    String lower = upper.toLowerCase(Locale.ROOT);
    String v = env.get(lower);
    if (v != null && !v.isBlank()) {
      return Optional.of(Map.entry(lower, v.trim()));
    }
    v = env.get(upper);
    return v != null && !v.isBlank() ? Optional.of(Map.entry(upper, v.trim())) : Optional.empty();
  }

  private static Optional<Proxy> proxy(Map<String, String> env, String upper, List<String> problems) {
    Optional<Map.Entry<String, String>> v = variable(env, upper);
    if (v.isEmpty()) {
      return Optional.empty();
    }
    String text = v.get().getValue();
    String withScheme = text.contains("://") ? text : "http://" + text;
    try {
      URI uri = new URI(withScheme);
      String scheme = uri.getScheme().toLowerCase(Locale.ROOT);
      if (!scheme.equals("http") || uri.getHost() == null) {
        problems.add("env " + v.get().getKey() + ": expected a proxy URL such as http://proxy.example.com:3128"
            + (scheme.equals("http") ? "" : " (only http:// proxies are supported, got " + scheme + "://)"));
        return Optional.empty();
      }
      Optional<String> user = Optional.empty();
      Optional<String> password = Optional.empty();
      String info = uri.getRawUserInfo();
      if (info != null) {
        int colon = info.indexOf(':');
        user = Optional.of(decode(colon >= 0 ? info.substring(0, colon) : info));
        password = colon >= 0 ? Optional.of(decode(info.substring(colon + 1))) : Optional.empty();
      }
      String host = uri.getHost();
      if (host.startsWith("[") && host.endsWith("]")) {
        host = host.substring(1, host.length() - 1);
      }
      return Optional.of(new Proxy(host, uri.getPort() < 0 ? 80 : uri.getPort(), user, password));
    } catch (URISyntaxException e) {
      problems.add("env " + v.get().getKey() + ": not a URL; expected a proxy URL such as http://proxy.example.com:3128");
      return Optional.empty();
    }
  }

  private static String decode(String s) {
    return URLDecoder.decode(s.replace("+", "%2B"), StandardCharsets.UTF_8);
  }

  @Override
  public String toString() {
    return "ProxyRules[https=" + https.map(Proxy::toString).orElse("none") + ", http="
        + http.map(Proxy::toString).orElse("none") + (noneAtAll ? ", NO_PROXY=*" : "")
        + ", exclusions=" + exclusions.size() + "]";
  }
}
