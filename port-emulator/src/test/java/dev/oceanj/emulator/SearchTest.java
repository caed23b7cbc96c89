package dev.oceanj.emulator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class SearchTest {

  static final Fixtures.MutableClock CLOCK = new Fixtures.MutableClock(Instant.parse("2026-02-01T00:00:00Z"));
  @RegisterExtension
  static final EmulatorExtension emulator =
      EmulatorExtension.sharedState(EmulatorSettings.defaults().withClock(CLOCK)).withCatalog();
  static Api api;

  @BeforeAll
  static void load() {
    api = emulator.api();
    api.post("/v1/blueprints/service/entities/bulk?upsert=true", Fixtures.bulk(
        Api.parse("{'identifier':'alpha','title':'Alpha','properties':{'language':'java','tags':['x','y'],'replicas':1}}"),
        Api.parse("{'identifier':'beta','properties':{'language':'go','tags':[],'replicas':3,'url':'https://beta.io'}}")));
    CLOCK.advance(60_000);
    api.userAgent = "port-ocean/other/1.0/other-int/exporter";
    api.post("/v1/blueprints/service/entities/bulk?upsert=true", Fixtures.bulk(
        Api.parse("{'identifier':'gamma','properties':{'language':'python','replicas':5}}")));
    api.post("/v1/blueprints/team/entities?upsert=true", Api.parse("{'identifier':'alpha-team'}"));
  }

  static Set<String> search(String rules, String combinator) {
    var r = api.post("/v1/entities/search", Api.parse("{'combinator':'" + combinator + "','rules':[" + rules + "]}"));
    assertEquals(200, r.status(), r.toString());
    Set<String> ids = new TreeSet<>();
    r.body().get("entities").forEach(e -> ids.add(e.get("identifier").asText()));
    return ids;
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
      "{'property':'$identifier','operator':'=','value':'alpha'}                         | alpha",
      "{'property':'$identifier','operator':'!=','value':'alpha'}                        | alpha-team beta gamma",
      "{'property':'$identifier','operator':'in','value':['alpha','gamma','nope']}       | alpha gamma",
      "{'property':'$identifier','operator':'notIn','value':['alpha','gamma']}           | alpha-team beta",
      "{'property':'$identifier','operator':'contains','value':'lph'}                    | alpha alpha-team",
      "{'property':'$identifier','operator':'beginsWith','value':'al'}                   | alpha alpha-team",
      "{'property':'$identifier','operator':'endsWith','value':'ta'}                     | beta",
      "{'property':'$blueprint','operator':'=','value':'team'}                           | alpha-team",
      "{'property':'$datasource','operator':'contains','value':'/other-int/'}            | alpha-team gamma",
      "{'property':'$datasource','operator':'beginsWith','value':'port-ocean/fake/'}     | alpha beta",
      "{'property':'$updatedAt','operator':'>','value':'2026-02-01T00:00:30Z'}           | alpha-team gamma",
      "{'property':'language','operator':'=','value':'go'}                               | beta",
      "{'property':'replicas','operator':'>=','value':3}                                 | beta gamma",
      "{'property':'tags','operator':'contains','value':'y'}                             | alpha",
      "{'property':'tags','operator':'isEmpty'}                                          | alpha-team beta gamma",
      "{'property':'url','operator':'isNotEmpty'}                                        | beta",
      "{'property':'$title','operator':'=','value':'Alpha'}                              | alpha"})
  void operators(String rule, String expected) {
    assertEquals(new TreeSet<>(Set.of(expected.split(" "))), search(rule, "and"));
  }

  @Test
  void combinators() {
    assertEquals(Set.of("alpha", "gamma"), search("{'property':'language','operator':'=','value':'java'},"
        + "{'property':'language','operator':'=','value':'python'}", "or"));
    assertEquals(Set.of("beta"), search("{'property':'$blueprint','operator':'=','value':'service'},"
        + "{'combinator':'or','rules':[{'property':'language','operator':'=','value':'go'},{'property':'$identifier','operator':'=','value':'zzz'}]}", "and"));
  }

  @Test
  void includeProjectsFields() {
    var r = api.post("/v1/entities/search?include=identifier&include=properties.language",
        Api.parse("{'combinator':'and','rules':[{'property':'$identifier','operator':'=','value':'alpha'}]}"));
    JsonNode e = r.body().at("/entities/0");
    assertEquals(Api.parse("{'identifier':'alpha','properties':{'language':'java'}}"), e);
    assertEquals("service", r.body().at("/matchingBlueprints/0").asText());
  }

  @Test
  void badQueriesAreRejectedClearly() {
    var r = api.post("/v1/entities/search", Api.parse("{'combinator':'and','rules':[{'property':'x','operator':'like','value':1}]}"));
    assertEquals(422, r.status());
    assertTrue(r.body().get("message").asText().contains("like"));
    var r2 = api.post("/v1/entities/search", Api.parse("{'combinator':'xor','rules':[]}"));
    assertEquals(422, r2.status());
  }
}
