package dev.oceanj.integrations.pagerduty.fakeapi;

import dev.oceanj.fakeapi.RequestRing;

/** The latest API requests the fake answered (control routes excepted), oldest first. Never holds a token. */
public final class RequestLog extends RequestRing<RequestLog.Entry> {

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

  RequestLog(int capacity) {
    super(capacity, Entry::seq);
  }

  void add(String method, String path, String query, String auth, boolean authorized, int status,
      String body) {
    add(seq -> new Entry(seq, method, path, query, auth, authorized, status, body));
  }
}
