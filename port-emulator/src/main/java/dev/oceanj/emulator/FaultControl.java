package dev.oceanj.emulator;

import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The faults currently injected by one emulator; changed by tests at any time ({@link #set}) or through
 * {@code POST /_emulator/faults}.
 */
public final class FaultControl {

  private volatile Faults faults;
  private final AtomicInteger tooManyRequestsLeft = new AtomicInteger();

  FaultControl(Faults initial) {
    set(initial);
  }

  /** Replaces the injected faults; a 429 burst starts counting again from its new size. */
  public void set(Faults f) {
    this.faults = f;
    tooManyRequestsLeft.set(f.tooManyRequestsBurst());
  }

  /** The injected faults. */
  public Faults current() {
    return faults;
  }

  /** 429s of the current burst not yet sent. */
  public int tooManyRequestsLeft() {
    return tooManyRequestsLeft.get();
  }

  boolean takeTooManyRequests() {
    return tooManyRequestsLeft.getAndUpdate(n -> n > 0 ? n - 1 : 0) > 0;
  }

  boolean rollServerError() {
    double rate = faults.serverErrorRate();
    return rate > 0 && ThreadLocalRandom.current().nextDouble() < rate;
  }

  boolean rollDropConnection() {
    double rate = faults.dropConnectionRate();
    return rate > 0 && ThreadLocalRandom.current().nextDouble() < rate;
  }
}
