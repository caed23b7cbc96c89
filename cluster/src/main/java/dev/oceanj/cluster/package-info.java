/**
 * Cluster mode (opt-in, {@code ocean.cluster.enabled}): several JVMs on Pekko Cluster, each integration instance one
 * Cluster Sharding entity placed on exactly one node, the Split Brain Resolver downing (a downed node exits), deletion
 * fenced by an ownership epoch in Distributed Data, and Port's organisation-wide write budget shared across nodes.
 * See {@code ../shared/scale-out-design.md} §1.2 for the reasoning.
 */
package dev.oceanj.cluster;
