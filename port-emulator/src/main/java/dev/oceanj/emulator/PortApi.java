package dev.oceanj.emulator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.oceanj.emulator.store.Store;
import dev.oceanj.emulator.store.StoredEntity;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.Deque;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Predicate;
import org.apache.pekko.util.ByteString;
import org.apache.pekko.util.ByteStringBuilder;

/**
 * Port's semantics, independent of HTTP: blueprints, entity writes with validation, deletes with dependents,
 * search, the datasource listing, integrations and the organisation. Methods return the JSON Port answers (or
 * throw {@link PortError}).
 *
 * <p>Consistency: a read-modify-write of one entity runs under a striped lock on its key (and on the keys of the
 * relation targets it may create as stubs), always taken in ascending stripe order so writers never deadlock. There
 * is no global lock, so bulk writes of different entities run in parallel.
 */
final class PortApi {

  static final int MAX_BULK_UPSERT = 20;
  static final int MAX_BULK_DELETE = 100;
  static final int MAX_LISTING_LIMIT = 5000;
  static final int MAX_SEARCH_RELATION_MATCHES = 100;

  private static final int STRIPES = 4096;
  private static final String ACTIONS = "action";
  private static final String PAGES = "page";
  private static final String SCORECARDS = "scorecard";

  /** Flags of an entity write, from the query string. */
  record WriteOptions(boolean upsert, boolean merge, boolean createMissingRelated, boolean validationOnly) {}

  /** Outcome of one entity write. */
  record Written(String identifier, boolean created, ObjectNode entity) {}

  private final Store store;
  private final Clock clock;
  private final Counters counters;
  private final ReentrantLock[] locks = new ReentrantLock[STRIPES];
  private final Map<String, Blueprint> blueprints = new ConcurrentHashMap<>();
  /** Port's blueprint of team entities, which a {@code team} search query matches. */
  private static final String TEAM_BLUEPRINT = "_team";
  private final Map<String, ObjectNode> migrations = new ConcurrentHashMap<>();
  // Polls each new migration answers RUNNING before COMPLETED (Port runs them in the background).
  private volatile int migrationPolls;
  private final Map<String, Integer> migrationPollsLeft = new ConcurrentHashMap<>();
  private final Map<String, ObjectNode> resyncRequests = new ConcurrentHashMap<>();
  private final Map<String, List<JsonNode>> examples = new ConcurrentHashMap<>();
  private final Map<String, String> datasources = new ConcurrentHashMap<>();
  private final String organizationId;
  private volatile List<String> featureFlags;
  private volatile List<String> provisionEnabled = List.of();
  private volatile String ingestBase = "";
  private final Ingest ingest;
  private final java.util.Optional<EmulatorSettings.KafkaCredentials> kafka;

  PortApi(Store store, Clock clock, Counters counters, EmulatorSettings settings) {
    this.store = store;
    this.clock = clock;
    this.counters = counters;
    this.organizationId = settings.organizationId();
    this.featureFlags = settings.featureFlags();
    this.kafka = settings.kafkaCredentials();
    this.ingest = new Ingest(clock);
    for (int i = 0; i < STRIPES; i++) {
      locks[i] = new ReentrantLock();
    }
    reloadBlueprints();
  }

  Store store() {
    return store;
  }

  private void reloadBlueprints() {
    blueprints.clear();
    List<ObjectNode> docs = new ArrayList<>();
    for (String text : store.documents(Store.BLUEPRINTS)) {
      docs.add(Json.object(text));
    }
    for (ObjectNode doc : docs) {
      // Stored blueprints were valid when written; relation targets may be deleted since, so do not check them here.
      blueprints.put(doc.get("identifier").asText(), Blueprint.parse(doc, t -> true));
    }
  }

  void reset() {
    ingest.reset();
    store.clear();
    blueprints.clear();
    migrations.clear();
    migrationPollsLeft.clear();
    resyncRequests.clear();
    examples.clear();
  }

  // ------------------------------------------------------------------------------------------------ organisation

  ObjectNode organization() {
    ObjectNode org = Json.MAPPER.createObjectNode().put("id", organizationId).put("name", "Port emulator");
    ArrayNode flags = org.putArray("featureFlags");
    featureFlags.forEach(flags::add);
    ObjectNode out = Json.ok();
    out.set("organization", org);
    return out;
  }

  void featureFlags(List<String> flags) {
    this.featureFlags = List.copyOf(flags);
  }

  List<String> featureFlags() {
    return featureFlags;
  }

  ObjectNode kafkaCredentials() {
    var creds = kafka.orElseThrow(() -> PortError.notFound("not_found", "no kafka credentials for this organization"));
    ObjectNode out = Json.ok();
    out.putObject("credentials").put("username", creds.username()).put("password", creds.password());
    return out;
  }

  // -------------------------------------------------------------------------------------------------- blueprints

  Blueprint blueprint(String id) {
    Blueprint bp = blueprints.get(id);
    if (bp == null) {
      throw PortError.notFound("not_found", "blueprint \"" + id + "\" was not found");
    }
    return bp;
  }

  ObjectNode getBlueprint(String id) {
    ObjectNode out = Json.ok();
    out.set("blueprint", blueprint(id).json());
    return out;
  }

  ObjectNode listBlueprints() {
    ObjectNode out = Json.ok();
    ArrayNode list = out.putArray("blueprints");
    blueprints.values().stream().map(Blueprint::identifier).sorted().forEach(id -> list.add(blueprints.get(id).json()));
    return out;
  }

