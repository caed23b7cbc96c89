/**
 * The KAFKA connection mode: {@link dev.oceanj.actors.trigger.kafka.KafkaTrigger} consumes Port's per-organisation
 * change-log topic and asks the supervisor for a resync when {@link dev.oceanj.actors.trigger.kafka.KafkaMessageFilter}
 * says a message is for this integration; its {@link dev.oceanj.actors.trigger.kafka.KafkaSettings}.
 */
package dev.oceanj.actors.trigger.kafka;
