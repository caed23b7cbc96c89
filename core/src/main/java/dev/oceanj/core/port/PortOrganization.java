package dev.oceanj.core.port;

import dev.oceanj.core.port.PortClient.KafkaCredentials;
import dev.oceanj.core.port.PortClient.Organization;
import java.util.Optional;
import java.util.concurrent.CompletionStage;

/** The Port client's role that reads the organisation: its feature flags and its Kafka credentials. */
public interface PortOrganization {

  /** {@code GET /v1/organization}: id and feature flags. */
  CompletionStage<Organization> organization();

  /** {@code GET /v1/kafka-credentials}; empty when Port has none for the organisation. */
  CompletionStage<Optional<KafkaCredentials>> kafkaCredentials();
}
