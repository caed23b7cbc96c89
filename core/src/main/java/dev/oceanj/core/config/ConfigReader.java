package dev.oceanj.core.config;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigList;
import com.typesafe.config.ConfigOrigin;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueType;
import java.math.BigDecimal;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Function;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Reads typed values from a resolved {@link Config} and, instead of throwing at the first bad value, records one
 * problem per bad key (naming the key, where its value came from and what was expected) and returns a harmless
 * fallback, so start-up can report every problem at once.
 */
final class ConfigReader {

  static final String DEFAULTS_RESOURCE = "oceanj/application.conf";

  private static final Pattern BARE_NUMBER = Pattern.compile("\\s*-?\\d+(\\.\\d+)?\\s*");
  private static final ObjectMapper JSON = new ObjectMapper();

  private final Config config;
  private final List<String> problems = new ArrayList<>();

  ConfigReader(Config config) {
    this.config = config;
  }

  Config config() {
    return config;
  }

  List<String> problems() {
    return problems;
  }

  void throwIfProblems() {
    if (!problems.isEmpty()) {
      throw new ConfigurationException(problems);
    }
  }

  /** Records "{@code path} (source): {@code message}". */
  void problem(String path, String message) {
    String source = source(path);
    problem(path + (source.isEmpty() ? "" : " (" + source + ")") + ": " + message);
  }

  /** Records a problem that is not about one key's value (a file that does not parse, a spec file). */
  void problem(String message) {
    // Two settings may read the same key (base-url is also the webhook's fallback): report it once.
    if (!problems.contains(message)) {
      problems.add(message);
    }
  }

  /** Where the value at {@code path} came from, or "" when it is not set. */
  String source(String path) {
    ConfigValue v = valueOrNull(path);
    return v == null ? "" : originOf(v.origin());
  }

  static String originOf(ConfigOrigin o) {
    String d = o.description();
    if (d.startsWith("env ") || d.startsWith("system propert")) {
      return d;
    }
    if (o.resource() != null && o.resource().endsWith(DEFAULTS_RESOURCE)) {
      return "default in " + DEFAULTS_RESOURCE + (o.lineNumber() > 0 ? ":" + o.lineNumber() : "");
    }
    if (o.filename() != null) {
      return "file " + o.filename() + (o.lineNumber() > 0 ? ":" + o.lineNumber() : "");
    }
    return d;
  }

  /** True when {@code path} holds a non-null value. */
  boolean isSet(String path) {
    try {
      return config.hasPath(path);
    } catch (ConfigException.BadPath e) {
      return false;
    }
  }

  /** True when the value at {@code path} is the one from oceanj's own defaults (nobody overrode it). */
  boolean isDefault(String path) {
    ConfigValue v = valueOrNull(path);
    return v == null || (v.origin().resource() != null && v.origin().resource().endsWith(DEFAULTS_RESOURCE));
  }

  ConfigValue valueOrNull(String path) {
    try {
      return config.hasPath(path) ? config.getValue(path) : null;
    } catch (ConfigException e) {
      // A parent is a scalar (e.g. OCEAN__EVENT_LISTENER=junk): report where the reader asks for the child.
      return null;
    }
  }

  /** A parent of {@code path} set to a non-object hides the key; say so instead of "missing". */
  private boolean parentIsScalar(String path) {
    int dot = path.lastIndexOf('.');
    while (dot > 0) {
      String parent = path.substring(0, dot);
      try {
        if (config.hasPath(parent) && config.getValue(parent).valueType() != ConfigValueType.OBJECT) {
          problem(parent, "expected an object (a JSON object when set as one environment variable), got "
              + describe(config.getValue(parent)));
          return true;
        }
      } catch (ConfigException e) {
        // keep walking up
      }
      dot = parent.lastIndexOf('.');
    }
    return false;
  }

