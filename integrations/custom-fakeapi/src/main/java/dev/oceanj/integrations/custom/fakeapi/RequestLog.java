package dev.oceanj.integrations.custom.fakeapi;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * The latest requests the API answered (control routes excepted), oldest first, with the credentials they presented
 * (the scheme and who: a user name, an issued token's id, never a password or a key).
 */
public final class RequestLog {

  /**
   * One request.
   *
   * @param seq its number, from 1
   * @param method HTTP method
   * @param path the whole path, auth and pagination segments included
   * @param query the raw query string, or null
   * @param resource the path without the auth and pagination segments
   * @param auth the credentials presented: {@code none}, {@code bearer}, {@code basic}, {@code apikey} or
   *     {@code client_credentials} (a token request)
   * @param principal who: the user, the issued token, {@code configured-token}, the key's header; null for none
   * @param status the status answered
   */
  public record Entry(long seq, String method, String path, String query, String resource, String auth, String principal,
      int status) {
  }

  private final int capacity;
  private final ArrayDeque<Entry> entries = new ArrayDeque<>();
  private long seq;
  private long dropped;

  RequestLog(int capacity) {
    this.capacity = capacity;
  }

  synchronized void add(String method, String path, String query, String resource, String auth, String principal,
      int status) {
    Entry entry = new Entry(++seq, method, path, query, resource, auth, principal, status);
    if (capacity == 0) {
      dropped++;
      return;
    }
    if (entries.size() == capacity) {
      entries.removeFirst();
      dropped++;
    }
    entries.addLast(entry);
  }

  /** The kept entries numbered above {@code since}. */
  synchronized List<Entry> since(long since) {
    List<Entry> result = new ArrayList<>();
    for (Entry entry : entries) {
      if (entry.seq() > since) {
        result.add(entry);
      }
    }
    return result;
  }

  synchronized long dropped() {
    return dropped;
  }

  synchronized long last() {
    return seq;
  }

  synchronized void clear() {
    dropped += entries.size();
    entries.clear();
  }
}
