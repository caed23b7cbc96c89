package dev.oceanj.core.jq;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Optional;

/** Locates the shared conformance data: system property {@code oceanj.shared.dir}, else a sibling {@code shared/}. */
final class SharedData {

  private SharedData() {}

  static Optional<Path> jqDir() {
    String prop = System.getProperty("oceanj.shared.dir");
    if (prop != null && Files.isDirectory(Paths.get(prop, "jq"))) {
      return Optional.of(Paths.get(prop, "jq").normalize());
    }
    for (Path p = Paths.get("").toAbsolutePath(); p != null; p = p.getParent()) {
      Path candidate = p.resolveSibling("shared").resolve("jq");
      if (Files.isDirectory(candidate)) {
        return Optional.of(candidate.normalize());
      }
    }
    return Optional.empty();
  }
}
