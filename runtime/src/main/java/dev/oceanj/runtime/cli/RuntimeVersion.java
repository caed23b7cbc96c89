package dev.oceanj.runtime.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;

/** The runtime's version, as the build wrote it into {@code oceanj/version.properties}. */
public final class RuntimeVersion {

  private static final String RESOURCE = "oceanj/version.properties";

  private RuntimeVersion() {}

  /** The project version, e.g. {@code 0.1.0-SNAPSHOT}. */
  public static String current() {
    return property("version");
  }

  /** The JUnit version oceanj is built with, which projects made by {@code oceanj new} use too. */
  static String junit() {
    return property("junit");
  }

  private static String property(String key) {
    try (InputStream in = RuntimeVersion.class.getClassLoader().getResourceAsStream(RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException(RESOURCE + " is missing from the class path; the runtime JAR is broken");
      }
      Properties p = new Properties();
      p.load(in);
      String v = p.getProperty(key, "");
      if (v.isBlank() || v.startsWith("${")) {
        throw new IllegalStateException(RESOURCE + " holds no " + key + " (was it filtered by the build?)");
      }
      return v;
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read " + RESOURCE + ": " + e.getMessage(), e);
    }
  }
}
