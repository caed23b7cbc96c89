/**
 * Live events after the webhook route: {@link dev.oceanj.actors.live.LiveEventDispatcher} drains the intake (the
 * node's durable log, or the shared Kafka log {@link dev.oceanj.actors.live.KafkaLiveEventLog}), hands each stored
 * webhook event to the integration's processors, maps the results with the live mapping and writes them to Port,
 * retrying what can be retried and dropping what cannot.
 */
package dev.oceanj.actors.live;
