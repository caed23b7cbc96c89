package dev.oceanj.spi.host;

import dev.oceanj.spi.AccessToken;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Objects;
import java.util.Optional;

/**
 * {@link AccessToken} read from a file the host writes ({@code OCEAN__OAUTH_ACCESS_TOKEN_FILE_PATH}): kept in memory
 * and read again when the file's modification time, size or identity changed, and on {@link #refresh()}. A missing
 * or unreadable file is "no token" (Ocean's behaviour); the token itself is never logged.
 */
public final class TokenFile implements AccessToken {

  private final Path file;
  private Object seenKey;
  private long seenModified = Long.MIN_VALUE;
  private long seenSize = -1;
  private Optional<String> token = Optional.empty();

  public TokenFile(Path file) {
    this.file = Objects.requireNonNull(file, "file");
  }

  /** The file this token is read from. */
  public Path file() {
    return file;
  }

  @Override
  public synchronized Optional<String> current() {
    BasicFileAttributes a = attributes();
    if (a == null) {
      token = Optional.empty();
      seenModified = Long.MIN_VALUE;
      return token;
    }
    if (a.lastModifiedTime().toMillis() != seenModified || a.size() != seenSize
        || !Objects.equals(a.fileKey(), seenKey)) {
      read(a);
    }
    return token;
  }

  @Override
  public synchronized Optional<String> refresh() {
    BasicFileAttributes a = attributes();
    if (a == null) {
      token = Optional.empty();
      return token;
    }
    read(a);
    return token;
  }

  private BasicFileAttributes attributes() {
    try {
      return Files.readAttributes(file, BasicFileAttributes.class);
    } catch (IOException e) {
      return null;
    }
  }

  private void read(BasicFileAttributes a) {
    try {
      String s = Files.readString(file, StandardCharsets.UTF_8).trim();
      token = s.isEmpty() ? Optional.empty() : Optional.of(s);
      seenModified = a.lastModifiedTime().toMillis();
      seenSize = a.size();
      seenKey = a.fileKey();
    } catch (IOException e) {
      token = Optional.empty();
    }
  }

  @Override
  public String toString() {
    return "TokenFile[" + file + "]";
  }
}
