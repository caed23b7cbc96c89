/** Port's write budget shared across the nodes of a cluster: demand-weighted shares over Distributed Data. */
package dev.oceanj.cluster.budget;
