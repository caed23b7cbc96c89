package dev.oceanj.integrations.pagerduty;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Set;

/**
 * The selectors of the typed kinds (Ocean's field names, beside the core's {@code query}), each with its
 * {@code apiQueryParams} turned into PagerDuty's query parameters. Absent {@code apiQueryParams} sends none.
 */
final class Selectors {

  private Selectors() {}

  static void allowed(String field, List<String> values, Set<String> allowed) {
    if (values != null) {
      for (String v : values) {
        if (!allowed.contains(v)) {
          throw new IllegalArgumentException(field + " must hold values of " + allowed + ", had '" + v + "'");
        }
      }
    }
  }

  static final Set<String> INCIDENT_INCLUDES = Set.of("acknowledgers", "agents", "assignees", "conference_bridge",
      "escalation_policies", "first_trigger_log_entries", "priorities", "services", "teams", "users");
  static final Set<String> SERVICE_INCLUDES = Set.of("escalation_policies", "teams", "integrations",
      "auto_pause_notifications_parameters");
  static final Set<String> SCHEDULE_INCLUDES = Set.of("schedule_layers", "final_schedule", "overrides_subschedule");
  static final Set<String> ONCALL_INCLUDES = Set.of("users", "escalation_policies", "schedules");
  static final Set<String> POLICY_INCLUDES = Set.of("services", "teams", "targets");

  /** Any other kind (e.g. {@code users}, {@code teams}): the core selector only. */
  record Any() {}

  /** {@code incidents}. */
  record Incidents(Boolean incidentAnalytics, Boolean includeCustomFields, IncidentParams apiQueryParams) {
    Incidents {
      incidentAnalytics = incidentAnalytics != null && incidentAnalytics;
      includeCustomFields = includeCustomFields != null && includeCustomFields;
    }

    PagerDutyClient.Query query() {
      return apiQueryParams == null ? new PagerDutyClient.Query() : apiQueryParams.query(apiQueryParams.since());
    }

    /**
     * Whether the listing can go on past PagerDuty's offset cap by moving {@code since} to the last incident read:
     * incidents in creation order ({@code sort_by} unset or {@code created_at:asc}) and {@code since} honoured
     * (no {@code date_range: all}).
     */
    boolean windowable() {
      return apiQueryParams == null || (apiQueryParams.dateRange() == null
          && (apiQueryParams.sortBy() == null || apiQueryParams.sortBy().equals("created_at:asc")));
    }

    /** The query of a window starting at {@code since}, in creation order. */
    PagerDutyClient.Query windowQuery(String since) {
      IncidentParams p = apiQueryParams == null
          ? new IncidentParams(null, null, null, null, null, null, null, null, null, null, null, null) : apiQueryParams;
      return new IncidentParams(p.dateRange(), p.incidentKey(), p.include(), p.serviceIds(), since, "created_at:asc",
          p.statuses(), p.teamIds(), p.timeZone(), p.until(), p.urgencies(), p.userIds()).query(since);
    }
  }

  record IncidentParams(
      @JsonProperty("date_range") String dateRange,
      @JsonProperty("incident_key") String incidentKey,
      List<String> include,
      @JsonProperty("service_ids") List<String> serviceIds,
      String since,
      @JsonProperty("sort_by") String sortBy,
      List<String> statuses,
      @JsonProperty("team_ids") List<String> teamIds,
      @JsonProperty("time_zone") String timeZone,
      String until,
      List<String> urgencies,
      @JsonProperty("user_ids") List<String> userIds) {
    IncidentParams {
      allowed("apiQueryParams.include", include, INCIDENT_INCLUDES);
      allowed("apiQueryParams.statuses", statuses, Set.of("triggered", "acknowledged", "resolved"));
      allowed("apiQueryParams.urgencies", urgencies, Set.of("high", "low"));
      if (dateRange != null && !dateRange.equals("all")) {
        throw new IllegalArgumentException("apiQueryParams.date_range can only be 'all', had '" + dateRange + "'");
      }
    }

    PagerDutyClient.Query query(String since) {
      return new PagerDutyClient.Query().add("date_range", dateRange).add("incident_key", incidentKey)
          .addAll("include", include).addAll("service_ids", serviceIds).add("since", since).add("sort_by", sortBy)
          .addAll("statuses", statuses).addAll("team_ids", teamIds).add("time_zone", timeZone).add("until", until)
          .addAll("urgencies", urgencies).addAll("user_ids", userIds);
    }
  }

