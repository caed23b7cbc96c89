package dev.oceanj.actors.resync;

import com.fasterxml.jackson.databind.JsonNode;
import dev.oceanj.core.config.ResyncSettings;
import dev.oceanj.core.port.PortClient;
import dev.oceanj.core.sync.MappingPlan;
import dev.oceanj.spi.ResyncSource;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Executor;
import java.util.function.Function;

/**
 * What the {@link IntegrationSupervisor} and each of its {@link Resync} children need.
 *
 * @param port the integration's Port client (its identity gives the {@code $datasource} of owned entities)
 * @param sources the integration's resync source per kind: {@code DefinedIntegration::sources} binds each
 *     resource's selector and runs the resync hooks; any other function serves kinds by name
 * @param compiler turns {@code integration.config} into a plan ({@code new JqMappingCompiler(jq)})
 * @param settings {@code ocean.resync}
 * @param scheduledResyncInterval reported to Port as {@code nextResync}/{@code intervalInMinuets} when set
 * @param mappingPool bounded CPU pool for jq mapping (never the actor dispatcher)
 * @param toJson converts integration items to JSON (e.g. {@code DefinedIntegration::toJson})
 * @param clock for resync timestamps
 * @param askTimeout {@code ocean.timeouts.ask}: how long {@code GetStatus} waits for the running child's progress
 * @param isolation the threads and time limits of the integration's calls and the bound on resyncs at once, shared
 *     by every integration of the process
 * @param deleteFence asked before the delete phase and each delete request ({@link DeleteFence#OPEN} on one node;
 *     cluster mode passes its ownership fence, and the supervisor then also marks a predecessor's orphaned resync
 *     {@code aborted} in Port when it starts)
 */
public record ResyncDependencies(
    PortClient port,
    Function<String, Optional<ResyncSource<?>>> sources,
    MappingPlan.Compiler compiler,
    ResyncSettings settings,
    Optional<Duration> scheduledResyncInterval,
    Executor mappingPool,
    Function<Object, JsonNode> toJson,
    Clock clock,
    Duration askTimeout,
    ResyncIsolation isolation,
    DeleteFence deleteFence) {

  /**
   * Without settings for isolation ({@link ResyncIsolation#defaults()}), on a single node: deletion is never fenced
   * ({@link DeleteFence#OPEN}).
   */
  public ResyncDependencies(PortClient port, Function<String, Optional<ResyncSource<?>>> sources,
      MappingPlan.Compiler compiler, ResyncSettings settings, Optional<Duration> scheduledResyncInterval,
      Executor mappingPool, Function<Object, JsonNode> toJson, Clock clock, Duration askTimeout) {
    this(port, sources, compiler, settings, scheduledResyncInterval, mappingPool, toJson, clock, askTimeout,
        ResyncIsolation.defaults(), DeleteFence.OPEN);
  }

  /** With {@code isolation}, on a single node: deletion is never fenced ({@link DeleteFence#OPEN}). */
  public ResyncDependencies(PortClient port, Function<String, Optional<ResyncSource<?>>> sources,
      MappingPlan.Compiler compiler, ResyncSettings settings, Optional<Duration> scheduledResyncInterval,
      Executor mappingPool, Function<Object, JsonNode> toJson, Clock clock, Duration askTimeout,
      ResyncIsolation isolation) {
    this(port, sources, compiler, settings, scheduledResyncInterval, mappingPool, toJson, clock, askTimeout,
        isolation, DeleteFence.OPEN);
  }

  /** A copy with other isolation (e.g. a test's short limits or gate). */
  public ResyncDependencies withIsolation(ResyncIsolation other) {
    return new ResyncDependencies(port, sources, compiler, settings, scheduledResyncInterval, mappingPool, toJson,
        clock, askTimeout, other, deleteFence);
  }

  /** A copy whose resyncs ask {@code fence} before they delete. */
  public ResyncDependencies withDeleteFence(DeleteFence fence) {
    return new ResyncDependencies(port, sources, compiler, settings, scheduledResyncInterval, mappingPool, toJson,
        clock, askTimeout, isolation, fence);
  }

  /** The integration's identifier, as errors name it. */
  String identifier() {
    return port.identity().identifier();
  }
}
