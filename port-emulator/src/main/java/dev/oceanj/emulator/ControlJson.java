package dev.oceanj.emulator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.oceanj.emulator.RateLimits.Budget;
import dev.oceanj.emulator.RateLimits.RouteFamily;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;

/** JSON forms of the control settings ({@code /_emulator/faults}, {@code /_emulator/rate-limits}). */
final class ControlJson {

  private ControlJson() {}

  /** Reads faults; absent fields mean "no such fault". */
  static Faults faults(JsonNode b) {
    try {
      Faults none = Faults.none();
      return new Faults(
          b.path("serverErrorRate").asDouble(0.0),
          b.path("serverErrorStatus").asInt(none.serverErrorStatus()),
          b.path("tooManyRequestsBurst").asInt(0),
          Duration.ofMillis(b.path("latencyMillis").asLong(0)),
          b.path("dropConnectionRate").asDouble(0.0),
          b.path("dripChunkBytes").asInt(none.dripChunkBytes()),
          Duration.ofMillis(b.path("dripIntervalMillis").asLong(0)));
    } catch (IllegalArgumentException e) {
      throw PortError.invalid("faults: " + e.getMessage());
    }
  }

  static ObjectNode faults(Faults f, int tooManyRequestsLeft) {
    return Json.ok()
        .put("serverErrorRate", f.serverErrorRate())
        .put("serverErrorStatus", f.serverErrorStatus())
        .put("tooManyRequestsBurst", f.tooManyRequestsBurst())
        .put("tooManyRequestsLeft", tooManyRequestsLeft)
        .put("latencyMillis", f.latency().toMillis())
        .put("dropConnectionRate", f.dropConnectionRate())
        .put("dripChunkBytes", f.dripChunkBytes())
        .put("dripIntervalMillis", f.dripInterval().toMillis());
  }

  /**
   * Reads {@code {"enabled": bool, "budgets": {"BULK_UPSERT": {"limit": n, "periodSeconds": s, "burst": b}}}};
   * families not named keep their current budget.
   */
  static RateLimits rateLimits(JsonNode b, RateLimits current) {
    Map<RouteFamily, Budget> budgets = new EnumMap<>(current.budgets());
    for (var f : b.path("budgets").properties()) {
      RouteFamily family;
      try {
        family = RouteFamily.valueOf(f.getKey());
      } catch (IllegalArgumentException e) {
        throw PortError.invalid("rate-limits: unknown route family \"" + f.getKey() + "\"; known: "
            + java.util.Arrays.toString(RouteFamily.values()));
      }
      try {
        budgets.put(family, new Budget(f.getValue().path("limit").asLong(),
            Duration.ofSeconds(f.getValue().path("periodSeconds").asLong(300)), f.getValue().path("burst").asLong()));
      } catch (IllegalArgumentException e) {
        throw PortError.invalid("rate-limits: " + f.getKey() + ": " + e.getMessage());
      }
    }
    return new RateLimits(b.path("enabled").asBoolean(current.enabled()), budgets);
  }

  static ObjectNode rateLimits(RateLimits r) {
    ObjectNode out = Json.ok().put("enabled", r.enabled());
    ObjectNode budgets = out.putObject("budgets");
    r.budgets().forEach((f, b) -> budgets.putObject(f.name()).put("limit", b.limit())
        .put("periodSeconds", b.period().toSeconds()).put("burst", b.burst()));
    return out;
  }
}
