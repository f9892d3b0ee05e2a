package io.coffer.control.cli;

import io.coffer.proto.v1.ClusterStatus;
import io.coffer.proto.v1.GetClusterRequest;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code coffer cluster show MEMBER}. */
@Command(
    name = "show",
    description =
        "Show the cluster of MEMBER as that member sees it: state (Galera: wsrep_cluster_status), "
            + "this node's state (Galera: wsrep_local_state_comment), size, slots (Redis), nodes.")
final class ClusterShow extends ClientCommand {

  @Parameters(index = "0", paramLabel = "MEMBER", description = "Any instance of the cluster.")
  String member;

  @Override
  int run(ControlClient client) {
    ClusterStatus s =
        client
            .clusters()
            .getCluster(GetClusterRequest.newBuilder().setMemberInstanceId(member).build());
    if (output().json()) {
      output().json(s);
      return ExitCodes.OK;
    }
    if (!s.getEnabled()) {
      output().line(member + " does not run in cluster mode");
      return ExitCodes.OK;
    }
    List<String[]> fields =
        new ArrayList<>(
            List.of(
                new String[] {"State", s.getState()},
                new String[] {"This node", s.getNodeState()},
                new String[] {"Size", Integer.toString(s.getSize())}));
    if (s.getSlotsAssigned() > 0) {
      fields.add(
          new String[] {"Slots", s.getSlotsOk() + " ok of " + s.getSlotsAssigned() + " assigned"});
    }
    output().fields(fields);
    output()
        .table(
            List.of("INSTANCE", "ADDRESS", "ROLE", "SLOTS", "NODE-ID", "LINK"),
            s.getNodesList().stream()
                .map(
                    n ->
                        List.of(
                            n.getInstanceId(),
                            n.getAddress().getHost() + ":" + n.getAddress().getPort(),
                            n.getPrimary() ? "primary" : "replica",
                            Integer.toString(n.getSlots()),
                            n.getNodeId(),
                            n.getConnected() ? "connected" : "down"))
                .toList());
    return ExitCodes.OK;
  }
}
