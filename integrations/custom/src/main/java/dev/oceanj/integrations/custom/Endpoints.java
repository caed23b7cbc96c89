package dev.oceanj.integrations.custom;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.BooleanNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.oceanj.integrations.custom.EndpointSelector.PathParameter;
import dev.oceanj.spi.InvalidSettingsException;
import dev.oceanj.spi.Jq;
import dev.oceanj.spi.Resource;
import dev.oceanj.spi.Resync;
import dev.oceanj.spi.ResyncSource;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Turns a mapping resource into the pages of its endpoint: path parameters resolved (every placeholder, chained
 * or crossed), endpoints fetched concurrently up to {@code maxConcurrentRequests}, a request shared by several
 * resources of the mapping fetched once per resync.
 */
final class Endpoints {

  private static final System.Logger LOG = System.getLogger(Endpoints.class.getName());
  private static final Pattern PLACEHOLDER = Pattern.compile("\\{(\\w+)}");
  private static final List<String> PATH_PARAMETER_KEYS = List.of("endpoint", "method", "query_params", "headers",
      "data_path", "field", "filter");
  private static final ObjectMapper SELECTORS = JsonMapper.builder()
      .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
      .build();

  private final CustomSettings settings;
  private final ApiClient api;
  private final Jq jq;
  private final Paging paging;

  Endpoints(CustomSettings settings, ApiClient api, Jq jq) {
    this.settings = settings;
    this.api = api;
    this.jq = jq;
    this.paging = new Paging(settings);
  }

  /** One endpoint to fetch: its request and the path-parameter values it was resolved with. */
  private record Endpoint(ApiClient.Call call, Map<String, String> binding) {}

  ResyncSource<JsonNode> source(Resource<EndpointSelector> resource) {
    EndpointSelector selector = resource.selector();
    String where = "resources[" + resource.index() + "].selector";
    List<String> names = placeholders(resource.kind());
    check(resource.kind(), selector, where);
    DataPath items = new DataPath(selector.dataPath(), false, jq);
    Resync resync = resource.resync();
    AtomicReference<FanOut<Endpoint>> run = new AtomicReference<>();
    return ResyncSource.paged(token -> {
      if (token.isEmpty()) {
        CompletionStage<List<Endpoint>> endpoints = bindings(names, selector, resync, where).thenApply(all -> {
          List<Endpoint> list = new ArrayList<>();
          for (Map<String, String> b : all) {
            list.add(new Endpoint(new ApiClient.Call(selector.method(), substitute(resource.kind(), b),
                selector.queryParams(), selector.headers(), selector.body()), b));
          }
          if (!names.isEmpty() && list.isEmpty()) {
            LOG.log(System.Logger.Level.WARNING, "kind " + resource.kind() + ": its path parameters have no values");
          }
          return list;
        });
        run.set(new FanOut<>(endpoints, settings.maxConcurrentRequests(), paging.first(),
            (e, position) -> page(e, position, items, names.isEmpty() && shared(resync).contains(key(e.call(), items)),
                resync)));
      }
      return run.get().next();
    });
  }

  /** Fails fast, before any request, on what Ocean would only log: a placeholder without its parameter, bad jq. */
  void check(String kind, EndpointSelector selector, String where) {
    if (kind.isBlank()) {
      throw new IllegalArgumentException("a resource's kind must be an endpoint path, e.g. /api/v1/users");
    }
    for (String name : placeholders(kind)) {
      if (!selector.pathParameters().containsKey(name)) {
        throw new InvalidSettingsException("path_parameters." + name, where + ".path_parameters." + name
            + " is missing: kind " + kind + " has the placeholder {" + name + "}", null);
      }
    }
    compile(selector.dataPath(), where + ".data_path");
    selector.pathParameters().forEach((name, p) -> {
      String at = where + ".path_parameters." + name;
      compile(p.dataPath(), at + ".data_path");
      compile(p.field(), at + ".field");
      compile(p.filter(), at + ".filter");
    });
  }

  /** Checks every resource of {@code resync} (the resync start hook), naming the first bad field. */
  void check(Resync resync) {
    for (Resync.MappedResource r : resync.resources()) {
      String where = "resources[" + r.index() + "].selector";
      r.selector().path("path_parameters").fields().forEachRemaining(p -> p.getValue().fieldNames()
          .forEachRemaining(key -> {
            if (!PATH_PARAMETER_KEYS.contains(key)) {
              throw new InvalidSettingsException("path_parameters." + p.getKey() + "." + key, where
                  + ".path_parameters." + p.getKey() + "." + key + " is not a path parameter field; allowed: "
                  + PATH_PARAMETER_KEYS, null);
            }
          }));
      check(r.kind(), bind(r), where);
    }
  }

  private void compile(String expression, String where) {
    if (expression == null) {
      return;
    }
    try {
      jq.compile(expression);
    } catch (IllegalArgumentException e) {
      throw new InvalidSettingsException(where, where + ": " + e.getMessage(), e);
    }
  }

