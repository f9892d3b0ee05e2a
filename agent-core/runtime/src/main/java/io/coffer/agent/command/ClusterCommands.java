package io.coffer.agent.command;

import io.coffer.proto.v1.ClusterNode;
import io.coffer.proto.v1.ClusterNodeAddress;
import io.coffer.proto.v1.ClusterStatus;
import io.coffer.proto.v1.Done;
import io.coffer.proto.v1.OperationResult;
import io.coffer.spi.DatastoreException;
import io.coffer.spi.DatastoreManager;
import io.coffer.spi.Secret;
import io.coffer.spi.cluster.NodeAddress;
import java.util.ArrayList;
import java.util.List;

/** Translates the cluster operations between proto and the plugin's ClusterStrategy. */
final class ClusterCommands {
  private static final OperationResult DONE = OperationResult.newBuilder().setDone(Done.getDefaultInstance()).build();
  private final DatastoreManager manager;

  ClusterCommands(DatastoreManager manager) {
    this.manager = manager;
  }

  OperationResult prepare(String user, String password) {
    manager.clusterStrategy().prepareNode(required("user", user), secret(password));
    return DONE;
  }

  OperationResult create(List<ClusterNodeAddress> nodes, int replicas, String user, String password) {
    if (nodes.isEmpty()) {
      throw DatastoreException.invalidArgument("nodes", "at least one is required");
    }
    List<NodeAddress> addresses = new ArrayList<>();
    for (int i = 0; i < nodes.size(); i++) {
      addresses.add(address("nodes[" + i + "]", nodes.get(i)));
    }
    manager.clusterStrategy().create(addresses, replicas, required("user", user), secret(password));
    return DONE;
  }

  OperationResult add(ClusterNodeAddress node, String user, String password) {
    manager.clusterStrategy().add(address("node", node), required("user", user), secret(password));
    return DONE;
  }

  OperationResult remove(ClusterNodeAddress node, String user, String password) {
    manager.clusterStrategy().remove(address("node", node), required("user", user), secret(password));
    return DONE;
  }

  OperationResult status() {
    io.coffer.spi.cluster.ClusterStatus s = manager.clusterStrategy().status();
    ClusterStatus.Builder out = ClusterStatus.newBuilder().setEnabled(s.enabled()).setState(s.state())
        .setSlotsAssigned(s.slotsAssigned()).setSlotsOk(s.slotsOk());
    s.nodes().forEach(n -> out.addNodes(ClusterNode.newBuilder().setNodeId(n.nodeId())
        .setAddress(ClusterNodeAddress.newBuilder().setHost(n.address().host()).setPort(n.address().port()))
        .setPrimary(n.primary()).setPrimaryId(n.primaryId()).setSlots(n.slots()).setConnected(n.connected())));
    return OperationResult.newBuilder().setCluster(out).build();
  }

  private static NodeAddress address(String field, ClusterNodeAddress a) {
    if (a.getHost().isEmpty()) {
      throw DatastoreException.invalidArgument(field + ".host", "is required");
    }
    if (a.getPort() < 1 || a.getPort() > 65535) {
      throw DatastoreException.invalidArgument(field + ".port", "must be between 1 and 65535");
    }
    return new NodeAddress(a.getHost(), a.getPort());
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
