package dev.oceanj.core.sync;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What one resource (kind) of the mapping did in a resync.
 *
 * @param fetched raw objects the integration returned (before itemsToParse)
 * @param mapped entities the mapping produced
 * @param filteredOut items the selector dropped
 * @param dropped items without identifier or blueprint
 * @param upserted entities Port accepted
 * @param unchanged entities skipped because Port already had them as mapped
 * @param failed entities Port rejected (the resync still completes; they are never deleted)
 * @param mappingErrors items whose selector or mapping failed: any disables deletion
 * @param misconfigured mapping field path → expression and a sample entity, once per field
 * @param failedEntities a sample of rejected entities: identifier → Port's message
 * @param errors a sample of mapping error messages
 * @param error why the kind failed as a whole (its extraction gave up, its source is missing) or, failing that,
 *     a line on its mapping errors; empty for a kind without errors
 */
public record KindResult(
    String kind,
    int index,
    long fetched,
    long mapped,
    long filteredOut,
    long dropped,
    long upserted,
    long unchanged,
    long failed,
    long mappingErrors,
    Map<String, String> misconfigured,
    Map<String, String> failedEntities,
    List<String> errors,
    Optional<String> error) {

  public KindResult {
    misconfigured = Map.copyOf(misconfigured);
    failedEntities = Map.copyOf(failedEntities);
    errors = List.copyOf(errors);
  }

  /** The counters of a kind, before anything is known of its error. */
  public KindResult(String kind, int index, long fetched, long mapped, long filteredOut, long dropped, long upserted,
      long unchanged, long failed, long mappingErrors, Map<String, String> misconfigured,
      Map<String, String> failedEntities, List<String> errors) {
    this(kind, index, fetched, mapped, filteredOut, dropped, upserted, unchanged, failed, mappingErrors, misconfigured,
        failedEntities, errors, Optional.empty());
  }

  /** This result with {@code error} (null for none). */
  public KindResult withError(String error) {
    return new KindResult(kind, index, fetched, mapped, filteredOut, dropped, upserted, unchanged, failed,
        mappingErrors, misconfigured, failedEntities, errors, Optional.ofNullable(error));
  }

  /**
   * What the summary, {@code /status}, the logs and the metrics count as failed: entities Port rejected plus
   * items the mapping failed on.
   */
  public long failedTotal() {
    return failed + mappingErrors;
  }

  /** Whether this kind's outcome forbids deletion (selector or mapping errors). */
  public boolean hasErrors() {
    return mappingErrors > 0;
  }
}
