package dev.oceanj.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.oceanj.core.config.HostSettings;
import dev.oceanj.core.config.SettingsLoader;
import dev.oceanj.emulator.PortEmulator;
import dev.oceanj.testsupport.Await;
import dev.oceanj.testsupport.TestPort;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Isolation in host mode, end to end against the Port emulator: five fake instances in one process, {@code fake-03}
 * with a start hook that throws and {@code fake-04} with a 3rd party that never answers its persons. The three
 * others resync; {@code fake-03} is listed failed with its error and started again with backoff; {@code fake-04}'s
 * resync fails within the page timeout, and the instance is listed failed naming the hung call and started again
 * with backoff; {@code /health/live} answers throughout and nothing is deleted. A running instance that crashes
 * (Pekko's {@code Kill} to it or to a child it does not restart) is listed failed and started again too, and so is
 * one whose live event waits on a 3rd party past {@code max-event-processing} (the event dead-lettered first).
 */
class HostIsolationEndToEndTest {

  static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  static final ObjectMapper JSON = new ObjectMapper();
  static final Duration WAIT = Duration.ofSeconds(120);

  @TempDir Path dir;
  Path instances;
  PortEmulator port;
  OceanRuntime runtime;
  ScheduledExecutorService prober;
  final List<String> printed = new CopyOnWriteArrayList<>();
  final AtomicInteger liveAnswers = new AtomicInteger();
  final List<String> liveFailures = new CopyOnWriteArrayList<>();

  @BeforeEach
  void start() throws Exception {
    port = TestPort.start("test-id", "test-secret");
    instances = Files.createDirectories(dir.resolve("instances"));
  }

  @AfterEach
  void stop() {
    if (prober != null) {
      prober.shutdownNow();
    }
    if (runtime != null) {
      runtime.close();
    }
    port.close();
  }

  /**
   * {@code <id>.env}, written as {@link HostModeEndToEndTest} writes it (the fake integration, 20 persons mapped to
   * {@code <id>-<person id>}), resynced when asked (WEBHOOK), with {@code lines} added.
   */
  void instance(String id, String... lines) throws Exception {
    var writer = new HostModeEndToEndTest();
    writer.dir = dir;
    writer.instances = instances;
    List<String> all = new java.util.ArrayList<>(List.of("OCEAN__EVENT_LISTENER__TYPE=WEBHOOK"));
    all.addAll(List.of(lines));
    writer.instance(id, all.toArray(String[]::new));
  }

  HttpResponse<String> call(String method, String path) throws Exception {
    return HTTP.send(request(path).method(method, HttpRequest.BodyPublishers.noBody()).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  HttpResponse<String> post(String path, String json) throws Exception {
    return HTTP.send(request(path).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(json)).build(), HttpResponse.BodyHandlers.ofString());
  }

  private HttpRequest.Builder request(String path) {
    return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + runtime.httpPort().orElseThrow() + path))
        .timeout(Duration.ofSeconds(5));
  }

  Optional<JsonNode> instanceStatus(String id) {
    try {
      HttpResponse<String> r = call("GET", "/status");
      for (JsonNode i : JSON.readTree(r.body()).path("instances")) {
        if (i.path("identifier").asText().equals(id)) {
          return Optional.of(i);
        }
      }
    } catch (Exception e) {
      System.err.println("GET /status: " + e); // not answering yet
    }
    return Optional.empty();
  }

  /** Waits until {@code id}'s entry in {@code /status} satisfies {@code condition}, and returns it. */
  JsonNode awaitInstance(String what, String id, java.util.function.Predicate<JsonNode> condition) {
    var seen = new java.util.concurrent.atomic.AtomicReference<JsonNode>();
    Await.until(what, WAIT, () -> instanceStatus(id).filter(condition).map(s -> {
      seen.set(s);
      return true;
    }).orElse(false));
    return seen.get();
  }

  static boolean failedWith(JsonNode s, String error, int failures) {
    return s.path("state").asText().equals("failed") && s.path("error").asText().contains(error)
        && s.path("failedStarts").asInt() == failures;
  }

  String lastOutcome(String id) {
    return instanceStatus(id).map(s -> s.path("last").path("outcome").asText()).orElse("");
  }

  /** Starts the runtime on the instances written so far, with {@code backoff} as the restart backoff, and probes. */
  void startRuntime(String minBackoff, String maxBackoff) throws Exception {
    Map<String, String> env = new HashMap<>(TestPort.env(port));
    env.put("OCEAN__HTTP__PORT", "0");
    env.put("OCEAN__BASE_URL", "http://127.0.0.1:1"); // where Port would call WEBHOOK resyncs (not used here)
    env.put("OCEAN__DATA_DIR", dir.resolve("state").toString());
    env.put("OCEAN__INSTANCES_DIR", instances.toString());
    env.put("OCEAN__HOST__PAGE_TIMEOUT", "2 s");
    env.put("OCEAN__HOST__MAX_CONCURRENT_RESYNCS", "2");
    env.put("OCEAN__HOST__RESTART_MIN_BACKOFF", minBackoff);
    env.put("OCEAN__HOST__RESTART_MAX_BACKOFF", maxBackoff);
    // A status asked of an instance that is just stopping answers within this, well inside a failed instance's wait.
    env.put("OCEAN__TIMEOUTS__ASK", "1 s");
    HostSettings host = HostSettings.load(SettingsLoader.create().environment(env),
        s -> StartupChecks.spec(s.integration().type(), s.resourcesPath()));
    port.requestLog().enable(true, false);
    runtime = OceanRuntime.start(host, () -> host, printed::add);

    prober = Executors.newSingleThreadScheduledExecutor();
    prober.scheduleWithFixedDelay(() -> {
      try {
        HttpResponse<String> r = call("GET", "/health/live");
        if (r.statusCode() == 200) {
          liveAnswers.incrementAndGet();
        } else {
          liveFailures.add(r.statusCode() + " " + r.body());
        }
      } catch (Exception e) {
        liveFailures.add(e.toString());
      }
    }, 0, 100, TimeUnit.MILLISECONDS);
  }

  /** The paths of every DELETE the emulator received. */
  List<String> deletes() {
    return port.requestLog().since(0).stream().filter(e -> e.method().equals("DELETE")).map(e -> e.path()).toList();
  }

  String state(String id) {
    return instanceStatus(id).map(s -> s.path("state").asText()).orElse("");
  }

  @Test
  void aFailingAndAHangingInstanceDoNotHoldTheOthersAndBothAreStartedAgainWithBackoff() throws Exception {
    for (String id : List.of("fake-01", "fake-02", "fake-05")) {
      instance(id);
    }
    instance("fake-03", "OCEAN__INTEGRATION__CONFIG__FAIL_ON_START=true");
    instance("fake-04", "OCEAN__INTEGRATION__CONFIG__HANG_KIND=fake-person");
    startRuntime("3 s", "6 s");

    JsonNode failed = instanceStatus("fake-03").orElseThrow();
    assertEquals("failed", failed.path("state").asText(), failed.toString());
    assertTrue(failed.path("error").asText().contains("failOnStart: the fake 3rd-party API refuses to start"),
        failed.toString());
    assertEquals(404, call("GET", "/fake-06/status").statusCode());
    assertEquals(503, call("POST", "/fake-03/resync").statusCode(), "a failed instance takes no request");

    for (String id : List.of("fake-01", "fake-02", "fake-04", "fake-05")) {
      assertEquals(202, call("POST", "/" + id + "/resync").statusCode(), id);
    }
    for (String id : List.of("fake-01", "fake-02", "fake-05")) {
      Await.until(id + "'s resync to complete", WAIT, () -> lastOutcome(id).equals("completed"));
    }
    // The hung 3rd party fails its resync, and with it the instance: listed failed naming the hung call.
    String timeout = "integration 'fake-04', kind 'fake-person': page 1 did not finish within 2 s"
        + " (ocean.host.page-timeout)";
    awaitInstance("fake-04 to be failed by its hung 3rd party", "fake-04", s -> failedWith(s, timeout, 1));
    assertEquals(503, call("POST", "/fake-04/resync").statusCode(), "a failed instance takes no request");
    // Started again after the backoff; its WEBHOOK trigger resyncs when asked, and the hang fails it once more,
    // two failures in a row now (no resync completed in between).
    Await.until("fake-04 to be started again", WAIT, () -> state("fake-04").equals("running"));
    assertEquals(202, call("POST", "/fake-04/resync").statusCode());
    awaitInstance("fake-04 to fail a second time in a row", "fake-04", s -> failedWith(s, timeout, 2));
    Await.until("fake-04 to be started again", WAIT, () -> state("fake-04").equals("running"));
    assertEquals(3 * 20, port.entities("fake-person").size(), "the persons of the three healthy instances");
    assertEquals(List.of(), deletes(), "nothing deleted");

    // Started again with backoff (3 s, 6 s, 6 s ...): the failures in a row grow, the error stays.
    Await.until("fake-03 to fail its third start", WAIT,
        () -> instanceStatus("fake-03").map(s -> s.path("failedStarts").asInt()).orElse(0) >= 3);
    JsonNode again = instanceStatus("fake-03").orElseThrow();
    assertEquals("failed", again.path("state").asText());
    assertTrue(again.path("error").asText().contains("failOnStart"), again.toString());
    assertTrue(printed.stream().noneMatch(l -> l.contains("fake-03") && l.contains("completed")));

    assertTrue(liveAnswers.get() > 0, "/health/live never answered");
    assertEquals(List.of(), liveFailures, "/health/live stopped answering");
  }

  /** Pekko's {@code Kill} to the actors at {@code path} (under the guardian): they fail as if a bug had thrown. */
  void kill(String path) {
    org.apache.pekko.actor.typed.javadsl.Adapter.toClassic(runtime.system()).actorSelection("/user/" + path)
        .tell(org.apache.pekko.actor.Kill.getInstance(), org.apache.pekko.actor.ActorRef.noSender());
  }

  @Test
  void aRunningInstanceThatCrashesIsListedFailedAndStartedAgainWithBackoff() throws Exception {
    instance("fake-01");
    instance("fake-06");
    startRuntime("3 s", "6 s");
    Await.until("fake-06 to run", WAIT, () -> state("fake-06").equals("running"));

    // A child the instance does not restart (its WEBHOOK trigger) fails: the instance fails with it.
    kill("instance-fake-06*/webhook");
    JsonNode crashed = awaitInstance("fake-06 to be listed failed", "fake-06",
        s -> s.path("state").asText().equals("failed"));
    assertTrue(failedWith(crashed, "the instance crashed: its webhook actor failed", 1), crashed.toString());
    assertTrue(crashed.path("nextStart").isTextual(), crashed.toString());
    Await.until("fake-06 to be started again", WAIT, () -> state("fake-06").equals("running"));

    // The instance actor itself fails: a second failure in a row, as no resync completed since.
    kill("instance-fake-06*");
    awaitInstance("fake-06 to fail a second time in a row", "fake-06",
        s -> failedWith(s, "the instance crashed: ", 2));
    Await.until("fake-06 to be started again", WAIT, () -> state("fake-06").equals("running"));

    // A completed resync counts its failures from zero again.
    assertEquals(202, call("POST", "/fake-06/resync").statusCode());
    Await.until("fake-06's resync to complete", WAIT, () -> lastOutcome("fake-06").equals("completed"));
    kill("instance-fake-06*");
    awaitInstance("fake-06 to fail once after its completed resync", "fake-06",
        s -> failedWith(s, "the instance crashed: ", 1));
    Await.until("fake-06 to be started again", WAIT, () -> state("fake-06").equals("running"));

    assertEquals("running", state("fake-01"), "the other instance is not touched");
    assertEquals(202, call("POST", "/fake-01/resync").statusCode());
    Await.until("fake-01's resync to complete", WAIT, () -> lastOutcome("fake-01").equals("completed"));
    assertEquals(List.of(), deletes(), "nothing deleted");
    assertEquals(List.of(), liveFailures, "/health/live stopped answering");
  }

  @Test
  void anInstanceWhoseLiveEventWaitsOnAHungThirdPartyIsListedFailedAndStartedAgain() throws Exception {
    instance("fake-01");
    // Its live-event processor asks a 3rd party that never answers (StalledLiveEventsTestIntegration).
    Files.writeString(instances.resolve("hung-01.env"), String.join("\n",
        "OCEAN__INTEGRATION__TYPE=stalled-live-test",
        "OCEAN__EVENT_LISTENER__TYPE=WEBHOOK",
        "OCEAN__LIVE_EVENTS__MAX_EVENT_PROCESSING=2 s",
        ""));
    startRuntime("3 s", "6 s");
    Await.until("hung-01 to run", WAIT, () -> state("hung-01").equals("running"));

    assertEquals(202, post("/hung-01/integration/webhook", "{\"id\":\"item-1\"}").statusCode());
    String hung = "integration 'hung-01': the live-event processor of /integration/webhook (event ";
    JsonNode failed = awaitInstance("hung-01 to be failed by its hung live event", "hung-01",
        s -> failedWith(s, hung, 1));
    assertTrue(failed.path("error").asText().contains("did not finish within 2 s"
        + " (ocean.live-events.max-event-processing)"), failed.toString());
    Await.until("hung-01 to be started again", WAIT, () -> state("hung-01").equals("running"));
    // The hung event was dead-lettered before the instance stopped, so the next incarnation is not handed it again;
    // the next event hangs it as well: a second failure in a row, naming that event.
    assertEquals(202, post("/hung-01/integration/webhook", "{\"id\":\"item-2\"}").statusCode());
    JsonNode again = awaitInstance("hung-01 to fail a second time in a row", "hung-01", s -> failedWith(s, hung, 2));
    assertNotEquals(failed.path("error").asText(), again.path("error").asText(),
        "the second failure names another event");
    Await.until("hung-01 to be started again", WAIT, () -> state("hung-01").equals("running"));
    JsonNode letters = JSON.readTree(call("GET", "/hung-01/live-events/dead-letters").body()).path("deadLetters");
    assertEquals(2, letters.size(), letters.toString());

    assertEquals("running", state("fake-01"), "the other instance is not touched");
    assertEquals(202, call("POST", "/fake-01/resync").statusCode());
    Await.until("fake-01's resync to complete", WAIT, () -> lastOutcome("fake-01").equals("completed"));
    assertEquals(List.of(), deletes(), "nothing deleted");
    assertEquals(List.of(), liveFailures, "/health/live stopped answering");
  }
}
