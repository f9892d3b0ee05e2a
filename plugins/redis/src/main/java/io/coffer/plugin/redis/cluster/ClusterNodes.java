package io.coffer.plugin.redis.cluster;

import io.coffer.spi.cluster.ClusterNode;
import io.coffer.spi.cluster.NodeAddress;
import java.util.ArrayList;
import java.util.List;

/**
 * Parses {@code CLUSTER NODES} (<a
 * href="https://redis.io/docs/latest/commands/cluster-nodes/">CLUSTER NODES</a>): {@code <id>
 * <ip:port@cport[,hostname]> <flags> <primary> <ping-sent> <pong-recv> <config-epoch> <link-state>
 * <slot> ...}, where a slot is {@code n} or {@code a-b}, and {@code [n->-id]} / {@code [n-<-id]}
 * mark slots being migrated (not counted).
 */
final class ClusterNodes {
  private ClusterNodes() {}

  /** A parsed line, with whether it is the answering node. */
  record Line(ClusterNode node, boolean myself) {}

  static List<Line> parse(String text) {
    List<Line> out = new ArrayList<>();
    for (String line : text.split("\r?\n")) {
      String[] f = line.trim().split(" ");
      if (f.length < 8) {
        continue;
      }
      String address = f[1].split("@")[0];
      int colon = address.lastIndexOf(':');
      NodeAddress at =
          new NodeAddress(
              address.substring(0, colon), Integer.parseInt(address.substring(colon + 1)));
      String flags = f[2];
      int slots = 0;
      for (int i = 8; i < f.length; i++) {
        slots += count(f[i]);
      }
      boolean primary = flags.contains("master");
      out.add(
          new Line(
              new ClusterNode(
                  f[0],
                  at,
                  primary,
                  primary ? "" : f[3],
                  slots,
                  "connected".equals(f[7]) && !flags.contains("fail")),
              flags.contains("myself")));
    }
    return out;
  }

  private static int count(String slot) {
    if (slot.startsWith("[")) {
      return 0;
    }
    int dash = slot.indexOf('-');
    return dash < 0
        ? 1
        : Integer.parseInt(slot.substring(dash + 1))
            - Integer.parseInt(slot.substring(0, dash))
            + 1;
  }
}
