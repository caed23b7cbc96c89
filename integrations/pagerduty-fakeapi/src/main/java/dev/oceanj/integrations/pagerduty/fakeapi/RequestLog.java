package dev.oceanj.integrations.pagerduty.fakeapi;

import dev.oceanj.fakeapi.RequestRing;
import java.util.List;

/** The latest API requests the fake answered (control routes excepted), oldest first. Never holds a token. */
public final class RequestLog {

  /**
   * One request.
   *
   * @param seq its number, from 1
   * @param method HTTP method
   * @param path the path
   * @param query the raw query string, or null
   * @param auth the scheme presented: {@code token} ({@code Token token=}), {@code bearer}, {@code other} or
   *     {@code none}
   * @param authorized whether the credentials were accepted
   * @param status the status answered
   * @param body the request body of a POST, PUT or DELETE, or null
   */
  public record Entry(long seq, String method, String path, String query, String auth, boolean authorized, int status,
      String body) {
  }

  private final RequestRing<Entry> ring;

  RequestLog(int capacity) {
    this.ring = new RequestRing<>(capacity, Entry::seq);
  }

  void add(String method, String path, String query, String auth, boolean authorized, int status,
      String body) {
    ring.add(seq -> new Entry(seq, method, path, query, auth, authorized, status, body));
  }

  /** The kept entries numbered above {@code since}. */
  List<Entry> since(long since) {
    return ring.since(since);
  }

  long dropped() {
    return ring.dropped();
  }

  long last() {
    return ring.last();
  }

  void clear() {
    ring.clear();
  }
}
