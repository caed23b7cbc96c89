/**
 * Live-event wiring, started by the guardian: the durable log, its supervised dispatcher (a guardian child), routes
 * and metrics.
 */
package dev.oceanj.runtime.live;
