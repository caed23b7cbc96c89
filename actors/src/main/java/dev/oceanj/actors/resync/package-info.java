/** Full resyncs: the per-integration {@link dev.oceanj.actors.resync.IntegrationSupervisor} and its kind workers. */
package dev.oceanj.actors.resync;
