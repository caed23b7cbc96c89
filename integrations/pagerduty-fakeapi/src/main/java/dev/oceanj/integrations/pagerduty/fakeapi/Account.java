package dev.oceanj.integrations.pagerduty.fakeapi;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;

/**
 * The PagerDuty account the fake serves: teams, users, schedules, escalation policies, services, incidents and
 * webhook subscriptions, generated from the settings' seed and sizes and then changed by control calls. Objects are
 * shaped as PagerDuty's REST API v2 returns them without {@code include[]}; {@link FakePagerDuty} expands references
 * when a request includes them. Not thread-safe: {@link FakePagerDuty} synchronises on itself around it.
 */
final class Account {

  static final String HTML = "https://oceanj-fake.pagerduty.com";
  static final List<String> STATUSES = List.of("triggered", "acknowledged", "resolved");
  static final List<String> ROLES = List.of("owner", "admin", "user", "user", "limited_user", "observer",
      "read_only_user", "restricted_access", "read_only_limited_user");
  private static final List<String> FIRST = List.of("Jane", "Isaac", "Maya", "Omar", "Lena", "Tom", "Aiko", "Ravi",
      "Sofia", "Noah", "Zoe", "Ivan");
  private static final List<String> LAST = List.of("Doe", "Levi", "Cohen", "Haddad", "Berg", "Novak", "Sato",
      "Patel", "Rossi", "Meyer", "Silva", "Petrov");
  private static final List<String> TEAMS = List.of("Platform", "Payments", "Mobile", "Data", "Growth", "Security");
  private static final List<String> SERVICES = List.of("Checkout", "API Gateway", "Payments", "Search",
      "Notifications", "Auth", "Billing", "Inventory", "Shipping", "Catalog");
  private static final List<String> TITLES = List.of("DB down", "High latency on %s", "Disk almost full on %s",
      "5xx rate above 2%% on %s", "Certificate of %s expires soon", "Queue backlog growing", "%s health check failing");
  private static final List<String> ZONES = List.of("Europe/Berlin", "Asia/Jerusalem", "America/New_York",
      "Asia/Tokyo", "UTC");
  private static final JsonNodeFactory F = JsonNodeFactory.instance;
  /** Odd and not a multiple of 3, so coprime to 36^n: index to id is a bijection. */
  private static final BigInteger SPREAD = new BigInteger("9E3779B97F4A7C15", 16);
  private static final BigInteger SEED_SPREAD = new BigInteger("C2B2AE3D27D4EB4F", 16);
  private static final BigInteger SHORT_IDS = BigInteger.valueOf(36).pow(6);
  private static final BigInteger LONG_IDS = BigInteger.valueOf(36).pow(12);
  private static final BigInteger KIND_SPREAD = new BigInteger("165667B19E3779F9", 16);

  final FakePagerDutySettings settings;
  final String api;
  final Instant clock;
  final Map<String, ObjectNode> teams = new LinkedHashMap<>();
  final Map<String, ObjectNode> users = new LinkedHashMap<>();
  final Map<String, ObjectNode> schedules = new LinkedHashMap<>();
  final Map<String, ObjectNode> escalationPolicies = new LinkedHashMap<>();
  final Map<String, ObjectNode> services = new LinkedHashMap<>();
  final Map<String, ObjectNode> incidents = new LinkedHashMap<>();
  final Map<String, ObjectNode> subscriptions = new LinkedHashMap<>();
  /** Services as they were when removed, for {@code service.deleted} events. */
  final Map<String, ObjectNode> removedServices = new LinkedHashMap<>();
  final List<ObjectNode> priorities = new ArrayList<>();
  private final Map<String, ObjectNode> refs = new java.util.HashMap<>();
  private int nextService;
  private int nextIncident;
  private int nextSubscription;

