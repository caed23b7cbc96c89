package dev.oceanj.spi.testing;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.oceanj.spi.Integration;
import dev.oceanj.spi.Jq;
import dev.oceanj.spi.RawFields;
import dev.oceanj.spi.Resync;
import dev.oceanj.spi.Page;
import dev.oceanj.spi.ResyncSource;
import dev.oceanj.spi.host.DefinedIntegration;
import dev.oceanj.spi.host.HostTls;
import dev.oceanj.spi.host.ResyncScope;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Flow;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.IntFunction;

/**
 * Runs one kind's resync of an integration in a plain JUnit test: no actor system, no Port. It defines the
 * integration with the given settings and a real {@link HttpClient}, runs its start hooks, drains the kind's
 * {@link ResyncSource} (single, paged or publisher) on the calling thread, and runs the stop hooks.
 *
 * <pre>{@code
 * List<JsonNode> persons = ResyncHarness.collect(new FakeIntegration(), "{\"entityAmount\": 3}", "fake-person");
 * long all = ResyncHarness.count(new FakeIntegration(), "{\"entityAmount\": 200000}", "fake-person");
 * try (var harness = ResyncHarness.start(new FakeIntegration(), "{}")) {   // several kinds, one start
 *   harness.forEachBatch("fake-person", batch -> sizes.add(batch.size()));
 * }
 * }</pre>
 *
 * <p>Like the runtime, it asks for the next page or batch only after the previous one was consumed, converts
 * items to JSON with {@link DefinedIntegration#toJson}, and treats an exception, a failed stage or a paged
 * cursor that does not advance as a failed extraction ({@link KindFailedException}). Each fetch is bounded by
 * a timeout (60 s unless {@link #start(Integration, String, Duration)} says otherwise), so a stuck source fails
 * the test instead of hanging it.
 *
 * @since 0.1
 */
public final class ResyncHarness implements AutoCloseable {

  /** The default bound on each single fetch, page fetch, or publisher signal. */
  public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(60);

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final java.util.concurrent.atomic.AtomicInteger RESYNCS = new java.util.concurrent.atomic.AtomicInteger();

  private final DefinedIntegration defined;
  private final Duration timeout;

  private ResyncHarness(DefinedIntegration defined, Duration timeout) {
    this.defined = defined;
    this.timeout = timeout;
  }

  /** Defines and starts {@code integration} with {@code settingsJson}, drains {@code kind}, stops it. */
  public static List<JsonNode> collect(Integration integration, String settingsJson, String kind) {
    try (ResyncHarness harness = start(integration, settingsJson)) {
      return harness.collect(kind);
    }
  }

  /**
   * As {@link #collect}, but only counts: no item is retained, so this drains kinds far larger than the heap.
   */
  public static long count(Integration integration, String settingsJson, String kind) {
    try (ResyncHarness harness = start(integration, settingsJson)) {
      return harness.count(kind);
    }
  }

  /** Defines {@code integration} with {@code settingsJson} (a JSON object, or null for none) and starts it. */
  public static ResyncHarness start(Integration integration, String settingsJson) {
    return start(integration, settingsJson, DEFAULT_TIMEOUT);
  }

  /** As {@link #start(Integration, String)}, bounding each fetch by {@code timeout}. */
  public static ResyncHarness start(Integration integration, String settingsJson, Duration timeout) {
    return start(integration, parse(settingsJson), timeout);
  }

  /** As {@link #start(Integration, String, Duration)} with settings already parsed. */
  public static ResyncHarness start(Integration integration, ObjectNode settings, Duration timeout) {
    return start(integration, settings, timeout, null);
  }

  /**
   * As {@link #start(Integration, ObjectNode, Duration)}, offering {@code jq} to the integration (the runtime's
   * engine, e.g. {@code new IntegrationJq(JqEngine.create(false))} from core).
   *
   * @since 0.2
   */
  public static ResyncHarness start(Integration integration, ObjectNode settings, Duration timeout, Jq jq) {
    return start(integration, settings, timeout, jq, HostTls.NONE);
  }

  /**
   * As {@link #start(Integration, ObjectNode, Duration, Jq)}, with what the host offers about TLS ({@code tls}).
   *
   * @since 0.2
   */
  public static ResyncHarness start(Integration integration, ObjectNode settings, Duration timeout, Jq jq,
      HostTls tls) {
    HttpClient http = HttpClient.newBuilder()
        .version(HttpClient.Version.HTTP_1_1)
        .connectTimeout(Duration.ofSeconds(10))
        .build();
    DefinedIntegration defined = DefinedIntegration.define(integration, settings, http, jq, Optional.empty(),
        tls);
    try {
      defined.start();
    } catch (RuntimeException e) {
      defined.stop().forEach(e::addSuppressed);
      throw e;
    }
    return new ResyncHarness(defined, Objects.requireNonNull(timeout, "timeout"));
  }

  /** The defined integration: its kinds, sources and hooks. */
  public DefinedIntegration defined() {
    return defined;
  }

