package dev.oceanj.core.mapping;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Finds a file of the shared design data: under system property {@code oceanj.shared.dir} (set by surefire), else
 * in a {@code shared/} folder beside one of the working directory's ancestors. Null when absent.
 */
final class SharedData {
  private SharedData() {}

  static Path file(String relative) {
    String prop = System.getProperty("oceanj.shared.dir");
    if (prop != null && Files.isRegularFile(Path.of(prop).resolve(relative))) {
      return Path.of(prop).resolve(relative);
    }
    for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
      Path candidate = dir.resolveSibling("shared").resolve(relative);
      if (dir.getParent() != null && Files.isRegularFile(candidate)) {
        return candidate;
      }
    }
    return null;
  }
}
