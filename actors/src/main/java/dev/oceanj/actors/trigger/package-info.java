/**
 * Trigger actors: one per connection mode ({@code ocean.event-listener.type}) plus the schedule. Each one
 * decides <em>when</em> a resync starts and tells the integration's supervisor through
 * {@link dev.oceanj.actors.resync.ResyncProtocol}; none of them knows how a resync works.
 */
package dev.oceanj.actors.trigger;
