package dev.oceanj.integrations.pagerduty.fakeapi;

import java.util.ArrayDeque;
import java.util.ArrayList;
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

  private final int capacity;
  private final ArrayDeque<Entry> entries = new ArrayDeque<>();
  private long seq;
  private long dropped;

  RequestLog(int capacity) {
    this.capacity = capacity;
  }

  synchronized void add(String method, String path, String query, String auth, boolean authorized, int status,
      String body) {
    Entry entry = new Entry(++seq, method, path, query, auth, authorized, status, body);
    if (entries.size() == capacity) {
      if (capacity == 0) {
        dropped++;
        return;
      }
      entries.removeFirst();
      dropped++;
    }
    entries.addLast(entry);
  }

  synchronized List<Entry> since(long since) {
    List<Entry> result = new ArrayList<>();
    for (Entry entry : entries) {
      if (entry.seq() > since) {
        result.add(entry);
      }
    }
    return result;
  }

  synchronized long last() {
    return seq;
  }

  synchronized long dropped() {
    return dropped;
  }

  synchronized void clear() {
    dropped += entries.size();
    entries.clear();
  }
}
