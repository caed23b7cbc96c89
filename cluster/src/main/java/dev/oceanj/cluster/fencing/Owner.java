package dev.oceanj.cluster.fencing;

import org.apache.pekko.cluster.UniqueAddress;

/**
 * Who owns an integration instance in the cluster: a node incarnation (address and uid, so a node restarted on the
 * same host and port is another owner) and the epoch of its claim. A newer claim has a higher epoch.
 *
 * <p>Kept in Distributed Data as text ({@link #encode()}), so the replicated map needs no serializer binding.
 */
public record Owner(String node, long epoch) {

  public Owner {
    if (node == null || node.isBlank() || node.contains(" ")) {
      throw new IllegalArgumentException("owner node must be a non-blank address without spaces, was '" + node + "'");
    }
    if (epoch < 1) {
      throw new IllegalArgumentException("owner epoch must be >= 1, was " + epoch);
    }
  }

  /** The node name of a cluster member's incarnation: {@code pekko://system@host:port#uid}. */
  public static String nodeOf(UniqueAddress address) {
    return address.address() + "#" + address.longUid();
  }

  /** {@code "<epoch> <node>"}. */
  String encode() {
    return epoch + " " + node;
  }

  /** Reads {@link #encode()}'s form. */
  static Owner parse(String text) {
    int space = text.indexOf(' ');
    if (space < 1) {
      throw new IllegalArgumentException("not an ownership entry: '" + text + "'");
    }
    return new Owner(text.substring(space + 1), Long.parseLong(text.substring(0, space)));
  }

  @Override
  public String toString() {
    return node + " (epoch " + epoch + ")";
  }
}
