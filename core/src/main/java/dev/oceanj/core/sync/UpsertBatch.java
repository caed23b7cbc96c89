package dev.oceanj.core.sync;

import java.util.List;

/** Entities of one blueprint that go to Port in one bulk upsert. */
record UpsertBatch(String blueprint, List<PreparedEntity> entities, long bytes) {}
