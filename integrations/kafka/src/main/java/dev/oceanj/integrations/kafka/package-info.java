/**
 * Ocean's {@code kafka} integration: clusters, brokers, topics and consumer groups read through Kafka's Admin API
 * ({@link dev.oceanj.integrations.kafka.KafkaCatalog}), with the librdkafka properties of Ocean's configuration
 * translated for the Java client ({@link dev.oceanj.integrations.kafka.LibrdkafkaConfig}).
 */
package dev.oceanj.integrations.kafka;
