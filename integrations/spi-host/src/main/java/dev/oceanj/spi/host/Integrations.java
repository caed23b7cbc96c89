package dev.oceanj.spi.host;

import dev.oceanj.spi.Integration;
import java.util.Collections;
import java.util.Iterator;
import java.util.Map;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Finds integrations on the classpath with {@link ServiceLoader}: every JAR lists its classes in
 * {@code META-INF/services/dev.oceanj.spi.Integration}, and {@code ocean.integration.type} picks one by
 * {@link Integration#type()}.
 *
 * @since 0.1
 */
public final class Integrations {

  private static final String SERVICE_FILE = "META-INF/services/" + Integration.class.getName();

  private Integrations() {}

  /**
   * The integration of {@code type}, searched with the thread's context class loader (falling back to the
   * SPI's own loader). A fresh instance on every call.
   *
   * @throws IllegalArgumentException when no integration has that type; the message lists the available types
   * @throws IllegalStateException when two integrations claim the same type, or one cannot be instantiated
   */
  public static Integration load(String type) {
    return load(type, defaultLoader());
  }

  /** As {@link #load(String)}, searching {@code loader}. */
  public static Integration load(String type, ClassLoader loader) {
    if (type == null || type.isBlank()) {
      throw new IllegalArgumentException("ocean.integration.type is not set; available integration types: "
          + discover(loader).keySet());
    }
    Map<String, Integration> all = discover(loader);
    Integration found = all.get(type);
    if (found == null) {
      throw new IllegalArgumentException("ocean.integration.type = '" + type + "' matches no integration on the "
          + "classpath; available integration types: " + all.keySet() + " (each registered in " + SERVICE_FILE
          + ")");
    }
    return found;
  }

  /** The types of every integration on the classpath of the context class loader, sorted. */
  public static SortedSet<String> availableTypes() {
    return Collections.unmodifiableSortedSet(new TreeSet<>(discover(defaultLoader()).keySet()));
  }

  /**
   * Every integration {@code loader} can see, by type, sorted by type; fresh instances.
   *
   * @throws IllegalStateException when two integrations claim the same type, an entry of a service file names a
   *     class that cannot be loaded or instantiated, or an integration has no type
   */
  public static Map<String, Integration> discover(ClassLoader loader) {
    Map<String, Integration> byType = new TreeMap<>();
    Iterator<Integration> it = ServiceLoader.load(Integration.class, loader).iterator();
    while (true) {
      Integration integration;
      try {
        if (!it.hasNext()) {
          break;
        }
        integration = it.next();
      } catch (ServiceConfigurationError e) {
        throw new IllegalStateException("Cannot load an integration listed in " + SERVICE_FILE + ": "
            + e.getMessage(), e);
      }
      String type = integration.type();
      if (type == null || type.isBlank()) {
        throw new IllegalStateException(integration.getClass().getName() + " (listed in " + SERVICE_FILE
            + ") returns no type()");
      }
      Integration previous = byType.putIfAbsent(type, integration);
      if (previous != null && previous.getClass() != integration.getClass()) {
        throw new IllegalStateException("Two integrations claim type '" + type + "': "
            + previous.getClass().getName() + " and " + integration.getClass().getName()
            + "; remove one JAR from the classpath");
      }
    }
    return Collections.unmodifiableMap(byType);
  }

  private static ClassLoader defaultLoader() {
    ClassLoader context = Thread.currentThread().getContextClassLoader();
    return context != null ? context : Integrations.class.getClassLoader();
  }
}
