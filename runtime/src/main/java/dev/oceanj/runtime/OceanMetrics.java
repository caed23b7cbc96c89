package dev.oceanj.runtime;

import dev.oceanj.actors.resync.ResyncProtocol.Outcome;
import dev.oceanj.actors.resync.ResyncProtocol.ResyncFinished;
import dev.oceanj.actors.resync.ResyncProtocol.ResyncProgress;
import dev.oceanj.core.port.HttpPortClient;
import dev.oceanj.core.port.WriteLimiter;
import dev.oceanj.core.sync.KindResult;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.core.instrument.composite.CompositeMeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * The {@code /metrics} registry: Ocean's resync gauges with Ocean's names and labels (ocean-reference.md §11),
 * plus JVM, process and HTTP metrics, and a few of oceanj's own ({@code oceanj_*}).
 *
 * <p>Ocean's gauges, per resource {@code kind="{kind}-{index}"} of the mapping:
 * <ul>
 *   <li>{@code object_count{phase="extract",object_count_type="raw_extracted"}}: raw objects fetched;
 *   <li>{@code object_count{phase="transform",object_count_type="transformed"|"filtered_out"}};
 *   <li>{@code object_count{phase="load",object_count_type="loaded"|"skipped"|"failed"}}: upserted, unchanged
 *       (Port already had them), failed;
 *   <li>{@code object_count{kind="__reconciliation__",phase="delete",object_count_type="deleted"}};
 *   <li>{@code success{kind,phase="resync"}} 1/0 and {@code duration_seconds{kind="__runtime__",phase="resync"}}.
 * </ul>
 * They describe the running resync while one runs and the last finished one afterwards. Thread-safe.
 *
 * <p>In host mode each instance records into {@link #forInstance(String)}: the same {@code /metrics}, every series
 * of the instance labelled {@code integration="<identifier>"}.
 */
public final class OceanMetrics {

  /** What {@code /metrics} scrapes. */
  private final PrometheusMeterRegistry scraped;
  /** Where this object's meters go: {@link #scraped}, or a view of it that labels an instance's series. */
  private final MeterRegistry registry;
  private final Map<String, double[]> gauges = new ConcurrentHashMap<>();
  private final Set<String> countedResyncs = ConcurrentHashMap.newKeySet();
  private final List<Object> portStats = new java.util.concurrent.CopyOnWriteArrayList<>();

  /** A registry with the JVM and process binders bound. */
  public OceanMetrics() {
    this(true);
  }

  /**
   * The process's registry in host mode: JVM, process and HTTP metrics only; the resync series are the instances'
   * ({@link #forInstance(String)}), so every series of a name has the same labels.
   */
  public static OceanMetrics forHost() {
    return new OceanMetrics(false);
  }

  private OceanMetrics(boolean resyncSeries) {
    this.scraped = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    this.registry = scraped;
    new ClassLoaderMetrics().bindTo(registry);
    new JvmMemoryMetrics().bindTo(registry);
    new JvmGcMetrics().bindTo(registry);
    new JvmThreadMetrics().bindTo(registry);
    new ProcessorMetrics().bindTo(registry);
    new UptimeMetrics().bindTo(registry);
    if (resyncSeries) {
      gauge("oceanj.resync.running", Tags.empty(), 0);
    }
  }

  private OceanMetrics(PrometheusMeterRegistry scraped, MeterRegistry view) {
    this.scraped = scraped;
    this.registry = view;
    gauge("oceanj.resync.running", Tags.empty(), 0);
  }

  /**
   * One host-mode instance's metrics: recorded into the same registry, each series labelled
   * {@code integration="<identifier>"}. {@link #close()} removes them when the instance stops.
   */
  public OceanMetrics forInstance(String identifier) {
    CompositeMeterRegistry view = new CompositeMeterRegistry();
    view.config().commonTags("integration", identifier);
    view.add(scraped);
    return new OceanMetrics(scraped, view);
  }

  /** Removes an instance's series (see {@link #forInstance(String)}); nothing for the process's own metrics. */
  public void close() {
    if (registry instanceof CompositeMeterRegistry view) {
      // Not view.close(): that would close the shared registry too.
      view.getMeters().forEach(m -> scraped.remove(m.getId()));
      view.remove(scraped);
    }
  }

  /** The Micrometer registry to register more meters with (an instance's view in host mode). */
  public MeterRegistry registry() {
    return registry;
  }

  /** The Prometheus text exposition of everything. */
  public String scrape() {
    return scraped.scrape();
  }

  /**
   * Exposes the Port client's figures: {@code rate_limit_wait_seconds{kind="__runtime__",phase="load",endpoint="writes"}}
   * (Ocean's name; here the total time writes waited for the org-wide limiter since start, all kinds together) and
   * {@code oceanj_port_requests_total}, {@code oceanj_port_retries_total}, {@code oceanj_port_throttled_total}.
   */
  public void bindPort(Supplier<HttpPortClient.ClientStats> client, Supplier<WriteLimiter.Stats> limiter) {
    // Micrometer holds gauge and function-counter state weakly; these suppliers live only here.
    portStats.add(client);
    portStats.add(limiter);
    Gauge.builder("rate_limit_wait_seconds", limiter, l -> l.get().totalWait().toNanos() / 1e9)
        .strongReference(true)
        .tags("kind", "__runtime__", "phase", "load", "endpoint", "writes")
        .description("Time writes to Port waited for the rate limiter since start")
        .register(registry);
    FunctionCounter.builder("oceanj.port.requests", client, c -> c.get().sent())
        .description("HTTP exchanges with Port, retries included").register(registry);
    FunctionCounter.builder("oceanj.port.retries", client, c -> c.get().retries())
        .description("Retried exchanges with Port").register(registry);
    FunctionCounter.builder("oceanj.port.throttled", client, c -> c.get().throttled())
        .description("429 answers from Port").register(registry);
  }

  /**
   * Exposes one organisation's write limiter (host mode: one per Port org, shared by its instances), tagged
   * {@code org}: {@code oceanj_port_limiter_acquired_total}, {@code oceanj_port_limiter_wait_seconds_total},
   * {@code oceanj_port_limiter_pauses_total}, {@code oceanj_port_limiter_waiting}, {@code oceanj_port_limiter_lanes},
   * {@code oceanj_port_limiter_rate} (writes per second it refills at now) and {@code oceanj_port_limiter_share} (of
   * the org's budget; below 1 when cluster nodes split it).
   */
  public void bindLimiter(String org, WriteLimiter limiter) {
    portStats.add(limiter);
    Tags tags = Tags.of("org", org);
    FunctionCounter.builder("oceanj.port.limiter.acquired", limiter, l -> l.stats().acquired()).tags(tags)
        .description("Writes the org's limiter let through").register(registry);
    FunctionCounter.builder("oceanj.port.limiter.wait.seconds", limiter, l -> l.stats().totalWait().toNanos() / 1e9)
        .tags(tags).description("Time writes waited for the org's limiter").register(registry);
    FunctionCounter.builder("oceanj.port.limiter.pauses", limiter, l -> l.stats().pauses()).tags(tags)
        .description("Pauses Port asked for (429) or another node reported").register(registry);
    Gauge.builder("oceanj.port.limiter.waiting", limiter, WriteLimiter::waiting).strongReference(true).tags(tags)
        .description("Writes waiting for the org's limiter now").register(registry);
    Gauge.builder("oceanj.port.limiter.lanes", limiter, WriteLimiter::lanes).strongReference(true).tags(tags)
        .description("Lanes of the org's limiter (one per instance, and the default one)").register(registry);
    Gauge.builder("oceanj.port.limiter.rate", limiter, WriteLimiter::ratePerSecond).strongReference(true).tags(tags)
        .description("Writes per second the org's limiter refills at now").register(registry);
    Gauge.builder("oceanj.port.limiter.share", limiter, WriteLimiter::share).strongReference(true).tags(tags)
        .description("Share of the org's write budget this process uses").register(registry);
  }

  /** Updates Ocean's gauges from a running resync's progress. */
  public void recordProgress(ResyncProgress progress) {
    gauge("oceanj.resync.running", Tags.empty(), 1);
    recordKinds(progress.kinds());
  }

  /**
   * Updates Ocean's gauges from a finished resync; counts it once in {@code oceanj_resyncs_total} however often
   * it is recorded.
   */
  public void recordFinished(ResyncFinished finished) {
    gauge("oceanj.resync.running", Tags.empty(), 0);
    recordKinds(finished.kinds());
    Tags runtime = Tags.of("kind", "__runtime__", "phase", "resync");
    gauge("duration_seconds", runtime, finished.duration().toMillis() / 1000.0);
    gauge("success", runtime, finished.outcome() == Outcome.COMPLETED ? 1 : 0);
    gauge("object_count", Tags.of("kind", "__reconciliation__", "phase", "delete", "object_count_type", "deleted"),
        finished.reconciliation().deleted());
    gauge("oceanj.resync.entities.per.second", Tags.empty(), ResyncSummary.entitiesPerSecond(finished));
    gauge("oceanj.resync.last.finished.timestamp.seconds", Tags.empty(), finished.finished().toEpochMilli() / 1000.0);
    if (countedResyncs.add(finished.resyncId())) {
      Counter.builder("oceanj.resyncs")
          .description("Finished resyncs by trigger and outcome")
          .tags("trigger", finished.trigger(), "outcome", finished.outcome().name().toLowerCase(java.util.Locale.ROOT))
          .register(registry)
          .increment();
    }
  }

  /** Records one HTTP request served; {@code route} is a route template, never a raw path (bounded labels). */
  public void recordHttp(String method, String route, int status, Duration took) {
    Timer.builder("http.server.requests")
        .tags("method", method, "route", route, "status", Integer.toString(status))
        .register(registry)
        .record(took);
  }

  private void recordKinds(List<KindResult> kinds) {
    for (KindResult k : kinds) {
      String kind = k.kind() + "-" + k.index();
      count(kind, "extract", "raw_extracted", k.fetched());
      count(kind, "transform", "transformed", k.mapped());
      count(kind, "transform", "filtered_out", k.filteredOut());
      count(kind, "load", "loaded", k.upserted());
      count(kind, "load", "skipped", k.unchanged());
      count(kind, "load", "failed", k.failedTotal());
      gauge("success", Tags.of("kind", kind, "phase", "resync"), k.error().isPresent() ? 0 : 1);
    }
  }

  private void count(String kind, String phase, String type, long value) {
    gauge("object_count", Tags.of("kind", kind, "phase", phase, "object_count_type", type), value);
  }

  private void gauge(String name, Tags tags, double value) {
    String key = name + tags;
    double[] cell = gauges.computeIfAbsent(key, k -> {
      double[] holder = new double[1];
      registry.gauge(name, tags, holder, h -> h[0]);
      return holder;
    });
    cell[0] = value;
  }
}