  synchronized ObjectNode createBlueprint(JsonNode body, String user) {
    if (!(body instanceof ObjectNode o)) {
      throw PortError.invalid("blueprint body must be a JSON object");
    }
    ObjectNode doc = o.deepCopy();
    String id = doc.path("identifier").asText("");
    if (blueprints.containsKey(id)) {
      throw new PortError(409, "identifier_taken", "blueprint \"" + id + "\" already exists");
    }
    String now = Json.iso(clock.millis());
    doc.put("createdAt", now).put("updatedAt", now).put("createdBy", user).put("updatedBy", user);
    Blueprint bp = Blueprint.parse(doc, blueprints::containsKey);
    store.putDocument(Store.BLUEPRINTS, bp.identifier(), Json.text(bp.json()));
    blueprints.put(bp.identifier(), bp);
    ObjectNode out = Json.ok();
    out.set("blueprint", bp.json());
    return out;
  }

  synchronized ObjectNode patchBlueprint(String id, JsonNode body, String user) {
    Blueprint existing = blueprint(id);
    if (!body.isObject()) {
      throw PortError.invalid("blueprint patch must be a JSON object");
    }
    ObjectNode doc = existing.json().deepCopy();
    Json.deepMerge(doc, body);
    doc.put("identifier", id).put("updatedAt", Json.iso(clock.millis())).put("updatedBy", user);
    Blueprint bp = Blueprint.parse(doc, blueprints::containsKey);
    store.putDocument(Store.BLUEPRINTS, id, Json.text(bp.json()));
    blueprints.put(id, bp);
    ObjectNode out = Json.ok();
    out.set("blueprint", bp.json());
    return out;
  }

  synchronized ObjectNode deleteBlueprint(String id) {
    blueprint(id);
    long n = store.count(id);
    if (n > 0) {
      throw new PortError(409, "has_entities", "blueprint \"" + id + "\" still has " + n
          + " entities; delete them first (DELETE /v1/blueprints/" + id + "/all-entities)");
    }
    refuseIfRelationTarget(id);
    store.deleteDocument(Store.BLUEPRINTS, id);
    blueprints.remove(id);
    return Json.ok();
  }

  private void refuseIfRelationTarget(String id) {
    for (Blueprint other : blueprints.values()) {
      for (Blueprint.Relation r : other.relations().values()) {
        if (r.target().equals(id) && !other.identifier().equals(id)) {
          throw new PortError(409, "has_dependents", "blueprint \"" + id + "\" is the target of relation \""
              + r.name() + "\" of blueprint \"" + other.identifier() + "\"");
        }
      }
    }
  }

  ObjectNode deleteAllEntities(String id, boolean deleteBlueprint) {
    blueprint(id);
    if (deleteBlueprint) {
      // Refused before anything is deleted: the entities stay when the blueprint cannot go.
      refuseIfRelationTarget(id);
    }
    List<String> keys = new ArrayList<>();
    for (StoredEntity e : store.entities(id)) {
      keys.add(e.key());
    }
    withLocks(keys, () -> store.write(List.of(), keys));
    counters.entitiesDeleted(keys.size());
    if (deleteBlueprint) {
      deleteBlueprint(id);
    }
    String migrationId = "migration_" + UUID.randomUUID().toString().replace("-", "").substring(0, 16);
    int polls = migrationPolls;
    ObjectNode migration = Json.MAPPER.createObjectNode().put("id", migrationId)
        .put("status", polls > 0 ? "PENDING" : "COMPLETED")
        .put("sourceBlueprint", id).put("actualEntitiesCount", keys.size()).put("createdAt", Json.iso(clock.millis()));
    if (polls > 0) {
      migrationPollsLeft.put(migrationId, polls);
    }
    migrations.put(migrationId, migration);
    return Json.ok().put("migrationId", migrationId);
  }

  /** Each migration started from now on answers RUNNING to its first {@code polls} reads, then COMPLETED. */
  void migrationPolls(int polls) {
    if (polls < 0) {
      throw new IllegalArgumentException("migration polls must be 0 or more, was " + polls);
    }
    this.migrationPolls = polls;
  }

  ObjectNode migration(String id) {
    ObjectNode m = migrations.get(id);
    if (m == null) {
      throw PortError.notFound("not_found", "migration \"" + id + "\" was not found");
    }
    Integer left = migrationPollsLeft.computeIfPresent(id, (k, n) -> n > 0 ? n - 1 : null);
    synchronized (m) {
      m.put("status", left == null ? "COMPLETED" : "RUNNING");
      m = m.deepCopy();
    }
    ObjectNode out = Json.ok();
    out.set("migration", m);
    return out;
  }

  /** Scorecards, actions and pages: stored documents Port creates on integration install. */
  ObjectNode createDocument(String kind, String scope, JsonNode body, String user) {
    if (!(body instanceof ObjectNode o) || !o.path("identifier").isTextual()) {
      throw PortError.invalid(kind + " body must be an object with a string \"identifier\"");
    }
    String id = scope + o.get("identifier").asText();
    synchronized (this) {
      if (store.document(kind, id).isPresent()) {
        throw new PortError(409, "identifier_taken", kind + " \"" + o.get("identifier").asText() + "\" already exists");
      }
      ObjectNode doc = o.deepCopy();
      String now = Json.iso(clock.millis());
      doc.put("createdAt", now).put("updatedAt", now).put("createdBy", user);
      store.putDocument(kind, id, Json.text(doc));
      ObjectNode out = Json.ok();
      out.set(kind, doc);
      return out;
    }
  }

  ObjectNode createScorecard(String bp, JsonNode body, String user) {
    blueprint(bp);
    return createDocument(SCORECARDS, bp + "/", body, user);
  }

  ObjectNode createAction(JsonNode body, String user) {
    return createDocument(ACTIONS, "", body, user);
  }

  ObjectNode createPage(JsonNode body, String user) {
    return createDocument(PAGES, "", body, user);
  }

  ObjectNode deletePage(String id) {
    if (!store.deleteDocument(PAGES, id)) {
      throw PortError.notFound("not_found", "page \"" + id + "\" was not found");
    }
    return Json.ok();
  }

