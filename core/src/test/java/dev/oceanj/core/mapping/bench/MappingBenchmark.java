package dev.oceanj.core.mapping.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.oceanj.core.jq.JqEngine;
import dev.oceanj.core.mapping.CompiledMapping;
import dev.oceanj.core.mapping.CompiledResource;
import dev.oceanj.core.mapping.MapResult;
import dev.oceanj.core.mapping.PortAppConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * The mapping stage of a resync: selector + every mapping expression of one resource over distinct generated
 * items, building each entity's JSON body. One operation = one item mapped, so the score is entities/s per
 * thread. See core/BENCHMARKS.md for how to run it.
 *
 * <ul>
 *   <li>{@code fakePerson}: the {@code fake-person} resource of the fake integration's default mapping (the same
 *       expressions as Port Ocean's fake integration) over persons shaped like Ocean's fake persons.
 *   <li>{@code fakePersonToBytes}: the same, plus serialising each entity to the bytes of the upsert body.
 *   <li>{@code heavy}: a mapping that uses regex ({@code test}, {@code capture}, {@code sub}, {@code gsub}),
 *       dates ({@code fromdateiso8601}, {@code todateiso8601}), string functions ({@code split}, {@code join},
 *       {@code ascii_downcase}, slices) and interpolation: every field goes through jq.
 * </ul>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class MappingBenchmark {

  /** Items per invocation: distinct objects, so that the benchmark does not map one cached item. */
  public static final int BATCH = 1024;

  /** The heavy mapping: every field needs jq (no native fast path). */
  public static final String HEAVY_MAPPING = """
      resources:
        - kind: person
          selector:
            query: '.status != "DELETED" and (.email | test("@"))'
          port:
            entity:
              mappings:
                identifier: .id | ascii_downcase
                title: '"\\(.name) <\\(.email)>"'
                blueprint: '"person"'
                properties:
                  domain: '.email | capture("@(?<d>.+)$").d'
                  isExample: '.email | test("@example\\\\.(com|org)$")'
                  slug: '.name | ascii_downcase | gsub("[^a-z0-9]+"; "-")'
                  initials: '.name | split(" ") | map(.[0:1]) | join("")'
                  createdEpoch: .createdAt | fromdateiso8601
                  createdDay: '.createdAt | fromdateiso8601 | todateiso8601 | split("T")[0]'
                  ageBand: 'if .age < 30 then "junior" elif .age < 50 then "mid" else "senior" end'
                  department: .department.name | ascii_upcase
                  bioWords: '.bio | split(" ") | length'
                  status: '.status | sub("_"; " ")'
                relations:
                  department: '.department.id | tostring'
      """;

  private static final String[] FIRST = {"Ann", "Bob", "Carla", "Dmitri", "Eve", "Farid", "Gita", "Hugo"};
  private static final String[] LAST = {"Smith", "Nguyen", "Okafor", "Muller", "Rossi", "Tanaka", "Silva"};
  private static final String[] STATUS = {"WORKING", "NOPE", "ON_LEAVE", "DELETED"};
  private static final String[] DEPARTMENTS = {"hr", "marketing", "finance", "rnd", "support"};

  private List<JsonNode> persons;
  private CompiledResource fakePerson;
  private CompiledResource heavy;
  private ObjectWriter writer;

  @Setup
  public void setUp() throws IOException {
    persons = persons(BATCH, 42);
    fakePerson = fakePersonResource();
    heavy = CompiledMapping.compile(PortAppConfig.parse(HEAVY_MAPPING, "MappingBenchmark.HEAVY_MAPPING"),
        JqEngine.create(false)).forKind("person").get(0);
    writer = new ObjectMapper().writer();
  }

  /** The fake integration's {@code fake-person} resource, compiled. */
  public static CompiledResource fakePersonResource() throws IOException {
    Path file = repoFile("integrations/fake/.port/resources/port-app-config.yml");
    return CompiledMapping.compile(PortAppConfig.parse(Files.readString(file), file.toString()), JqEngine.create(false))
        .forKind("fake-person").get(0);
  }

  /** Persons shaped like Ocean's fake persons ({@code fake_org_data}): id, name, email, status, age, department, bio. */
  public static List<JsonNode> persons(int n, long seed) {
    Random rnd = new Random(seed);
    JsonNodeFactory f = JsonNodeFactory.instance;
    List<JsonNode> out = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      String first = FIRST[rnd.nextInt(FIRST.length)];
      String last = LAST[rnd.nextInt(LAST.length)];
      String dept = DEPARTMENTS[rnd.nextInt(DEPARTMENTS.length)];
      ObjectNode p = f.objectNode();
      p.put("id", "person-" + i + "-" + Integer.toHexString(rnd.nextInt()));
      p.put("name", first + " " + last);
      p.put("email", first.toLowerCase() + "." + last.toLowerCase() + i + (rnd.nextBoolean() ? "@example.com" : "@corp.io"));
      p.put("status", STATUS[rnd.nextInt(STATUS.length - 1)]);
      p.put("age", 20 + rnd.nextInt(45));
      ObjectNode d = p.putObject("department");
      d.put("id", dept);
      d.put("name", dept.toUpperCase().charAt(0) + dept.substring(1));
      p.put("bio", "Works on " + dept + " things and likes " + FIRST[rnd.nextInt(FIRST.length)] + "'s coffee, "
          + "tea and long walks across the campus after lunch, number " + rnd.nextInt(1000));
      p.put("createdAt", Instant.ofEpochSecond(1_600_000_000L + rnd.nextInt(100_000_000)).toString());
      out.add(p);
    }
    return out;
  }

  static Path repoFile(String relative) {
    Path dir = Path.of(System.getProperty("oceanj.repo.dir", "")).toAbsolutePath();
    while (dir != null) {
      if (Files.isRegularFile(dir.resolve(relative))) {
        return dir.resolve(relative);
      }
      dir = dir.getParent();
    }
    throw new UncheckedIOException(new IOException(relative + " not found above the working directory; run from the "
        + "repository or pass -Doceanj.repo.dir=<checkout>"));
  }

  @Benchmark
  @OperationsPerInvocation(BATCH)
  public void fakePerson(Blackhole bh) {
    for (JsonNode p : persons) {
      bh.consume(fakePerson.map(p));
    }
  }

  @Benchmark
  @OperationsPerInvocation(BATCH)
  public void fakePersonToBytes(Blackhole bh) throws IOException {
    for (JsonNode p : persons) {
      MapResult r = fakePerson.map(p);
      bh.consume(writer.writeValueAsBytes(((MapResult.Mapped) r).entity()));
    }
  }

  @Benchmark
  @OperationsPerInvocation(BATCH)
  public void heavy(Blackhole bh) {
    for (JsonNode p : persons) {
      bh.consume(heavy.map(p));
    }
  }
}
