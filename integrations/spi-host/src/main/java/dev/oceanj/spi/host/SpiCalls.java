package dev.oceanj.spi.host;

import dev.oceanj.spi.Page;
import dev.oceanj.spi.ResyncSource;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Flow;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Runs calls into integrations' own code (start, stop and resync hooks, the calls that ask a resync source for a
 * page, live-event processors) on a bounded set of threads shared by every integration of the process, each within
 * a time limit, so that a hung 3rd party fails that one call instead of holding the runtime.
 *
 * <p>At most {@code threads} calls run at once; the others wait in line, first come first served. A call that
 * exceeds its limit fails with {@link SpiTimeoutException} (naming what was called and the setting that bounds it),
 * the thread running it is interrupted, and an asynchronous call's stage is cancelled. Its place is handed to the
 * next call at once: a call that ignores the interrupt keeps its thread (counted by {@link #stuck()}) but no longer
 * counts against the bound, so a few hung calls cannot starve the other integrations. The limit of a call counts
 * from when it starts running, not from when it was queued.
 *
 * <p>Thread-safe; one per process. {@link #close()} stops its threads.
 *
 * @since 0.2
 */
public final class SpiCalls implements AutoCloseable {

  /**
   * A time limit and the setting it comes from (named in the error when a call exceeds it).
   *
   * @param duration the limit; zero or negative means none
   * @param setting the key that sets it, e.g. {@code ocean.host.page-timeout}
   */
  public record Limit(Duration duration, String setting) {
    public Limit {
      Objects.requireNonNull(duration, "duration");
      Objects.requireNonNull(setting, "setting");
    }

    boolean bounded() {
      return !duration.isZero() && !duration.isNegative();
    }

    /** What a call that exceeded this limit failed with: {@code <what> did not finish within 2 s (<setting>)}. */
    public String exceeded(String what) {
      return what + " did not finish within " + human(duration) + " (" + setting + ")";
    }

    private static String human(Duration d) {
      if (d.toMillis() % 60_000 == 0 && d.toMinutes() > 0) {
        return d.toMinutes() + " min";
      }
      if (d.toMillis() % 1000 == 0) {
        return d.toSeconds() + " s";
      }
      return d.toMillis() + " ms";
    }
  }

  /** A call of an integration's code that may throw anything. */
  @FunctionalInterface
  public interface Call<T> extends Callable<T> {}

  private final int threads;
  private final ExecutorService pool;
  private final ScheduledThreadPoolExecutor timer;
  private final ArrayDeque<Runnable> waiting = new ArrayDeque<>();
  private final AtomicInteger stuck = new AtomicInteger();
  private int running;

  private SpiCalls(int threads) {
    if (threads < 1) {
      throw new IllegalArgumentException("threads must be at least 1, got " + threads);
    }
    this.threads = threads;
    AtomicInteger n = new AtomicInteger();
    // Unbounded thread count: the bound is the number of calls let in (running), so a thread that ignores its
    // interrupt can be replaced.
    this.pool = Executors.newCachedThreadPool(r -> daemon(r, "oceanj-spi-" + n.incrementAndGet()));
    this.timer = new ScheduledThreadPoolExecutor(1, r -> daemon(r, "oceanj-spi-timer"));
    // A finished call's timeout must not keep its result reachable until the limit would have expired.
    this.timer.setRemoveOnCancelPolicy(true);
  }

  /** A set of {@code threads} threads for integrations' calls (daemon threads named {@code oceanj-spi-<n>}). */
  public static SpiCalls create(int threads) {
    return new SpiCalls(threads);
  }

  private static Thread daemon(Runnable r, String name) {
    Thread t = new Thread(r, name);
    t.setDaemon(true);
    return t;
  }

  /** The bound on calls running at once. */
  public int threads() {
    return threads;
  }

  /** Calls that exceeded their limit and whose thread has not returned yet (it ignored the interrupt). */
  public int stuck() {
    return stuck.get();
  }

  /**
   * Runs a blocking call on the shared threads.
   *
   * @param what what is called, for the error (e.g. {@code integration 'fake-03': start hooks})
   * @return completed with the call's result, or failed with its exception (unwrapped) or a
   *     {@link SpiTimeoutException} when it exceeded {@code limit}
   */
  public <T> CompletableFuture<T> call(String what, Limit limit, Call<T> call) {
    return async(what, limit, () -> {
      try {
        return CompletableFuture.completedFuture(call.call());
      } catch (Exception e) {
        if (e instanceof InterruptedException) {
          Thread.currentThread().interrupt();
        }
        return CompletableFuture.failedFuture(e);
      }
    });
  }

  /**
   * Runs an asynchronous call: {@code call} itself runs on the shared threads (an integration may block before it
   * returns its stage), and the stage it returns must complete within {@code limit}, counted from when the call
   * started. The shared thread is held only while {@code call} runs, not while its stage is pending.
   */
  public <T> CompletableFuture<T> async(String what, Limit limit, Supplier<? extends CompletionStage<T>> call) {
    Objects.requireNonNull(what, "what");
    Objects.requireNonNull(limit, "limit");
    Objects.requireNonNull(call, "call");
    var task = new Task<T>(what, limit, call);
    submit(task);
    return task.result;
  }

  /**
   * An executor running each task as a {@link #call} within {@code limit}: for code that hands integration calls to an
   * {@link Executor} (live-event processors). A task past its limit is interrupted and gives its place up.
   *
   * @param what what its tasks call, for the error (e.g. {@code integration 'fake-03': a live-event processor})
   */
  public Executor executor(String what, Limit limit) {
    Objects.requireNonNull(what, "what");
    Objects.requireNonNull(limit, "limit");
    return task -> call(what, limit, () -> {
      task.run();
      return null;
    });
  }

  /**
   * {@code source} with each page (or the single fetch, or each batch of a publisher) under {@code limit}: the call
   * that asks for a page runs on the shared threads, and a page that does not arrive in time fails the source with
   * a {@link SpiTimeoutException} naming {@code what} and the page.
   *
   * @param what the source, for the error (e.g. {@code integration 'fake-03', kind 'fake-person'})
   */
  @SuppressWarnings("unchecked")
  public <T> ResyncSource<T> guard(ResyncSource<T> source, String what, Limit limit) {
    Objects.requireNonNull(source, "source");
    if (source instanceof ResyncSource.Single<T> single) {
      return ResyncSource.single(() -> async(what + ": the fetch", limit,
          () -> (CompletionStage<List<T>>) single.fetch().get()));
    }
    if (source instanceof ResyncSource.Paged<T> paged) {
      Function<Optional<String>, ? extends CompletionStage<Page<T>>> fetch = paged.fetchPage();
      AtomicLong page = new AtomicLong();
      return ResyncSource.paged(cursor -> {
        long n = cursor.isEmpty() ? resetTo(page) : page.incrementAndGet();
        return async(what + ": page " + n, limit, () -> fetch.apply(cursor));
      });
    }
    if (source instanceof ResyncSource.Published<T> published) {
      return ResyncSource.fromPublisher(() -> new TimedPublisher<>(published.publisher().get(), what, limit));
    }
    throw new IllegalArgumentException("unknown ResyncSource " + source.getClass().getName());
  }

  /**
   * Runs {@code integration}'s start hooks ({@link DefinedIntegration#start()}) on the shared threads within
   * {@code limit}; its stage fails with the hook's exception or a {@link SpiTimeoutException} naming
   * {@code identifier}.
   */
  public CompletableFuture<Void> start(DefinedIntegration integration, String identifier, Limit limit) {
    return call("integration '" + identifier + "': the start hooks", limit, () -> {
      integration.start();
      return null;
    });
  }

  /**
   * Runs {@code integration}'s stop hooks ({@link DefinedIntegration#stop()}) on the shared threads within
   * {@code limit}; completes with the hooks' failures (a timeout is one of them).
   */
  public CompletableFuture<List<Exception>> stop(DefinedIntegration integration, String identifier, Limit limit) {
    return call("integration '" + identifier + "': the stop hooks", limit, integration::stop)
        .exceptionally(e -> List.of(e instanceof Exception x ? x : new IllegalStateException(e)));
  }

  private static long resetTo(AtomicLong page) {
    page.set(1);
    return 1;
  }

  @Override
  public void close() {
    pool.shutdownNow();
    timer.shutdownNow();
  }

  // ---- admission -------------------------------------------------------------------------------------------------

  private void submit(Runnable task) {
    synchronized (waiting) {
      if (running >= threads) {
        waiting.add(task);
        return;
      }
      running++;
    }
    start(task);
  }

  private void start(Runnable task) {
    try {
      pool.execute(task);
    } catch (RuntimeException e) {
      // Closed: the call fails instead of waiting forever.
      if (task instanceof Task<?> t) {
        t.result.completeExceptionally(new IllegalStateException(t.what + ": the runtime is shutting down", e));
      }
      release();
    }
  }

  /** One call left the bound (it returned, or exceeded its limit): the next in line starts. */
  private void release() {
    Runnable next;
    synchronized (waiting) {
      next = waiting.poll();
      if (next == null) {
        running--;
        return;
      }
    }
    start(next);
  }

  /** One call: runs {@code call}, arms its limit, and releases its place exactly once. */
  private final class Task<T> implements Runnable {
    final String what;
    final Limit limit;
    final Supplier<? extends CompletionStage<T>> call;
    final CompletableFuture<T> result = new CompletableFuture<>();
    private Thread thread;
    private boolean released;
    private boolean timedOut;
    private CompletionStage<T> stage;
    private ScheduledFuture<?> deadline;

    Task(String what, Limit limit, Supplier<? extends CompletionStage<T>> call) {
      this.what = what;
      this.limit = limit;
      this.call = call;
    }

    @Override
    public void run() {
      synchronized (this) {
        thread = Thread.currentThread();
        if (limit.bounded()) {
          deadline = timer.schedule(this::expire, limit.duration().toNanos(), TimeUnit.NANOSECONDS);
        }
      }
      CompletionStage<T> s;
      try {
        s = Objects.requireNonNull(call.get(), "the integration returned no CompletionStage");
      } catch (RuntimeException | Error e) {
        s = CompletableFuture.failedFuture(e);
      }
      boolean wasStuck;
      synchronized (this) {
        thread = null;
        stage = s;
        wasStuck = timedOut;
        if (timedOut) {
          // Interrupted or not, the thread is back; clear a late interrupt before it serves the next call.
          Thread.interrupted();
        }
      }
      if (wasStuck) {
        stuck.decrementAndGet();
        s.toCompletableFuture().cancel(true);
        return;
      }
      leave();
      s.whenComplete((value, error) -> {
        cancelDeadline();
        if (error == null) {
          result.complete(value);
        } else {
          result.completeExceptionally(error instanceof CompletionException && error.getCause() != null
              ? error.getCause() : error);
        }
      });
    }

    private void expire() {
      CompletionStage<T> pending;
      synchronized (this) {
        if (result.isDone()) {
          return;
        }
        pending = stage;
        if (thread != null) {
          // Under the lock: the thread cannot have returned to the pool, so the interrupt hits this call only.
          timedOut = true;
          stuck.incrementAndGet();
          thread.interrupt();
        }
      }
      result.completeExceptionally(new SpiTimeoutException(what, limit));
      if (pending != null) {
        pending.toCompletableFuture().cancel(true);
      } else {
        leave();
      }
    }

    private void leave() {
      boolean first;
      synchronized (this) {
        first = !released;
        released = true;
      }
      if (first) {
        release();
      }
    }

    private synchronized void cancelDeadline() {
      if (deadline != null) {
        deadline.cancel(false);
      }
    }
  }

  // ---- publishers ------------------------------------------------------------------------------------------------

  /** A publisher whose every requested batch must arrive within the limit (no limit while nothing is requested). */
  private final class TimedPublisher<T> implements Flow.Publisher<List<T>> {
    private final Flow.Publisher<List<T>> upstream;
    private final String what;
    private final Limit limit;

    TimedPublisher(Flow.Publisher<List<T>> upstream, String what, Limit limit) {
      this.upstream = Objects.requireNonNull(upstream, "the integration's publisher");
      this.what = what;
      this.limit = limit;
    }

    @Override
    public void subscribe(Flow.Subscriber<? super List<T>> subscriber) {
      upstream.subscribe(new TimedSubscriber<>(subscriber, what, limit));
    }
  }

  /**
   * Passes signals through, under its lock so that a timeout's {@code onError} never overlaps an {@code onNext}; a
   * timer runs while batches are requested and none arrived for the limit.
   */
  private final class TimedSubscriber<T> implements Flow.Subscriber<List<T>>, Flow.Subscription {
    private final Flow.Subscriber<? super List<T>> downstream;
    private final String what;
    private final Limit limit;
    private Flow.Subscription subscription;
    private long requested;
    private long batch;
    private boolean done;
    private ScheduledFuture<?> deadline;

    TimedSubscriber(Flow.Subscriber<? super List<T>> downstream, String what, Limit limit) {
      this.downstream = downstream;
      this.what = what;
      this.limit = limit;
    }

    @Override
    public synchronized void onSubscribe(Flow.Subscription s) {
      subscription = s;
      downstream.onSubscribe(this);
    }

    @Override
    public void request(long n) {
      synchronized (this) {
        if (done) {
          return;
        }
        requested = n <= 0 || requested + n < 0 ? Long.MAX_VALUE : requested + n;
        arm();
      }
      subscription.request(n);
    }

    @Override
    public void cancel() {
      synchronized (this) {
        done = true;
        disarm();
      }
      subscription.cancel();
    }

    @Override
    public synchronized void onNext(List<T> items) {
      if (done) {
        return;
      }
      batch++;
      if (requested != Long.MAX_VALUE) {
        requested--;
      }
      disarm();
      arm();
      downstream.onNext(items);
    }

    @Override
    public synchronized void onError(Throwable error) {
      if (!done) {
        done = true;
        disarm();
        downstream.onError(error);
      }
    }

    @Override
    public synchronized void onComplete() {
      if (!done) {
        done = true;
        disarm();
        downstream.onComplete();
      }
    }

    private void arm() {
      if (deadline == null && requested > 0 && limit.bounded()) {
        long next = batch + 1;
        deadline = timer.schedule(() -> expire(next), limit.duration().toNanos(), TimeUnit.NANOSECONDS);
      }
    }

    private void disarm() {
      if (deadline != null) {
        deadline.cancel(false);
        deadline = null;
      }
    }

    private void expire(long expected) {
      synchronized (this) {
        if (done || batch >= expected) {
          return;
        }
        done = true;
        deadline = null;
        downstream.onError(new SpiTimeoutException(what + ": batch " + expected, limit));
      }
      subscription.cancel();
    }
  }
}