  // ---------------------------------------------------------------------------------------------------- entities

  ObjectNode getEntity(String bp, String id) {
    blueprint(bp);
    StoredEntity e = store.entity(bp, id);
    if (e == null) {
      throw PortError.notFound("not_found", "entity \"" + id + "\" of blueprint \"" + bp + "\" was not found");
    }
    ObjectNode out = Json.ok();
    out.set("entity", Json.object(e.json()));
    return out;
  }

  ByteString listEntities(String bp) {
    blueprint(bp);
    return entityArray("{\"ok\":true,\"entities\":[", store.entities(bp), "]}");
  }

  private static final ByteString COMMA = ByteString.fromString(",");

  /**
   * {@code head}, the entities' stored JSON separated by commas, then {@code tail}: a rope over the stored bytes, which
   * are never modified. Listing pages run to megabytes; building them in a growing buffer and copying that out cost
   * more CPU and garbage than the rest of the listing (the HTTP layer copies the pieces to the socket anyway).
   */
  private static ByteString entityArray(String head, Collection<StoredEntity> entities, String tail) {
    ByteStringBuilder out = ByteString.createBuilder();
    out.append(ByteString.fromString(head));
    boolean first = true;
    for (StoredEntity e : entities) {
      if (!first) {
        out.append(COMMA);
      }
      first = false;
      out.append(ByteString.fromArrayUnsafe(e.json()));
    }
    out.append(ByteString.fromString(tail));
    return out.result();
  }

  /** Single upsert: {@code {ok, entity}}. */
  ObjectNode upsertOne(String bpId, JsonNode raw, WriteOptions opt, String datasource, String user) {
    Blueprint bp = blueprint(bpId);
    try {
      Prepared p = prepare(bp, raw);
      Written w = withLocks(p.lockKeys(bp), () -> {
        Pending pending = new Pending();
        Written written = apply(bp, p, opt, datasource, user, pending);
        flush(pending);
        return written;
      });
      ObjectNode out = Json.ok();
      out.set("entity", w.entity());
      out.put("created", w.created());
      return out;
    } catch (PortError e) {
      counters.entityError();
      throw e;
    }
  }

