package dev.oceanj.core.mapping;

import dev.oceanj.core.jq.JqEngine;
import dev.oceanj.core.jq.JqFieldReads;
import dev.oceanj.core.jq.JqException;
import dev.oceanj.core.jq.JqProgram;
import dev.oceanj.core.mapping.MappingException.Problem;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * A {@link PortAppConfig} with every jq expression compiled: the selector, {@code itemsToParse} and every leaf
 * of the entity mappings. Compiling is all-or-nothing: a mapping with any broken expression is rejected with
 * every problem listed. Immutable and thread-safe.
 */
public final class CompiledMapping {

  private final PortAppConfig config;
  private final List<CompiledResource> resources;
  private final Map<String, List<CompiledResource>> byKind;

  private CompiledMapping(PortAppConfig config, List<CompiledResource> resources) {
    this.config = config;
    this.resources = List.copyOf(resources);
    Map<String, List<CompiledResource>> kinds = new LinkedHashMap<>();
    for (CompiledResource r : resources) {
      kinds.computeIfAbsent(r.kind(), k -> new ArrayList<>()).add(r);
    }
    kinds.replaceAll((k, v) -> List.copyOf(v));
    this.byKind = kinds;
  }

  /**
   * Compiles every expression of {@code config} with {@code jq} (whose env access setting applies).
   *
   * @throws MappingException naming resource index, kind, field path, expression and the parser's message of
   *     every expression that does not compile
   */
  public static CompiledMapping compile(PortAppConfig config, JqEngine jq) {
    List<Problem> problems = new ArrayList<>();
    List<CompiledResource> compiled = new ArrayList<>();
    for (ResourceConfig r : config.resources()) {
      CompiledResource c = new ResourceCompiler(r, jq, problems).compile();
      if (c != null) {
        compiled.add(c);
      }
    }
    if (!problems.isEmpty()) {
      throw new MappingException(config.source(), problems);
    }
    return new CompiledMapping(config, compiled);
  }

  /** The mapping as parsed. */
  public PortAppConfig config() {
    return config;
  }

  /** Every resource, in document order. */
  public List<CompiledResource> resources() {
    return resources;
  }

  /** The resources of {@code kind}, in document order; empty when the mapping has none. */
  public List<CompiledResource> forKind(String kind) {
    return byKind.getOrDefault(kind, List.of());
  }

  /** The distinct kinds, in document order. */
  public Set<String> kinds() {
    return byKind.keySet();
  }

  /** Compiles one resource, adding a problem for each expression that fails. */
  private static final class ResourceCompiler {
    private final ResourceConfig r;
    private final JqEngine jq;
    private final List<Problem> problems;
    private final int before;
    /** Every expression of the resource, for the fields its raw objects must keep. */
    private final List<Leaf> leaves = new ArrayList<>();

    ResourceCompiler(ResourceConfig r, JqEngine jq, List<Problem> problems) {
      this.r = r;
      this.jq = jq;
      this.problems = problems;
      this.before = problems.size();
    }