  Account(FakePagerDutySettings settings, String api) {
    this.settings = settings;
    this.api = api;
    this.clock = settings.clock();
    if (settings.incidents() > 0 && settings.services() == 0) {
      throw new IllegalArgumentException("incidents need services: services must be >= 1 when incidents > 0");
    }
    for (int p = 1; p <= 5; p++) {
      ObjectNode priority = object(id('P', 9, p), "priority", "P" + p, "/priorities/");
      priority.put("name", "P" + p);
      priority.put("description", p == 1 ? "Critical" : "Priority " + p);
      priority.put("color", List.of("a8171c", "eb6016", "f9b406", "1f8d5b", "6d7480").get(p - 1));
      priority.put("order", (6 - p) * 1000);
      priorities.add(priority);
    }
    for (int t = 0; t < settings.teams(); t++) {
      String name = TEAMS.get(t % TEAMS.size()) + (t < TEAMS.size() ? "" : " " + (t / TEAMS.size() + 1));
      ObjectNode team = object(id('P', 1, t), "team", name, "/teams/");
      team.put("name", name);
      team.put("description", name + " engineering");
      team.put("default_role", "manager");
      team.putNull("parent");
      teams.put(team.get("id").asText(), team);
    }
    for (int u = 0; u < settings.users(); u++) {
      users.put(id('P', 2, u), user(u));
    }
    for (int s = 0; s < settings.schedules(); s++) {
      schedules.put(id('P', 3, s), schedule(s));
    }
    for (int e = 0; e < settings.escalationPolicies(); e++) {
      escalationPolicies.put(id('P', 4, e), escalationPolicy(e));
    }
    for (int i = 0; i < settings.services(); i++) {
      addService(null);
    }
    for (int i = 0; i < settings.incidents(); i++) {
      ObjectNode incident = incident(nextIncident++, settings.incidents());
      incidents.put(incident.get("id").asText(), incident);
      touchService(services.get(incident.at("/service/id").asText()), incident.get("created_at").asText());
    }
    for (ObjectNode ep : escalationPolicies.values()) {
      for (JsonNode rule : ep.get("escalation_rules")) {
        ObjectNode schedule = schedules.get(rule.at("/targets/0/id").asText());
        ArrayNode refs = (ArrayNode) schedule.get("escalation_policies");
        if (!containsId(refs, ep.get("id").asText())) {
          refs.add(reference(ep));
        }
      }
    }
  }

  private static boolean containsId(ArrayNode refs, String id) {
    for (JsonNode ref : refs) {
      if (ref.path("id").asText().equals(id)) {
        return true;
      }
    }
    return false;
  }

  /**
   * A PagerDuty-looking id: {@code prefix} and 6 upper-case letters or digits, a bijection of the index for a given
   * kind and seed, so ids never collide within a kind.
   */
  String id(char prefix, int kind, long index) {
    BigInteger modulus = prefix == 'Q' ? LONG_IDS : SHORT_IDS;
    BigInteger value = BigInteger.valueOf(index).multiply(SPREAD)
        .add(BigInteger.valueOf(settings.seed()).add(BigInteger.ONE).multiply(SEED_SPREAD))
        .add(BigInteger.valueOf(kind).multiply(KIND_SPREAD)).mod(modulus);
    String digits = value.toString(36).toUpperCase();
    return prefix + "0".repeat((prefix == 'Q' ? 12 : 6) - digits.length()) + digits;
  }

  private SplittableRandom random(int kind, long index) {
    return new SplittableRandom(settings.seed() * 1_000_003L + kind * 65_537L + index);
  }

  private ObjectNode object(String id, String type, String summary, String path) {
    ObjectNode node = F.objectNode();
    node.put("id", id);
    node.put("type", type);
    node.put("summary", summary);
    node.put("self", api + path + id);
    node.put("html_url", HTML + htmlPath(type) + id);
    return node;
  }

  private static String htmlPath(String type) {
    return switch (type) {
      case "service" -> "/service-directory/";
      case "escalation_policy" -> "/escalation_policies/";
      case "priority" -> "/account/incident_priorities#";
      default -> "/" + type + "s/";
    };
  }

  /**
   * One reference node per object, shared by every incident that points at it: 10,000 incidents hold 10,000 pointers,
   * not 10,000 copies. Stored nodes are only ever changed at their own top level (rendering works on deep copies), so
   * sharing is safe; a renamed service renames its shared reference, as PagerDuty's references follow the name.
   */
  ObjectNode shared(ObjectNode object) {
    return refs.computeIfAbsent(object.get("id").asText() + "/" + object.get("type").asText(), k -> reference(object));
  }