  /** {@code services}. */
  record Services(Boolean serviceAnalytics, Integer analyticsMonthsPeriod, Boolean includeCustomFields,
      ServiceParams apiQueryParams) {
    Services {
      serviceAnalytics = serviceAnalytics == null || serviceAnalytics;
      analyticsMonthsPeriod = analyticsMonthsPeriod == null ? 3 : analyticsMonthsPeriod;
      if (analyticsMonthsPeriod <= 0) {
        throw new IllegalArgumentException("analyticsMonthsPeriod must be above 0, was " + analyticsMonthsPeriod);
      }
      includeCustomFields = includeCustomFields != null && includeCustomFields;
    }

    PagerDutyClient.Query query() {
      return apiQueryParams == null ? new PagerDutyClient.Query() : apiQueryParams.query();
    }
  }

  record ServiceParams(List<String> include, @JsonProperty("sort_by") String sortBy,
      @JsonProperty("team_ids") List<String> teamIds, @JsonProperty("time_zone") String timeZone) {
    ServiceParams {
      allowed("apiQueryParams.include", include, SERVICE_INCLUDES);
      if (sortBy != null && !List.of("name", "name:asc", "name:desc").contains(sortBy)) {
        throw new IllegalArgumentException("apiQueryParams.sort_by must be name, name:asc or name:desc");
      }
    }

    PagerDutyClient.Query query() {
      return new PagerDutyClient.Query().addAll("include", include).add("sort_by", sortBy)
          .addAll("team_ids", teamIds).add("time_zone", timeZone);
    }
  }

  /** {@code schedules}. */
  record Schedules(ScheduleParams apiQueryParams) {
    PagerDutyClient.Query query(Clock clock) {
      return apiQueryParams == null ? new PagerDutyClient.Query() : apiQueryParams.query(clock);
    }
  }

  record ScheduleParams(List<String> include, Integer until, Integer since,
      @JsonProperty("time_zone") String timeZone) {
    ScheduleParams {
      allowed("apiQueryParams.include", include, SCHEDULE_INCLUDES);
    }

    PagerDutyClient.Query query(Clock clock) {
      return new PagerDutyClient.Query().addAll("include", include)
          .add("until", months(clock, until, 1)).add("since", months(clock, since, -1)).add("time_zone", timeZone);
    }
  }

  /** {@code oncalls}. */
  record Oncalls(OncallParams apiQueryParams) {
    PagerDutyClient.Query query(Clock clock) {
      return apiQueryParams == null ? new PagerDutyClient.Query() : apiQueryParams.query(clock);
    }
  }

  record OncallParams(List<String> include, Integer until, Integer since) {
    OncallParams {
      include = include == null ? List.of("users") : include;
      allowed("apiQueryParams.include", include, ONCALL_INCLUDES);
      until = until == null ? 3 : until;
      if (until <= 0) {
        throw new IllegalArgumentException("apiQueryParams.until must be above 0, was " + until);
      }
      since = since == null ? 0 : since;
    }

    PagerDutyClient.Query query(Clock clock) {
      return new PagerDutyClient.Query().addAll("include", include)
          .add("until", months(clock, until, 1)).add("since", months(clock, since, -1));
    }
  }

  /** {@code escalation_policies}. */
  record EscalationPolicies(Boolean attachOncallUsers, PolicyParams apiQueryParams) {
    EscalationPolicies {
      attachOncallUsers = attachOncallUsers == null || attachOncallUsers;
    }

    PagerDutyClient.Query query() {
      return apiQueryParams == null ? new PagerDutyClient.Query() : apiQueryParams.query();
    }
  }

  record PolicyParams(List<String> include, @JsonProperty("team_ids") List<String> teamIds,
      @JsonProperty("user_ids") List<String> userIds) {
    PolicyParams {
      allowed("apiQueryParams.include", include, POLICY_INCLUDES);
    }

    PagerDutyClient.Query query() {
      return new PagerDutyClient.Query().addAll("include", include).addAll("team_ids", teamIds)
          .addAll("user_ids", userIds);
    }
  }

  /** Now ± 30 × {@code months} days as RFC 3339 UTC with seconds ({@code 2026-09-19T10:00:00Z}); null for 0/unset. */
  static String months(Clock clock, Integer months, int sign) {
    if (months == null || months == 0) {
      return null;
    }
    Instant t = clock.instant().truncatedTo(ChronoUnit.SECONDS).plus(Duration.ofDays(30L * months * sign));
    return t.toString();
  }
}
