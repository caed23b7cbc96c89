package dev.oceanj.core.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigList;
import com.typesafe.config.ConfigObject;
import com.typesafe.config.ConfigValue;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Where host mode's integration instances come from: {@code ocean.instances-dir} (one {@code *.env} or
 * {@code *.conf} file per instance), the {@code ocean.instances} HOCON list, and {@code ocean.defaults}, the keys
 * every instance shares. With none of them set the process runs one integration, as always. {@link HostSettings}
 * turns them into each instance's settings.
 *
 * @param dir {@code ocean.instances-dir}, if set
 * @param list the {@code ocean.instances} elements, each with the keys of {@code ocean { }}
 * @param defaults {@code ocean.defaults}, with the keys of {@code ocean { }}
 */
public record InstanceSources(Optional<Path> dir, List<Config> list, Config defaults) {

  static final String DIR = "ocean.instances-dir";
  static final String LIST = "ocean.instances";
  static final String DEFAULTS = "ocean.defaults";
  /** The keys that describe the instance set, not one instance: no instance's own settings carry them. */
  static final List<String> KEYS = List.of(DIR, LIST, DEFAULTS);

  public InstanceSources {
    Objects.requireNonNull(dir, "dir");
    Objects.requireNonNull(defaults, "defaults");
    list = List.copyOf(list);
  }

  /** Whether the process hosts instances from a folder or a list (host mode). */
  public boolean hostMode() {
    return dir.isPresent() || !list.isEmpty();
  }

  static InstanceSources read(ConfigReader r) {
    Optional<Path> dir = r.optionalString(DIR).filter(s -> !s.isBlank()).map(Path::of);
    List<Config> list = new ArrayList<>();
    ConfigValue value = r.valueOrNull(LIST);
    if (value instanceof ConfigList items) {
      for (int i = 0; i < items.size(); i++) {
        if (items.get(i) instanceof ConfigObject obj) {
          list.add(obj.toConfig());
        } else {
          r.problem(LIST, "element " + i + " must be an object with the keys of ocean { }, was "
              + ConfigReader.describe(items.get(i)));
        }
      }
    } else if (value != null) {
      r.problem(LIST, "must be a list of objects with the keys of ocean { }, was " + ConfigReader.describe(value));
    }
    Config defaults = ConfigFactory.empty();
    ConfigValue defaultsValue = r.valueOrNull(DEFAULTS);
    if (defaultsValue instanceof ConfigObject obj) {
      defaults = obj.toConfig();
    } else if (defaultsValue != null) {
      r.problem(DEFAULTS, "must be an object with the keys of ocean { }, was " + ConfigReader.describe(defaultsValue));
    }
    return new InstanceSources(dir, list, defaults);
  }
}
