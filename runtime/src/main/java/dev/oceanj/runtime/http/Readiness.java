package dev.oceanj.runtime.http;

import java.util.List;
import java.util.concurrent.CompletionStage;

/** What keeps the integration from being ready; {@code /health/ready} is 200 when the list is empty. */
@FunctionalInterface
public interface Readiness {

  /** The problems, each one readable line; never fails (a failure to check is a problem). */
  CompletionStage<List<String>> problems();
}
