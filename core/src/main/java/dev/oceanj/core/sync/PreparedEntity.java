package dev.oceanj.core.sync;

import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * A mapped entity on its way to Port, with what the write path needs measured once on the CPU pool.
 *
 * @param identifier null when the identifier is a search query
 * @param key {@link KeyHash#key} of (blueprint, identifier); 0 when the identifier is a search query
 * @param json its serialized JSON: digested here and sent as is, so each entity is serialized once
 * @param digest {@link KeyHash#digest} of {@code json}
 */
record PreparedEntity(String blueprint, String identifier, long key, ObjectNode entity, byte[] json, long digest) {

  /** The size of its serialized JSON. */
  int bytes() {
    return json.length;
  }
}
