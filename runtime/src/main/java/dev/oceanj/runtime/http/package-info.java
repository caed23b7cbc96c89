/**
 * The runtime's one HTTP binding ({@link dev.oceanj.runtime.http.OceanServer}) and its routes, one class per concern
 * collected by {@link dev.oceanj.runtime.http.OceanRoutes}: health and readiness, metrics, status, resync requests,
 * live-event webhooks and the API docs.
 */
package dev.oceanj.runtime.http;
