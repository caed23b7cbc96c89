package dev.oceanj.integrations.pagerduty;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.oceanj.integrations.pagerduty.PagerDutyClient.Query;
import dev.oceanj.spi.Page;
import dev.oceanj.spi.RawFields;
import dev.oceanj.spi.Resource;
import dev.oceanj.spi.ResyncSource;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How each kind is fetched and enriched, page by page, into the raw objects Ocean hands to the mapping (the
 * PagerDuty object plus Ocean's {@code __analytics}, {@code __custom_fields}, {@code __oncall_user},
 * {@code __oncall_users} and {@code __email}).
 */
final class PagerDutyKinds {

  static final String SERVICES = "services";
  static final String INCIDENTS = "incidents";
  static final String SCHEDULES = "schedules";
  static final String ONCALLS = "oncalls";
  static final String ESCALATION_POLICIES = "escalation_policies";

  private static final Logger LOG = LoggerFactory.getLogger(PagerDutyKinds.class);

  private final PagerDutyClient api;
  private final Clock clock;

  PagerDutyKinds(PagerDutyClient api, Clock clock) {
    this.api = api;
    this.clock = clock;
  }

  private interface Enrich {
    CompletionStage<List<JsonNode>> apply(List<JsonNode> page);
  }

  /** {@code fields}: what the mapping reads and what the enrichment reads. */
  private ResyncSource<JsonNode> paged(String resource, Query query, RawFields fields, Enrich enrich) {
    return ResyncSource.paged(cursor -> api.page(resource, query, fields, cursor)
        .thenCompose(p -> enrich.apply(p.items()).thenApply(items -> new Page<>(items, p.next()))));
  }

  ResyncSource<JsonNode> services(Resource<Selectors.Services> r) {
    Selectors.Services s = r.selector();
    return paged(SERVICES, s.query(), r.fields().with("id", "escalation_policy"), page -> {
      CompletionStage<Void> analytics = s.serviceAnalytics() ? serviceAnalytics(page, s.analyticsMonthsPeriod())
          : CompletableFuture.completedFuture(null);
      return analytics
          .thenCompose(v -> s.includeCustomFields() ? customFields(SERVICES, page) : done())
          .thenCompose(v -> attachOncalls(page, "__oncall_user"))
          .thenApply(v -> page);
    });
  }

  ResyncSource<JsonNode> incidents(Resource<Selectors.Incidents> r) {
    Selectors.Incidents s = r.selector();
    RawFields fields = r.fields().with("id", "created_at", "service");
    if (!s.windowable()) {
      return paged(INCIDENTS, s.query(), fields, page -> enrichIncidents(page, s).thenApply(v -> page));
    }
    // Past the offset cap, the listing goes on from the last incident read (since = its created_at), skipping the
    // incidents of that instant already handed over: nothing is lost to the cap.
    String[] since = {s.apiQueryParams() == null ? null : s.apiQueryParams().since()};
    Map<String, String> boundary = new HashMap<>();
    return ResyncSource.paged(cursor -> api.list(INCIDENTS, s.windowQuery(since[0]),
        cursor.map(Integer::parseInt).orElse(0), fields).thenCompose(p -> {
          List<JsonNode> fresh = new ArrayList<>(p.items().size());
          for (JsonNode i : p.items()) {
            String id = i.path("id").asText();
            if (!boundary.containsKey(id)) {
              fresh.add(i);
              boundary.put(id, i.path("created_at").asText(""));
            }
          }
          Optional<String> next = p.next().isPresent() ? Optional.of(Integer.toString(p.next().getAsInt()))
              : Optional.empty();
          if (p.capped()) {
            String last = p.items().isEmpty() ? "" : p.items().get(p.items().size() - 1).path("created_at").asText("");
            if (last.isEmpty() || last.equals(since[0])) {
              throw new PagerDutyClient.OffsetCapException(INCIDENTS);
            }
            LOG.info("PagerDuty's offset cap reached listing incidents; going on from created_at {}", last);
            since[0] = last;
            boundary.values().removeIf(created -> created.compareTo(last) < 0);
            next = Optional.of("0");
          } else if (p.next().isEmpty()) {
            boundary.clear();
          }
          Optional<String> cursorNext = next;
          return enrichIncidents(fresh, s).thenApply(v -> new Page<>(fresh, cursorNext));
        }));
  }

