package dev.oceanj.core.sync;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.oceanj.core.port.PortClient.UpsertOptions;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * What one resync shares across its kinds: the mapping, the compact set of entities it has seen (for
 * reconciliation), relation targets still referenced (protected from deletion), the owned listing taken at
 * its start and the digest store (for skip-unchanged), and failed entities kept for a final retry.
 *
 * <p>The seen set outlives a kind's restart on purpose: re-adding is idempotent, and a superset only makes
 * reconciliation delete less.
 */
public final class ResyncRun {

  /** Failed entities kept for the final ordered retry; beyond this they are only counted. */
  static final int MAX_RETAINED_FAILED = 10_000;

  private final String resyncId;
  private final Instant started;
  private final MappingPlan plan;
  private final LongSet seen;
  private final LongSet referenced;
  private final OptionalLong ownedAtStart;
  private final OptionalLong unrecordedAtStart;
  private final DigestStore digests;
  private final List<FailedEntity> failed = new ArrayList<>();
  private long failedOverflow;

  /**
   * @param ownedAtStart how many entities Port held for this integration at resync start, once they are
   *     marked present in {@code digests}; empty (the listing failed) disables skip-unchanged
   * @param digests the integration's digest store; null disables skip-unchanged
   */
  public ResyncRun(String resyncId, Instant started, MappingPlan plan, OptionalLong ownedAtStart,
      DigestStore digests) {
    this(resyncId, started, plan, ownedAtStart, OptionalLong.empty(), digests);
  }

  /**
   * @param ownedAtStart how many entities Port held for this integration at resync start, once they are
   *     marked present in {@code digests}; empty (the listing failed) disables skip-unchanged
   * @param unrecordedAtStart how many of those {@code digests} had no digest for; empty when unknown
   * @param digests the integration's digest store; null disables skip-unchanged
   */
  public ResyncRun(String resyncId, Instant started, MappingPlan plan, OptionalLong ownedAtStart,
      OptionalLong unrecordedAtStart, DigestStore digests) {
    this.resyncId = resyncId;
    this.started = started;
    this.plan = plan;
    this.ownedAtStart = ownedAtStart;
    this.unrecordedAtStart = unrecordedAtStart;
    this.digests = digests;
    this.seen = new LongSet((int) Math.min(Integer.MAX_VALUE / 2, ownedAtStart.orElse(1024)));
    this.referenced = plan.createMissingRelatedEntities() ? new LongSet() : null;
  }

  public String resyncId() {
    return resyncId;
  }

  public Instant started() {
    return started;
  }

  public MappingPlan plan() {
    return plan;
  }

  /** Key hashes of every entity mapped in this resync, written or skipped. */
  public LongSet seen() {
    return seen;
  }

  /** Identifier hashes of relation targets of mapped entities; empty unless createMissingRelatedEntities. */
  public Optional<LongSet> referenced() {
    return Optional.ofNullable(referenced);
  }

  /** How many entities Port held for this integration at resync start, when the listing succeeded. */
  public OptionalLong ownedAtStart() {
    return ownedAtStart;
  }

  /**
   * Whether this resync provably left nothing stale, so reconciliation need not list Port again: the listing
   * at its start succeeded, the digest store knew every entity in it, and every key the store marks present
   * (listed at start, or written since) was seen. Reconciliation's listing (owned entities last updated before
   * the start) is a subset of the start listing, so it could only have found seen entities. Call it once the
   * kinds are done.
   */
  public boolean provablyNothingStale() {
    return digests != null && ownedAtStart.isPresent() && unrecordedAtStart.isPresent()
        && unrecordedAtStart.getAsLong() == 0 && digests.countPresent(key -> !seen.contains(key)) == 0;
  }

  public Optional<DigestStore> digests() {
    return Optional.ofNullable(digests);
  }

  /** Whether skip-unchanged applies in this resync. */
  boolean skipping() {
    return digests != null && ownedAtStart.isPresent();
  }

  public UpsertOptions upsertOptions() {
    return new UpsertOptions(plan.merge(), plan.createMissingRelatedEntities(), false);
  }

  /** Keeps a rejected entity for the final retry in relation order (only when createMissingRelatedEntities is off). */
  void retainFailed(String blueprint, ObjectNode entity, String kind) {
    synchronized (failed) {
      if (failed.size() < MAX_RETAINED_FAILED) {
        failed.add(new FailedEntity(blueprint, entity, kind));
      } else {
        failedOverflow++;
      }
    }
  }

  /** The entities kept for the final retry, and how many did not fit. */
  public List<FailedEntity> failedEntities() {
    synchronized (failed) {
      return List.copyOf(failed);
    }
  }

  public long failedOverflow() {
    synchronized (failed) {
      return failedOverflow;
    }
  }

  /** A rejected entity kept for the final retry. */
  public record FailedEntity(String blueprint, ObjectNode entity, String kind) {}
}
