package dev.oceanj.core.port;

import java.util.List;

/**
 * Port's fixed limits and addresses, which no setting changes: every bound the settings check and every packer,
 * batcher and client refer to these (port-api-limits.md). The embedded emulator keeps its own copy, as the server
 * it models.
 */
public final class PortLimits {

  /** Entities per bulk upsert ({@code POST /v1/blueprints/{bp}/entities/bulk}). */
  public static final int MAX_UPSERT_ENTITIES = 20;
  /** Bytes of any request body, a bulk upsert's included. */
  public static final int MAX_BODY_BYTES = 1024 * 1024;
  /** Identifiers per bulk delete. */
  public static final int MAX_DELETE_IDENTIFIERS = 100;
  /** Port's public (EU) Kafka brokers, Ocean's default for the KAFKA listener. */
  public static final List<String> KAFKA_BROKERS = List.of(
      "b-1-public.publicclusterprod.t9rw6w.c1.kafka.eu-west-1.amazonaws.com:9196",
      "b-2-public.publicclusterprod.t9rw6w.c1.kafka.eu-west-1.amazonaws.com:9196",
      "b-3-public.publicclusterprod.t9rw6w.c1.kafka.eu-west-1.amazonaws.com:9196");

  private PortLimits() {}
}