  private CompletionStage<FanOut.Step> page(Endpoint e, Paging.Position position, DataPath items, boolean shared,
      Resync resync) {
    if (shared) {
      return documents(e.call(), items, resync).thenApply(docs -> {
        List<JsonNode> list = items.fromDocument(docs.get(position.pages() - 1)).items();
        Optional<Paging.Position> next = position.pages() < docs.size()
            ? Optional.of(Paging.Position.next(position, List.of())) : Optional.empty();
        return new FanOut.Step(list, next);
      });
    }
    return fetch(e.call(), position, items, false).thenApply(read -> {
      if (!e.binding().isEmpty()) {
        for (JsonNode item : read.items()) {
          if (item instanceof ObjectNode object) {
            e.binding().forEach((name, value) -> object.put("__" + name, value));
          }
        }
      }
      return new FanOut.Step(read.items(), read.next());
    });
  }

  /** One page read, with the position of the next one. */
  private record PageRead(List<JsonNode> items, JsonNode document, Optional<Paging.Position> next) {}

  /** Fetches one page; {@code whole} keeps the whole document (for the cache) instead of streaming its items. */
  private CompletionStage<PageRead> fetch(ApiClient.Call call, Paging.Position position, DataPath path,
      boolean whole) {
    var uri = api.uri(call, position);
    return api.send(call, uri, response -> {
      DataPath.Read read = whole ? path.fromDocument(DataPath.JSON.readTree(response.body()))
          : path.read(response.body());
      var fetched = new Paging.Fetched(uri, read.envelope(), read.array(), read.items().size(), api.link(response));
      Optional<Paging.Position> next = paging.next(position, fetched);
      if (next.isPresent() && next.get().pages() > settings.maxPages()) {
        String message = "endpoint " + Paging.withoutQuery(uri) + " has more than maxPages = " + settings.maxPages()
            + " pages; the kind fails so nothing is deleted (raise OCEAN__INTEGRATION__CONFIG__MAX_PAGES if the API "
            + "is that large)";
        LOG.log(System.Logger.Level.ERROR, message);
        throw new IllegalStateException(message);
      }
      return new PageRead(read.items(), read.envelope(), next);
    });
  }

  /** Every page document of {@code call}, fetched once per resync through the cache. */
  private CompletionStage<List<JsonNode>> documents(ApiClient.Call call, DataPath path, Resync resync) {
    // Kept as whole documents: the resources sharing the request read them again, page by page.
    return resync.cache().computeIfAbsent("pages " + key(call, path), () -> {
      List<JsonNode> docs = new ArrayList<>();
      return allPages(call, paging.first(), path, docs).thenApply(v -> (List<JsonNode>) List.copyOf(docs));
    }, docs -> docs.stream().mapToLong(d -> d.toString().length() * 4L).sum());
  }

  private CompletionStage<Void> allPages(ApiClient.Call call, Paging.Position position, DataPath path,
      List<JsonNode> docs) {
    return fetch(call, position, path, true).thenCompose(read -> {
      docs.add(read.document());
      return read.next().isPresent() ? allPages(call, read.next().get(), path, docs)
          : CompletableFuture.completedFuture(null);
    });
  }

  // ---- path parameters ---------------------------------------------------------------------------------

  /** Every combination of values for {@code names}, left to right: chained when an endpoint uses earlier ones. */
  private CompletionStage<List<Map<String, String>>> bindings(List<String> names, EndpointSelector selector,
      Resync resync, String where) {
    CompletionStage<List<Map<String, String>>> combos = CompletableFuture.completedFuture(List.of(Map.of()));
    for (String name : names) {
      PathParameter p = selector.pathParameters().get(name);
      boolean chained = placeholders(p.endpoint()).stream().anyMatch(names::contains);
      combos = combos.thenCompose(parents -> {
        List<CompletableFuture<List<Map<String, String>>>> children = new ArrayList<>();
        CompletionStage<List<String>> shared = chained ? null : values(p, Map.of(), resync, where + ".path_parameters." + name);
        for (Map<String, String> parent : parents) {
          CompletionStage<List<String>> values = chained
              ? values(p, parent, resync, where + ".path_parameters." + name) : shared;
          children.add(values.thenApply(vs -> {
            List<Map<String, String>> out = new ArrayList<>();
            for (String v : vs) {
              Map<String, String> b = new LinkedHashMap<>(parent);
              b.put(name, v);
              out.add(b);
            }
            return out;
          }).toCompletableFuture());
        }
        return CompletableFuture.allOf(children.toArray(CompletableFuture[]::new)).thenApply(v -> {
          List<Map<String, String>> all = new ArrayList<>();
          children.forEach(c -> all.addAll(c.join()));
          return all;
        });
      });
    }
    return combos;
  }

