package dev.oceanj.core.defaults;

import com.fasterxml.jackson.databind.JsonNode;
import dev.oceanj.core.port.PortClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;

/**
 * Ocean's {@code defaults clean} (ocean-deploy-reference.md §10): removes the integration's default blueprints from
 * Port, and with {@code destroy} the integration itself. Without {@code force} a blueprint is deleted only when it
 * has no entities left (Port refuses otherwise); with {@code force} Port deletes its entities and then the
 * blueprint in a background migration, which {@code wait} polls until it ends. Actions, scorecards and pages are
 * not deleted, as in Ocean.
 *
 * <p>It blocks the calling thread (a command-line action). A failed step is reported in the {@link Outcome} and
 * the other blueprints are still tried; nothing is retried blindly.
 */
public final class DefaultsCleaner {

  /** The migration states Ocean keeps polling through. */
  static final Set<String> UNFINISHED = Set.of("RUNNING", "INITIALIZING", "PENDING");

  /**
   * What the clean did.
   *
   * @param integrationFound false when Port has no such integration (then nothing was done)
   * @param blueprintsDeleted blueprints deleted outright (without {@code force})
   * @param migrations blueprint → migration id (with {@code force})
   * @param migrationStatus migration id → its last status (with {@code force} and {@code wait})
   * @param integrationDeleted whether the integration was deleted ({@code destroy})
   * @param errors one line per failed step, naming the blueprint, migration or integration
   */
  public record Outcome(boolean integrationFound, List<String> blueprintsDeleted, Map<String, String> migrations,
      Map<String, String> migrationStatus, boolean integrationDeleted, List<String> errors) {}

  private final PortClient port;
  private final List<String> blueprints;
  private final Duration pollInterval;
  private final Duration callTimeout;
  private final Consumer<String> log;

  /**
   * @param blueprints the identifiers of the integration's default blueprints ({@code blueprints.json})
   * @param pollInterval time between two reads of a migration (Ocean: 5 s)
   * @param log where progress lines go
   */
  public DefaultsCleaner(PortClient port, List<String> blueprints, Duration pollInterval, Consumer<String> log) {
    this.port = port;
    this.blueprints = List.copyOf(blueprints);
    this.pollInterval = pollInterval;
    this.callTimeout = Duration.ofMinutes(2);
    this.log = log;
  }

  /** The identifiers of the blueprints in {@code resources}, in file order; a blueprint without one is an error. */
  public static List<String> blueprintIds(DefaultsInitializer.Resources resources) {
    List<String> ids = new ArrayList<>();
    for (JsonNode bp : resources.blueprints()) {
      String id = bp.path("identifier").asText("");
      if (id.isBlank()) {
        throw new IllegalArgumentException("blueprints.json: a blueprint has no \"identifier\": "
            + bp.toString().substring(0, Math.min(80, bp.toString().length())));
      }
      ids.add(id);
    }
    return ids;
  }

  /**
   * Runs the clean.
   *
   * @param force delete each blueprint with its entities (a migration in Port)
   * @param wait poll the migrations until they end
   * @param destroy delete the integration afterwards
   * @throws InterruptedException when interrupted while waiting
   */
  public Outcome run(boolean force, boolean wait, boolean destroy) throws InterruptedException {
    List<String> errors = new ArrayList<>();
    Optional<?> integration;
    try {
      integration = await(port.getIntegration(), "reading the integration");
    } catch (StepFailed e) {
      errors.add(e.getMessage());
      return new Outcome(false, List.of(), Map.of(), Map.of(), false, errors);
    }
    if (integration.isEmpty()) {
      log.accept("The integration does not exist in Port; nothing to clean");
      return new Outcome(false, List.of(), Map.of(), Map.of(), false, errors);
    }
    List<String> deleted = new ArrayList<>();
    Map<String, String> migrations = new LinkedHashMap<>();
    Map<String, String> status = new LinkedHashMap<>();
    if (blueprints.isEmpty()) {
      log.accept("The integration has no default blueprints; nothing to delete");
    } else {
      deleteBlueprints(force, deleted, migrations, errors);
    }
    if (force && !migrations.isEmpty()) {
      if (wait) {
        for (String id : migrations.values()) {
          waitFor(id, status, errors);
        }
      } else {
        log.accept("Migrations started (not waited for): " + String.join(", ", migrations.values()));
      }
    }
    boolean destroyed = false;
    if (destroy) {
      try {
        destroyed = await(port.deleteIntegration(), "deleting the integration");
        log.accept(destroyed ? "Deleted the integration" : "The integration was already gone");
      } catch (StepFailed e) {
        errors.add(e.getMessage());
      }
    }
    return new Outcome(true, deleted, migrations, status, destroyed, errors);
  }

  private void deleteBlueprints(boolean force, List<String> deleted, Map<String, String> migrations,
      List<String> errors) throws InterruptedException {
    Map<String, CompletableFuture<String>> calls = new LinkedHashMap<>();
    for (String bp : blueprints) {
      calls.put(bp, force
          ? port.deleteAllEntities(bp, true).toCompletableFuture()
          : port.deleteBlueprint(bp).thenApply(v -> "").toCompletableFuture());
    }
    for (Map.Entry<String, CompletableFuture<String>> call : calls.entrySet()) {
      String bp = call.getKey();
      try {
        String migration = await(call.getValue(), (force ? "deleting the entities and blueprint of '"
            : "deleting blueprint '") + bp + "'");
        if (force) {
          migrations.put(bp, migration);
          log.accept("Blueprint '" + bp + "': migration " + migration + " deletes its entities and the blueprint");
        } else {
          deleted.add(bp);
          log.accept("Deleted blueprint '" + bp + "'");
        }
      } catch (StepFailed e) {
        errors.add(e.getMessage() + (force ? "" : " (use --force to delete its entities too)"));
      }
    }
  }

  private void waitFor(String migration, Map<String, String> status, List<String> errors)
      throws InterruptedException {
    while (true) {
      String state;
      try {
        state = await(port.migrationStatus(migration), "reading migration " + migration);
      } catch (StepFailed e) {
        errors.add(e.getMessage());
        return;
      }
      status.put(migration, state);
      if (!UNFINISHED.contains(state)) {
        log.accept("Migration " + migration + ": " + state);
        if (!"COMPLETED".equals(state)) {
          errors.add("migration " + migration + " ended " + state);
        }
        return;
      }
      log.accept("Migration " + migration + ": " + state + ", next check in " + pollInterval.toMillis() + " ms");
      Thread.sleep(pollInterval.toMillis());
    }
  }

  private <T> T await(java.util.concurrent.CompletionStage<T> stage, String what) throws InterruptedException {
    try {
      return stage.toCompletableFuture().get(callTimeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      Throwable cause = e.getCause() == null ? e : e.getCause();
      throw new StepFailed(what + " failed: " + cause.getMessage());
    } catch (TimeoutException e) {
      throw new StepFailed(what + " timed out after " + callTimeout.toSeconds() + " s");
    }
  }

  private static final class StepFailed extends RuntimeException {
    private static final long serialVersionUID = 1L;

    StepFailed(String message) {
      super(message, null, false, false);
    }
  }
}