  /** Every item of {@code kind}'s resync, as JSON, in source order. */
  public List<JsonNode> collect(String kind) {
    List<JsonNode> all = new ArrayList<>();
    forEachBatch(kind, all::addAll);
    return all;
  }

  /** The number of items of {@code kind}'s resync; nothing is retained. */
  public long count(String kind) {
    return forEachBatch(kind, batch -> { });
  }

  /** Hands each item of {@code kind}'s resync to {@code each}, in order; returns how many there were. */
  public long forEach(String kind, Consumer<? super JsonNode> each) {
    return forEachBatch(kind, batch -> batch.forEach(each));
  }

  /**
   * Hands each batch of {@code kind}'s resync to {@code each}, in order, exactly as the source produced it (one
   * list per single fetch, page, or published batch); returns the number of items.
   *
   * @throws IllegalArgumentException when the integration declared no resync source for {@code kind}
   * @throws KindFailedException when the source fails, times out, or a paged cursor does not advance
   */
  public long forEachBatch(String kind, Consumer<? super List<JsonNode>> each) {
    ResyncSource<?> source = defined.resyncSource(kind).orElseThrow(() -> new IllegalArgumentException(
        "Integration '" + defined.type() + "' declares no resync source for kind '" + kind + "'; it declares "
            + defined.resyncSources().keySet()));
    return drain(kind, source, each);
  }

  /**
   * Runs one full resync of {@code resourcesJson}, the mapping's {@code resources} array (each with its
   * {@code kind} and {@code selector}) as the runtime would: selectors bound, resync start hooks, each
   * resource's source drained in order, complete hooks after success, the per-resync cache emptied.
   *
   * @return the items of each resource, in mapping order
   * @throws dev.oceanj.spi.InvalidSettingsException when a selector does not bind
   * @throws IllegalStateException when a resync start hook fails
   * @throws KindFailedException when a resource's source fails
   * @since 0.2
   */
  public List<List<JsonNode>> resync(String resourcesJson) {
    return resync(resourcesJson, i -> RawFields.all());
  }

  /**
   * {@link #resync(String)} with the fields of raw objects the runtime would ask of each resource, by index in
   * {@code resources} ({@link dev.oceanj.spi.Resource#fields()}).
   *
   * @since 0.2
   */
  public List<List<JsonNode>> resync(String resourcesJson, IntFunction<RawFields> fields) {
    JsonNode resources;
    try {
      resources = JSON.readTree(resourcesJson);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("resources are not valid JSON: " + e.getOriginalMessage(), e);
    }
    List<Resync.MappedResource> mapped = new ArrayList<>();
    for (int i = 0; i < resources.size(); i++) {
      JsonNode selector = resources.get(i).path("selector");
      mapped.add(new Resync.MappedResource(i, resources.get(i).path("kind").asText(),
          selector instanceof ObjectNode o ? o : JSON.createObjectNode(), fields.apply(i)));
    }
    ResyncScope scope = ResyncScope.open(defined.sources(), "harness-" + RESYNCS.incrementAndGet(), mapped);
    boolean completed = false;
    try {
      scope.start();
      List<List<JsonNode>> all = new ArrayList<>();
      for (Resync.MappedResource r : mapped) {
        List<JsonNode> items = new ArrayList<>();
        ResyncSource<?> source = scope.source(r.index()).orElseThrow(() -> new IllegalArgumentException(
            "Integration '" + defined.type() + "' does not serve kind '" + r.kind() + "'"));
        drain(r.kind(), source, items::addAll);
        all.add(items);
      }
      completed = true;
      return all;
    } finally {
      scope.end(completed).forEach(e -> {
        throw new IllegalStateException("a resync complete hook failed: " + e, e);
      });
    }
  }

  private long drain(String kind, ResyncSource<?> source, Consumer<? super List<JsonNode>> each) {
    AtomicLong items = new AtomicLong();
    Consumer<List<?>> sink = batch -> {
      List<JsonNode> json = new ArrayList<>(batch.size());
      for (Object item : batch) {
        json.add(defined.toJson(item));
      }
      items.addAndGet(json.size());
      each.accept(json);
    };
    try {
      if (source instanceof ResyncSource.Single<?> single) {
        sink.accept(await(single.fetch().get()));
      } else if (source instanceof ResyncSource.Paged<?> paged) {
        drainPaged(paged, sink);
      } else if (source instanceof ResyncSource.Published<?> published) {
        drainPublished(published, sink);
      }
    } catch (KindFailedException e) {
      throw e;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new KindFailedException(kind, items.get(), e);
    } catch (Exception e) {
      throw new KindFailedException(kind, items.get(), e instanceof ExecutionException && e.getCause() != null
          ? e.getCause() : e);
    }
    return items.get();
  }

