package dev.oceanj.cluster.budget;

import java.util.Map;
import java.util.Set;

/**
 * How a node's share of the org's write budget follows the demand each node published: the arithmetic of
 * {@link ClusterWriteBudget}, apart so that it can be checked alone.
 *
 * <p>A node that wants to write gets {@code max(floor, myDemand / ΣDemand)} with {@code floor = 1 / (2 × members)};
 * the shares of the nodes that want to write are then scaled to add up to the whole budget when the floors pushed
 * them above it. A node that wants nothing keeps the floor, so that its first writes need not wait for the next
 * round: that floor is the only over-allocation, and Port's {@code x-ratelimit-remaining} (org-wide) covers it until
 * the node's demand is published. When nobody wants anything, or the cluster cannot tell (unreachable members),
 * every node gets the static split {@code 1 / members}.
 */
final class BudgetShares {

  private BudgetShares() {}

  /** The floor of a node's share in a cluster of {@code members}. */
  static double floor(int members) {
    return 1.0 / (2.0 * Math.max(1, members));
  }

  /** The static split: {@code 1 / members}. */
  static double staticSplit(int members) {
    return 1.0 / Math.max(1, members);
  }

  /**
   * This node's share.
   *
   * @param self    this node's key
   * @param members the keys of the cluster's members (this node included)
   * @param demand  the demand each node published; a member missing from it wants nothing
   */
  static double share(String self, Set<String> members, Map<String, Double> demand) {
    int n = Math.max(1, members.size());
    double floor = floor(n);
    double total = 0;
    for (String m : members) {
      total += Math.max(0.0, demand.getOrDefault(m, 0.0));
    }
    if (total <= 0) {
      return staticSplit(n);
    }
    double mine = Math.max(0.0, demand.getOrDefault(self, 0.0));
    if (mine <= 0) {
      return floor;
    }
    double activeSum = 0;
    for (String m : members) {
      double d = Math.max(0.0, demand.getOrDefault(m, 0.0));
      if (d > 0) {
        activeSum += Math.max(floor, d / total);
      }
    }
    double share = Math.max(floor, mine / total) / Math.max(1.0, activeSum);
    return Math.min(1.0, Math.max(share, Double.MIN_NORMAL));
  }
}
