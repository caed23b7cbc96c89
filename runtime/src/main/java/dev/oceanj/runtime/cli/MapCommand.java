package dev.oceanj.runtime.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.oceanj.core.jq.JqEngine;
import dev.oceanj.core.mapping.CompiledMapping;
import dev.oceanj.core.mapping.CompiledResource;
import dev.oceanj.core.mapping.ItemsToParseException;
import dev.oceanj.core.mapping.MapResult;
import dev.oceanj.core.mapping.MappingException;
import dev.oceanj.core.mapping.PortAppConfig;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.PrintStream;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code oceanj map}: maps raw items with a port-app-config exactly as a resync would ({@code itemsToParse},
 * selector, mappings, for every resource of the kind in mapping order) and prints, on stdout, one line per entity:
 * {@code {"blueprint":"<bp>","entity":<the body Port's bulk upsert receives>}}. On stderr: a summary per resource,
 * misconfigured fields (once each, with count and expression), items the selector filtered out, selector errors,
 * items dropped for an empty identifier or blueprint, and items {@code itemsToParse} could not expand.
 */
@Command(name = "map", mixinStandardHelpOptions = true, sortOptions = false,
    description = {"Maps raw items with a port-app-config as a resync would, without Port.",
        "stdout: one line per entity, {\"blueprint\":...,\"entity\":{...}} (the entity exactly as sent to Port);",
        "stderr: misconfigured fields, filtered-out, dropped and failed items."})
public final class MapCommand implements Callable<Integer> {

  private static final int SAMPLES = 3;
  private static final int SAMPLE_CHARS = 200;

  @Option(names = "--mapping", required = true, paramLabel = "FILE", description = "The port-app-config (YAML or JSON).")
  private Path mapping;

  @Option(names = "--kind", paramLabel = "KIND", description = "The kind of the items (required when the mapping has several).")
  private String kind;

  @Option(names = "--input", paramLabel = "FILE",
      description = "Raw items: a JSON array, JSON lines, or one object (default: stdin).")
  private Path input;

  @Option(names = "--no-env", description = "Stub jq's env and $ENV to {} (OCEAN__ALLOW_ENVIRONMENT_VARIABLES_JQ_ACCESS=false).")
  private boolean noEnv;

  private final CliIO io;

  public MapCommand(CliIO io) {
    this.io = io;
  }

  @Override
  public Integer call() throws IOException {
    PrintStream err = io.err();
    String text;
    try {
      text = Files.readString(mapping);
    } catch (IOException e) {
      err.println("oceanj map: cannot read mapping " + mapping + ": " + e);
      return 2;
    }
    CompiledMapping compiled;
    try {
      compiled = CompiledMapping.compile(PortAppConfig.parse(text, mapping.toString()), JqEngine.create(!noEnv));
    } catch (MappingException e) {
      err.println("oceanj map: " + e.getMessage());
      return 2;
    }
    if (kind == null) {
      if (compiled.kinds().size() != 1) {
        err.println("oceanj map: --kind is required: " + mapping + " maps " + describeKinds(compiled));
        return 2;
      }
      kind = compiled.kinds().iterator().next();
    }
    List<CompiledResource> resources = compiled.forKind(kind);
    if (resources.isEmpty()) {
      err.println("oceanj map: kind '" + kind + "' is not in " + mapping + ", which maps " + describeKinds(compiled));
      return 2;
    }
    List<JsonNode> items = new ArrayList<>();
    try (JsonValues values = JsonValues.open(input, io.in())) {
      JsonNode v;
      while ((v = values.next()) != null) {
        if (v.isArray()) {
          v.forEach(items::add);
        } else {
          items.add(v);
        }
      }
    } catch (JsonValues.BadInput e) {
      err.println("oceanj map: input is not valid JSON: " + e.getMessage());
      return 2;
    } catch (java.nio.file.NoSuchFileException e) {
      err.println("oceanj map: cannot read input " + input + ": no such file");
      return 2;
    }
    Writer out = new BufferedWriter(new OutputStreamWriter(io.out(), StandardCharsets.UTF_8), 1 << 16);
    List<Report> reports = new ArrayList<>();
    try {
      for (CompiledResource resource : resources) {
        reports.add(run(resource, items, out));
      }
    } finally {
      out.flush();
    }
    reports.forEach(r -> r.print(err));
    return 0;
  }

  private Report run(CompiledResource resource, List<JsonNode> items, Writer out) throws IOException {
    Report report = new Report(resource, items.size());
    List<JsonNode> expanded = new ArrayList<>();
    for (JsonNode raw : items) {
      expanded.clear();
      try {
        resource.expandItems(raw, expanded::add);
      } catch (ItemsToParseException e) {
        report.unexpanded.add(e.getMessage());
        continue;
      }
      for (JsonNode item : expanded) {
        report.mapped++;
        MapResult result = resource.map(item);
        if (result instanceof MapResult.Mapped) {
          MapResult.Mapped m = (MapResult.Mapped) result;
          report.misconfigured(m.misconfigured());
          out.write("{\"blueprint\":");
          out.write(JsonText.compact(JsonValues.JSON.getNodeFactory().textNode(m.blueprint())));
          out.write(",\"entity\":");
          out.write(JsonText.compact(m.entity()));
          out.write("}\n");
          report.entities++;
        } else if (result instanceof MapResult.FilteredOut) {
          report.filtered.add(sample(item));
        } else if (result instanceof MapResult.Dropped) {
          MapResult.Dropped d = (MapResult.Dropped) result;
          report.misconfigured(d.misconfigured());
          report.dropped.add(d.reason());
        } else if (result instanceof MapResult.SelectorError) {
          report.selectorErrors.add(((MapResult.SelectorError) result).message());
        }
      }
    }
    return report;
  }

  private static String sample(JsonNode item) {
    try {
      String s = JsonText.compact(item);
      return s.length() <= SAMPLE_CHARS ? s : s.substring(0, SAMPLE_CHARS) + "…";
    } catch (IOException e) {
      return String.valueOf(item);
    }
  }

  private static String describeKinds(CompiledMapping m) {
    return m.kinds().isEmpty() ? "no kind" : "kinds " + String.join(", ", m.kinds());
  }

  /** Counts and first samples of what one resource did with the items. */
  private static final class Report {
    final CompiledResource resource;
    final int items;
    int mapped;
    int entities;
    final Map<String, String> misconfiguredExpression = new LinkedHashMap<>();
    final Map<String, Integer> misconfiguredCount = new LinkedHashMap<>();
    final Samples filtered = new Samples();
    final Samples dropped = new Samples();
    final Samples selectorErrors = new Samples();
    final Samples unexpanded = new Samples();

    Report(CompiledResource resource, int items) {
      this.resource = resource;
      this.items = items;
    }

    void misconfigured(Map<String, String> fields) {
      fields.forEach((field, expression) -> {
        misconfiguredExpression.putIfAbsent(field, expression);
        misconfiguredCount.merge(field, 1, Integer::sum);
      });
    }

    void print(PrintStream err) {
      String where = "resources[" + resource.index() + "] (kind " + resource.kind() + ")";
      StringBuilder sb = new StringBuilder(where).append(": ").append(items).append(items == 1 ? " item" : " items");
      if (resource.config().itemsToParse().isPresent()) {
        sb.append(" (").append(mapped).append(" after itemsToParse)");
      }
      sb.append(" -> ").append(entities).append(entities == 1 ? " entity" : " entities");
      err.println(sb);
      misconfiguredCount.forEach((field, count) -> err.println("  misconfigured " + field + " = '"
          + misconfiguredExpression.get(field) + "': null or failed in " + count + (count == 1 ? " item" : " items")));
      filtered.print(err, "filtered out by the selector");
      selectorErrors.print(err, "selector errors");
      dropped.print(err, "dropped (identifier or blueprint empty)");
      unexpanded.print(err, "not expanded by itemsToParse");
    }
  }

  private static final class Samples {
    int count;
    final List<String> first = new ArrayList<>();

    void add(String s) {
      count++;
      if (first.size() < SAMPLES) {
        first.add(s);
      }
    }

    void print(PrintStream err, String what) {
      if (count == 0) {
        return;
      }
      err.println("  " + what + ": " + count + (count > first.size() ? " (first " + first.size() + " shown)" : ""));
      first.forEach(s -> err.println("    " + s));
    }
  }
}
