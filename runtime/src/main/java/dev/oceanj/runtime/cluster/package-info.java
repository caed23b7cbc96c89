/** Cluster mode's wiring in the runtime: the ActorSystem's cluster settings and the instance run as a sharded entity. */
package dev.oceanj.runtime.cluster;
