package dev.oceanj.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.oceanj.core.port.PortClientSettings.RateLimitSettings;
import org.junit.jupiter.api.Test;

/** Which share of Port's write budget a process holds back for live events. */
class WriteBudgetTest {

  private static final RateLimitSettings SHIPPED = RateLimitSettings.defaults();

  @Test
  void theDefaultReserveIsHeldOnlyWhereLiveEventsAreServed() {
    assertEquals(0.2, SHIPPED.liveEventsReservedShare());
    assertEquals(SHIPPED, OceanRuntime.writeBudget(SHIPPED, true, false), "webhooks served: the reserve stays");
    RateLimitSettings once = OceanRuntime.writeBudget(SHIPPED, false, false);
    assertEquals(0.0, once.liveEventsReservedShare(), "no live event can arrive: resyncs get the whole budget");
    assertEquals(SHIPPED.requestsPer5Min(), once.requestsPer5Min());
    assertEquals(SHIPPED.burst(), once.burst());
  }

  @Test
  void aConfiguredShareIsKeptEvenWithoutLiveEvents() {
    RateLimitSettings configured = SHIPPED.withShare(0.3);
    assertEquals(configured, OceanRuntime.writeBudget(configured, false, true));
    assertEquals(SHIPPED, OceanRuntime.writeBudget(SHIPPED, false, true), "0.2 set explicitly is kept too");
  }
}
