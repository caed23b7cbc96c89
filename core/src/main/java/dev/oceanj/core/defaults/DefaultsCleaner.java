package dev.oceanj.core.defaults;

import com.fasterxml.jackson.databind.JsonNode;
import dev.oceanj.core.port.PortClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
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
 * <p>Unlike Ocean, which deletes every blueprint at once, a blueprint that another default blueprint relates to is
 * deleted only after that one is gone (Port refuses to delete a relation's target): blueprints go in waves,
 * referrers first, and with {@code force} a wave's migrations are awaited before the next wave starts. Blueprints
 * that relate to each other in a cycle go in one last wave.
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
   * @param migrationStatus migration id → its last status, for the migrations that were polled
   * @param integrationDeleted whether the integration was deleted ({@code destroy})
   * @param errors one line per failed step, naming the blueprint, migration or integration
   */
  public record Outcome(boolean integrationFound, List<String> blueprintsDeleted, Map<String, String> migrations,
      Map<String, String> migrationStatus, boolean integrationDeleted, List<String> errors) {}

  private final PortClient port;
  private final List<List<String>> waves;
  private final Duration pollInterval;
  private final Duration callTimeout;
  private final Consumer<String> log;

  /**
   * @param blueprints the integration's default blueprints ({@code blueprints.json})
   * @param pollInterval time between two reads of a migration (Ocean: 5 s)
   * @param log where progress lines go
   * @throws IllegalArgumentException when a blueprint has no identifier
   */
  public DefaultsCleaner(PortClient port, List<? extends JsonNode> blueprints, Duration pollInterval, Consumer<String> log) {
    this.port = port;
    this.waves = waves(blueprints);
    this.pollInterval = pollInterval;
    this.callTimeout = Duration.ofMinutes(2);
    this.log = log;
  }

  /** The blueprints in deletion waves: each wave holds those no blueprint of a later wave relates to. */
  static List<List<String>> waves(List<? extends JsonNode> blueprints) {
    Map<String, Set<String>> targets = new LinkedHashMap<>();
    for (JsonNode bp : blueprints) {
      String id = bp.path("identifier").asText("");
      if (id.isBlank()) {
        String text = bp.toString();
        throw new IllegalArgumentException("blueprints.json: a blueprint has no \"identifier\": "
            + text.substring(0, Math.min(80, text.length())));
      }
      Set<String> to = new LinkedHashSet<>();
      bp.path("relations").forEach(r -> to.add(r.path("target").asText("")));
      to.remove(id);
      targets.put(id, to);
    }
    List<List<String>> waves = new ArrayList<>();
    Set<String> left = new LinkedHashSet<>(targets.keySet());
    while (!left.isEmpty()) {
      List<String> wave = new ArrayList<>();
      for (String bp : left) {
        if (left.stream().noneMatch(other -> targets.get(other).contains(bp))) {
          wave.add(bp);
        }
      }
      if (wave.isEmpty()) {
        wave.addAll(left);
      }
      waves.add(wave);
      wave.forEach(left::remove);
    }
    return waves;
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
    if (waves.isEmpty()) {
      log.accept("The integration has no default blueprints; nothing to delete");
    }
    for (int i = 0; i < waves.size(); i++) {
      Map<String, String> started = deleteBlueprints(waves.get(i), force, deleted, errors);
      migrations.putAll(started);
      boolean last = i == waves.size() - 1;
      if (started.isEmpty()) {
        continue;
      }
      if (wait || !last) {
        if (!last && !wait) {
          log.accept("Waiting for " + started.keySet() + " to go before deleting the blueprints they relate to");
        }
        for (String id : started.values()) {
          waitFor(id, status, errors);
        }
      } else {
        log.accept("Migrations started (not waited for): " + String.join(", ", started.values()));
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

  /** Deletes one wave at once; returns the migrations started (with {@code force}), by blueprint. */
  private Map<String, String> deleteBlueprints(List<String> wave, boolean force, List<String> deleted,
      List<String> errors) throws InterruptedException {
    Map<String, CompletableFuture<String>> calls = new LinkedHashMap<>();
    for (String bp : wave) {
      calls.put(bp, force
          ? port.deleteAllEntities(bp, true).toCompletableFuture()
          : port.deleteBlueprint(bp).thenApply(v -> "").toCompletableFuture());
    }
    Map<String, String> migrations = new LinkedHashMap<>();
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
    return migrations;
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
