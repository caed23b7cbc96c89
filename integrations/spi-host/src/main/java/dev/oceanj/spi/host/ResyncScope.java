package dev.oceanj.spi.host;

import dev.oceanj.spi.InvalidSettingsException;
import dev.oceanj.spi.Resource;
import dev.oceanj.spi.Resync;
import dev.oceanj.spi.ResyncCache;
import dev.oceanj.spi.ResyncHook;
import dev.oceanj.spi.ResyncSource;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;

/**
 * One full resync on the host side: the mapping's resources with their selectors bound, the per-resync cache
 * and the resync hooks. The runtime opens it when the mapping loaded ({@link #open}, which binds every selector
 * or fails naming {@code resources[i].selector.<field>}), runs {@link #start()} before any kind, asks
 * {@link #source(int)} for each resource, and calls {@link #end(boolean)} once the resync finished, whatever
 * its outcome.
 *
 * @since 0.2
 */
public final class ResyncScope implements Resync {

  private final String id;
  private final List<MappedResource> resources;
  private final BoundedResyncCache cache = new BoundedResyncCache(ResyncCache.MAX_ENTRIES,
      ResyncCache.MAX_WEIGHT_BYTES);
  private final Map<Integer, Object> selectors = new HashMap<>();
  private final DefinedIntegration integration;
  private final Function<String, Optional<ResyncSource<?>>> plain;

  private ResyncScope(String id, List<MappedResource> resources, DefinedIntegration integration,
      Function<String, Optional<ResyncSource<?>>> plain) {
    this.id = Objects.requireNonNull(id, "id");
    this.resources = List.copyOf(resources);
    this.integration = integration;
    this.plain = plain;
  }

  /**
   * Opens a resync over {@code resources}. When {@code sources} is {@link DefinedIntegration#sources()}, every
   * selector is bound to its kind's declared type now; any other function serves kinds by name only (no
   * selectors, no hooks).
   *
   * @throws InvalidSettingsException naming {@code resources[i].selector.<field>} when a selector does not bind
   */
  public static ResyncScope open(Function<String, Optional<ResyncSource<?>>> sources, String id,
      List<MappedResource> resources) {
    if (sources instanceof DefinedIntegration.Sources s) {
      ResyncScope scope = new ResyncScope(id, resources, s.integration(), null);
      for (MappedResource r : resources) {
        Optional<Class<?>> type = s.integration().selectorType(r.kind());
        if (type.isPresent()) {
          scope.selectors.put(r.index(), s.integration().bindSelector(r, type.get()));
        }
      }
      return scope;
    }
    return new ResyncScope(id, resources, null, Objects.requireNonNull(sources, "sources"));
  }

  @Override
  public String id() {
    return id;
  }

  @Override
  public List<MappedResource> resources() {
    return resources;
  }

  @Override
  public ResyncCache cache() {
    return cache;
  }

  /**
   * Runs the resync start hooks in registration order on the calling thread (a thread for blocking work).
   *
   * @throws IllegalStateException naming the hook when one fails; the resync must then fail and delete nothing
   */
  public void start() {
    List<ResyncHook> hooks = integration == null ? List.of() : integration.resyncStartHooks();
    for (int i = 0; i < hooks.size(); i++) {
      try {
        hooks.get(i).run(this);
      } catch (Exception e) {
        if (e instanceof InterruptedException) {
          Thread.currentThread().interrupt();
        }
        throw new IllegalStateException("Integration '" + integration.type() + "': resync start hook " + (i + 1)
            + " of " + hooks.size() + " failed: " + e, e);
      }
    }
  }

  /**
   * The resync source of the resource at {@code index} in the mapping, built for this resync; empty when the
   * integration does not serve its kind.
   *
   * @throws IllegalArgumentException when no resource of this resync has that index
   */
  public Optional<ResyncSource<?>> source(int index) {
    MappedResource resource = resources.stream().filter(r -> r.index() == index).findFirst()
        .orElseThrow(() -> new IllegalArgumentException("resync " + id + " has no resources[" + index + "]"));
    if (integration == null) {
      return plain.apply(resource.kind());
    }
    Object selector = selectors.get(index);
    if (selector == null) {
      return integration.resyncSource(resource.kind());
    }
    return integration.selectorSource(resource.kind(), new Resource<>(index, resource.kind(), selector, this));
  }

  /**
   * The resource at {@code index} as a source sees it: its selector bound to the kind's declared type, or the raw
   * selector object when the kind declares none (e.g. for a live event's handler).
   *
   * @throws IllegalArgumentException when no resource of this resync has that index
   * @since 0.2
   */
  public Resource<?> resource(int index) {
    MappedResource resource = resources.stream().filter(r -> r.index() == index).findFirst()
        .orElseThrow(() -> new IllegalArgumentException("resync " + id + " has no resources[" + index + "]"));
    Object selector = selectors.get(index);
    return new Resource<>(index, resource.kind(), selector == null ? resource.selector() : selector, this);
  }

  /**
   * Ends the resync: when {@code completed}, runs the resync complete hooks in registration order; then empties
   * the cache. Never throws.
   *
   * @return the complete hooks' failures, for the caller to log
   */
  public List<Exception> end(boolean completed) {
    List<Exception> failures = new ArrayList<>();
    if (completed && integration != null) {
      for (ResyncHook hook : integration.resyncCompleteHooks()) {
        try {
          hook.run(this);
        } catch (Exception e) {
          if (e instanceof InterruptedException) {
            Thread.currentThread().interrupt();
          }
          failures.add(e);
        }
      }
    }
    cache.close();
    return failures;
  }

  @Override
  public String toString() {
    return "ResyncScope[" + id + ", " + resources.size() + " resources]";
  }
}
