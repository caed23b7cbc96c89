package dev.oceanj.core.defaults;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.oceanj.core.Failures;
import dev.oceanj.core.config.CreatePortResourcesOrigin;
import dev.oceanj.core.port.PortClient;
import dev.oceanj.spi.host.IntegrationResources;
import dev.oceanj.spi.host.PortFile;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * First start, as Ocean's defaults setup (ocean-reference.md §10, Default origin): create the integration in
 * Port when missing, with the mapping of {@code .port/resources/port-app-config.yml}; then, with
 * {@code initialize-port-resources} on and the integration not yet marked {@code arePortResourcesInitialized}:
 * give an integration without mapping the file mapping, create the default blueprints in three stages (bare,
 * then relations, then everything: relations may point at each other, and calculation, mirror and aggregation
 * properties need the relations), create actions, scorecards and pages, and mark the integration initialized.
 *
 * <p>{@code createPortResourcesOrigin} (ocean-deploy-reference.md §8): the existing integration's stored origin
 * wins, else the configured one; unset (or {@code Port}) means {@code Port} when Port can provision this type and
 * the organisation has {@code USE_PROVISIONED_DEFAULTS}, else {@code Default}. {@code Empty} gives the integration
 * an empty mapping and creates nothing; {@code Port} creates the integration with
 * {@code integration_modes=create_resources} and waits for Port to give it its mapping (3 s, then each wait 1.55
 * times longer, at most 30 checks).
 *
 * <p>Blueprints are all or nothing: when any default blueprint already exists none is created (the user owns
 * them), and a failure in any stage deletes the blueprints this run created before the error is raised.
 * Actions, scorecards and pages are best effort: a failure is logged and reported, never fatal.
 *
 * <p>Each step that writes (creating the integration, each blueprint, each patch) is retried a bounded number of
 * times on what may pass (no answer, 408, 429, 5xx; {@link SetupRetry}); a create is sent again only after Port
 * said the previous attempt did not take effect, so a dropped connection never creates anything twice.
 */
public final class DefaultsInitializer {

  private static final Logger log = LoggerFactory.getLogger(DefaultsInitializer.class);
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final YAMLMapper YAML = new YAMLMapper();

  /** Blueprint keys that the bare first stage leaves out. */
  static final List<String> NOT_BARE = List.of("relations", "calculationProperties", "mirrorProperties",
      "aggregationProperties", "ownership", "teamInheritance");