  /** Analytics and custom fields of incidents, as the selector asks (also for live events). */
  CompletionStage<Void> enrichIncidents(List<JsonNode> page, Selectors.Incidents s) {
    CompletionStage<Void> analytics = s.incidentAnalytics() ? incidentAnalytics(page) : done();
    return analytics.thenCompose(v -> s.includeCustomFields() ? customFields(INCIDENTS, page) : done());
  }

  ResyncSource<JsonNode> schedules(Resource<Selectors.Schedules> r) {
    Query query = r.selector().query(clock);
    CompletionStage<Map<String, String>> emails = r.resync().cache().computeIfAbsent("pagerduty.userEmails",
        () -> api.all("users", new Query()).thenApply(users -> {
          Map<String, String> byId = new HashMap<>();
          users.forEach(u -> {
            if (u.hasNonNull("id") && u.hasNonNull("email")) {
              byId.put(u.get("id").asText(), u.get("email").asText());
            }
          });
          return byId;
        }), m -> 100L * m.size());
    return paged(SCHEDULES, query, r.fields().with("users"), page -> emails.thenApply(byId -> {
      page.forEach(schedule -> schedule.path("users").forEach(u -> {
        String email = byId.get(u.path("id").asText());
        if (email != null && u instanceof ObjectNode o) {
          o.put("__email", email);
        }
      }));
      return page;
    }));
  }

  ResyncSource<JsonNode> oncalls(Resource<Selectors.Oncalls> r) {
    return paged(ONCALLS, r.selector().query(clock), r.fields(), page -> CompletableFuture.completedFuture(page));
  }

  ResyncSource<JsonNode> escalationPolicies(Resource<Selectors.EscalationPolicies> r) {
    Selectors.EscalationPolicies s = r.selector();
    return paged(ESCALATION_POLICIES, s.query(), r.fields().with("id"), page -> (s.attachOncallUsers()
        ? attachOncalls(page, "__oncall_users") : done()).thenApply(v -> page));
  }

  /** Any other kind: {@code GET /{kind}}, items from the key {@code kind}. */
  ResyncSource<JsonNode> other(Resource<Selectors.Any> r) {
    return paged(r.kind(), new Query(), r.fields(), page -> CompletableFuture.completedFuture(page));
  }

  /**
   * {@code __oncall_user} (services, by {@code escalation_policy.id}) or {@code __oncall_users} (escalation
   * policies, by {@code id}): every on-call entry of the object's escalation policy, with its user.
   */
  CompletionStage<Void> attachOncalls(List<JsonNode> page, String key) {
    boolean services = key.equals("__oncall_user");
    Set<String> policies = new LinkedHashSet<>();
    page.forEach(o -> {
      String id = (services ? o.path("escalation_policy").path("id") : o.path("id")).asText("");
      if (!id.isEmpty()) {
        policies.add(id);
      }
    });
    CompletionStage<List<JsonNode>> oncalls = policies.isEmpty() ? CompletableFuture.completedFuture(List.of())
        : api.all(ONCALLS, new Query().addAll("escalation_policy_ids", List.copyOf(policies))
            .addAll("include", List.of("users")));
    return oncalls.thenAccept(entries -> page.forEach(o -> {
      String id = (services ? o.path("escalation_policy").path("id") : o.path("id")).asText("");
      ArrayNode mine = PagerDutyClient.JSON.createArrayNode();
      entries.forEach(e -> {
        if (!id.isEmpty() && id.equals(e.path("escalation_policy").path("id").asText())) {
          mine.add(e);
        }
      });
      ((ObjectNode) o).set(key, mine);
    }));
  }

