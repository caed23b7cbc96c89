package dev.oceanj.fakeapi;

/** Checks for a fake API's settings records: a bad value is named in the exception. */
public final class Settings {

  private Settings() {}

  /** Throws {@link IllegalArgumentException} with {@code message} unless {@code condition} holds. */
  public static void require(boolean condition, String message) {
    if (!condition) {
      throw new IllegalArgumentException(message);
    }
  }
}