  /**
   * The default resources of an integration.
   *
   * @param mapping {@code port-app-config.yml}
   * @param blueprints {@code blueprints.json}, in file order
   * @param scorecards {@code scorecards.json}: {@code [{blueprint, data: [scorecard…]}]}
   */
  public record Resources(Optional<JsonNode> mapping, List<JsonNode> blueprints, List<JsonNode> actions,
      List<JsonNode> scorecards, List<JsonNode> pages) {
    public Resources {
      blueprints = List.copyOf(blueprints);
      actions = List.copyOf(actions);
      scorecards = List.copyOf(scorecards);
      pages = List.copyOf(pages);
    }

    /**
     * Reads the {@code resources/} files of an integration's {@code .port} folder.
     *
     * @throws IllegalArgumentException naming the file when one is not valid JSON/YAML or not the expected shape
     */
    public static Resources from(IntegrationResources port) {
      return new Resources(port.mapping().map(Resources::parse), list(port.blueprints()), list(port.actions()),
          list(port.scorecards()), list(port.pages()));
    }

    /**
     * Every problem of the {@code resources/} files other than the mapping (which core's mapping model checks),
     * one line each naming the file and the position: a file that does not parse, is not a list, or a blueprint,
     * action or page without a string {@code identifier}. Empty when all of them can be used; nothing is written.
     */
    public static List<String> problems(IntegrationResources port) {
      List<String> problems = new ArrayList<>();
      check(port.blueprints(), "blueprint", true, problems);
      check(port.actions(), "action", true, problems);
      check(port.scorecards(), "scorecard group", false, problems);
      check(port.pages(), "page", true, problems);
      return problems;
    }

    private static void check(Optional<PortFile> file, String what, boolean needsIdentifier, List<String> problems) {
      List<JsonNode> items;
      try {
        items = list(file);
      } catch (IllegalArgumentException e) {
        problems.add(e.getMessage());
        return;
      }
      for (int i = 0; i < items.size(); i++) {
        JsonNode item = items.get(i);
        if (!item.isObject()) {
          problems.add(file.get().location() + ": [" + i + "]: expected an object (a " + what + "), got "
              + item.getNodeType());
        } else if (needsIdentifier && !item.path("identifier").isTextual()) {
          problems.add(file.get().location() + ": [" + i + "]: a " + what + " needs a string \"identifier\"");
        }
      }
    }

    private static List<JsonNode> list(Optional<PortFile> file) {
      if (file.isEmpty()) {
        return List.of();
      }
      JsonNode n = parse(file.get());
      if (!n.isArray()) {
        throw new IllegalArgumentException(file.get().location() + ": expected a list, got " + n.getNodeType());
      }
      List<JsonNode> out = new ArrayList<>();
      n.forEach(out::add);
      return out;
    }

    private static JsonNode parse(PortFile file) {
      try {
        String ext = file.extension();
        JsonNode n = ext.equals("json") ? JSON.readTree(file.text()) : YAML.readTree(file.text());
        if (n == null || n.isMissingNode()) {
          throw new IllegalArgumentException(file.location() + ": the file is empty");
        }
        return n;
      } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
        String where = e.getLocation() == null ? ""
            : " (line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr() + ")";
        throw new IllegalArgumentException(file.location() + ": not valid " + file.extension() + where + ": "
            + e.getOriginalMessage(), e);
      }
    }
  }

  /**
   * What the run did.
   *
   * @param blueprintsCreated identifiers of the blueprints created
   * @param skippedBecause why blueprint creation was skipped, when it was
   * @param warnings failures of best-effort steps (actions, scorecards, pages, the initialized flag)
   */
  public record Outcome(boolean integrationCreated, boolean mappingPatched, boolean alreadyInitialized,
      List<String> blueprintsCreated, Optional<String> skippedBecause, List<String> warnings) {}

  /** Blueprint creation failed; the blueprints it had created were deleted again. */
  public static final class BlueprintSetupException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public BlueprintSetupException(String message, Throwable cause) {
      super(message, cause);
    }
  }

  /** The organisation feature flag that lets Port provision an integration's defaults. */
  static final String USE_PROVISIONED_DEFAULTS = "USE_PROVISIONED_DEFAULTS";
  /** Checks of the integration's config, at most, while Port provisions it (Ocean's). */
  static final int PROVISION_ATTEMPTS = 30;

  private final PortClient port;
  private final Resources resources;
  private final boolean initializePortResources;
  private final Optional<JsonNode> changelogDestination;
  private final SetupRetry retry;
  private final Optional<CreatePortResourcesOrigin> configuredOrigin;
  private final Duration firstProvisionWait;

  /**
   * @param initializePortResources {@code ocean.initialize-port-resources}
   * @param changelogDestination sent when the integration is created ({@code ocean.changelog-destination})
   */
  public DefaultsInitializer(PortClient port, Resources resources, boolean initializePortResources,
      Optional<JsonNode> changelogDestination) {
    this(port, resources, initializePortResources, changelogDestination, SetupRetry.defaults());
  }

  /** As above, with the retries of each step (creating the integration, each blueprint, each patch). */
  public DefaultsInitializer(PortClient port, Resources resources, boolean initializePortResources,
      Optional<JsonNode> changelogDestination, SetupRetry retry) {
    this(port, resources, initializePortResources, changelogDestination,
        Optional.of(CreatePortResourcesOrigin.DEFAULT), Duration.ofSeconds(3), retry);
  }

  /**
   * @param origin {@code ocean.create-port-resources-origin}; empty = decided with Port
   * @param firstProvisionWait the first wait for Port to provision the defaults (origin Port; Ocean: 3 s)
   */
  public DefaultsInitializer(PortClient port, Resources resources, boolean initializePortResources,
      Optional<JsonNode> changelogDestination, Optional<CreatePortResourcesOrigin> origin, Duration firstProvisionWait) {
    this(port, resources, initializePortResources, changelogDestination, origin, firstProvisionWait,
        SetupRetry.defaults());
  }

  /** As above, with the retries of each step. */
  public DefaultsInitializer(PortClient port, Resources resources, boolean initializePortResources,
      Optional<JsonNode> changelogDestination, Optional<CreatePortResourcesOrigin> origin, Duration firstProvisionWait,
      SetupRetry retry) {
    this.retry = retry;
    this.port = port;
    this.resources = resources;
    this.initializePortResources = initializePortResources;
    this.changelogDestination = changelogDestination;
    this.configuredOrigin = origin;
    this.firstProvisionWait = firstProvisionWait;
  }

  /** Runs the setup; fails with {@link BlueprintSetupException} or the client's error when it cannot finish. */
  public CompletionStage<Outcome> run() {
    return retry.run("reading the integration", port::getIntegration).thenCompose(existing -> origin(existing)
        .thenCompose(origin -> {
      log.info("Default Port resources of {}: origin {}", port.identity().identifier(), origin.wireName());
      if (existing.isEmpty()) {
        return createIntegration(origin).thenCompose(created -> origin == CreatePortResourcesOrigin.DEFAULT
            ? setup(created, true, false) : others(origin, created, true));
      }
      ObjectNode integration = existing.get();
      if (origin != CreatePortResourcesOrigin.DEFAULT) {
        return others(origin, integration, false);
      }
      JsonNode config = integration.get("config");
      boolean noMapping = config == null || config.isNull() || (config.isObject() && config.size() == 0);
      if (initializePortResources && noMapping && resources.mapping().isPresent()) {
        log.info("Integration {} has no mapping; giving it the default one", port.identity().identifier());
        return retry.run("giving the integration the default mapping", () -> port.patchMapping(resources.mapping().get()))
            .thenCompose(i -> setup(integration, false, true));
      }
      return setup(integration, false, false);
    }));
  }

  /** The origin in force: the stored one, else the configured one, else Port's provisioning when possible. */
  private CompletionStage<CreatePortResourcesOrigin> origin(Optional<ObjectNode> existing) {
    Optional<CreatePortResourcesOrigin> stored = existing.map(i -> i.path("createPortResourcesOrigin").asText(""))
        .flatMap(CreatePortResourcesOrigin::fromWire);
    if (stored.isPresent()) {
      return done(stored.get());
    }
    if (configuredOrigin.isPresent() && configuredOrigin.get() != CreatePortResourcesOrigin.PORT) {
      return done(configuredOrigin.get());
    }
    CompletableFuture<List<String>> types = port.provisionEnabledTypes().toCompletableFuture();
    CompletableFuture<PortClient.Organization> org = port.organization().toCompletableFuture();
    return types.thenCombine(org, (t, o) -> {
      boolean provisioned = t.contains(port.identity().type()) && o.featureFlags().contains(USE_PROVISIONED_DEFAULTS);
      if (!provisioned && configuredOrigin.isPresent()) {
        log.warn("createPortResourcesOrigin is Port, but Port cannot provision the defaults of {} for this "
            + "organisation (the type is not provision-enabled or the organisation lacks {}): using Default",
            port.identity().type(), USE_PROVISIONED_DEFAULTS);
      }
      return provisioned ? CreatePortResourcesOrigin.PORT : CreatePortResourcesOrigin.DEFAULT;
    });
  }

  /** Origins Empty and Port. */
  private CompletionStage<Outcome> others(CreatePortResourcesOrigin origin, ObjectNode integration, boolean created) {
    if (integration.path("arePortResourcesInitialized").asBoolean(false) && hasMapping(integration)) {
      return done(new Outcome(created, false, true, List.of(), Optional.of("already initialized"), List.of()));
    }
    if (origin == CreatePortResourcesOrigin.PORT) {
      return awaitProvisioned(1, firstProvisionWait).thenApply(i -> new Outcome(created, false, false, List.of(),
          Optional.of("Port provisions the default resources"), List.of()));
    }
    if (integration.path("arePortResourcesInitialized").asBoolean(false)) {
      return done(new Outcome(created, false, true, List.of(), Optional.of("already initialized"), List.of()));
    }
    ObjectNode patch = JSON.createObjectNode();
    patch.set("config", emptyMapping());
    patch.put("arePortResourcesInitialized", true);
    return port.patchIntegration(patch).thenApply(i -> new Outcome(created, true, false, List.of(),
        Optional.of("createPortResourcesOrigin is Empty"), List.of()));
  }

  /** Polls the integration until Port gave it a mapping: waits of 3, 4, 6, 9, 13, 20... s, 30 checks at most. */
  private CompletionStage<ObjectNode> awaitProvisioned(int attempt, Duration wait) {
    Executor later = CompletableFuture.delayedExecutor(wait.toMillis(), TimeUnit.MILLISECONDS);
    return CompletableFuture.supplyAsync(() -> null, later)
        .thenCompose(v -> port.getIntegration())
        .thenCompose(found -> {
          if (found.isPresent() && hasMapping(found.get())) {
            log.info("Port provisioned the mapping of {} (check {})", port.identity().identifier(), attempt);
            return done(found.get());
          }
          if (attempt >= PROVISION_ATTEMPTS) {
            return CompletableFuture.failedFuture(new IllegalStateException("Port did not provision the default"
                + " resources of integration " + port.identity().identifier() + " (createPortResourcesOrigin Port):"
                + " it still has no mapping after " + attempt + " checks"));
          }
          log.info("Waiting for Port to provision the mapping of {} (check {} of {}, next in {} ms)",
              port.identity().identifier(), attempt, PROVISION_ATTEMPTS, next(wait).toMillis());
          return awaitProvisioned(attempt + 1, next(wait));
        });
  }

  /** Ocean's backoff: ×1.55, truncated to whole seconds (3, 4, 6, 9, 13...); sub-second waits (tests) ×1.55. */
  static Duration next(Duration wait) {
    long ms = (long) (wait.toMillis() * 1.55);
    return wait.toMillis() >= 1000 ? Duration.ofSeconds(ms / 1000) : Duration.ofMillis(Math.max(1, ms));
  }

  private static boolean hasMapping(ObjectNode integration) {
    JsonNode config = integration.get("config");
    return config != null && config.isObject() && config.size() > 0;
  }

  /** Ocean's empty mapping for origin Empty. */
  static ObjectNode emptyMapping() {
    ObjectNode m = JSON.createObjectNode();
    m.put("deleteDependentEntities", true);
    m.put("createMissingRelatedEntities", true);
    m.put("enableMergeEntity", true);
    m.put("entityDeletionThreshold", 0.9);
    m.putArray("resources");
    return m;
  }

  private CompletionStage<ObjectNode> createIntegration(CreatePortResourcesOrigin origin) {
    ObjectNode body = JSON.createObjectNode();
    body.put("installationAppType", port.identity().type());
    JsonNode config = origin == CreatePortResourcesOrigin.EMPTY ? emptyMapping()
        : origin == CreatePortResourcesOrigin.PORT ? JSON.createObjectNode()
        : resources.mapping().<JsonNode>map(JsonNode::deepCopy).orElseGet(JSON::createObjectNode);
    body.set("config", config);
    changelogDestination.ifPresent(c -> body.set("changelogDestination", c));
    body.put("actionsProcessingEnabled", false);
    body.put("incrementalSyncEnabled", false);
    body.put("createPortResourcesOrigin", origin.wireName());
    String id = port.identity().identifier();
    log.info("Creating integration {} in Port", id);
    return origin == CreatePortResourcesOrigin.PORT
        ? retry.run("creating integration " + id, () -> port.createIntegrationWithPortResources(body),
            port::getIntegration)
        : retry.run("creating integration " + id, () -> port.createIntegration(body), port::getIntegration);
  }

  private CompletionStage<Outcome> setup(ObjectNode integration, boolean created, boolean mappingPatched) {
    if (integration.path("arePortResourcesInitialized").asBoolean(false)) {
      return done(new Outcome(created, mappingPatched, true, List.of(), Optional.of("already initialized"),
          List.of()));
    }
    if (!initializePortResources) {
      return done(new Outcome(created, mappingPatched, false, List.of(),
          Optional.of("initialize-port-resources is off"), List.of()));
    }
    List<String> warnings = Collections.synchronizedList(new ArrayList<>());
    return blueprints().thenCompose(bp -> {
      CompletionStage<Void> rest = CompletableFuture.completedFuture(null);
      if (bp.skippedBecause().isEmpty()) {
        rest = extras(warnings);
      }
      return rest.thenCompose(v -> {
        ObjectNode patch = JSON.createObjectNode().put("arePortResourcesInitialized", true);
        return retry.run("marking the integration initialized", () -> port.patchIntegration(patch)).handle((ok, e) -> {
          if (e != null) {
            warnings.add("could not mark the integration initialized: " + Failures.message(e));
          }
          return new Outcome(created, mappingPatched, false, bp.created(), bp.skippedBecause(), List.copyOf(warnings));
        });
      });
    });
  }

  private record BlueprintsDone(List<String> created, Optional<String> skippedBecause) {}

  private CompletionStage<BlueprintsDone> blueprints() {
    List<JsonNode> all = resources.blueprints();
    if (all.isEmpty()) {
      return done(new BlueprintsDone(List.of(), Optional.empty()));
    }
    List<String> ids = new ArrayList<>();
    for (JsonNode b : all) {
      JsonNode id = b.get("identifier");
      if (id == null || !id.isTextual()) {
        return CompletableFuture.failedFuture(
            new IllegalArgumentException("blueprints.json: a blueprint has no string \"identifier\""));
      }
      ids.add(id.textValue());
    }
    List<CompletableFuture<Optional<ObjectNode>>> lookups = new ArrayList<>();
    ids.forEach(id -> lookups.add(port.getBlueprint(id).toCompletableFuture()));
    return CompletableFuture.allOf(lookups.toArray(CompletableFuture[]::new)).thenCompose(v -> {
      List<String> existing = new ArrayList<>();
      for (int i = 0; i < ids.size(); i++) {
        if (lookups.get(i).join().isPresent()) {
          existing.add(ids.get(i));
        }
      }
      if (!existing.isEmpty()) {
        String why = "blueprints already exist in Port: " + existing;
        log.info("Skipping the default blueprints: {}", why);
        return done(new BlueprintsDone(List.of(), Optional.of(why)));
      }
      return threeStages(all, ids).thenApply(created -> new BlueprintsDone(created, Optional.empty()));
    });
  }

  private CompletionStage<List<String>> threeStages(List<JsonNode> all, List<String> ids) {
    List<String> created = Collections.synchronizedList(new ArrayList<>());
    List<CompletableFuture<Void>> bare = new ArrayList<>();
    for (int i = 0; i < all.size(); i++) {
      ObjectNode b = all.get(i).deepCopy();
      NOT_BARE.forEach(b::remove);
      String id = ids.get(i);
      bare.add(stage("create", id, () -> retry.run("creating blueprint " + id, () -> port.createBlueprint(b),
          () -> port.getBlueprint(id))).thenRun(() -> created.add(id)));
    }
    CompletionStage<Void> stages = CompletableFuture.allOf(bare.toArray(CompletableFuture[]::new))
        .thenCompose(v -> each(all, ids, "add relations to", b -> {
          ObjectNode rel = JsonNodeFactory.instance.objectNode();
          rel.set("relations", b.has("relations") ? b.get("relations") : JsonNodeFactory.instance.objectNode());
          return rel;
        }))
        .thenCompose(v -> each(all, ids, "complete", b -> b));
    return stages.handle((v, e) -> e).thenCompose(error -> {
      if (error == null) {
        log.info("Created the default blueprints {}", ids);
        return done(List.copyOf(created));
      }
      List<String> rollback;
      synchronized (created) {
        rollback = new ArrayList<>(created);
      }
      log.warn("Default blueprint setup failed ({}); deleting the {} blueprints it created", Failures.message(error),
          rollback.size());
      return deleteAll(rollback, rollback.size() + 1).thenCompose(left ->
          CompletableFuture.<List<String>>failedFuture(new BlueprintSetupException(
              "creating the default blueprints failed, " + (left.isEmpty()
                  ? "the " + rollback.size() + " created were deleted again"
                  : "and these created ones could not be deleted: " + left) + ": " + Failures.message(error),
              Failures.unwrap(error))));
    });
  }

  /**
   * Deletes {@code ids} in rounds: a blueprint that is still a relation target answers 409 until the
   * blueprints pointing at it are gone, so each round retries what failed while the previous one made progress.
   * Completes with the identifiers it could not delete.
   */
  private CompletionStage<List<String>> deleteAll(List<String> ids, int roundsLeft) {
    if (ids.isEmpty() || roundsLeft == 0) {
      return done(ids);
    }
    List<String> failed = Collections.synchronizedList(new ArrayList<>());
    List<CompletableFuture<Void>> deletes = new ArrayList<>();
    ids.forEach(id -> deletes.add(stage("delete", id, () -> port.deleteBlueprint(id)).exceptionally(e -> {
      failed.add(id);
      return null;
    })));
    return CompletableFuture.allOf(deletes.toArray(CompletableFuture[]::new)).thenCompose(v -> {
      List<String> left = List.copyOf(failed);
      if (left.size() == ids.size()) {
        log.warn("Rollback: could not delete blueprints {}", left);
        return done(left);
      }
      return deleteAll(left, roundsLeft - 1);
    });
  }

  private CompletionStage<Void> each(List<JsonNode> all, List<String> ids, String what,
      java.util.function.Function<JsonNode, JsonNode> body) {
    List<CompletableFuture<Void>> patches = new ArrayList<>();
    for (int i = 0; i < all.size(); i++) {
      String id = ids.get(i);
      JsonNode b = body.apply(all.get(i));
      patches.add(stage(what, id, () -> retry.run(what + " blueprint " + id, () -> port.patchBlueprint(id, b)))
          .thenRun(() -> { }));
    }
    return CompletableFuture.allOf(patches.toArray(CompletableFuture[]::new));
  }

  private static <T> CompletableFuture<T> stage(String what, String id, Supplier<CompletionStage<T>> call) {
    CompletionStage<T> s;
    try {
      s = call.get();
    } catch (RuntimeException e) {
      s = CompletableFuture.failedFuture(e);
    }
    return s.toCompletableFuture().handle((r, e) -> {
      if (e != null) {
        throw new CompletionException(new IllegalStateException(
            what + " blueprint " + id + ": " + Failures.message(e), Failures.unwrap(e)));
      }
      return r;
    });
  }

  private CompletionStage<Void> extras(List<String> warnings) {
    List<CompletableFuture<Void>> all = new ArrayList<>();
    for (JsonNode a : resources.actions()) {
      all.add(bestEffort(warnings, "action " + a.path("identifier").asText("?"), () -> port.createAction(a)));
    }
    for (JsonNode group : resources.scorecards()) {
      String bp = group.path("blueprint").asText("");
      JsonNode data = group.path("data");
      if (bp.isEmpty() || !data.isArray()) {
        warnings.add("scorecards: an entry lacks \"blueprint\" or a \"data\" list");
        continue;
      }
      for (JsonNode s : (ArrayNode) data) {
        all.add(bestEffort(warnings, "scorecard " + s.path("identifier").asText("?") + " of " + bp,
            () -> port.createScorecard(bp, s)));
      }
    }
    for (JsonNode p : resources.pages()) {
      all.add(bestEffort(warnings, "page " + p.path("identifier").asText("?"), () -> port.createPage(p)));
    }
    return CompletableFuture.allOf(all.toArray(CompletableFuture[]::new));
  }

  private static CompletableFuture<Void> bestEffort(List<String> warnings, String what,
      Supplier<CompletionStage<Void>> call) {
    return stage("create", what, call).handle((v, e) -> {
      if (e != null) {
        String w = "could not create " + what + ": " + Failures.message(e);
        log.warn(w);
        warnings.add(w);
      }
      return null;
    });
  }

  private static <T> CompletionStage<T> done(T value) {
    return CompletableFuture.completedFuture(value);
  }
}
