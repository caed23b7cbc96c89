package dev.oceanj.cluster;

/**
 * Marker of every message that may cross nodes in cluster mode: serialized with Pekko's {@code jackson-cbor} (the
 * binding is in {@link dev.oceanj.cluster.sharding.ClusterConfig}). Records and enums only; an {@code ActorRef}
 * component is fine.
 */
public interface ClusterMessage {}