  static String describe(ConfigValue v) {
    if (v.valueType() == ConfigValueType.STRING) {
      String s = ((String) v.unwrapped()).trim();
      // Broken whole-JSON values (OCEAN__EVENT_LISTENER, OCEAN__INTEGRATION__CONFIG) often carry passwords.
      return s.startsWith("{") || s.startsWith("[") ? "text that is not valid JSON (not shown)" : "\"" + s + "\"";
    }
    if (v.valueType() == ConfigValueType.OBJECT) {
      return "an object";
    }
    if (v.valueType() == ConfigValueType.LIST) {
      return "a list";
    }
    return String.valueOf(v.unwrapped());
  }

  private String scalarText(ConfigValue v) {
    return v.valueType() == ConfigValueType.STRING || v.valueType() == ConfigValueType.NUMBER
        || v.valueType() == ConfigValueType.BOOLEAN ? String.valueOf(v.unwrapped()).trim() : null;
  }

  // ---------------------------------------------------------------------------------------------- strings

  Optional<String> optionalString(String path) {
    ConfigValue v = valueOrNull(path);
    if (v == null) {
      parentIsScalar(path);
      return Optional.empty();
    }
    String s = scalarText(v);
    if (s == null) {
      problem(path, "expected a string, got " + describe(v));
      return Optional.empty();
    }
    return s.isEmpty() ? Optional.empty() : Optional.of(s);
  }

  String string(String path, String fallback) {
    ConfigValue v = valueOrNull(path);
    if (v == null) {
      if (!parentIsScalar(path)) {
        problem(path, "missing; expected a non-empty string");
      }
      return fallback;
    }
    Optional<String> s = optionalString(path);
    if (s.isEmpty() && scalarText(v) != null) {
      problem(path, "expected a non-empty string, got \"\"");
    }
    return s.orElse(fallback);
  }

  /** A secret; its text never appears in a problem. */
  Optional<Secret> secret(String path) {
    ConfigValue v = valueOrNull(path);
    if (v == null) {
      parentIsScalar(path);
      return Optional.empty();
    }
    String s = scalarText(v);
    if (s == null) {
      problem(path, "expected a string secret, got " + (v.valueType() == ConfigValueType.LIST ? "a list" : "an object"));
      return Optional.empty();
    }
    return s.isEmpty() ? Optional.empty() : Optional.of(Secret.of(s));
  }

  // --------------------------------------------------------------------------------------------- booleans

  Optional<Boolean> optionalBool(String path) {
    ConfigValue v = valueOrNull(path);
    if (v == null) {
      parentIsScalar(path);
      return Optional.empty();
    }
    Boolean b = parseBoolean(v);
    if (b == null) {
      problem(path, "expected a boolean (true/false, yes/no, on/off, 1/0), got " + describe(v));
    }
    return Optional.ofNullable(b);
  }

  boolean bool(String path, boolean fallback) {
    ConfigValue v = valueOrNull(path);
    if (v == null && !parentIsScalar(path)) {
      problem(path, "missing; expected a boolean");
    }
    return v == null ? fallback : optionalBool(path).orElse(fallback);
  }

  /** Ocean (pydantic) accepts these spellings from environment variables, case-insensitively. */
  static Boolean parseBoolean(ConfigValue v) {
    if (v.valueType() == ConfigValueType.BOOLEAN) {
      return (Boolean) v.unwrapped();
    }
    if (v.valueType() != ConfigValueType.STRING && v.valueType() != ConfigValueType.NUMBER) {
      return null;
    }
    switch (String.valueOf(v.unwrapped()).trim().toLowerCase(Locale.ROOT)) {
      case "true": case "yes": case "on": case "1":
        return Boolean.TRUE;
      case "false": case "no": case "off": case "0":
        return Boolean.FALSE;
      default:
        return null;
    }
  }

  // ---------------------------------------------------------------------------------------------- numbers

