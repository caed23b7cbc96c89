/** Integration instances as Cluster Sharding entities (one shard each), kept alive from every node. */
package dev.oceanj.cluster.sharding;