  /** The reference form of an object: {@code {id, type: <type>_reference, summary, self, html_url}}. */
  static ObjectNode reference(JsonNode object) {
    ObjectNode ref = F.objectNode();
    ref.put("id", object.get("id").asText());
    ref.put("type", object.get("type").asText() + "_reference");
    ref.put("summary", object.get("summary").asText());
    ref.set("self", object.get("self"));
    ref.set("html_url", object.get("html_url"));
    return ref;
  }

  private ObjectNode user(int u) {
    SplittableRandom r = random(2, u);
    String first = FIRST.get((u + r.nextInt(3)) % FIRST.size());
    String last = LAST.get((u * 5 + r.nextInt(2)) % LAST.size());
    String name = first + " " + last;
    ObjectNode user = object(id('P', 2, u), "user", name, "/users/");
    user.put("name", name);
    user.put("email", (first + "." + last).toLowerCase() + (u < FIRST.size() ? "" : Integer.toString(u)) + "@example.com");
    user.put("time_zone", ZONES.get(u % ZONES.size()));
    user.put("color", List.of("green", "purple", "teal", "orange", "red").get(u % 5));
    user.put("role", u == 0 ? "owner" : ROLES.get(1 + (u - 1) % (ROLES.size() - 1)));
    user.put("avatar_url", "https://secure.gravatar.com/avatar/" + hex("avatar" + u).substring(0, 32) + ".png?d=mm&r=PG");
    user.put("description", u % 3 == 0 ? null : first + " is on the " + teamName(u) + " team");
    user.put("invitation_sent", false);
    user.put("job_title", u % 4 == 3 ? null : List.of("SRE", "Backend engineer", "Engineering manager").get(u % 3));
    user.putArray("teams").add(reference(team(u)));
    ObjectNode method = user.putArray("contact_methods").addObject();
    method.put("id", id('P', 5, u));
    method.put("type", "email_contact_method_reference");
    method.put("summary", "Default");
    method.put("self", api + "/users/" + user.get("id").asText() + "/contact_methods/" + id('P', 5, u));
    method.putNull("html_url");
    ObjectNode rule = user.putArray("notification_rules").addObject();
    rule.put("id", id('P', 6, u));
    rule.put("type", "assignment_notification_rule_reference");
    rule.put("summary", "0 minutes: channel " + id('P', 5, u));
    rule.put("self", api + "/users/" + user.get("id").asText() + "/notification_rules/" + id('P', 6, u));
    rule.putNull("html_url");
    user.putArray("coordinated_incidents");
    return user;
  }

  private ObjectNode team(int index) {
    return teams.get(id('P', 1, index % settings.teams()));
  }

  private String teamName(int index) {
    return team(index).get("name").asText();
  }

  ObjectNode userAt(int index) {
    return users.get(id('P', 2, index % settings.users()));
  }

  private ObjectNode schedule(int s) {
    String name = List.of("Primary", "Secondary", "Weekly", "Follow the sun").get(s % 4)
        + (s < 4 ? "" : " " + (s / 4 + 1));
    ObjectNode schedule = object(id('P', 3, s), "schedule", name, "/schedules/");
    schedule.put("name", name);
    schedule.put("time_zone", ZONES.get(s % ZONES.size()));
    schedule.put("description", name + " rotation of the " + teamName(s) + " team");
    ArrayNode members = schedule.putArray("users");
    members.add(reference(userAt(2 * s)));
    members.add(reference(userAt(2 * s + 1)));
    schedule.putArray("escalation_policies");
    schedule.putArray("teams").add(reference(team(s)));
    return schedule;
  }

  ObjectNode scheduleAt(int index) {
    return schedules.get(id('P', 3, index % settings.schedules()));
  }

