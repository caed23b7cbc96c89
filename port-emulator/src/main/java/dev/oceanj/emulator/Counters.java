package dev.oceanj.emulator;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * Request and write counters of one emulator, cheap to bump from many threads; read them with {@link #snapshot()}
 * or {@code GET /_emulator/counters}.
 */
public final class Counters {

  private final Map<String, LongAdder> requestsByRoute = new ConcurrentHashMap<>();
  private final LongAdder entitiesWritten = new LongAdder();
  private final LongAdder entitiesCreated = new LongAdder();
  private final LongAdder entitiesDeleted = new LongAdder();
  private final LongAdder entityErrors = new LongAdder();
  private final LongAdder tooManyRequestsSent = new LongAdder();
  private final LongAdder serverErrorsInjected = new LongAdder();
  private final LongAdder connectionsDropped = new LongAdder();
  private final LongAdder unauthorized = new LongAdder();
  private final LongAdder tokensIssued = new LongAdder();
  private final LongAdder bytesIn = new LongAdder();

  void request(String route) {
    requestsByRoute.computeIfAbsent(route, r -> new LongAdder()).increment();
  }

  void entityWritten(boolean created) {
    entitiesWritten.increment();
    if (created) {
      entitiesCreated.increment();
    }
  }

  void entitiesDeleted(int n) {
    entitiesDeleted.add(n);
  }

  void entityError() {
    entityErrors.increment();
  }

  void tooManyRequests() {
    tooManyRequestsSent.increment();
  }

  void serverErrorInjected() {
    serverErrorsInjected.increment();
  }

  void connectionDropped() {
    connectionsDropped.increment();
  }

  void unauthorized() {
    unauthorized.increment();
  }

  void tokenIssued() {
    tokensIssued.increment();
  }

  void bytesIn(long n) {
    bytesIn.add(n);
  }

  void reset() {
    requestsByRoute.clear();
    for (LongAdder a : new LongAdder[] {entitiesWritten, entitiesCreated, entitiesDeleted, entityErrors,
        tooManyRequestsSent, serverErrorsInjected, connectionsDropped, unauthorized, tokensIssued, bytesIn}) {
      a.reset();
    }
  }

  /** A consistent-enough copy of every counter (each is read once). */
  public Snapshot snapshot() {
    Map<String, Long> routes = new TreeMap<>();
    requestsByRoute.forEach((k, v) -> routes.put(k, v.sum()));
    return new Snapshot(routes, entitiesWritten.sum(), entitiesCreated.sum(), entitiesDeleted.sum(),
        entityErrors.sum(), tooManyRequestsSent.sum(), serverErrorsInjected.sum(), connectionsDropped.sum(),
        unauthorized.sum(), tokensIssued.sum(), bytesIn.sum());
  }

  /**
   * Counter values at one moment.
   *
   * @param requestsByRoute      requests per route template, e.g. {@code "POST /v1/blueprints/{bp}/entities/bulk"}
   * @param entitiesWritten      entities created or updated (validation-only calls excluded)
   * @param entitiesCreated      of which created
   * @param entitiesDeleted      entities deleted
   * @param entityErrors         entities rejected in upserts
   * @param tooManyRequestsSent  429 answers (rate limits and injected bursts)
   * @param serverErrorsInjected injected 5xx answers
   * @param connectionsDropped   connections cut on purpose
   * @param unauthorized         401 answers
   * @param tokensIssued         access tokens issued
   * @param bytesIn              request body bytes received
   */
  public record Snapshot(
      Map<String, Long> requestsByRoute,
      long entitiesWritten,
      long entitiesCreated,
      long entitiesDeleted,
      long entityErrors,
      long tooManyRequestsSent,
      long serverErrorsInjected,
      long connectionsDropped,
      long unauthorized,
      long tokensIssued,
      long bytesIn) {

    /** Requests counted for one route template, 0 when none. */
    public long requests(String route) {
      return requestsByRoute.getOrDefault(route, 0L);
    }
  }
}
