package dev.oceanj.core.sync;

import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * A mapped entity on its way to Port, with what the write path needs measured once on the CPU pool.
 *
 * @param identifier null when the identifier is a search query
 * @param key {@link KeyHash#key} of (blueprint, identifier); 0 when the identifier is a search query
 * @param bytes the size of its serialized JSON
 * @param digest {@link KeyHash#digest} of its serialized JSON
 */
record PreparedEntity(String blueprint, String identifier, long key, ObjectNode entity, int bytes, long digest) {}
