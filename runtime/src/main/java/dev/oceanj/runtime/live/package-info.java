/**
 * Live-event wiring, started by the guardian: the durable log, its supervised dispatcher (a guardian child), routes
 * and metrics; and a standalone runner.
 */
package dev.oceanj.runtime.live;
