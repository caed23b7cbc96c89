package dev.oceanj.integrations.fake;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.oceanj.spi.InvalidSettingsException;
import dev.oceanj.spi.host.Integrations;
import dev.oceanj.spi.testing.ResyncHarness;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class FakeIntegrationTest {

  private static final Pattern EMAIL = Pattern.compile("[a-z0-9.-]+@[a-z0-9-]+\\.[a-z]+");

  private static List<JsonNode> collect(String settings, String kind) {
    return ResyncHarness.collect(new FakeIntegration(), settings, kind);
  }

  private static Map<String, Long> countAll(String settings) {
    Map<String, Long> counts = new LinkedHashMap<>();
    try (var harness = ResyncHarness.start(new FakeIntegration(), settings)) {
      for (String kind : harness.defined().resyncSources().keySet()) {
        counts.put(kind, harness.count(kind));
      }
    }
    return counts;
  }

  @Test
  void isFoundByItsType() {
    assertInstanceOf(FakeIntegration.class, Integrations.load("fake"));
    assertTrue(Integrations.availableTypes().contains("fake"));
  }

  @Test
  void defaultSettingsGiveOceansDefaultOrganisation() {
    assertEquals(Map.of("fake-department", 5L, "fake-person", 100L, "fake-office", 8L, "fake-team", 12L,
        "fake-project", 40L), countAll("{}"));
  }

  @Test
  void fourThousandPersonsPerDepartmentAddUpToOceansMeasuredRun() {
    Map<String, Long> counts = countAll("{\"entityAmount\": 4000}");
    assertEquals(20_000L, counts.get("fake-person"));
    assertEquals(20_065L, counts.values().stream().mapToLong(Long::longValue).sum());
  }

  @Test
  void personsHaveTheShapeTheMappingReads() {
    List<JsonNode> persons = collect("{\"entityAmount\": 50, \"entityKbSize\": 2}", "fake-person");
    Set<String> departments = collect("{}", "fake-department").stream().map(d -> d.get("id").asText())
        .collect(Collectors.toSet());
    assertEquals(Set.of("hr", "marketing", "finance", "support", "morpazia"), departments);
    assertEquals(250, persons.size());
    for (JsonNode person : persons) {
      assertFalse(person.get("id").asText().isBlank());
      assertFalse(person.get("name").asText().isBlank());
      assertTrue(EMAIL.matcher(person.get("email").asText()).matches(), person.get("email").asText());
      assertTrue(Set.of("WORKING", "NOPE").contains(person.get("status").asText()));
      int age = person.get("age").asInt();
      assertTrue(person.get("age").isInt() && age >= 20 && age <= 100, "age " + age);
      assertTrue(departments.contains(person.at("/department/id").asText()));
      assertEquals(person.at("/department/id").asText(), person.at("/department/name").asText());
      assertEquals(2 * 1024, person.get("bio").asText().length());
    }
    assertEquals(250, persons.stream().map(p -> p.get("id").asText()).distinct().count(), "ids are unique");
    assertTrue(persons.stream().map(p -> p.get("status").asText()).distinct().count() == 2, "both statuses occur");
  }

  @Test
  void otherKindsHaveTheShapeTheMappingReads() {
    for (JsonNode office : collect("{}", "fake-office")) {
      assertFalse(office.at("/address/city").asText().isBlank());
      assertFalse(office.at("/address/country").asText().isBlank());
      assertTrue(office.at("/address/geo/lat").isNumber() && office.at("/address/geo/lng").isNumber());
      assertFalse(office.at("/address/lines/0").asText().isBlank());
    }
    for (JsonNode team : collect("{}", "fake-team")) {
      assertTrue(EMAIL.matcher(team.at("/lead/email").asText()).matches());
      assertFalse(team.at("/lead/name").asText().isBlank());
      assertFalse(team.at("/department/name").asText().isBlank());
    }
    Set<String> personIds = collect("{}", "fake-person").stream().map(p -> p.get("id").asText())
        .collect(Collectors.toSet());
    List<JsonNode> projects = collect("{}", "fake-project");
    for (JsonNode project : projects) {
      assertTrue(personIds.contains(project.at("/owner/id").asText()), "owner is a real person: " + project);
      assertEquals(project.at("/owner/id").asText().replaceAll("-\\d+$", ""),
          project.at("/owner/department/id").asText());
      assertFalse(project.get("name").asText().isBlank());
    }
    assertEquals(40, projects.stream().map(p -> p.get("id").asText()).distinct().count());
  }

  @Test
  void sameSettingsGiveTheSameDataAndAnotherSeedDoesNot() {
    String settings = "{\"entityAmount\": 30, \"thirdPartyBatchSize\": 40}";
    for (String kind : FakeIntegration.KINDS) {
      assertEquals(collect(settings, kind), collect(settings, kind), kind);
    }
    List<JsonNode> other = collect("{\"entityAmount\": 30, \"seed\": 2}", "fake-person");
    List<JsonNode> first = collect(settings, "fake-person");
    assertEquals(ids(first), ids(other), "ids do not depend on the seed");
    assertNotEquals(first, other);
  }

  @Test
  void batchSizeChangesThePagesButNotTheData() {
    List<JsonNode> reference = collect("{\"entityAmount\": 10, \"thirdPartyBatchSize\": 1000}", "fake-person");
    for (int batch : new int[] {1, 7, 1000}) {
      List<Integer> sizes = new ArrayList<>();
      List<JsonNode> items = new ArrayList<>();
      try (var harness = ResyncHarness.start(new FakeIntegration(),
          "{\"entityAmount\": 10, \"thirdPartyBatchSize\": " + batch + "}")) {
        harness.forEachBatch("fake-person", page -> {
          sizes.add(page.size());
          items.addAll(page);
        });
        assertEquals(reference, items, "batch " + batch);
        assertTrue(sizes.stream().allMatch(size -> size <= batch), "batch " + batch + ": " + sizes);
        List<Integer> offices = new ArrayList<>();
        harness.forEachBatch("fake-office", page -> offices.add(page.size()));
        assertEquals(batch == 7 ? List.of(7, 1) : batch == 1 ? List.of(1, 1, 1, 1, 1, 1, 1, 1) : List.of(8),
            offices);
      }
      int pagesPerDepartment = (10 + batch - 1) / batch;
      assertEquals(5 * pagesPerDepartment, sizes.size(), "batch " + batch + ": " + sizes);
    }
  }

  @Test
  void singleDepartmentRunKeepsTheFirstDepartmentOnly() {
    String settings = "{\"entityAmount\": 12, \"singleDepartmentRun\": true}";
    assertEquals(List.of("hr"), collect(settings, "fake-department").stream().map(d -> d.get("id").asText()).toList());
    List<JsonNode> persons = collect(settings, "fake-person");
    assertEquals(12, persons.size());
    assertTrue(persons.stream().allMatch(p -> p.at("/department/id").asText().equals("hr")));
    assertTrue(collect(settings, "fake-team").stream().allMatch(t -> t.at("/department/id").asText().equals("hr")));
    assertEquals(3, collect(settings, "fake-team").size());
    assertTrue(collect(settings, "fake-project").stream()
        .allMatch(p -> p.at("/owner/department/id").asText().equals("hr")));
  }

  @Test
  void removedPersonsDropsTheLastOfEveryDepartment() {
    List<String> before = ids(collect("{\"entityAmount\": 10}", "fake-person"));
    List<String> after = ids(collect("{\"entityAmount\": 10, \"removedPersons\": 3}", "fake-person"));
    assertEquals(35, after.size());
    assertTrue(before.containsAll(after));
    assertFalse(after.contains("hr-7"));
    assertTrue(after.contains("hr-6"));
  }

  @Test
  void anotherPersonsVersionChangesContentButKeepsIdentity() {
    List<JsonNode> v0 = collect("{\"entityAmount\": 10}", "fake-person");
    List<JsonNode> v1 = collect("{\"entityAmount\": 10, \"personsVersion\": 1}", "fake-person");
    assertEquals(ids(v0), ids(v1));
    int changed = 0;
    for (int i = 0; i < v0.size(); i++) {
      assertEquals(v0.get(i).get("name"), v1.get(i).get("name"));
      assertEquals(v0.get(i).get("email"), v1.get(i).get("email"));
      assertNotEquals(v0.get(i).get("bio"), v1.get(i).get("bio"));
      if (!v0.get(i).equals(v1.get(i))) {
        changed++;
      }
    }
    assertEquals(50, changed);
  }

  @Test
  void failKindAfterFailsThePagedKindExactlyThere() {
    var e = assertThrows(ResyncHarness.KindFailedException.class, () -> collect(
        "{\"entityAmount\": 20, \"thirdPartyBatchSize\": 7, \"failKindAfter\": {\"kind\": \"fake-person\","
            + " \"items\": 45}}", "fake-person"));
    assertEquals(45, e.itemsBefore());
    assertTrue(e.getCause().getMessage().contains("HTTP 500"), e.getCause().getMessage());
    assertTrue(e.getCause().getMessage().contains("failKindAfter"), e.getCause().getMessage());

    var atBoundary = assertThrows(ResyncHarness.KindFailedException.class, () -> collect(
        "{\"entityAmount\": 20, \"failKindAfter\": {\"kind\": \"fake-person\", \"items\": 40}}", "fake-person"));
    assertEquals(40, atBoundary.itemsBefore());
  }

  @Test
  void failKindAfterLeavesOtherKindsAndLargerCountsAlone() {
    String settings = "{\"failKindAfter\": {\"kind\": \"fake-team\", \"items\": 0}}";
    assertEquals(100, collect(settings, "fake-person").size());
    var e = assertThrows(ResyncHarness.KindFailedException.class, () -> collect(settings, "fake-team"));
    assertEquals(0, e.itemsBefore());
    assertEquals(40, collect("{\"failKindAfter\": {\"kind\": \"fake-project\", \"items\": 40}}", "fake-project")
        .size());
  }

  @Test
  void failKindAfterFailsTheSingleFetchDepartmentsOutright() {
    var e = assertThrows(ResyncHarness.KindFailedException.class, () -> collect(
        "{\"failKindAfter\": {\"kind\": \"fake-department\", \"items\": 3}}", "fake-department"));
    assertEquals(0, e.itemsBefore());
    assertEquals(5, collect("{\"failKindAfter\": {\"kind\": \"fake-department\", \"items\": 5}}",
        "fake-department").size());
  }

  @Test
  void latencyHoldsBackEveryAnswer() {
    // The API sleeps 5 s before answering, so a 200 ms bound on the fetch must expire whatever the load.
    try (var harness = ResyncHarness.start(new FakeIntegration(), "{\"thirdPartyLatencyMS\": 5000}",
        java.time.Duration.ofMillis(200))) {
      var e = assertThrows(ResyncHarness.KindFailedException.class, () -> harness.count("fake-office"));
      assertTrue(e.getMessage().contains("did not complete within"), e.getMessage());
    }
  }

  @Test
  void hangKindNeverAnswersThatKindAndLeavesTheOthersAlone() {
    try (var harness = ResyncHarness.start(new FakeIntegration(), "{\"hangKind\": \"fake-person\"}",
        java.time.Duration.ofSeconds(3))) {
      var e = assertThrows(ResyncHarness.KindFailedException.class, () -> harness.count("fake-person"));
      assertTrue(e.getMessage().contains("did not complete within"), e.getMessage());
      assertEquals(0, e.itemsBefore());
      assertEquals(8, harness.count("fake-office"));
    }
  }

  @Test
  void failOnStartMakesTheStartHookThrow() {
    var e = assertThrows(IllegalStateException.class,
        () -> ResyncHarness.start(new FakeIntegration(), "{\"failOnStart\": true}").close());
    assertTrue(e.getMessage().contains("failOnStart: the fake 3rd-party API refuses to start"), e.getMessage());
    var kind = assertThrows(InvalidSettingsException.class, () -> collect("{\"hangKind\": \"fake-robot\"}",
        "fake-person"));
    assertTrue(kind.getMessage().contains("hangKind must be one of"), kind.getMessage());
  }

  @Test
  void aForeignCursorFailsTheStage() {
    try (var harness = ResyncHarness.start(new FakeIntegration(), "{}")) {
      for (String kind : List.of(FakeIntegration.PERSON, FakeIntegration.TEAM)) {
        var paged = (dev.oceanj.spi.ResyncSource.Paged<?>) harness.defined().resyncSource(kind).orElseThrow();
        for (String cursor : List.of("legal:0", "hr:x", "x")) {
          var stage = paged.fetchPage().apply(java.util.Optional.of(cursor)).toCompletableFuture();
          var e = assertThrows(java.util.concurrent.ExecutionException.class, stage::get);
          assertTrue(e.getCause().getMessage().contains("cursor"), e.getCause().getMessage());
        }
      }
    }
  }

  @Test
  void oceansSnakeCaseSettingsWork() {
    assertEquals(15, collect("{\"entity_amount\": 3, \"third_party_batch_size\": 2, \"third_party_latency_ms\": 1}",
        "fake-person").size());
  }

  @Test
  void badSettingsNameTheSetting() {
    var e = assertThrows(InvalidSettingsException.class, () -> collect("{\"entityKbSize\": 0}", "fake-person"));
    assertTrue(e.getMessage().contains("entityKbSize must be between 1 and 1024"), e.getMessage());
    var kind = assertThrows(InvalidSettingsException.class, () -> collect(
        "{\"failKindAfter\": {\"kind\": \"fake-robot\", \"items\": 1}}", "fake-person"));
    assertEquals("failKindAfter", kind.field());
    assertTrue(kind.getMessage().contains("failKindAfter.kind must be one of"), kind.getMessage());
    var type = assertThrows(InvalidSettingsException.class, () -> collect("{\"entityAmount\": \"many\"}",
        "fake-person"));
    assertEquals("entityAmount", type.field());
  }

  @Test
  void stoppingTheIntegrationStopsItsFakeApi() {
    var harness = ResyncHarness.start(new FakeIntegration(), "{}");
    assertEquals(5, harness.count("fake-department"));
    harness.close();
    var e = assertThrows(ResyncHarness.KindFailedException.class, () -> harness.count("fake-department"));
    assertTrue(e.getMessage().contains("not running"), e.getMessage());
  }

  private static List<String> ids(List<JsonNode> items) {
    List<String> ids = items.stream().map(p -> p.get("id").asText()).toList();
    assertEquals(new HashSet<>(ids).size(), ids.size(), "ids are unique");
    return ids;
  }
}
