/** Live-event wiring: the durable intake, its draining actor, routes and metrics, and a standalone runner. */
package dev.oceanj.runtime.live;
