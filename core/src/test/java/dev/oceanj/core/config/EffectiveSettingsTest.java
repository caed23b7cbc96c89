package dev.oceanj.core.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import org.junit.jupiter.api.Test;

/** What will run, derived once in the settings, and what {@code oceanj config} prints of it. */
class EffectiveSettingsTest {

  private static final String CREDENTIALS = "ocean.port { client-id = id, client-secret = secret }\n";

  private static OceanSettings load(String conf) {
    return OceanSettings.fromConfig(ConfigFactory.parseString(conf).withFallback(OceanSettings.defaults()));
  }

  @Test
  void theEmbeddedDefaultRunsOnceWithoutHttpAndTheConfigPrintsIt() {
    OceanSettings embedded = load("");
    assertEquals(EventListenerType.POLLING, embedded.eventListener().type(), "the configured type");
    assertEquals(EventListenerType.ONCE, embedded.effective().listener());
    assertFalse(embedded.effective().serveHttp());
    String printed = embedded.describe();
    assertTrue(printed.contains("ocean.event-listener.type = \"ONCE\"  # derived; configured \"POLLING\""), printed);
    assertTrue(printed.contains("ocean.http.enabled = false  # derived; configured null"), printed);
  }

  @Test
  void anExplicitTypeOrCredentialsKeepTheConfiguredListener() {
    OceanSettings polling = load("ocean.event-listener.type = POLLING");
    assertEquals(EventListenerType.POLLING, polling.effective().listener());
    assertTrue(polling.effective().serveHttp());
    String line = polling.describe().lines().filter(l -> l.startsWith("ocean.event-listener.type =")).findFirst()
        .orElseThrow();
    assertTrue(line.startsWith("ocean.event-listener.type = \"POLLING\"") && !line.contains("derived"), line);
    assertEquals(EventListenerType.POLLING, load(CREDENTIALS).effective().listener(),
        "with credentials Ocean's default stays");
    assertTrue(load("ocean.http.enabled = true").effective().serveHttp(), "true serves HTTP during a ONCE run too");
    assertFalse(load(CREDENTIALS + "ocean.http.enabled = false").effective().serveHttp());
  }

  @Test
  void theDefaultReserveIsHeldOnlyWhereLiveEventsAreServed() {
    OceanSettings served = load(CREDENTIALS);
    PortSettings.RateLimit shipped = served.port().rateLimit();
    assertEquals(0.2, shipped.liveEventsReservedShare());
    assertEquals(shipped, served.writeBudget(true), "webhooks served: the reserve stays");
    PortSettings.RateLimit none = served.writeBudget(false);
    assertEquals(0.0, none.liveEventsReservedShare(), "no live event can arrive: resyncs get the whole budget");
    assertEquals(shipped.requestsPer5Min(), none.requestsPer5Min());
    assertEquals(shipped.burst(), none.burst());
    assertEquals(0.0, load("").writeBudget(true).liveEventsReservedShare(), "ONCE serves no HTTP, hence no live event");
  }

  @Test
  void aConfiguredShareIsKeptEvenWithoutLiveEvents() {
    OceanSettings configured = load("ocean.port.rate-limit.live-events-reserved-share = 0.3");
    assertEquals(configured.port().rateLimit(), configured.writeBudget(false));
    OceanSettings explicit = load("ocean.port.rate-limit.live-events-reserved-share = 0.2");
    assertEquals(0.2, explicit.writeBudget(false).liveEventsReservedShare(), "0.2 set explicitly is kept too");
  }
}
