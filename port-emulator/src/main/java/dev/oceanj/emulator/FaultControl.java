package dev.oceanj.emulator;

import java.time.Duration;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The faults currently injected by one emulator; changed by tests at any time ({@link #set}) or through
 * {@code POST /_emulator/faults}.
 */
public final class FaultControl {

  private volatile Faults faults;
  private final AtomicInteger tooManyRequestsLeft = new AtomicInteger();
  private final Queue<Targeted> targeted = new ConcurrentLinkedQueue<>();
  private final Map<String, Duration> methodLatency = new ConcurrentHashMap<>();

  /** What a targeted fault does to the request it hits. */
  public enum Injected {
    /** Answered 503 before being processed: nothing is written. */
    SERVER_ERROR,
    /** Processed (writes happen), then the connection is cut mid-answer. */
    DROP_CONNECTION
  }

  private record Targeted(String method, String route, Injected what, AtomicInteger left) {}

  FaultControl(Faults initial) {
    set(initial);
  }

  /** Replaces the injected faults; a 429 burst starts counting again from its new size; targeted faults are dropped. */
  public void set(Faults f) {
    this.faults = f;
    tooManyRequestsLeft.set(f.tooManyRequestsBurst());
    targeted.clear();
  }

  /**
   * The next {@code times} requests to one route get {@code what}, whatever the rates say: a deterministic fault
   * for one step of a sequence (the integration's creation, one blueprint's).
   *
   * @param method the HTTP method, e.g. {@code POST}
   * @param route the route template as the emulator names it, e.g. {@code /v1/integration} or
   *     {@code /v1/blueprints/{bp}}
   */
  public void failNext(String method, String route, int times, Injected what) {
    targeted.add(new Targeted(method, route, what, new AtomicInteger(times)));
  }

  Injected takeTargeted(String method, String route) {
    if (targeted.isEmpty()) {
      return null;
    }
    for (Targeted t : targeted) {
      if (t.method().equals(method) && t.route().equals(route) && t.left().getAndUpdate(n -> n > 0 ? n - 1 : 0) > 0) {
        return t.what();
      }
    }
    return null;
  }

  /**
   * Every {@code /v1} request with this method waits {@code latency} before it is processed (so a slowed delete
   * happens late, as when Port is slow); zero removes it. Kept by {@link #set} (a separate knob), dropped by a reset.
   *
   * @param method the HTTP method, e.g. {@code DELETE}
   */
  public void slowDown(String method, Duration latency) {
    if (latency.isNegative()) {
      throw new IllegalArgumentException("latency must not be negative, was " + latency);
    }
    if (latency.isZero()) {
      methodLatency.remove(method);
    } else {
      methodLatency.put(method, latency);
    }
  }

  /** The wait before processing a request of this method ({@link #slowDown}). */
  public Duration methodLatency(String method) {
    return methodLatency.isEmpty() ? Duration.ZERO : methodLatency.getOrDefault(method, Duration.ZERO);
  }

  void clearMethodLatency() {
    methodLatency.clear();
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
