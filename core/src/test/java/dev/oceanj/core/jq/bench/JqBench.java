package dev.oceanj.core.jq.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.oceanj.core.jq.JqEngine;
import dev.oceanj.core.jq.JqProgram;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * Throughput of raw jq programs on the engine, one output per call, over 1024 distinct entity-like objects.
 * See core/BENCHMARKS.md for how to run it.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class JqBench {

  /** Programs typical of Ocean mappings, by name. */
  static final Map<String, String> PROGRAMS = Map.ofEntries(
      Map.entry("fieldCopy", "{id, name, email, age, active, created}"),
      Map.entry("mapping10", "{id, name, email: (.email|ascii_downcase), age, active, score: (.score*100|floor), "
          + "tags: (.tags|join(\",\")), city: .address.city, country: .address.country, created}"),
      Map.entry("asciiDowncase", ".email | ascii_downcase"),
      Map.entry("interpolation", "\"\\(.name)-\\(.score)\""),
      Map.entry("epochMillisToDate", ".createdMs / 1000 | todate"),
      Map.entry("isoToEpoch", ".created | fromdateiso8601"),
      Map.entry("regexTest", ".email | test(\"@example\\\\.com$\")"),
      Map.entry("gsub", ".name | gsub(\" \"; \"-\")"),
      Map.entry("selectMapJoin", ".tags | map(select(. != \"b\")) | join(\",\")"),
      Map.entry("toEntries", ".address | to_entries | map(\"\\(.key)=\\(.value)\") | join(\"&\")"));

  @Param({"fieldCopy", "mapping10", "asciiDowncase", "interpolation", "epochMillisToDate", "isoToEpoch",
      "regexTest", "gsub", "selectMapJoin", "toEntries"})
  public String program;

  private final JqEngine engine = JqEngine.create(false);
  private JqProgram compiled;
  private JsonNode[] inputs;
  private int next;

  @Setup
  public void setup() {
    compiled = engine.compile(PROGRAMS.get(program));
    inputs = new JsonNode[1024];
    JsonNodeFactory f = JsonNodeFactory.instance;
    for (int i = 0; i < inputs.length; i++) {
      ObjectNode o = f.objectNode();
      o.put("id", "user-" + i);
      o.put("name", "User Number " + i);
      o.put("email", "User" + i + "@Example.com");
      o.put("age", 20 + i % 50);
      o.put("active", i % 3 == 0);
      o.put("score", i / 1024.0);
      ArrayNode tags = o.putArray("tags");
      tags.add("a").add("b").add("t" + (i % 7));
      ObjectNode address = o.putObject("address");
      address.put("city", "City" + (i % 13));
      address.put("country", "C" + (i % 5));
      o.put("created", String.format("2024-05-%02dT08:%02d:44Z", 1 + i % 28, i % 60));
      o.put("createdMs", 1716194324123L + i * 1000L);
      inputs[i] = o;
    }
  }

  @Benchmark
  public JsonNode evaluate() {
    JsonNode in = inputs[next++ & 1023];
    return compiled.first(in);
  }

  @Benchmark
  public JqProgram compileMapping10() {
    return engine.compile(PROGRAMS.get("mapping10"));
  }
}