  private ObjectNode escalationPolicy(int e) {
    String name = teamName(e) + " EP" + (e < settings.teams() ? "" : " " + (e / settings.teams() + 1));
    ObjectNode ep = object(id('P', 4, e), "escalation_policy", name, "/escalation_policies/");
    ep.put("name", name);
    ep.put("description", "Escalation of the " + teamName(e) + " team");
    ep.put("num_loops", e % 2);
    ep.put("on_call_handoff_notifications", "if_has_services");
    ArrayNode rules = ep.putArray("escalation_rules");
    for (int level = 0; level < Math.min(2, settings.schedules()); level++) {
      ObjectNode rule = rules.addObject();
      rule.put("id", id('P', 7, e * 2L + level));
      rule.put("escalation_delay_in_minutes", 30);
      rule.putArray("targets").add(reference(scheduleAt(e + level)));
    }
    ep.putArray("services");
    ep.putArray("teams").add(reference(team(e)));
    return ep;
  }

  ObjectNode escalationPolicyAt(int index) {
    return escalationPolicies.get(id('P', 4, index % settings.escalationPolicies()));
  }

  /** Adds a service (the next generated one, named {@code name} when given); returns it. */
  ObjectNode addService(String name) {
    int i = nextService++;
    if (name == null) {
      name = SERVICES.get(i % SERVICES.size()) + (i < SERVICES.size() ? "" : " " + (i / SERVICES.size() + 1));
    }
    ObjectNode service = object(id('P', 8, i), "service", name, "/services/");
    service.put("name", name);
    service.put("description", i % 4 == 3 ? null : name + " service");
    service.put("status", i % 7 == 6 ? "disabled" : "active");
    service.put("auto_resolve_timeout", i % 2 == 0 ? 14_400 : null);
    service.put("acknowledgement_timeout", i % 2 == 0 ? 1_800 : null);
    Instant created = clock.minus(Duration.ofDays(400 - i % 300)).truncatedTo(ChronoUnit.SECONDS);
    service.put("created_at", created.toString());
    service.put("updated_at", created.plus(Duration.ofDays(3)).toString());
    service.putNull("last_incident_timestamp");
    ObjectNode ep = escalationPolicyAt(i);
    service.set("escalation_policy", reference(ep));
    ((ArrayNode) ep.get("services")).add(reference(service));
    service.putArray("teams").add(reference(team(i)));
    service.putArray("integrations");
    service.putArray("addons");
    service.putArray("scheduled_actions");
    service.putNull("support_hours");
    service.put("alert_creation", "create_alerts_and_incidents");
    service.putObject("alert_grouping_parameters").putNull("type");
    ObjectNode urgency = service.putObject("incident_urgency_rule");
    urgency.put("type", "constant");
    urgency.put("urgency", i % 3 == 2 ? "low" : "high");
    service.putNull("response_play");
    services.put(service.get("id").asText(), service);
    return service;
  }

  ObjectNode serviceAt(int index) {
    List<ObjectNode> all = new ArrayList<>(services.values());
    return all.get(index % all.size());
  }

  private ObjectNode incident(int i, int total) {
    SplittableRandom r = random(10, i);
    ObjectNode service = serviceAt(i % Math.max(1, settings.services()));
    String serviceName = service.get("name").asText();
    String title = String.format(TITLES.get((i + r.nextInt(2)) % TITLES.size()), serviceName);
    String status = STATUSES.get(i % 3);
    int number = i + 1;
    ObjectNode incident = object(id('Q', 10, i), "incident", "[#" + number + "] " + title, "/incidents/");
    incident.put("incident_number", number);
    incident.put("title", title);
    incident.put("description", title);
    incident.put("incident_key", hex("incident" + settings.seed() + ":" + i).substring(0, 32));
    Instant created = clock.minus(Duration.ofMinutes(37L * (total - i))).truncatedTo(ChronoUnit.SECONDS);
    incident.put("created_at", created.toString());
    incident.put("status", "triggered");
    incident.put("urgency", i % 4 == 3 ? "low" : "high");
    incident.set("service", shared(service));
    ObjectNode ep = escalationPolicies.get(service.at("/escalation_policy/id").asText());
    incident.set("escalation_policy", shared(ep));
    incident.set("teams", service.get("teams"));
    incident.set("priority", i % 6 == 5 ? null : priorities.get(i % 5));
    incident.put("assigned_via", "escalation_policy");
    incident.putArray("pending_actions");
    incident.putArray("incidents_responders");
    incident.putArray("responder_requests");
    incident.putNull("conference_bridge");
    incident.putNull("resolve_reason");
    incident.put("is_mergeable", true);
    ObjectNode entry = F.objectNode();
    entry.put("id", "R" + id('Q', 11, i).substring(1));
    entry.put("type", "trigger_log_entry");
    entry.put("summary", "Triggered through the API.");
    entry.put("self", api + "/log_entries/" + entry.get("id").asText());
    entry.put("html_url", HTML + "/incidents/" + incident.get("id").asText() + "/log_entries/" + entry.get("id").asText());
    entry.put("created_at", created.toString());
    entry.set("agent", shared(userAt(i + r.nextInt(settings.users()))));
    entry.putObject("channel").put("type", "api");
    entry.set("service", shared(service));
    incident.set("first_trigger_log_entry", entry);
    ObjectNode assignment = incident.putArray("assignments").addObject();
    assignment.put("at", created.plusSeconds(1).toString());
    assignment.set("assignee", shared(users.get(onCallUserId(ep, 0))));
    incident.putArray("acknowledgements");
    setStatus(incident, status, created);
    return incident;
  }

