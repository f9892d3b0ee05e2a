package io.coffer.spi.cluster;

import io.coffer.spi.DatastoreException;
import io.coffer.spi.Secret;
import io.coffer.spi.backup.ServerControl;
import java.util.List;

/**
 * How an engine forms a cluster ({@link io.coffer.spi.Capability#CLUSTER}): Redis Cluster (sharded)
 * or MariaDB Galera (synchronous multi-primary). The control composes the steps below, one command
 * per node, and the same workflow serves every engine; each engine does the work on the node where
 * its tools need it and checks the outcome in the other step:
 *
 * <ul>
 *   <li>create: {@link #prepareNode} on every node, {@link #create} on the first, then {@link
 *       #join} on each other node;
 *   <li>grow: {@link #prepareNode} on every node, {@link #add} on a member, then {@link #join} on
 *       the new node;
 *   <li>shrink: {@link #prepareNode} on every node, {@link #remove} on a member, then {@link
 *       #leave} on the node leaving; the shrink ends once the {@link #status} of the member that
 *       ran {@link #remove} no longer lists the node and its size is the number of nodes it lists.
 * </ul>
 *
 * <p>Every step is idempotent: repeated after it took effect, it changes nothing.
 *
 * <p>Errors are {@link io.coffer.spi.DatastoreException}s: FAILED_PRECONDITION when an instance is
 * not in cluster mode, not empty, or not (or already) a member; INVALID_ARGUMENT naming the field;
 * INTERNAL with the tool's output.
 */
public interface ClusterStrategy {

  /** Makes the cluster account exist with exactly this password. */
  void prepareNode(String user, Secret password);

  /**
   * Run on the first of {@code nodes}. Redis: creates a cluster of all of them, slots spread evenly
   * over the primaries, and returns once every node reports the cluster ok. Galera: bootstraps a
   * new cluster on this node, whose data becomes the cluster's, and returns once it is Primary.
   *
   * @param replicasPerPrimary replicas given to each primary from the nodes (0 for primaries only)
   * @param server restarts the server where the engine needs it (Galera)
   */
  void create(
      List<NodeAddress> nodes,
      int replicasPerPrimary,
      String user,
      Secret password,
      ServerControl server);

  /**
   * Run on a node being added, after {@link #create} on the first node or {@link #add} on a member.
   * Galera: restarts the server as a member of the cluster at {@code members}; it receives the data
   * by state transfer, so it must hold no databases of its own. Redis: checks that this node is a
   * member of a healthy cluster.
   *
   * @param members addresses of the cluster's nodes (this one may be among them)
   */
  void join(List<NodeAddress> members, String user, Secret password, ServerControl server);

  /**
   * Run on a member. Redis: adds the empty {@code node} as a primary and moves slots (with their
   * keys) to it. Galera: checks that this member can serve as the new node's state donor.
   */
  void add(NodeAddress node, String user, Secret password);

  /**
   * Run on a member other than {@code node}. Redis: moves every slot (with its keys) off {@code
   * node}, then removes it. Galera: checks that {@code node} is a member and that the others keep
   * quorum without it.
   */
  void remove(NodeAddress node, String user, Secret password);

  /**
   * Run on the node leaving, after {@link #remove}. Galera: a graceful leave (clean shutdown), then
   * the server runs alone with the data it had. Redis: checks this node is no longer a member.
   */
  void leave(ServerControl server);

  /**
   * The port other nodes reach this one at for the engine's node-to-node traffic, where it has one
   * beside the client port (Galera: {@code gmcast.listen_addr}); 0 (the default) when none.
   * Reported to the control, which passes it in the {@link NodeAddress}es of the other nodes.
   */
  default int peerPort() {
    return 0;
  }

  /** The cluster as this node sees it; must answer within a second and never throw. */
  ClusterStatus status();

  /**
   * Whole-cluster recovery, step 1, on every node: where this node stands in the cluster's history.
   * A node in a Primary component answers at once; any other node's server is stopped first
   * (Galera's {@code --wsrep-recover} reads the position from InnoDB, which needs it down) and
   * stays stopped until {@link #bootstrap} or {@link #rejoin}. The default: UNIMPLEMENTED (engines
   * whose nodes rejoin on their own, like Redis Cluster).
   *
   * @throws io.coffer.spi.DatastoreException FAILED_PRECONDITION when this node is not a member
   */
  default ClusterRecovery recovery(ServerControl server) {
    throw DatastoreException.unimplemented("whole-cluster recovery");
  }

  /**
   * Step 2, on the most advanced node: starts a new Primary component from this node's data
   * (Galera: {@code safe_to_bootstrap: 1}, then one start with {@code wsrep-new-cluster}) and
   * returns once it is Synced. Idempotent: on a node of a Primary component it returns at once.
   */
  default void bootstrap(ServerControl server) {
    throw DatastoreException.unimplemented("whole-cluster recovery");
  }

  /**
   * Step 3, on every other node: starts this stopped member again; it joins the Primary component
   * (Galera: by IST, or SST when too far behind) and the call returns once it is Synced.
   * Idempotent.
   */
  default void rejoin(ServerControl server) {
    throw DatastoreException.unimplemented("whole-cluster recovery");
  }
}
