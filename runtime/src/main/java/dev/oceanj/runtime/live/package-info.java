/**
 * Live-event wiring, started by each instance: the durable log, its supervised dispatcher (an instance child), routes
 * and metrics.
 */
package dev.oceanj.runtime.live;
