/**
 * The actor that drains the durable live-event log: {@link dev.oceanj.actors.live.LiveEventDispatcher} hands each
 * stored webhook event to the integration's processors, maps the results with the live mapping and writes them to
 * Port, retrying what can be retried and dropping what cannot.
 */
package dev.oceanj.actors.live;
