package io.coffer.control.cluster;

import io.coffer.proto.v1.ClusterRecovery;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Which node a whole-cluster recovery starts from: the one that committed the most in the cluster's
 * history (highest seqno), {@code safe_to_bootstrap} first among equals (it left last, cleanly),
 * then the first in the members' order; none when a node still runs in a Primary component (the
 * others just rejoin it). Refused when the nodes' histories differ or no position is known: then a
 * person must choose, since a wrong choice discards committed transactions (<a
 * href="https://mariadb.com/kb/en/galera-cluster-recovery/">Galera cluster recovery</a>).
 *
 * @param node the instance to bootstrap from, or the one already in a Primary component
 * @param alreadyPrimary the cluster runs: nothing to bootstrap
 */
public record BootstrapChoice(String node, boolean alreadyPrimary) {

  /**
   * @param positions each member's answer, in the members' order
   */
  public static BootstrapChoice of(List<String> order, Map<String, ClusterRecovery> positions) {
    for (String id : order) {
      if (positions.get(id).getPrimary()) {
        return new BootstrapChoice(id, true);
      }
    }
    Set<String> histories = new HashSet<>();
    positions.values().stream()
        .map(ClusterRecovery::getHistory)
        .filter(h -> !h.isEmpty() && !h.equals("00000000-0000-0000-0000-000000000000"))
        .forEach(histories::add);
    if (histories.size() > 1) {
      throw new IllegalStateException(
          "the members' histories differ ("
              + String.join(", ", histories)
              + "): they are not one cluster; bootstrap one by hand");
    }
    Optional<String> best = Optional.empty();
    for (String id : order) {
      ClusterRecovery r = positions.get(id);
      if (best.isEmpty() || better(r, positions.get(best.get()))) {
        best = Optional.of(id);
      }
    }
    String chosen = best.orElseThrow(() -> new IllegalStateException("no members"));
    ClusterRecovery r = positions.get(chosen);
    if (r.getSeqno() < 0 && !r.getSafeToBootstrap()) {
      throw new IllegalStateException(
          "no member knows its position (every seqno is -1 and none is safe to"
              + " bootstrap); bootstrap one by hand");
    }
    return new BootstrapChoice(chosen, false);
  }

  private static boolean better(ClusterRecovery a, ClusterRecovery b) {
    if (a.getSeqno() != b.getSeqno()) {
      return a.getSeqno() > b.getSeqno();
    }
    return a.getSafeToBootstrap() && !b.getSafeToBootstrap();
  }
}
