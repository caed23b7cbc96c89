package dev.oceanj.actors.resync;

import java.util.ArrayDeque;
import java.util.Iterator;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;

/**
 * The bound on full resyncs running at once in the process ({@code ocean.host.max-concurrent-resyncs}), shared by
 * the supervisors of every integration the process hosts: a nightly schedule over 50 integrations does not start
 * 50 resyncs together. A supervisor {@link #enter enters} before it starts a run and {@link Ticket#leave leaves}
 * once the run's actor has stopped; resyncs beyond the bound wait in line, first come first served, and show as
 * pending, not failed.
 *
 * <p>Thread-safe; the supervisors learn of their turn through {@link Ticket#admitted()} (piped to themselves).
 */
public final class ResyncGate {

  private final int limit;
  private final ArrayDeque<Ticket> waiting = new ArrayDeque<>();
  private int running;

  private ResyncGate(int limit) {
    this.limit = limit;
  }

  /** A gate letting {@code limit} resyncs run at once. */
  public static ResyncGate of(int limit) {
    if (limit < 1) {
      throw new IllegalArgumentException("ocean.host.max-concurrent-resyncs must be at least 1, got " + limit);
    }
    return new ResyncGate(limit);
  }

  /** A gate that never makes a resync wait (one integration per process, and tests). */
  public static ResyncGate unbounded() {
    return new ResyncGate(Integer.MAX_VALUE);
  }

  /** Resyncs allowed to run at once. */
  public int limit() {
    return limit;
  }

  /** Resyncs admitted and not yet left. */
  public synchronized int running() {
    return running;
  }

  /** Resyncs waiting for their turn. */
  public synchronized int waiting() {
    return waiting.size();
  }

  /**
   * Joins the line (or is admitted at once when there is room).
   *
   * @param who the integration's identifier, for the ticket's description
   */
  public Ticket enter(String who) {
    Ticket t = new Ticket(Objects.requireNonNull(who, "who"));
    synchronized (this) {
      if (running < limit) {
        running++;
        t.state = State.ADMITTED;
      } else {
        waiting.add(t);
      }
    }
    if (t.state == State.ADMITTED) {
      t.admitted.complete(null);
    }
    return t;
  }

  private void leave(Ticket t) {
    Ticket next = null;
    synchronized (this) {
      if (t.state == State.WAITING) {
        waiting.remove(t);
      } else if (t.state == State.ADMITTED) {
        next = waiting.poll();
        if (next == null) {
          running--;
        } else {
          next.state = State.ADMITTED;
        }
      }
      t.state = State.LEFT;
    }
    t.admitted.cancel(false);
    if (next != null) {
      next.admitted.complete(null);
    }
  }

  private synchronized int position(Ticket t) {
    int i = 1;
    for (Iterator<Ticket> it = waiting.iterator(); it.hasNext(); i++) {
      if (it.next() == t) {
        return i;
      }
    }
    return 0;
  }

  private enum State { WAITING, ADMITTED, LEFT }

  /** One resync's place: waiting, then admitted, then left. */
  public final class Ticket {
    private final String who;
    private final CompletableFuture<Void> admitted = new CompletableFuture<>();
    private State state = State.WAITING;

    private Ticket(String who) {
      this.who = who;
    }

    /** Completes when the resync may start; cancelled if the ticket leaves before. */
    public CompletableFuture<Void> admitted() {
      return admitted;
    }

    /** The place in line (1 = next), 0 once admitted or left. */
    public int position() {
      return ResyncGate.this.position(this);
    }

    /** Leaves the line, or hands the place to the next in line once admitted. Later calls do nothing. */
    public void leave() {
      ResyncGate.this.leave(this);
    }

    @Override
    public String toString() {
      return "ResyncGate.Ticket[" + who + "]";
    }
  }
}
