package dev.oceanj.core.mapping;

import java.nio.file.Files;
import java.nio.file.Path;

/** Finds a file of this repository from the test's working directory (a module folder or the repository root). */
final class RepoFiles {
  private RepoFiles() {}

  static Path find(String relative) {
    Path dir = Path.of("").toAbsolutePath();
    while (dir != null) {
      Path candidate = dir.resolve(relative);
      if (Files.isRegularFile(candidate)) {
        return candidate;
      }
      dir = dir.getParent();
    }
    throw new IllegalStateException(relative + " not found above " + Path.of("").toAbsolutePath());
  }
}