  int integer(String path, int min, int max, int fallback) {
    return (int) longValue(path, min, max, fallback);
  }

  long longValue(String path, long min, long max, long fallback) {
    ConfigValue v = valueOrNull(path);
    String range = max == Long.MAX_VALUE || max == Integer.MAX_VALUE ? ">= " + min : "in " + min + ".." + max;
    if (v == null) {
      if (!parentIsScalar(path)) {
        problem(path, "missing; expected a whole number " + range);
      }
      return fallback;
    }
    String s = scalarText(v);
    Long n = null;
    if (s != null && v.valueType() != ConfigValueType.BOOLEAN) {
      try {
        n = new BigDecimal(s).longValueExact();
      } catch (NumberFormatException | ArithmeticException e) {
        n = null;
      }
    }
    if (n == null || n < min || n > max) {
      problem(path, "expected a whole number " + range + ", got " + describe(v));
      return fallback;
    }
    return n;
  }

  /** A decimal in {@code [min, max]}. */
  double decimal(String path, double min, double max, double fallback) {
    ConfigValue v = valueOrNull(path);
    if (v == null) {
      if (!parentIsScalar(path)) {
        problem(path, "missing; expected a number in " + min + ".." + max);
      }
      return fallback;
    }
    String s = scalarText(v);
    Double d = null;
    if (s != null && v.valueType() != ConfigValueType.BOOLEAN) {
      try {
        d = Double.parseDouble(s);
      } catch (NumberFormatException e) {
        d = null;
      }
    }
    if (d == null || d.isNaN() || d < min || d > max) {
      problem(path, "expected a number in " + min + ".." + max + ", got " + describe(v));
      return fallback;
    }
    return d;
  }

  /** A size in bytes: "10 MiB", "512k" or a bare number of bytes; at least {@code min}. */
  long bytes(String path, long min, long fallback) {
    ConfigValue v = valueOrNull(path);
    if (v == null) {
      if (!parentIsScalar(path)) {
        problem(path, "missing; expected a size such as 10 MiB or a number of bytes");
      }
      return fallback;
    }
    long n;
    try {
      n = config.getBytes(path);
    } catch (ConfigException e) {
      problem(path, "expected a size such as 10 MiB or a number of bytes, got " + describe(v));
      return fallback;
    }
    if (n < min) {
      problem(path, "expected a size of at least " + min + " bytes, got " + describe(v));
      return fallback;
    }
    return n;
  }

  // -------------------------------------------------------------------------------------------- durations

  /** A positive duration; a bare number counts in {@code bareUnit} (Ocean's unit for that key). */
  Duration duration(String path, ChronoUnit bareUnit, Duration fallback) {
    ConfigValue v = valueOrNull(path);
    if (v == null) {
      if (!parentIsScalar(path)) {
        problem(path, "missing; expected a positive duration");
      }
      return fallback;
    }
    return optionalDuration(path, bareUnit).orElse(fallback);
  }

  Optional<Duration> optionalDuration(String path, ChronoUnit bareUnit) {
    ConfigValue v = valueOrNull(path);
    if (v == null) {
      parentIsScalar(path);
      return Optional.empty();
    }
    String expected = "a positive duration such as 60 s, 5 m, 300 ms or a bare number of "
        + bareUnit.toString().toLowerCase(Locale.ROOT);
    String s = scalarText(v);
    if (s == null || v.valueType() == ConfigValueType.BOOLEAN) {
      problem(path, "expected " + expected + ", got " + describe(v));
      return Optional.empty();
    }
    if (s.isEmpty()) {
      return Optional.empty();
    }
    Duration d;
    if (BARE_NUMBER.matcher(s).matches()) {
      d = Duration.ofNanos(new BigDecimal(s).multiply(BigDecimal.valueOf(bareUnit.getDuration().toNanos())).longValue());
    } else {
      try {
        d = config.getDuration(path);
      } catch (ConfigException e) {
        problem(path, "expected " + expected + ", got " + describe(v));
        return Optional.empty();
      }
    }
    if (d.isNegative() || d.isZero()) {
      problem(path, "expected " + expected + ", got " + describe(v) + " (not positive)");
      return Optional.empty();
    }
    return Optional.of(d);
  }

