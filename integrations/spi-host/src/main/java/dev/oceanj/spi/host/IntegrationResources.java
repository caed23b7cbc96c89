package dev.oceanj.spi.host;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Locates the files of an integration's {@code .port} folder (Ocean's layout): {@code spec.yaml},
 * {@code resources/port-app-config.yml}, {@code resources/blueprints.json} and the optional
 * {@code resources/scorecards|actions|pages} files. It only finds and reads them; parsing is core's job.
 *
 * <p>An integration JAR ships its folder on the classpath under {@code oceanj/integration/{type}/.port/}, so
 * one runtime JAR can hold several integrations. A user's own {@code .port} directory can be layered on top
 * with {@link #withOverride(Path)}: each file is looked up there first, then in the JAR, so a user may replace
 * just the mapping and keep the shipped spec and blueprints.
 *
 * <p>Where Ocean accepts several extensions for one file, they are tried in Ocean's order ({@code .yaml},
 * {@code .yml}, {@code .json} for the spec); the first layer that has any of them wins.
 *
 * <p>Instances are immutable and thread-safe; every call reads the file again.
 *
 * @since 0.1
 */
public final class IntegrationResources {

  /** The classpath folder that holds every integration's {@code .port} folder, one subfolder per type. */
  public static final String CLASSPATH_ROOT = "oceanj/integration/";

  private static final Pattern TYPE = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]*");

  private final List<Layer> layers;

  private IntegrationResources(List<Layer> layers) {
    this.layers = List.copyOf(layers);
  }

  /**
   * The {@code .port} folder shipped on the classpath for {@code type}, looked up with the thread's context
   * class loader (falling back to the SPI's own loader).
   *
   * @throws IllegalArgumentException when {@code type} is not a plain name (letters, digits, {@code . _ -})
   */
  public static IntegrationResources forType(String type) {
    ClassLoader context = Thread.currentThread().getContextClassLoader();
    return forType(type, context != null ? context : IntegrationResources.class.getClassLoader());
  }

  /** As {@link #forType(String)}, searching {@code loader}. */
  public static IntegrationResources forType(String type, ClassLoader loader) {
    if (type == null || !TYPE.matcher(type).matches()) {
      throw new IllegalArgumentException("Not a valid integration type for locating its .port folder: '" + type
          + "'");
    }
    Objects.requireNonNull(loader, "loader");
    return new IntegrationResources(List.of(new ClasspathLayer(loader, CLASSPATH_ROOT + type + "/.port/")));
  }

  /**
   * A {@code .port} directory on disk and nothing else.
   *
   * @throws IllegalArgumentException when {@code portDir} is not an existing directory
   */
  public static IntegrationResources directory(Path portDir) {
    return new IntegrationResources(List.of(directoryLayer(portDir)));
  }

  /**
   * These resources with {@code portDir} looked up first, file by file.
   *
   * @throws IllegalArgumentException when {@code portDir} is not an existing directory, naming it
   */
  public IntegrationResources withOverride(Path portDir) {
    List<Layer> all = new ArrayList<>();
    all.add(directoryLayer(portDir));
    all.addAll(layers);
    return new IntegrationResources(all);
  }

  /** The integration spec: {@code spec.yaml}, {@code spec.yml} or {@code spec.json}. */
  public Optional<PortFile> spec() {
    return first("spec", "yaml", "yml", "json");
  }

  /** The default mapping (port app config): {@code resources/port-app-config.yml|yaml|json}. */
  public Optional<PortFile> mapping() {
    return first("resources/port-app-config", "yml", "yaml", "json");
  }

  /** The default blueprints: {@code resources/blueprints.json|yaml|yml}. */
  public Optional<PortFile> blueprints() {
    return first("resources/blueprints", "json", "yaml", "yml");
  }

  /** The default scorecards: {@code resources/scorecards.json|yaml|yml}. */
  public Optional<PortFile> scorecards() {
    return first("resources/scorecards", "json", "yaml", "yml");
  }

  /** The default self-service actions: {@code resources/actions.json|yaml|yml}. */
  public Optional<PortFile> actions() {
    return first("resources/actions", "json", "yaml", "yml");
  }

  /** The default pages: {@code resources/pages.json|yaml|yml}. */
  public Optional<PortFile> pages() {
    return first("resources/pages", "json", "yaml", "yml");
  }

  /**
   * Any file of the folder by its path inside {@code .port}, e.g. {@code resources/blueprints.json}.
   *
   * @throws IllegalArgumentException when the path is absolute or climbs out of the folder
   * @throws UncheckedIOException when the file exists but cannot be read, naming it
   */
  public Optional<PortFile> file(String name) {
    if (name == null || name.isBlank() || name.startsWith("/") || name.contains("\\")
        || List.of(name.split("/")).contains("..")) {
      throw new IllegalArgumentException("Not a path inside a .port folder: '" + name + "'");
    }
    for (Layer layer : layers) {
      Optional<PortFile> found = layer.read(name);
      if (found.isPresent()) {
        return found;
      }
    }
    return Optional.empty();
  }

  /** Where files are looked up, in order, e.g. {@code [/home/me/.port, classpath:oceanj/integration/fake/.port/]}. */
  @Override
  public String toString() {
    return layers.toString();
  }

  private Optional<PortFile> first(String stem, String... extensions) {
    for (Layer layer : layers) {
      for (String extension : extensions) {
        Optional<PortFile> found = layer.read(stem + "." + extension);
        if (found.isPresent()) {
          return found;
        }
      }
    }
    return Optional.empty();
  }

  private static Layer directoryLayer(Path portDir) {
    Objects.requireNonNull(portDir, "portDir");
    if (!Files.isDirectory(portDir)) {
      throw new IllegalArgumentException("The .port folder " + portDir.toAbsolutePath()
          + " does not exist or is not a directory");
    }
    return new DirectoryLayer(portDir);
  }

  private interface Layer {
    Optional<PortFile> read(String name);
  }

  private record DirectoryLayer(Path root) implements Layer {
    @Override
    public Optional<PortFile> read(String name) {
      Path file = root.resolve(name);
      if (!Files.isRegularFile(file)) {
        return Optional.empty();
      }
      try {
        return Optional.of(new PortFile(name, file.toString(), Files.readString(file, StandardCharsets.UTF_8)));
      } catch (IOException e) {
        throw new UncheckedIOException("Cannot read " + file.toAbsolutePath() + ": " + e.getMessage(), e);
      }
    }

    @Override
    public String toString() {
      return root.toString();
    }
  }

  private record ClasspathLayer(ClassLoader loader, String prefix) implements Layer {
    @Override
    public Optional<PortFile> read(String name) {
      URL url = loader.getResource(prefix + name);
      if (url == null) {
        return Optional.empty();
      }
      String location = "classpath:" + prefix + name;
      try (InputStream in = url.openStream()) {
        return Optional.of(new PortFile(name, location, new String(in.readAllBytes(), StandardCharsets.UTF_8)));
      } catch (IOException e) {
        throw new UncheckedIOException("Cannot read " + location + " (" + url + "): " + e.getMessage(), e);
      }
    }

    @Override
    public String toString() {
      return "classpath:" + prefix;
    }
  }
}
