package dev.oceanj.spi.host;

import java.util.Objects;

/**
 * One file of an integration's {@code .port} folder, read as UTF-8 text.
 *
 * @param name the path inside the {@code .port} folder, e.g. {@code resources/port-app-config.yml}
 * @param location where it was read from, for error messages: a file path, or {@code classpath:} and the
 *     resource name
 * @param text the file's content
 * @since 0.1
 */
public record PortFile(String name, String location, String text) {
  public PortFile {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(location, "location");
    Objects.requireNonNull(text, "text");
  }

  /** The file name's extension in lower case ({@code yml}, {@code yaml}, {@code json}), or empty. */
  public String extension() {
    int slash = name.lastIndexOf('/');
    int dot = name.lastIndexOf('.');
    return dot > slash ? name.substring(dot + 1).toLowerCase(java.util.Locale.ROOT) : "";
  }

  @Override
  public String toString() {
    return "PortFile[" + location + ", " + text.length() + " chars]";
  }
}