  // ------------------------------------------------------------------------------------- enums, urls, lists

  /** An enum read case-insensitively through {@code parse} (null = unknown); the problem lists {@code allowed}. */
  <E> E choice(String path, Function<String, E> parse, List<String> allowed, E fallback) {
    Optional<E> e = optionalChoice(path, parse, allowed);
    if (e.isEmpty() && valueOrNull(path) == null && !parentIsScalar(path)) {
      problem(path, "missing; expected one of " + String.join(", ", allowed));
    }
    return e.orElse(fallback);
  }

  <E> Optional<E> optionalChoice(String path, Function<String, E> parse, List<String> allowed) {
    ConfigValue v = valueOrNull(path);
    if (v == null) {
      return Optional.empty();
    }
    String s = scalarText(v);
    E e = s == null ? null : parse.apply(s.toUpperCase(Locale.ROOT).replace('-', '_'));
    if (e == null) {
      problem(path, "unknown value " + describe(v) + "; expected one of " + String.join(", ", allowed));
    }
    return Optional.ofNullable(e);
  }

  static <E extends Enum<E>> List<String> names(Class<E> type) {
    return Arrays.stream(type.getEnumConstants()).map(Enum::name).collect(Collectors.toList());
  }

  /** An absolute http(s) URL without a trailing slash. */
  Optional<URI> optionalHttpUrl(String path) {
    Optional<String> s = optionalString(path);
    if (s.isEmpty()) {
      return Optional.empty();
    }
    URI uri = parseHttpUrl(s.get());
    if (uri == null) {
      problem(path, "expected an absolute http(s) URL such as https://example.com, got \"" + s.get() + "\"");
    }
    return Optional.ofNullable(uri);
  }

  static URI parseHttpUrl(String s) {
    String trimmed = stripTrailingSlashes(s.trim());
    try {
      URI uri = new URI(trimmed);
      String scheme = uri.getScheme();
      if (scheme == null || uri.getHost() == null
          || !(scheme.equalsIgnoreCase("http") || scheme.equalsIgnoreCase("https"))) {
        return null;
      }
      return uri;
    } catch (URISyntaxException e) {
      return null;
    }
  }

  static String stripTrailingSlashes(String s) {
    String r = s;
    while (r.endsWith("/")) {
      r = r.substring(0, r.length() - 1);
    }
    return r;
  }

  /** A list of strings: a HOCON list, a JSON array string or a comma-separated string. */
  List<String> stringList(String path) {
    ConfigValue v = valueOrNull(path);
    if (v == null) {
      parentIsScalar(path);
      return List.of();
    }
    List<String> out = new ArrayList<>();
    if (v instanceof ConfigList list) {
      for (ConfigValue item : list) {
        String s = scalarText(item);
        if (s == null) {
          problem(path, "expected a list of strings, got a nested " + describe(item));
          return List.of();
        }
        out.add(s);
      }
      return List.copyOf(out);
    }
    String s = scalarText(v);
    if (s == null) {
      problem(path, "expected a list or a comma-separated string, got " + describe(v));
      return List.of();
    }
    if (s.startsWith("[")) {
      try {
        JsonNode node = JSON.readTree(s);
        if (node.isArray()) {
          node.forEach(n -> out.add(n.asText()));
          return List.copyOf(out);
        }
      } catch (JsonProcessingException e) {
        // Not JSON after all: read it as a comma-separated string, as Ocean does.
      }
    }
    for (String part : s.split(",")) {
      if (!part.isBlank()) {
        out.add(part.trim());
      }
    }
    return List.copyOf(out);
  }
}