  private CompletionStage<List<String>> values(PathParameter p, Map<String, String> parent, Resync resync,
      String where) {
    ApiClient.Call call = new ApiClient.Call(p.method(), substitute(p.endpoint(), parent), p.queryParams(),
        p.headers(), null);
    DataPath records = new DataPath(p.dataPath(), true, jq);
    Jq.Expression field = jq.compile(p.field());
    Jq.Expression filter = p.filter() == null ? null : jq.compile(p.filter());
    String key = "values " + key(call, records) + " " + p.field() + " " + p.filter();
    boolean shared = parent.isEmpty() && shared(resync).contains(key(call, records));
    return resync.cache().computeIfAbsent(key, () -> {
      List<String> out = new ArrayList<>();
      CompletionStage<Void> done;
      if (shared) {
        done = documents(call, records, resync).thenAccept(docs -> docs.forEach(d -> pick(records.fromDocument(d).items(),
            field, filter, out)));
      } else {
        done = discover(call, paging.first(), records, field, filter, out);
      }
      return done.thenApply(v -> (List<String>) List.copyOf(out));
    }, vs -> vs.stream().mapToLong(v -> 40L + 2L * v.length()).sum());
  }

  private CompletionStage<Void> discover(ApiClient.Call call, Paging.Position position, DataPath records,
      Jq.Expression field, Jq.Expression filter, List<String> out) {
    return fetch(call, position, records, false).thenCompose(read -> {
      pick(read.items(), field, filter, out);
      return read.next().isPresent() ? discover(call, read.next().get(), records, field, filter, out)
          : CompletableFuture.completedFuture(null);
    });
  }

  private static void pick(List<JsonNode> records, Jq.Expression field, Jq.Expression filter, List<String> out) {
    for (JsonNode record : records) {
      JsonNode value = field.first(record);
      if (value == null || value.isNull()) {
        continue;
      }
      if (filter != null && !BooleanNode.TRUE.equals(filter.first(record))) {
        continue;
      }
      out.add(JsonValues.pythonStr(value));
    }
  }

  // ---- shared requests -------------------------------------------------------------------------------

  /** The keys of the requests that several resources of this resync's mapping make (Ocean's rule). */
  @SuppressWarnings("unchecked")
  private Set<String> shared(Resync resync) {
    return resync.cache().<Set<String>>computeIfAbsent("custom shared requests", () -> {
      Map<String, Integer> counts = new HashMap<>();
      for (Resync.MappedResource r : resync.resources()) {
        EndpointSelector s;
        try {
          s = bind(r);
        } catch (RuntimeException e) {
          continue;
        }
        if (placeholders(r.kind()).isEmpty()) {
          counts.merge(key(new ApiClient.Call(s.method(), r.kind(), s.queryParams(), s.headers(), s.body()),
              new DataPath(s.dataPath(), false, jq)), 1, Integer::sum);
        }
        for (PathParameter p : s.pathParameters().values()) {
          if (placeholders(p.endpoint()).isEmpty()) {
            counts.merge(key(new ApiClient.Call(p.method(), p.endpoint(), p.queryParams(), p.headers(), null),
                new DataPath(p.dataPath(), true, jq)), 1, Integer::sum);
          }
        }
      }
      Set<String> keys = new LinkedHashSet<>();
      counts.forEach((k, n) -> {
        if (n > 1) {
          keys.add(k);
        }
      });
      return CompletableFuture.completedFuture(keys);
    }).toCompletableFuture().join();
  }

  private static String key(ApiClient.Call call, DataPath path) {
    Map<String, Object> key = new LinkedHashMap<>();
    key.put("endpoint", call.endpoint());
    key.put("method", call.method());
    key.put("query_params", call.queryParams().isEmpty() ? null : call.queryParams());
    key.put("headers", call.headers().isEmpty() ? null : call.headers());
    key.put("body", call.body());
    key.put("data_path", path.key());
    return JsonValues.canonical(key);
  }

  static EndpointSelector bind(Resync.MappedResource r) {
    try {
      return SELECTORS.treeToValue(r.selector(), EndpointSelector.class);
    } catch (Exception e) {
      Throwable c = e.getCause() instanceof InvalidSettingsException ? e.getCause() : e;
      throw new IllegalArgumentException("resources[" + r.index() + "].selector: " + c.getMessage(), e);
    }
  }

  static List<String> placeholders(String path) {
    List<String> names = new ArrayList<>();
    Matcher m = PLACEHOLDER.matcher(path);
    while (m.find()) {
      if (!names.contains(m.group(1))) {
        names.add(m.group(1));
      }
    }
    return names;
  }

  /** {@code path} with each {@code {name}} replaced by its value; a value's {@code /} is kept, as in Ocean. */
  static String substitute(String path, Map<String, String> binding) {
    Matcher m = PLACEHOLDER.matcher(path);
    StringBuilder out = new StringBuilder();
    while (m.find()) {
      String value = binding.get(m.group(1));
      m.appendReplacement(out, Matcher.quoteReplacement(value == null ? m.group()
          : JsonValues.encode(value).replace("%2F", "/")));
    }
    m.appendTail(out);
    return out.toString();
  }
}
