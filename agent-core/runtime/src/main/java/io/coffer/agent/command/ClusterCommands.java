package io.coffer.agent.command;

import io.coffer.proto.v1.ClusterNode;
import io.coffer.proto.v1.ClusterNodeAddress;
import io.coffer.proto.v1.ClusterStatus;
import io.coffer.proto.v1.Done;
import io.coffer.proto.v1.OperationResult;
import io.coffer.spi.DatastoreException;
import io.coffer.spi.DatastoreManager;
import io.coffer.spi.Secret;
import io.coffer.spi.backup.ServerControl;
import io.coffer.spi.cluster.ClusterRecovery;
import io.coffer.spi.cluster.NodeAddress;
import java.util.ArrayList;
import java.util.List;

/** Translates the cluster operations between proto and the plugin's ClusterStrategy. */
final class ClusterCommands {
  private static final OperationResult DONE =
      OperationResult.newBuilder().setDone(Done.getDefaultInstance()).build();
  private final DatastoreManager manager;
  private final ServerControl server;

  ClusterCommands(DatastoreManager manager, ServerControl server) {
    this.manager = manager;
    this.server = server;
  }

  OperationResult prepare(String user, String password) {
    manager.cluster().prepareNode(required("user", user), secret(password));
    return DONE;
  }

  OperationResult create(
      List<ClusterNodeAddress> nodes, int replicas, String user, String password) {
    manager
        .cluster()
        .create(
            addresses("nodes", nodes), replicas, required("user", user), secret(password), server);
    return DONE;
  }

  OperationResult join(List<ClusterNodeAddress> members, String user, String password) {
    manager
        .cluster()
        .join(addresses("members", members), required("user", user), secret(password), server);
    return DONE;
  }

  OperationResult leave() {
    manager.cluster().leave(server);
    return DONE;
  }

  OperationResult add(ClusterNodeAddress node, String user, String password) {
    manager.cluster().add(address("node", node), required("user", user), secret(password));
    return DONE;
  }

  OperationResult remove(ClusterNodeAddress node, String user, String password) {
    manager.cluster().remove(address("node", node), required("user", user), secret(password));
    return DONE;
  }

  OperationResult status() {
    io.coffer.spi.cluster.ClusterStatus s = manager.cluster().status();
    ClusterStatus.Builder out =
        ClusterStatus.newBuilder()
            .setEnabled(s.enabled())
            .setState(s.state())
            .setSlotsAssigned(s.slotsAssigned())
            .setSlotsOk(s.slotsOk())
            .setNodeState(s.nodeState())
            .setSize(s.size());
    s.nodes()
        .forEach(
            n ->
                out.addNodes(
                    ClusterNode.newBuilder()
                        .setNodeId(n.nodeId())
                        .setAddress(
                            ClusterNodeAddress.newBuilder()
                                .setHost(n.address().host())
                                .setPort(n.address().port())
                                .setPeerPort(n.address().peerPort()))
                        .setPrimary(n.primary())
                        .setPrimaryId(n.primaryId())
                        .setSlots(n.slots())
                        .setConnected(n.connected())));
    return OperationResult.newBuilder().setCluster(out).build();
  }

  OperationResult recovery() {
    ClusterRecovery r = manager.cluster().recovery(server);
    io.coffer.proto.v1.ClusterRecovery.Builder out =
        io.coffer.proto.v1.ClusterRecovery.newBuilder()
            .setHistory(r.history())
            .setSeqno(r.seqno())
            .setSafeToBootstrap(r.safeToBootstrap())
            .setPrimary(r.primary());
    r.members()
        .forEach(
            m ->
                out.addMembers(
                    ClusterNodeAddress.newBuilder()
                        .setHost(m.host())
                        .setPort(m.port())
                        .setPeerPort(m.peerPort())));
    return OperationResult.newBuilder().setClusterRecovery(out).build();
  }

  OperationResult bootstrap() {
    manager.cluster().bootstrap(server);
    return DONE;
  }

  OperationResult rejoin() {
    manager.cluster().rejoin(server);
    return DONE;
  }

  private static List<NodeAddress> addresses(String field, List<ClusterNodeAddress> nodes) {
    if (nodes.isEmpty()) {
      throw DatastoreException.invalidArgument(field, "at least one is required");
    }
    List<NodeAddress> out = new ArrayList<>();
    for (int i = 0; i < nodes.size(); i++) {
      out.add(address(field + "[" + i + "]", nodes.get(i)));
    }
    return out;
  }

  private static NodeAddress address(String field, ClusterNodeAddress a) {
    if (a.getHost().isEmpty()) {
      throw DatastoreException.invalidArgument(field + ".host", "is required");
    }
    if (a.getPort() < 1 || a.getPort() > 65535) {
      throw DatastoreException.invalidArgument(field + ".port", "must be between 1 and 65535");
    }
    if (a.getPeerPort() > 65535) {
      throw DatastoreException.invalidArgument(field + ".peer_port", "must be between 0 and 65535");
    }
    return new NodeAddress(a.getHost(), a.getPort(), a.getPeerPort());
  }

  private static String required(String field, String value) {
    if (value.isEmpty()) {
      throw DatastoreException.invalidArgument(field, "is required");
    }
    return value;
  }

  private static Secret secret(String password) {
    return Secret.of(required("password", password));
  }
}
