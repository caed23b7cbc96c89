/**
 * Deletion fencing in cluster mode: an ownership epoch per integration instance in Distributed Data, claimed when the
 * instance's entity starts on a node, and the {@link dev.oceanj.cluster.fencing.ClusterDeleteFence} that lets a
 * resync delete only while its node provably still owns the instance, asked before the delete phase, before each
 * delete request is queued and, through {@link dev.oceanj.core.port.DeleteGuard}, by the Port client right before it
 * writes the request.
 */
package dev.oceanj.cluster.fencing;
