/** Live-event wiring: the durable intake, its draining actor, routes and metrics. */
package dev.oceanj.runtime.live;