  /**
   * Bulk upsert: {@code {ok, entities:[{index, identifier, created}], errors:[…]}}; 207 when some fail. The entities
   * of one request are applied under one set of locks and written to the store in one step (one transaction for
   * H2); later entities see earlier ones of the same request.
   */
  ObjectNode upsertBulk(String bpId, JsonNode body, WriteOptions opt, String datasource, String user) {
    Blueprint bp = blueprint(bpId);
    JsonNode entities = body.get("entities");
    if (!(entities instanceof ArrayNode list)) {
      throw PortError.invalid("bulk body must be {\"entities\": [...]}");
    }
    if (list.isEmpty()) {
      throw PortError.invalid("\"entities\" must hold at least one entity");
    }
    if (list.size() > MAX_BULK_UPSERT) {
      throw PortError.invalid("\"entities\" holds " + list.size() + " entities; at most " + MAX_BULK_UPSERT
          + " are allowed per request");
    }
    int n = list.size();
    Prepared[] prepared = new Prepared[n];
    Object[] outcome = new Object[n];
    List<String> lockKeys = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      try {
        prepared[i] = prepare(bp, list.get(i));
        lockKeys.addAll(prepared[i].lockKeys(bp));
      } catch (PortError e) {
        outcome[i] = e;
      }
    }
    withLocks(lockKeys, () -> {
      Pending pending = new Pending();
      for (int i = 0; i < n; i++) {
        if (prepared[i] != null) {
          try {
            outcome[i] = apply(bp, prepared[i], opt, datasource, user, pending);
          } catch (PortError e) {
            outcome[i] = e;
          }
        }
      }
      flush(pending);
    });
    ObjectNode out = Json.ok();
    ArrayNode ok = out.putArray("entities");
    ArrayNode errors = out.putArray("errors");
    for (int i = 0; i < n; i++) {
      if (outcome[i] instanceof Written w) {
        ok.addObject().put("index", i).put("identifier", w.identifier()).put("created", w.created())
            .putNull("additionalData");
      } else {
        PortError e = (PortError) outcome[i];
        counters.entityError();
        JsonNode id = list.get(i).path("identifier");
        errors.addObject().put("index", i).put("identifier", id.isTextual() ? id.asText() : "unknown")
            .put("statusCode", e.status).put("error", e.error).put("message", e.getMessage());
      }
    }
    return out;
  }

  /** An entity checked and resolved outside the locks: everything that does not depend on its stored state. */
  private record Prepared(String id, JsonNode title, JsonNode icon, JsonNode team, JsonNode propsNode,
      Map<String, JsonNode> incomingRelations, Set<String> incomingTargets) {

    List<String> lockKeys(Blueprint bp) {
      List<String> keys = new ArrayList<>(incomingTargets);
      keys.add(StoredEntity.key(bp.identifier(), id));
      return keys;
    }
  }

  private Prepared prepare(Blueprint bp, JsonNode raw) {
    if (!(raw instanceof ObjectNode in)) {
      throw PortError.invalid("an entity must be a JSON object");
    }
    String id = resolveIdentifier(bp, in.get("identifier"));
    JsonNode title = optionalText(in, "title", bp, id);
    JsonNode icon = optionalText(in, "icon", bp, id);
    JsonNode team = in.has("team") ? team(in.get("team"), id) : null;
    JsonNode propsNode = in.get("properties");
    if (propsNode != null && !propsNode.isNull() && !propsNode.isObject()) {
      throw PortError.invalid("entity \"" + id + "\" field \"properties\" must be an object");
    }
    JsonNode relsNode = in.get("relations");
    if (relsNode != null && !relsNode.isNull() && !relsNode.isObject()) {
      throw PortError.invalid("entity \"" + id + "\" field \"relations\" must be an object");
    }
    Map<String, JsonNode> incomingRelations = resolveRelations(bp, id, relsNode);
    Set<String> incomingTargets = new LinkedHashSet<>();
    incomingRelations.forEach((name, v) -> targetKeys(bp.relations().get(name), v, incomingTargets));
    return new Prepared(id, title, icon, team, propsNode, incomingRelations, incomingTargets);
  }

  /**
   * The writes of one request by key, in order, and the keys the store did not hold before the request (so counting
   * creations needs no second look-up: callers hold the keys' locks, so the store cannot change meanwhile).
   */
  private static final class Pending {
    final Map<String, StoredEntity> writes = new LinkedHashMap<>();
    final Set<String> created = new HashSet<>();

    /** {@code isNew}: neither the store nor this request held the entity. */
    void put(StoredEntity e, boolean isNew) {
      String key = e.key();
      writes.put(key, e);
      if (isNew) {
        created.add(key);
      }
    }
  }

  private StoredEntity lookup(Pending pending, String bp, String id) {
    StoredEntity p = pending.writes.get(StoredEntity.key(bp, id));
    return p != null ? p : store.entity(bp, id);
  }

  /** Writes what a request produced in one store step, then counts it. Callers hold the entities' locks. */
  private void flush(Pending pending) {
    if (pending.writes.isEmpty()) {
      return;
    }
    store.write(new ArrayList<>(pending.writes.values()), List.of());
    for (String key : pending.writes.keySet()) {
      counters.entityWritten(pending.created.contains(key));
    }
  }

  /** Applies a prepared entity against the stored (or pending) state; adds its writes to {@code pending}. */
  private Written apply(Blueprint bp, Prepared prep, WriteOptions opt, String datasource, String user,
      Pending pending) {
    String id = prep.id();
    JsonNode title = prep.title();
    JsonNode icon = prep.icon();
    JsonNode team = prep.team();
    JsonNode propsNode = prep.propsNode();
    Map<String, JsonNode> incomingRelations = prep.incomingRelations();
    Set<String> incomingTargets = prep.incomingTargets();
    StoredEntity existing = lookup(pending, bp.identifier(), id);
    if (existing != null && !opt.upsert()) {
      throw new PortError(409, "identifier_taken", "entity \"" + id + "\" of blueprint \"" + bp.identifier()
          + "\" already exists (use upsert=true)");
    }
    ObjectNode previous = existing == null ? null : Json.entity(existing.json());
    boolean merge = previous != null && opt.merge();
    // Both trees are this request's own (the body's, or the stored entity parsed just above), so they are adopted
    // rather than copied.
    ObjectNode properties;
    if (merge) {
      properties = (ObjectNode) previous.get("properties");
      if (propsNode instanceof ObjectNode p) {
        p.properties().forEach(f -> properties.set(f.getKey(), f.getValue()));
      }
    } else {
      properties = propsNode instanceof ObjectNode p ? p : Json.MAPPER.createObjectNode();
    }
    ObjectNode relations = Json.MAPPER.createObjectNode();
    if (merge) {
      previous.get("relations").properties().forEach(f -> relations.set(f.getKey(), f.getValue()));
    }
    incomingRelations.forEach(relations::set);
    for (Blueprint.Relation r : bp.relations().values()) {
      if (!relations.has(r.name())) {
        relations.set(r.name(), r.many() ? Json.MAPPER.createArrayNode() : NullNode.getInstance());
      }
    }
    // Port accepts properties its blueprint does not define and keeps only the blueprint's (Ocean's own default
    // mappings rely on it: 13 mapped properties are missing from their default blueprints).
    properties.retain(new ArrayList<>(bp.properties().keySet()));
    properties.properties().forEach(f -> bp.checkProperty(f.getKey(), f.getValue()));
    for (String req : bp.required()) {
      JsonNode v = properties.get(req);
      if (v == null || v.isNull()) {
        throw PortError.invalid("entity \"" + id + "\" lacks required property \"" + req + "\" of blueprint \""
            + bp.identifier() + "\"");
      }
    }
    Set<String> allTargets = new LinkedHashSet<>();
    for (Blueprint.Relation r : bp.relations().values()) {
      JsonNode v = relations.get(r.name());
      if (r.required() && (v.isNull() || (v.isArray() && v.isEmpty()))) {
        throw PortError.invalid("entity \"" + id + "\" lacks required relation \"" + r.name() + "\" of blueprint \""
            + bp.identifier() + "\"");
      }
      targetKeys(r, v, allTargets);
    }
    // Drop relations that no longer exist in the blueprint (it may have been patched since the entity was written).
    relations.retain(new ArrayList<>(bp.relations().keySet()));
    long now = clock.millis();
    String ds = intern(datasource);
    List<StoredEntity> stubs = new ArrayList<>();
    for (String target : incomingTargets) {
      String tbp = StoredEntity.blueprintOf(target);
      String tid = StoredEntity.identifierOf(target);
      boolean self = tbp.equals(bp.identifier()) && tid.equals(id);
      if (!self && lookup(pending, tbp, tid) == null) {
        if (!opt.createMissingRelated()) {
          throw PortError.notFound("not_found", "entity \"" + id + "\" relates to \"" + tid + "\" of blueprint \""
              + tbp + "\", which does not exist (create_missing_related_entities=false)");
        }
        stubs.add(stub(tbp, tid, ds, user, now));
      }
    }
    ObjectNode entity = Json.MAPPER.createObjectNode();
    entity.put("identifier", id);
    entity.set("title", title != null ? title : merge ? previous.get("title") : NullNode.getInstance());
    entity.set("icon", icon != null ? icon : merge ? previous.get("icon") : NullNode.getInstance());
    entity.put("blueprint", bp.identifier());
    entity.set("team", team != null ? team : merge ? previous.get("team") : Json.MAPPER.createArrayNode());
    entity.set("properties", properties);
    entity.set("relations", relations);
    // Port bumps updatedAt on every accepted upsert, even when nothing changed; the resync's `before` filter
    // relies on it, so an unchanged entity seen by a resync is not reconciled away.
    long createdAt = existing == null ? now : existing.createdAt();
    entity.put("createdAt", Json.iso(createdAt));
    entity.put("createdBy", previous == null ? user : previous.path("createdBy").asText(user));
    entity.put("updatedAt", Json.iso(now));
    entity.put("updatedBy", user);
    if (opt.validationOnly()) {
      return new Written(id, existing == null, entity);
    }
    for (StoredEntity stub : stubs) {
      pending.put(stub, true);
    }
    StoredEntity stored = new StoredEntity(bp.identifier(), id, ds, createdAt, now, new ArrayList<>(allTargets),
        Json.entityBytes(entity));
    pending.put(stored, existing == null);
    return new Written(id, existing == null, entity);
  }

  private String intern(String datasource) {
    if (datasource == null) {
      return null;
    }
    // Millions of entities share a handful of User-Agents: keep one copy of each.
    String known = datasources.putIfAbsent(datasource, datasource);
    return known == null ? datasource : known;
  }

  private StoredEntity stub(String bp, String id, String ds, String user, long now) {
    Blueprint target = blueprints.get(bp);
    ObjectNode e = Json.MAPPER.createObjectNode();
    e.put("identifier", id).putNull("title").putNull("icon").put("blueprint", bp);
    e.putArray("team");
    e.putObject("properties");
    ObjectNode rels = e.putObject("relations");
    if (target != null) {
      for (Blueprint.Relation r : target.relations().values()) {
        rels.set(r.name(), r.many() ? Json.MAPPER.createArrayNode() : NullNode.getInstance());
      }
    }
    e.put("createdAt", Json.iso(now)).put("createdBy", user).put("updatedAt", Json.iso(now)).put("updatedBy", user);
    return new StoredEntity(bp, id, ds, now, now, List.of(), Json.bytes(e));
  }

  private static JsonNode optionalText(ObjectNode in, String field, Blueprint bp, String id) {
    if (!in.has(field)) {
      return null;
    }
    JsonNode v = in.get(field);
    if (!v.isNull() && !v.isTextual()) {
      throw PortError.invalid("entity \"" + id + "\" field \"" + field + "\" must be a string or null");
    }
    return v;
  }

  private JsonNode team(JsonNode team, String id) {
    ArrayNode out = Json.MAPPER.createArrayNode();
    if (team.isNull()) {
      return out;
    }
    if (team.isTextual()) {
      return out.add(team.asText());
    }
    if (team.isArray()) {
      for (JsonNode t : team) {
        if (!t.isTextual()) {
          throw PortError.invalid("entity \"" + id + "\" field \"team\" must hold team names (strings)");
        }
        out.add(t);
      }
      return out;
    }
    if (team.isObject()) {
      // Port resolves a team search query against its team entities (blueprint _team); without them it matches none.
      Search.validate(team, "entity \"" + id + "\" field \"team\" search query");
      if (blueprints.containsKey(TEAM_BLUEPRINT)) {
        search(TEAM_BLUEPRINT, team, MAX_SEARCH_RELATION_MATCHES).forEach(t -> out.add(t.identifier()));
      }
      return out;
    }
    throw PortError.invalid("entity \"" + id + "\" field \"team\" must be a string, an array of strings or a"
        + " search query");
  }

  private String resolveIdentifier(Blueprint bp, JsonNode id) {
    if (id == null || id.isNull()) {
      // Port generates an identifier when none is given.
      return "e_" + Long.toHexString(ThreadLocalRandom.current().nextLong() & Long.MAX_VALUE);
    }
    if (id.isTextual()) {
      Blueprint.checkEntityIdentifier(id.asText(), "entity identifier");
      return id.asText();
    }
    if (id.isObject()) {
      Search.validate(id, "identifier search query");
      List<StoredEntity> found = search(bp.identifier(), id, 2);
      if (found.size() != 1) {
        throw PortError.notFound("not_found", "identifier search query matched " + (found.isEmpty() ? "no" : "more than one")
            + " entity of blueprint \"" + bp.identifier() + "\"");
      }
      return found.get(0).identifier();
    }
    throw PortError.invalid("entity field \"identifier\" must be a string or a search query object");
  }

  private Map<String, JsonNode> resolveRelations(Blueprint bp, String id, JsonNode rels) {
    Map<String, JsonNode> out = new LinkedHashMap<>();
    if (rels == null || rels.isNull()) {
      return out;
    }
    for (var f : rels.properties()) {
      String name = f.getKey();
      JsonNode v = f.getValue();
      Blueprint.Relation def = bp.relations().get(name);
      String what = "relation \"" + name + "\" of entity \"" + id + "\"";
      if (def == null) {
        throw PortError.invalid("relation \"" + name + "\" is not defined in blueprint \"" + bp.identifier() + "\"");
      }
      if (v.isNull()) {
        out.put(name, def.many() ? Json.MAPPER.createArrayNode() : v);
      } else if (v.isTextual()) {
        Blueprint.checkEntityIdentifier(v.asText(), what);
        out.put(name, def.many() ? Json.MAPPER.createArrayNode().add(v) : v);
      } else if (v.isArray()) {
        if (!def.many()) {
          throw PortError.invalid(what + " is not a many relation: expected one identifier, got an array");
        }
        ArrayNode ids = Json.MAPPER.createArrayNode();
        for (JsonNode t : v) {
          if (!t.isTextual()) {
            throw PortError.invalid(what + " must hold identifiers (strings)");
          }
          Blueprint.checkEntityIdentifier(t.asText(), what);
          ids.add(t);
        }
        out.put(name, ids);
      } else if (v.isObject()) {
        Search.validate(v, what + " search query");
        List<StoredEntity> found = search(def.target(), v, MAX_SEARCH_RELATION_MATCHES + 1);
        if (found.size() > MAX_SEARCH_RELATION_MATCHES) {
          found = found.subList(0, MAX_SEARCH_RELATION_MATCHES);
        }
        if (def.many()) {
          ArrayNode ids = Json.MAPPER.createArrayNode();
          found.forEach(e -> ids.add(e.identifier()));
          out.put(name, ids);
        } else if (found.size() > 1) {
          throw PortError.invalid(what + " search query matched " + found.size() + " entities; a single relation needs one");
        } else {
          out.put(name, found.isEmpty() ? NullNode.getInstance() : JsonNodeFactory.instance.textNode(found.get(0).identifier()));
        }
      } else {
        throw PortError.invalid(what + " must be an identifier, an array of identifiers, null or a search query");
      }
    }
    return out;
  }

  private static void targetKeys(Blueprint.Relation r, JsonNode v, Collection<String> into) {
    if (r == null || v == null) {
      return;
    }
    if (v.isTextual()) {
      into.add(StoredEntity.key(r.target(), v.asText()));
    } else if (v.isArray()) {
      v.forEach(t -> into.add(StoredEntity.key(r.target(), t.asText())));
    }
  }

  ObjectNode deleteEntity(String bp, String id, boolean deleteDependents) {
    blueprint(bp);
    if (store.entity(bp, id) == null) {
      throw PortError.notFound("not_found", "entity \"" + id + "\" of blueprint \"" + bp + "\" was not found");
    }
    delete(bp, List.of(id), deleteDependents);
    return Json.ok();
  }

  ObjectNode deleteBulk(String bp, JsonNode body, boolean deleteDependents) {
    blueprint(bp);
    JsonNode ids = body.get("entities");
    if (!(ids instanceof ArrayNode list) || list.isEmpty()) {
      throw PortError.invalid("bulk delete body must be {\"entities\": [identifiers…]} with at least one identifier");
    }
    if (list.size() > MAX_BULK_DELETE) {
      throw PortError.invalid("\"entities\" holds " + list.size() + " identifiers; at most " + MAX_BULK_DELETE
          + " are allowed per request");
    }
    List<String> idList = new ArrayList<>();
    for (JsonNode id : list) {
      if (!id.isTextual()) {
        throw PortError.invalid("\"entities\" must hold identifiers (strings)");
      }
      idList.add(id.asText());
    }
    List<String> deleted = delete(bp, idList, deleteDependents);
    ObjectNode out = Json.ok();
    ArrayNode arr = out.putArray("deletedEntities");
    deleted.forEach(arr::add);
    return out;
  }

  /**
   * Deletes the given entities of one blueprint (unknown ones are skipped). Without {@code deleteDependents}, any
   * entity that another (not deleted) entity relates to makes the whole call fail with nothing deleted, as Port
   * documents; with it, dependents are deleted too, transitively.
   */
  private List<String> delete(String bp, List<String> ids, boolean deleteDependents) {
    Set<String> keys = new LinkedHashSet<>();
    for (String id : ids) {
      if (store.entity(bp, id) != null) {
        keys.add(StoredEntity.key(bp, id));
      }
    }
    if (deleteDependents) {
      Deque<String> todo = new ArrayDeque<>(keys);
      while (!todo.isEmpty()) {
        String k = todo.poll();
        for (String dep : store.dependentsOf(StoredEntity.blueprintOf(k), StoredEntity.identifierOf(k))) {
          if (keys.add(dep)) {
            todo.add(dep);
          }
        }
      }
    } else {
      for (String k : keys) {
        for (String dep : store.dependentsOf(StoredEntity.blueprintOf(k), StoredEntity.identifierOf(k))) {
          if (!keys.contains(dep)) {
            throw new PortError(422, "has_dependents", "entity \"" + StoredEntity.identifierOf(k) + "\" of blueprint \""
                + bp + "\" has dependent entity \"" + StoredEntity.identifierOf(dep) + "\" of blueprint \""
                + StoredEntity.blueprintOf(dep) + "\"; nothing was deleted (use delete_dependents=true)");
          }
        }
      }
    }
    List<String> keyList = new ArrayList<>(keys);
    withLocks(keyList, () -> store.write(List.of(), keyList));
    counters.entitiesDeleted(keyList.size());
    List<String> deleted = new ArrayList<>();
    for (String k : keyList) {
      if (StoredEntity.blueprintOf(k).equals(bp)) {
        deleted.add(StoredEntity.identifierOf(k));
      }
    }
    return deleted;
  }

  // ------------------------------------------------------------------------------------------------------ search

  /** Entities matching a query, optionally restricted to one blueprint, at most {@code limit}. */
  List<StoredEntity> search(String onlyBlueprint, JsonNode query, int limit) {
    List<StoredEntity> out = new ArrayList<>();
    Predicate<StoredEntity> p = e -> Search.matches(query, new Search.View(e));
    for (StoredEntity e : candidates(onlyBlueprint, query)) {
      if (p.test(e)) {
        out.add(e);
        if (out.size() >= limit) {
          break;
        }
      }
    }
    return out;
  }

  /** Narrows the scan for the common shapes ($blueprint =, $identifier = / in). */
  private Iterable<StoredEntity> candidates(String onlyBlueprint, JsonNode query) {
    String bp = onlyBlueprint;
    List<String> ids = null;
    if ("and".equals(query.path("combinator").asText())) {
      for (JsonNode r : query.path("rules")) {
        String prop = r.path("property").asText("");
        String op = r.path("operator").asText("");
        if (prop.equals("$blueprint") && op.equals("=") && r.path("value").isTextual()) {
          if (bp != null && !bp.equals(r.get("value").asText())) {
            return List.of();
          }
          bp = r.get("value").asText();
        } else if (prop.equals("$identifier") && op.equals("=") && r.path("value").isTextual()) {
          ids = List.of(r.get("value").asText());
        } else if (prop.equals("$identifier") && op.equals("in") && r.path("value").isArray()) {
          ids = new ArrayList<>();
          for (JsonNode v : r.get("value")) {
            ids.add(v.asText());
          }
        }
      }
    }
    if (bp != null && ids != null) {
      List<StoredEntity> out = new ArrayList<>();
      for (String id : ids) {
        StoredEntity e = store.entity(bp, id);
        if (e != null) {
          out.add(e);
        }
      }
      return out;
    }
    if (bp != null) {
      return store.entities(bp);
    }
    return store.scan(null, Integer.MAX_VALUE, e -> true).entities();
  }

  ObjectNode searchEntities(JsonNode query, List<String> include, List<String> exclude) {
    Search.validate(query, "search query");
    List<StoredEntity> found = search(null, query, Integer.MAX_VALUE);
    ObjectNode out = Json.ok();
    ArrayNode entities = out.putArray("entities");
    Set<String> matching = new TreeSet<>();
    for (StoredEntity e : found) {
      matching.add(e.blueprint());
      entities.add(Search.project(Json.object(e.json()), include, exclude));
    }
    ArrayNode mb = out.putArray("matchingBlueprints");
    matching.forEach(mb::add);
    out.putArray("failedBlueprints");
    return out;
  }

  /** The datasource listing Ocean reconciles through; pages in identifier order with an opaque cursor. */
  ByteString datasourceEntities(JsonNode body) {
    String prefix = body.path("datasource_prefix").asText("");
    String suffix = body.path("datasource_suffix").asText("");
    int limit = body.path("limit").asInt(MAX_LISTING_LIMIT);
    if (limit < 1 || limit > MAX_LISTING_LIMIT) {
      throw PortError.invalid("\"limit\" must be between 1 and " + MAX_LISTING_LIMIT + ", was " + body.path("limit"));
    }
    Long before = null;
    if (body.hasNonNull("before")) {
      before = Json.parseInstant(body.get("before").asText());
      if (before == null) {
        throw PortError.invalid("\"before\" must be an ISO-8601 date-time, was " + body.get("before"));
      }
    }
    String after = null;
    if (body.hasNonNull("from") && !body.get("from").asText().isEmpty()) {
      try {
        after = new String(Base64.getUrlDecoder().decode(body.get("from").asText()), StandardCharsets.UTF_8);
      } catch (IllegalArgumentException e) {
        throw PortError.invalid("\"from\" is not a cursor returned by this listing");
      }
    }
    long beforeMs = before == null ? Long.MAX_VALUE : before;
    Store.Page page = store.scan(after, limit, e -> {
      String ds = e.datasource();
      return ds != null && e.updatedAt() < beforeMs && ds.startsWith(prefix) && ds.endsWith(suffix);
    });
    String next = page.next() == null ? "null"
        : "\"" + Base64.getUrlEncoder().withoutPadding().encodeToString(page.next().getBytes(StandardCharsets.UTF_8)) + "\"";
    return entityArray("{\"ok\":true,\"entities\":[", page.entities(), "],\"next\":" + next + "}");
  }

  // ------------------------------------------------------------------------------------------------ integrations

  ObjectNode integrationRecord(String id) {
    return store.document(Store.INTEGRATIONS, id).map(Json::object)
        .orElseThrow(() -> PortError.notFound("integration_not_found", "integration \"" + id + "\" was not found"));
  }

  ObjectNode getIntegration(String id) {
    ObjectNode out = Json.ok();
    ObjectNode rec = integrationRecord(id);
    // Port tells each integration where to send its sync metrics, heartbeats and logs.
    if (!rec.has("metricAttributes") && !ingestBase.isEmpty()) {
      rec.putObject("metricAttributes").put("ingestUrl", ingestBase + "/v1/ingest/metrics");
    }
    if (!rec.has("logAttributes") && !ingestBase.isEmpty()) {
      // One URL per integration, as Port's: the batches say whose lines they carry.
      rec.putObject("logAttributes").put("ingestUrl", ingestBase + "/v1/ingest/logs/"
          + java.net.URLEncoder.encode(id, java.nio.charset.StandardCharsets.UTF_8).replace("+", "%20"));
    }
    out.set("integration", rec);
    return out;
  }

  /** The emulator's own base URL, which the ingest URLs of integrations point at. */
  void ingestBase(String base) {
    this.ingestBase = base;
  }

  Ingest ingest() {
    return ingest;
  }

  /** Integration types Port provisions the defaults of ({@code GET /v1/integration/provision-enabled}). */
  void provisionEnabled(List<String> types) {
    this.provisionEnabled = List.copyOf(types);
  }

  ObjectNode provisionEnabledTypes() {
    ObjectNode out = Json.ok();
    ArrayNode arr = out.putArray("integrations");
    provisionEnabled.forEach(arr::add);
    return out;
  }

  /**
   * What Port does for an integration created with {@code createPortResourcesOrigin: Port}: gives it its mapping
   * and marks its resources initialized (blueprints are the caller's to create).
   */
  synchronized ObjectNode provision(String id, JsonNode config) {
    ObjectNode rec = integrationRecord(id);
    rec.set("config", config);
    rec.put("arePortResourcesInitialized", true);
    return saveIntegration(id, rec);
  }

  synchronized ObjectNode createIntegration(JsonNode body) {
    if (!(body instanceof ObjectNode in)) {
      throw PortError.invalid("integration body must be a JSON object");
    }
    String id = in.path("installationId").asText("");
    if (id.isEmpty() || id.contains("/") || id.length() > 100) {
      throw PortError.invalid("integration field \"installationId\" is required: a string of 1 to 100 characters without '/'");
    }
    if (store.document(Store.INTEGRATIONS, id).isPresent()) {
      throw new PortError(409, "identifier_taken", "integration \"" + id + "\" already exists");
    }
    String now = Json.iso(clock.millis());
    ObjectNode rec = Json.MAPPER.createObjectNode();
    rec.put("installationId", id);
    rec.put("identifier", id);
    rec.put("installationType", "OnPrem");
    rec.putNull("installationAppType");
    rec.putNull("version");
    rec.putObject("changelogDestination");
    rec.putObject("config");
    rec.put("actionsProcessingEnabled", false);
    rec.put("incrementalSyncEnabled", false);
    rec.put("arePortResourcesInitialized", false);
    rec.putNull("resyncState");
    in.properties().forEach(f -> rec.set(f.getKey(), f.getValue()));
    if (rec.get("config").isNull()) {
      rec.putObject("config");
    }
    rec.put("createdAt", now).put("updatedAt", now);
    store.putDocument(Store.INTEGRATIONS, id, Json.text(rec));
    ObjectNode out = Json.ok();
    out.set("integration", rec);
    return out;
  }

  synchronized ObjectNode patchIntegration(String id, JsonNode body) {
    ObjectNode rec = integrationRecord(id);
    if (!body.isObject()) {
      throw PortError.invalid("integration patch must be a JSON object");
    }
    body.properties().forEach(f -> {
      if (!f.getKey().equals("installationId") && !f.getKey().equals("identifier")) {
        rec.set(f.getKey(), f.getValue());
      }
    });
    return saveIntegration(id, rec);
  }

  synchronized ObjectNode patchIntegrationConfig(String id, JsonNode body) {
    ObjectNode rec = integrationRecord(id);
    JsonNode config = body.get("config");
    if (config == null || !config.isObject()) {
      throw PortError.invalid("body must be {\"config\": {...}} with the port app config object");
    }
    rec.set("config", config);
    return saveIntegration(id, rec);
  }

  synchronized ObjectNode patchResyncState(String id, JsonNode body) {
    ObjectNode rec = integrationRecord(id);
    if (!(body instanceof ObjectNode state)) {
      throw PortError.invalid("resync state must be a JSON object");
    }
    String status = state.path("status").asText("");
    if (!List.of("running", "completed", "failed", "aborted").contains(status)) {
      throw PortError.invalid("resync state \"status\" must be running, completed, failed or aborted, was \"" + status + "\"");
    }
    ObjectNode s = state.deepCopy();
    s.put("updatedAt", Json.iso(clock.millis()));
    rec.set("resyncState", s);
    return saveIntegration(id, rec);
  }

  private ObjectNode saveIntegration(String id, ObjectNode rec) {
    rec.put("updatedAt", Json.iso(clock.millis()));
    store.putDocument(Store.INTEGRATIONS, id, Json.text(rec));
    ObjectNode out = Json.ok();
    out.set("integration", rec);
    return out;
  }

  synchronized ObjectNode deleteIntegration(String id) {
    if (!store.deleteDocument(Store.INTEGRATIONS, id)) {
      throw PortError.notFound("integration_not_found", "integration \"" + id + "\" was not found");
    }
    resyncRequests.remove(id);
    return Json.ok();
  }

  ObjectNode resyncRequest(String id) {
    integrationRecord(id);
    ObjectNode out = Json.ok();
    ObjectNode req = resyncRequests.get(id);
    if (req != null) {
      out.set("request", req);
    }
    return out;
  }

  ObjectNode raiseResyncRequest(String id) {
    integrationRecord(id);
    ObjectNode req = Json.MAPPER.createObjectNode().put("id", "resync_" + UUID.randomUUID())
        .put("updatedAt", Json.iso(clock.millis()));
    resyncRequests.put(id, req);
    ObjectNode out = Json.ok();
    out.set("request", req);
    return out;
  }

  ObjectNode postExamples(String id, String kind, JsonNode body) {
    integrationRecord(id);
    JsonNode ex = body.get("examples");
    if (!(ex instanceof ArrayNode list)) {
      throw PortError.invalid("body must be {\"examples\": [...]}");
    }
    List<JsonNode> stored = examples.computeIfAbsent(id + "/" + kind, k -> new CopyOnWriteArrayList<>());
    list.forEach(stored::add);
    while (stored.size() > 100) {
      stored.remove(0);
    }
    return Json.ok();
  }

  List<JsonNode> examples(String id, String kind) {
    return List.copyOf(examples.getOrDefault(id + "/" + kind, List.of()));
  }

  // ------------------------------------------------------------------------------------------------------- locks

  private <T> T withLocks(Collection<String> keys, java.util.function.Supplier<T> work) {
    int[] all = new int[keys.size()];
    int n = 0;
    for (String k : keys) {
      all[n++] = (k.hashCode() & 0x7fffffff) % STRIPES;
    }
    java.util.Arrays.sort(all);
    int distinct = 0;
    for (int i = 0; i < n; i++) {
      if (i == 0 || all[i] != all[i - 1]) {
        all[distinct++] = all[i];
      }
    }
    int[] stripes = distinct == n ? all : java.util.Arrays.copyOf(all, distinct);
    int taken = 0;
    try {
      for (int s : stripes) {
        locks[s].lock();
        taken++;
      }
      return work.get();
    } finally {
      for (int i = taken - 1; i >= 0; i--) {
        locks[stripes[i]].unlock();
      }
    }
  }

  private void withLocks(Collection<String> keys, Runnable work) {
    withLocks(keys, () -> {
      work.run();
      return null;
    });
  }
}
