package io.coffer.control.ha;

import io.coffer.proto.v1.ReplicationStatus;
import java.util.Map;

/**
 * Whether the replicas agree that their primary is lost, from what they answered.
 *
 * <p>The control alone cannot tell a dead primary from a link of its own that broke, so it asks the
 * replicas: a failover goes ahead only when fewer than half of those that answered still receive
 * from the primary (an engine's replica notices a silent source within seconds: {@code
 * slave_net_timeout}, {@code wal_receiver_timeout}, {@code repl-timeout}). When none answers, the
 * control is likely the one cut off from everyone, and it does nothing.
 *
 * @param go whether the failover goes on
 * @param why when it does not, the reason (for the {@code failover_declined} event)
 * @param details the counts: {@code receiving}, {@code answered}, {@code replicas}
 */
public record Agreement(boolean go, String why, Map<String, String> details) {

  /**
   * @param views what each replica that answered reported, by instance id
   * @param replicas how many replicas the primary has
   */
  public static Agreement of(String primary, Map<String, ReplicationStatus> views, int replicas) {
    long receiving = views.values().stream().filter(ReplicationStatus::getSourceConnected).count();
    Map<String, String> details =
        Map.of(
            "receiving",
            Long.toString(receiving),
            "answered",
            Integer.toString(views.size()),
            "replicas",
            Integer.toString(replicas));
    if (views.isEmpty()) {
      return new Agreement(false, "none of its " + replicas + " replicas answered", details);
    }
    if (receiving * 2 >= views.size()) {
      return new Agreement(
          false,
          receiving
              + " of the "
              + views.size()
              + " replicas that answered still receive from "
              + primary
              + ": the control is the one cut off",
          details);
    }
    return new Agreement(true, "", details);
  }
}