    CompiledResource compile() {
      Leaf selector = leaf(r.selectorQuery(), "selector.query");
      Leaf items = r.itemsToParse().map(e -> leaf(e, "port.itemsToParse")).orElse(null);
      String[] sourcePath = null;
      JqProgram strip = null;
      if (items != null && r.itemsToParseTopLevelTransform()) {
        String path = ItemsToParsePath.extract(r.itemsToParse().get());
        if (path != null) {
          String del = ". | del(" + path + ")";
          try {
            strip = jq.compile(del);
          } catch (JqException e) {
            problems.add(new Problem(r.index(), r.kind(), "port.itemsToParseTopLevelTransform", del,
                "the source array to remove, " + path + ", was derived from itemsToParse but cannot be deleted ("
                    + e.getMessage() + "); set itemsToParseTopLevelTransform: false"));
          }
          List<String> names = fieldNames(path);
          sourcePath = names == null ? null : names.toArray(new String[0]);
        }
      }
      EntityMappingConfig m = r.mappings();
      String p = "port.entity.mappings.";
      List<String> names = new ArrayList<>();
      List<Template> templates = new ArrayList<>();
      names.add("identifier");
      templates.add(template(m.identifier(), "identifier", p + "identifier"));
      m.title().ifPresent(t -> { names.add("title"); templates.add(template(new MappingValue.Expr(t), "title", p + "title")); });
      m.icon().ifPresent(t -> { names.add("icon"); templates.add(template(new MappingValue.Expr(t), "icon", p + "icon")); });
      m.team().ifPresent(t -> { names.add("team"); templates.add(template(t, "team", p + "team")); });
      if (!m.properties().isEmpty()) {
        names.add("properties");
        templates.add(template(new MappingValue.Obj(m.properties()), "properties", p + "properties"));
      }
      if (!m.relations().isEmpty()) {
        names.add("relations");
        templates.add(template(new MappingValue.Obj(m.relations()), "relations", p + "relations"));
      }
      Leaf blueprint = leaf(m.blueprint(), p + "blueprint");
      if (problems.size() > before) {
        return null;
      }
      return new CompiledResource(r, selector, items, sourcePath, strip, blueprint, names.toArray(new String[0]),
          templates.toArray(new Template[0]), rawReads());
    }

    /**
     * {@code misPath} is Ocean's misconfiguration key (e.g. {@code properties.url}, list elements without index);
     * {@code problemPath} names the field in compile errors, list elements with their index.
     */
    private Template template(MappingValue v, String misPath, String problemPath) {
      if (v instanceof MappingValue.Expr) {
        Leaf leaf = leaf(((MappingValue.Expr) v).expression(), problemPath);
        return leaf == null ? null : new Template.LeafTemplate(misPath, leaf);
      }
      if (v instanceof MappingValue.Obj) {
        Map<String, MappingValue> fields = ((MappingValue.Obj) v).fields();
        String[] keys = new String[fields.size()];
        Template[] values = new Template[fields.size()];
        int i = 0;
        for (Map.Entry<String, MappingValue> e : fields.entrySet()) {
          keys[i] = e.getKey();
          values[i] = template(e.getValue(), misPath + "." + e.getKey(), problemPath + "." + e.getKey());
          i++;
        }
        return new Template.ObjectTemplate(keys, values);
      }
      List<MappingValue> elements = ((MappingValue.Arr) v).elements();
      Template[] values = new Template[elements.size()];
      for (int i = 0; i < values.length; i++) {
        values[i] = template(elements.get(i), misPath, problemPath + "[" + i + "]");
      }
      return new Template.ArrayTemplate(values);
    }

    /** The union of what every expression reads, or null when one may read the whole raw object. */
    private JqFieldReads.Reads rawReads() {
      JqFieldReads.Reads all = new JqFieldReads.Reads(Set.of(), Set.of());
      for (Leaf l : leaves) {
        Optional<JqFieldReads.Reads> reads = JqFieldReads.of(JqEngine.oceanRewrite(l.expression()));
        if (reads.isEmpty()) {
          return null;
        }
        all = all.and(reads.get());
      }
      return all;
    }

    private Leaf leaf(String expression, String fieldPath) {
      try {
        Leaf l = Leaf.compile(expression, jq);
        leaves.add(l);
        return l;
      } catch (JqException e) {
        problems.add(new Problem(r.index(), r.kind(), fieldPath, expression, e.getMessage()));
        return null;
      }
    }

    private static List<String> fieldNames(String path) {
      if (!path.matches("(\\.[A-Za-z_][A-Za-z0-9_]*)+")) {
        return null;
      }
      return List.of(path.substring(1).split("\\."));
    }
  }

  @Override
  public String toString() {
    return "CompiledMapping" + byKind.keySet();
  }

  /** Convenience for tests and the CLI: parse and compile. */
  static CompiledMapping of(String yamlOrJson, String source, JqEngine jq) {
    return compile(PortAppConfig.parse(yamlOrJson, source), jq);
  }
}