  /** {@code __analytics} of services: one analytics call per page; any error is logged and gives null. */
  private CompletionStage<Void> serviceAnalytics(List<JsonNode> page, int months) {
    if (page.isEmpty()) {
      return done();
    }
    Instant now = clock.instant().truncatedTo(ChronoUnit.SECONDS);
    ObjectNode body = PagerDutyClient.object();
    ObjectNode filters = body.putObject("filters");
    ArrayNode ids = filters.putArray("service_ids");
    page.forEach(s -> ids.add(s.path("id").asText()));
    filters.put("created_at_start", now.minus(Duration.ofDays(30L * months)).toString());
    filters.put("created_at_end", now.toString());
    return api.post("analytics/metrics/incidents/services", body).handle((res, err) -> {
      Map<String, JsonNode> byService = new HashMap<>();
      if (err != null) {
        LOG.warn("PagerDuty service analytics failed, __analytics is null for this page: {}", cause(err).getMessage());
      } else {
        res.ifPresent(r -> r.path("data").forEach(row -> byService.put(row.path("service_id").asText(), row)));
      }
      page.forEach(s -> ((ObjectNode) s).set("__analytics",
          byService.getOrDefault(s.path("id").asText(), NullNode.getInstance())));
      return null;
    });
  }

  /**
   * {@code __analytics} of incidents: every raw incident analytics row of the page's services; a quota
   * exhaustion gives null, any other error fails the kind (as Ocean).
   */
  private CompletionStage<Void> incidentAnalytics(List<JsonNode> page) {
    Set<String> services = new LinkedHashSet<>();
    page.forEach(i -> {
      String id = i.path("service").path("id").asText("");
      if (!id.isEmpty()) {
        services.add(id);
      }
    });
    Map<String, JsonNode> byIncident = new HashMap<>();
    CompletionStage<Void> rows = services.isEmpty() ? done() : rawAnalytics(List.copyOf(services), null, byIncident);
    return rows.handle((v, err) -> {
      if (err != null && !(cause(err) instanceof PagerDutyClient.QuotaExhaustedException)) {
        throw new CompletionException(cause(err));
      }
      if (err != null) {
        LOG.warn("{}; __analytics is null for this page of incidents", cause(err).getMessage());
        byIncident.clear();
      }
      page.forEach(i -> ((ObjectNode) i).set("__analytics",
          byIncident.getOrDefault(i.path("id").asText(), NullNode.getInstance())));
      return null;
    });
  }

  private CompletionStage<Void> rawAnalytics(List<String> services, String after, Map<String, JsonNode> out) {
    ObjectNode body = PagerDutyClient.object();
    ArrayNode ids = body.putObject("filters").putArray("service_ids");
    services.forEach(ids::add);
    body.put("limit", 100);
    if (after == null) {
      body.putNull("starting_after");
    } else {
      body.put("starting_after", after);
    }
    return api.post("analytics/raw/incidents", body).thenCompose(res -> {
      JsonNode r = res.orElse(PagerDutyClient.object());
      r.path("data").forEach(row -> out.put(row.path("id").asText(), row));
      String last = r.path("last").asText(null);
      return r.path("more").asBoolean(false) && last != null && !last.equals(after)
          ? rawAnalytics(services, last, out) : done();
    });
  }

  /** {@code __custom_fields}: {@code GET /{resource}/{id}/custom_fields/values} per object; [] on error. */
  CompletionStage<Void> customFields(String resource, List<JsonNode> page) {
    List<CompletableFuture<Void>> all = new ArrayList<>();
    for (JsonNode o : page) {
      String id = o.path("id").asText();
      all.add(api.get(resource + "/" + id + "/custom_fields/values", null).handle((res, err) -> {
        JsonNode fields = null;
        if (err != null) {
          LOG.warn("PagerDuty custom fields of {} {} failed, __custom_fields is []: {}", resource, id,
              cause(err).getMessage());
        } else {
          fields = res.map(r -> r.get("custom_fields")).orElse(null);
        }
        ((ObjectNode) o).set("__custom_fields",
            fields != null && fields.isArray() ? fields : PagerDutyClient.JSON.createArrayNode());
        return (Void) null;
      }).toCompletableFuture());
    }
    return CompletableFuture.allOf(all.toArray(CompletableFuture[]::new));
  }

  private static CompletionStage<Void> done() {
    return CompletableFuture.completedFuture(null);
  }

  static Throwable cause(Throwable e) {
    while (e instanceof CompletionException && e.getCause() != null) {
      e = e.getCause();
    }
    return e;
  }
}