  /** Runs the stop hooks; throws when one failed, with every failure attached. */
  @Override
  public void close() {
    List<Exception> failures = defined.stop();
    if (!failures.isEmpty()) {
      IllegalStateException e = new IllegalStateException("Integration '" + defined.type() + "': "
          + failures.size() + " stop hook(s) failed", failures.get(0));
      failures.stream().skip(1).forEach(e::addSuppressed);
      throw e;
    }
  }

  private <T> void drainPaged(ResyncSource.Paged<T> paged, Consumer<List<?>> sink) throws Exception {
    Optional<String> cursor = Optional.empty();
    while (true) {
      Page<T> page = await(paged.fetchPage().apply(cursor));
      Objects.requireNonNull(page, "a paged source completed with a null page");
      sink.accept(page.items());
      if (page.next().isEmpty()) {
        return;
      }
      if (page.next().equals(cursor)) {
        throw new IllegalStateException("paged source returned its own cursor '" + cursor.get()
            + "' as the next one; it would loop forever");
      }
      cursor = page.next();
    }
  }

  private <T> void drainPublished(ResyncSource.Published<T> published, Consumer<List<?>> sink) throws Exception {
    Flow.Publisher<List<T>> publisher = Objects.requireNonNull(published.publisher().get(),
        "the publisher supplier returned null");
    DemandCheckingSubscriber<T> subscriber = new DemandCheckingSubscriber<>();
    publisher.subscribe(subscriber);
    Flow.Subscription subscription = subscriber.subscription.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
    if (subscription == null) {
      throw new TimeoutException("publisher did not call onSubscribe within " + timeout);
    }
    try {
      while (true) {
        subscriber.request(subscription);
        Object signal = subscriber.signals.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
        if (signal == null) {
          throw new TimeoutException("publisher sent no batch, completion or error within " + timeout);
        }
        if (signal instanceof Batch<?> batch) {
          sink.accept(Objects.requireNonNull(batch.items(), "publisher emitted a null batch"));
        } else if (signal instanceof Failed failed) {
          throw failed.cause() instanceof Exception ex ? ex : new ExecutionException(failed.cause());
        } else {
          return;
        }
      }
    } catch (Exception | Error e) {
      subscription.cancel();
      throw e;
    }
  }

  private <T> T await(CompletionStage<T> stage) throws Exception {
    Objects.requireNonNull(stage, "the source returned a null CompletionStage");
    try {
      return stage.toCompletableFuture().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      throw new TimeoutException("the source's stage did not complete within " + timeout);
    }
  }

  private static ObjectNode parse(String settingsJson) {
    if (settingsJson == null || settingsJson.isBlank()) {
      return JSON.createObjectNode();
    }
    try {
      JsonNode node = JSON.readTree(settingsJson);
      if (!(node instanceof ObjectNode object)) {
        throw new IllegalArgumentException("settings must be a JSON object, got " + node.getNodeType());
      }
      return object;
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("settings are not valid JSON: " + e.getOriginalMessage(), e);
    }
  }

  private record Batch<T>(List<T> items) {}

  private record Failed(Throwable cause) {}

  private enum Completed { INSTANCE }

  /**
   * Requests one batch at a time and records a protocol violation (a batch nobody asked for) as a failure, so
   * a publisher that ignores demand fails in tests rather than flooding the runtime.
   */
  private static final class DemandCheckingSubscriber<T> implements Flow.Subscriber<List<T>> {
    final LinkedBlockingQueue<Flow.Subscription> subscription = new LinkedBlockingQueue<>();
    final LinkedBlockingQueue<Object> signals = new LinkedBlockingQueue<>();
    private final AtomicLong demand = new AtomicLong();

    void request(Flow.Subscription s) {
      demand.incrementAndGet();
      s.request(1);
    }

    @Override
    public void onSubscribe(Flow.Subscription s) {
      subscription.add(s);
    }

    @Override
    public void onNext(List<T> items) {
      if (demand.getAndDecrement() <= 0) {
        signals.add(new Failed(new IllegalStateException("publisher emitted a batch without demand "
            + "(Reactive Streams rule 1.1)")));
        return;
      }
      signals.add(new Batch<>(items));
    }

    @Override
    public void onError(Throwable t) {
      signals.add(new Failed(t));
    }

    @Override
    public void onComplete() {
      signals.add(Completed.INSTANCE);
    }
  }

  /**
   * A kind's extraction failed: the source threw, its stage failed or timed out, or it broke its contract.
   * {@link #itemsBefore()} tells how many items it had delivered before failing.
   */
  public static final class KindFailedException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final String kind;
    private final long itemsBefore;

    KindFailedException(String kind, long itemsBefore, Throwable cause) {
      super("Kind '" + kind + "' failed after " + itemsBefore + " item(s): " + cause, cause);
      this.kind = kind;
      this.itemsBefore = itemsBefore;
    }

    /** The kind whose extraction failed. */
    public String kind() {
      return kind;
    }

    /** How many items the kind delivered before it failed. */
    public long itemsBefore() {
      return itemsBefore;
    }
  }
}
