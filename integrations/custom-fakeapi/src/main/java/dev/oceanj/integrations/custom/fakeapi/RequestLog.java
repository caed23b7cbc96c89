package dev.oceanj.integrations.custom.fakeapi;

import dev.oceanj.fakeapi.RequestRing;

/**
 * The latest requests the API answered (control routes excepted), oldest first, with the credentials they presented
 * (the scheme and who: a user name, an issued token's id, never a password or a key).
 */
public final class RequestLog extends RequestRing<RequestLog.Entry> {

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

  RequestLog(int capacity) {
    super(capacity, Entry::seq);
  }

  void add(String method, String path, String query, String resource, String auth, String principal,
      int status) {
    add(seq -> new Entry(seq, method, path, query, resource, auth, principal, status));
  }
}
