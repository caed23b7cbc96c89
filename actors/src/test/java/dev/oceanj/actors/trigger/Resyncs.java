package dev.oceanj.actors.trigger;

import dev.oceanj.actors.resync.ResyncProtocol.Disposition;
import dev.oceanj.actors.resync.ResyncProtocol.Outcome;
import dev.oceanj.actors.resync.ResyncProtocol.ResyncAccepted;
import dev.oceanj.actors.resync.ResyncProtocol.ResyncFinished;
import dev.oceanj.core.sync.Reconciler;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.function.BooleanSupplier;

/** Test data and waiting helpers for trigger tests. */
public final class Resyncs {

  private Resyncs() {}

  public static ResyncAccepted started(String id) {
    return new ResyncAccepted(id, Disposition.STARTED);
  }

  public static ResyncFinished finished(String id, String trigger, Outcome outcome) {
    Instant now = Instant.now();
    return new ResyncFinished(id, trigger, outcome, now.minusSeconds(1), now, List.of(),
        Reconciler.Result.skipped("test"), List.of());
  }

  /** Polls {@code condition} until it holds or {@code timeout} passes. */
  public static void await(Duration timeout, String what, BooleanSupplier condition) {
    dev.oceanj.testsupport.Await.until(what, timeout, condition);
  }
}
