package dev.oceanj.integrations.fake;

/**
 * The fake integration's settings ({@code ocean.integration.config}), named as in its {@code .port/spec.yaml}.
 * Missing values take Ocean's fake-integration defaults; out-of-range values are refused, naming the setting.
 *
 * @param entityAmount persons per department (Ocean's default 20)
 * @param entityKbSize size of each person's {@code bio}, in KiB (default 1)
 * @param thirdPartyBatchSize items per request to the fake 3rd-party API (default 1000)
 * @param thirdPartyLatencyMS delay the fake API adds to every request (default 0)
 * @param singleDepartmentRun only the first department and its persons and teams (default false)
 * @param seed seed of the generated data; the same seed gives the same data (default 1)
 * @param removedPersons test knob: persons dropped from the end of every department (default 0)
 * @param personsVersion test knob: another version changes every person's status, age and bio, not its id
 * @param failKindAfter test knob: the fake API fails a kind once it delivered that many items (default none)
 * @param failOnStart test knob: the integration's start hook throws (default false)
 * @param hangKind test knob: the fake API never answers a request for this kind, like a hung 3rd party (default
 *     none)
 * @since 0.1
 */
public record FakeSettings(Integer entityAmount, Integer entityKbSize, Integer thirdPartyBatchSize,
    Integer thirdPartyLatencyMS, Boolean singleDepartmentRun, Long seed, Integer removedPersons,
    Integer personsVersion, FailKindAfter failKindAfter, Boolean failOnStart, String hangKind) {

  public FakeSettings {
    entityAmount = within("entityAmount", entityAmount, 20, 0, 100_000_000);
    entityKbSize = within("entityKbSize", entityKbSize, 1, 1, 1024);
    thirdPartyBatchSize = within("thirdPartyBatchSize", thirdPartyBatchSize, 1000, 1, 100_000);
    thirdPartyLatencyMS = within("thirdPartyLatencyMS", thirdPartyLatencyMS, 0, 0, 60_000);
    singleDepartmentRun = singleDepartmentRun != null && singleDepartmentRun;
    seed = seed == null ? 1L : seed;
    removedPersons = within("removedPersons", removedPersons, 0, 0, Integer.MAX_VALUE);
    personsVersion = within("personsVersion", personsVersion, 0, 0, Integer.MAX_VALUE);
    failOnStart = failOnStart != null && failOnStart;
    if (hangKind != null && !FakeIntegration.KINDS.contains(hangKind)) {
      throw new IllegalArgumentException("hangKind must be one of " + FakeIntegration.KINDS + ", got '" + hangKind
          + "'");
    }
  }

  /** Persons each department holds after {@link #removedPersons()}. */
  public int personsPerDepartment() {
    return Math.max(0, entityAmount - removedPersons);
  }

  private static int within(String name, Integer value, int fallback, int min, int max) {
    if (value == null) {
      return fallback;
    }
    if (value < min || value > max) {
      throw new IllegalArgumentException(name + " must be between " + min + " and " + max + ", got " + value);
    }
    return value;
  }

  /**
   * Makes the fake 3rd-party API fail {@code kind} once it served {@code items} of it: pages stop exactly there,
   * and the next request gets HTTP 500. A single-fetch kind ({@code fake-department}) fails outright when
   * {@code items} is below its size.
   *
   * @param kind one of the fake kinds
   * @param items items served before the failure; 0 fails the first request
   * @since 0.1
   */
  public record FailKindAfter(String kind, Integer items) {
    public FailKindAfter {
      if (kind == null || !FakeIntegration.KINDS.contains(kind)) {
        throw new IllegalArgumentException("failKindAfter.kind must be one of " + FakeIntegration.KINDS
            + ", got " + (kind == null ? "nothing" : "'" + kind + "'"));
      }
      if (items == null || items < 0) {
        throw new IllegalArgumentException("failKindAfter.items must be a number >= 0, got " + items);
      }
    }
  }
}