  /**
   * The on-call entries: for every escalation policy, every level (a schedule), the current week and the next one,
   * the schedule's users taking turns. The current week holds the fake's clock.
   */
  List<ObjectNode> oncalls() {
    Instant week = clock.truncatedTo(ChronoUnit.DAYS).minus(Duration.ofDays(3)).plus(Duration.ofHours(14));
    List<ObjectNode> entries = new ArrayList<>();
    for (ObjectNode ep : escalationPolicies.values()) {
      JsonNode rules = ep.get("escalation_rules");
      for (int level = 0; level < rules.size(); level++) {
        ObjectNode schedule = schedules.get(rules.get(level).at("/targets/0/id").asText());
        for (int w = 0; w < 2; w++) {
          ObjectNode entry = F.objectNode();
          entry.set("escalation_policy", reference(ep));
          entry.put("escalation_level", level + 1);
          entry.set("schedule", reference(schedule));
          entry.set("user", schedule.get("users").get(w % 2).deepCopy());
          entry.put("start", week.plus(Duration.ofDays(7L * w)).toString());
          entry.put("end", week.plus(Duration.ofDays(7L * (w + 1))).toString());
          entries.add(entry);
        }
      }
    }
    return entries;
  }

  /** The user on call at the fake's clock for an escalation policy's level (0-based). */
  String onCallUserId(ObjectNode ep, int level) {
    JsonNode rules = ep.get("escalation_rules");
    JsonNode rule = rules.get(Math.min(level, rules.size() - 1));
    ObjectNode schedule = schedules.get(rule.at("/targets/0/id").asText());
    return schedule.get("users").get(0).get("id").asText();
  }

  /** Moves an incident to a status as PagerDuty would: acknowledgements, assignments, resolution, counts, times. */
  void setStatus(ObjectNode incident, String status, Instant created) {
    Instant at = switch (status) {
      case "acknowledged" -> created.plus(Duration.ofMinutes(5));
      case "resolved" -> created.plus(Duration.ofMinutes(47));
      default -> created;
    };
    incident.put("status", status);
    incident.put("last_status_change_at", at.toString());
    incident.put("updated_at", at.toString());
    ArrayNode acks = (ArrayNode) incident.get("acknowledgements");
    if (status.equals("acknowledged") && acks.isEmpty()) {
      ObjectNode ack = acks.addObject();
      ack.put("at", at.toString());
      ack.set("acknowledger", incident.at("/assignments/0/assignee").isMissingNode()
          ? reference(userAt(0)) : incident.at("/assignments/0/assignee").deepCopy());
    } else if (status.equals("triggered")) {
      acks.removeAll();
    }
    if (status.equals("resolved")) {
      ((ArrayNode) incident.get("assignments")).removeAll();
      incident.put("resolved_at", at.toString());
      incident.put("resolve_reason", (String) null);
    } else {
      incident.putNull("resolved_at");
    }
    ObjectNode counts = incident.putObject("alert_counts");
    counts.put("all", 1);
    counts.put("triggered", status.equals("resolved") ? 0 : 1);
    counts.put("resolved", status.equals("resolved") ? 1 : 0);
  }

