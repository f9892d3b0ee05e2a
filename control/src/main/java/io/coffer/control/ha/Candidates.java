package io.coffer.control.ha;

import io.coffer.control.replication.Positions;
import io.coffer.proto.v1.ReplicationStatus;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * Which replica a failover promotes: the most advanced (replication position, {@link Positions})
 * among those that were at most the group's maximum lag behind when the primary was lost (like
 * Patroni's {@code maximum_lag_on_failover}); a synchronous replica first among equals. A person's
 * failover ({@code coffer eject}) ignores the lag: they chose to lose what the replicas lack.
 */
public final class Candidates {
  private Candidates() {}

  /**
   * The choice, or why there is none.
   *
   * @param chosen the instance id to promote, and its position
   * @param refusal when none is chosen, why (none answered, or all too far behind)
   */
  public record Choice(Optional<Map.Entry<String, String>> chosen, String refusal) {}

  /**
   * @param views the replicas that answered, by instance id
   * @param lagMillis each replica's lag when the primary was lost (absent: not known, eligible)
   * @param maxLagMillis the group's maximum lag
   * @param manual a person's failover: the lag is not checked
   * @param synchronous whether a replica is a synchronous one
   */
  public static Choice choose(
      Map<String, ReplicationStatus> views,
      Map<String, Long> lagMillis,
      long maxLagMillis,
      boolean manual,
      Predicate<String> synchronous) {
    List<Map.Entry<String, ReplicationStatus>> eligible = new ArrayList<>();
    List<String> tooFarBehind = new ArrayList<>();
    for (Map.Entry<String, ReplicationStatus> v : views.entrySet()) {
      Long lag = lagMillis.get(v.getKey());
      if (!manual && lag != null && lag > maxLagMillis) {
        tooFarBehind.add(v.getKey() + " (" + lag + " ms behind)");
      } else {
        eligible.add(v);
      }
    }
    Optional<Map.Entry<String, String>> best =
        eligible.stream()
            .max(
                Comparator.<Map.Entry<String, ReplicationStatus>, String>comparing(
                        e -> e.getValue().getPosition(), Positions.ORDER)
                    .thenComparing(e -> synchronous.test(e.getKey())))
            .map(e -> Map.entry(e.getKey(), e.getValue().getPosition()));
    String refusal =
        best.isPresent()
            ? ""
            : views.isEmpty()
                ? "none answered"
                : "all are further behind than " + maxLagMillis + " ms: " + tooFarBehind;
    return new Choice(best, refusal);
  }
}