  /** Keeps the latest incident time; both are ISO-8601 UTC instants of the same form, so they compare as strings. */
  private static void touchService(ObjectNode service, String at) {
    JsonNode last = service.get("last_incident_timestamp");
    if (last.isNull() || last.asText().compareTo(at) < 0) {
      service.put("last_incident_timestamp", at);
    }
  }

  /** Triggers a new incident on a service; returns it. */
  ObjectNode triggerIncident(String serviceId, String title, String urgency, Instant at) {
    ObjectNode service = Optional.ofNullable(services.get(serviceId))
        .orElseThrow(() -> new FakePagerDuty.BadRequest("service_id: no service '" + serviceId + "'"));
    int i = nextIncident++;
    ObjectNode incident = incident(i, i);
    incident.put("title", title);
    incident.put("description", title);
    incident.put("summary", "[#" + (i + 1) + "] " + title);
    incident.put("urgency", urgency);
    incident.put("created_at", at.toString());
    incident.set("service", reference(service));
    ObjectNode ep = escalationPolicies.get(service.at("/escalation_policy/id").asText());
    incident.set("escalation_policy", reference(ep));
    incident.set("teams", service.get("teams").deepCopy());
    ((ObjectNode) incident.get("first_trigger_log_entry")).put("created_at", at.toString());
    ((ObjectNode) incident.get("first_trigger_log_entry")).set("service", reference(service));
    ArrayNode assignments = incident.putArray("assignments");
    ObjectNode assignment = assignments.addObject();
    assignment.put("at", at.toString());
    assignment.set("assignee", reference(users.get(onCallUserId(ep, 0))));
    ((ArrayNode) incident.get("acknowledgements")).removeAll();
    setStatus(incident, "triggered", at);
    touchService(service, at.toString());
    incidents.put(incident.get("id").asText(), incident);
    return incident;
  }

  /** Creates a webhook subscription from a POSTed {@code webhook_subscription}; returns it with its secret. */
  ObjectNode subscribe(JsonNode request) {
    JsonNode body = request == null ? null : request.get("webhook_subscription");
    if (body == null || !body.isObject()) {
      throw new FakePagerDuty.BadRequest("webhook_subscription: required, an object");
    }
    String url = body.at("/delivery_method/url").asText("");
    if (url.isEmpty()) {
      throw new FakePagerDuty.BadRequest("webhook_subscription.delivery_method.url: required");
    }
    if (!url.startsWith("http://") && !url.startsWith("https://")) {
      throw new FakePagerDuty.BadRequest("webhook_subscription.delivery_method.url: must be an http(s) URL, was '" + url + "'");
    }
    JsonNode events = body.get("events");
    if (events == null || !events.isArray() || events.isEmpty()) {
      throw new FakePagerDuty.BadRequest("webhook_subscription.events: required, a non-empty array of event types");
    }
    int n = nextSubscription++;
    ObjectNode subscription = F.objectNode();
    subscription.put("id", id('P', 12, n));
    subscription.put("type", "webhook_subscription");
    subscription.put("active", true);
    subscription.put("description", body.path("description").asText(null));
    ObjectNode delivery = subscription.putObject("delivery_method");
    delivery.put("id", id('P', 13, n));
    delivery.put("type", body.at("/delivery_method/type").asText("http_delivery_method"));
    delivery.put("url", url);
    delivery.put("secret", secret(n));
    delivery.put("temporarily_disabled", false);
    delivery.putArray("custom_headers");
    subscription.set("events", events.deepCopy());
    subscription.set("filter", body.has("filter") ? body.get("filter").deepCopy()
        : F.objectNode().put("type", "account_reference"));
    subscriptions.put(subscription.get("id").asText(), subscription);
    return subscription;
  }

  /** The secret of the n-th subscription: deterministic, so tests can expect it, and never the same twice. */
  String secret(int n) {
    return hex("webhook-secret:" + settings.seed() + ":" + n).substring(0, 40);
  }

  static String hex(String text) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
