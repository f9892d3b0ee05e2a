package io.coffer.plugin.redis.cluster;

import io.coffer.plugin.kit.CommandRunner;
import io.coffer.plugin.redis.Tools;
import io.coffer.plugin.redis.client.AdminClient;
import io.coffer.plugin.redis.client.Info;
import io.coffer.plugin.redis.server.RedisSettings;
import io.coffer.plugin.redis.users.AclUsers;
import io.coffer.plugin.redis.users.UserNames;
import io.coffer.spi.DatastoreException;
import io.coffer.spi.Secret;
import io.coffer.spi.backup.ServerControl;
import io.coffer.spi.cluster.ClusterNode;
import io.coffer.spi.cluster.ClusterStatus;
import io.coffer.spi.cluster.ClusterStrategy;
import io.coffer.spi.cluster.NodeAddress;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Redis Cluster through Redis' own cluster manager, {@code redis-cli --cluster} (<a
 * href="https://redis.io/docs/latest/operate/oss_and_stack/management/scaling/">Scale with Redis
 * Cluster</a>): {@code create} spreads the 16384 slots evenly, {@code add-node} plus {@code
 * rebalance --cluster-use-empty-masters} grows, {@code rebalance --cluster-weight <id>=0} plus
 * {@code del-node} shrinks; keys move with their slots (MIGRATE). redis-cli reaches every node as
 * the cluster account, its password given in {@code REDISCLI_AUTH}, never on a command line.
 *
 * <p>Before slots move to a new node, the step waits until that node itself reports the cluster ok:
 * a node that has just joined answers CLUSTERDOWN to MIGRATE until it has learnt every slot. A
 * removed node is reset by del-node and then answers CLUSTERDOWN to clients whose slot map still
 * names it: a client should refresh its map periodically (Lettuce: periodic topology refresh).
 */
public final class RedisCluster implements ClusterStrategy {
  private static final Duration TOOL_TIMEOUT = Duration.ofMinutes(30);
  private static final Duration CONVERGE = Duration.ofSeconds(60);
  private static final Duration NODE_TIMEOUT = Duration.ofSeconds(10);

  /**
   * Between moving a node's last slot away and removing it: clients that still send it requests get
   * MOVED (and refresh their slot map) while it is a member, but CLUSTERDOWN once it is reset.
   */
  private static final Duration DRAIN = Duration.ofSeconds(5);

  private final RedisSettings settings;
  private final AdminClient admin;
  private final AdminClient probe;
  private final AclUsers users;

  public RedisCluster(
      RedisSettings settings, AdminClient admin, AdminClient probe, AclUsers users) {
    this.settings = settings;
    this.admin = admin;
    this.probe = probe;
    this.users = users;
  }

  @Override
  public void prepareNode(String user, Secret password) {
    requireClusterMode();
    reserved(user);
    users.clusterAccount(user, password);
    // replicas a cluster gives this node authenticate to their primary as the cluster account
    admin.call(
        "set the primary's credentials",
        true,
        c -> c.configSet(Map.of("masteruser", user, "masterauth", password.reveal())));
    admin.call("rewrite redis.conf", c -> c.configRewrite());
  }

  @Override
  public void create(
      List<NodeAddress> nodes,
      int replicasPerPrimary,
      String user,
      Secret password,
      ServerControl server) {
    requireClusterMode();
    Set<NodeAddress> wanted = new HashSet<>(nodes);
    List<ClusterNodes.Line> known = lines(admin);
    Set<NodeAddress> members = new HashSet<>();
    known.forEach(l -> members.add(l.node().address()));
    if (known.size() > 1 || known.stream().anyMatch(l -> l.node().slots() > 0)) {
      if (members.equals(wanted)) {
        awaitOk(nodes, user, password);
        return; // formed already: a repeated step
      }
      throw DatastoreException.failedPrecondition(
          "this node is already in a cluster of " + members);
    }
    if (nodes.size() < 3 * (replicasPerPrimary + 1)) {
      throw DatastoreException.invalidArgument(
          "nodes",
          "a Redis Cluster needs at least 3 primaries; "
              + nodes.size()
              + " nodes with "
              + replicasPerPrimary
              + " replicas each make fewer");
    }
    List<String> command = new ArrayList<>(List.of("--cluster", "create"));
    nodes.forEach(n -> command.add(n.toString()));
    command.addAll(
        List.of("--cluster-replicas", Integer.toString(replicasPerPrimary), "--cluster-yes"));
    cli("create the cluster", command, user, password);
    awaitOk(nodes, user, password);
    if (replicasPerPrimary > 0) {
      // the cluster manager makes nodes replicas with CLUSTER REPLICATE; the others learn it by
      // gossip,
      // a moment later: done only once every node sees the roles asked for (redis-cli makes
      // nodes / (replicas + 1) primaries, the rest replicas)
      awaitReplicas(nodes, nodes.size() - nodes.size() / (replicasPerPrimary + 1), user, password);
    }
  }

  /**
   * create (or add) on a member already brought this node in: check that it sees every member and
   * slot served.
   */
  @Override
  public void join(List<NodeAddress> members, String user, Secret password, ServerControl server) {
    requireClusterMode();
    List<NodeAddress> all = new ArrayList<>(members);
    if (all.stream().noneMatch(self()::sameServer)) {
      all.add(self());
    }
    for (NodeAddress m : all) {
      if (!m.sameServer(self())) {
        awaitMember(m, true);
      }
    }
    awaitOk(List.of(self()), user, password);
  }

  /**
   * remove on a member already took this node out (redis-cli del-node resets it): check that it
   * did.
   */
  @Override
  public void leave(ServerControl server) {
    requireClusterMode();
    List<ClusterNodes.Line> known = lines(admin);
    if (known.size() > 1 || known.stream().anyMatch(l -> l.node().slots() > 0)) {
      throw DatastoreException.failedPrecondition(
          "this node is still a member of a cluster of "
              + known.size()
              + " nodes; remove it from another member first");
    }
  }

  @Override
  public void add(NodeAddress node, String user, Secret password) {
    requireClusterMode();
    Optional<ClusterNode> present = find(node);
    if (present.isEmpty()) {
      cli(
          "add " + node + " to the cluster",
          List.of("--cluster", "add-node", node.toString(), self().toString()),
          user,
          password);
    }
    List<NodeAddress> all = new ArrayList<>();
    awaitMember(node, true);
    lines(admin).forEach(l -> all.add(l.node().address()));
    awaitOk(all, user, password);
    if (find(node).map(ClusterNode::slots).orElse(0) == 0) {
      cli(
          "move slots to " + node,
          List.of("--cluster", "rebalance", self().toString(), "--cluster-use-empty-masters"),
          user,
          password);
    }
    awaitOk(all, user, password);
  }

  @Override
  public void remove(NodeAddress node, String user, Secret password) {
    requireClusterMode();
    Optional<ClusterNode> leaving = find(node);
    if (leaving.isEmpty()) {
      return; // removed already
    }
    if (lines(admin).stream().anyMatch(l -> l.myself() && l.node().address().equals(node))) {
      throw DatastoreException.failedPrecondition(
          "a node cannot remove itself; run this on another member");
    }
    String id = leaving.get().nodeId();
    if (leaving.get().slots() > 0) {
      cli(
          "move every slot off " + node,
          List.of("--cluster", "rebalance", self().toString(), "--cluster-weight", id + "=0"),
          user,
          password);
      sleep(DRAIN);
    }
    cli(
        "remove " + node + " from the cluster",
        List.of("--cluster", "del-node", self().toString(), id),
        user,
        password);
    awaitMember(node, false);
    List<NodeAddress> rest = new ArrayList<>();
    lines(admin).forEach(l -> rest.add(l.node().address()));
    awaitOk(rest, user, password);
  }

  @Override
  public ClusterStatus status() {
    try {
      Info info = Info.parse(probe.call("read INFO cluster", c -> c.info("cluster")));
      if (info.number("cluster_enabled", 0) != 1) {
        return new ClusterStatus(false, "", 0, 0, List.of(), "", 0);
      }
      Info cluster = Info.parse(probe.call("read CLUSTER INFO", c -> c.clusterInfo()));
      List<ClusterNode> nodes = lines(probe).stream().map(ClusterNodes.Line::node).toList();
      return new ClusterStatus(
          true,
          cluster.get("cluster_state"),
          (int) cluster.number("cluster_slots_assigned", 0),
          (int) cluster.number("cluster_slots_ok", 0),
          nodes,
          cluster.get("cluster_state"),
          nodes.size());
    } catch (RuntimeException e) {
      return new ClusterStatus(settings.cluster(), "unknown", 0, 0, List.of(), "unknown", 0);
    }
  }

  private void requireClusterMode() {
    if (!settings.cluster()) {
      throw DatastoreException.failedPrecondition(
          "this Redis does not run in cluster mode (set datastore.settings"
              + ".cluster: true in the agent configuration of a fresh instance)");
    }
  }

  private static void reserved(String user) {
    if (!user.startsWith(UserNames.RESERVED_PREFIX)) {
      throw DatastoreException.invalidArgument(
          "user",
          "the cluster account must be one of the agent's (" + UserNames.RESERVED_PREFIX + "...)");
    }
  }

  private NodeAddress self() {
    return new NodeAddress(settings.adminHost(), settings.port());
  }

  private Optional<ClusterNode> find(NodeAddress node) {
    return lines(admin).stream()
        .map(ClusterNodes.Line::node)
        .filter(n -> n.address().equals(node))
        .findFirst();
  }

  private static List<ClusterNodes.Line> lines(AdminClient client) {
    return ClusterNodes.parse(client.call("read CLUSTER NODES", c -> c.clusterNodes()));
  }

  /** Until this node sees {@code node} (or, with {@code present} false, no longer does). */
  private void awaitMember(NodeAddress node, boolean present) {
    long deadline = System.nanoTime() + CONVERGE.toNanos();
    while (find(node).isPresent() != present) {
      if (System.nanoTime() > deadline) {
        throw DatastoreException.unavailable(
            "the cluster did not "
                + (present ? "learn of " : "forget ")
                + node
                + " within "
                + CONVERGE.toSeconds()
                + " s",
            null);
      }
      pause();
    }
  }

  /** Until every node reports the cluster ok and knows all of {@code nodes}. */
  private void awaitOk(List<NodeAddress> nodes, String user, Secret password) {
    long deadline = System.nanoTime() + CONVERGE.toNanos();
    for (NodeAddress n : nodes) {
      try (AdminClient c =
          new AdminClient(n.host(), n.port(), user, () -> password, NODE_TIMEOUT)) {
        while (true) {
          String why;
          try {
            Info info = Info.parse(c.call("read CLUSTER INFO", r -> r.clusterInfo()));
            if ("ok".equals(info.get("cluster_state"))
                && info.number("cluster_known_nodes", 0) >= nodes.size()) {
              break;
            }
            why =
                "state "
                    + info.get("cluster_state")
                    + ", "
                    + info.get("cluster_known_nodes")
                    + " nodes known";
          } catch (DatastoreException e) {
            why = e.getMessage();
          }
          if (System.nanoTime() > deadline) {
            throw DatastoreException.unavailable(
                "cluster node " + n + " is not ok after " + CONVERGE.toSeconds() + " s: " + why,
                null);
          }
          pause();
        }
      }
    }
  }

  /** Until every node's view holds {@code replicas} replicas. */
  private void awaitReplicas(List<NodeAddress> nodes, int replicas, String user, Secret password) {
    long deadline = System.nanoTime() + CONVERGE.toNanos();
    for (NodeAddress n : nodes) {
      try (AdminClient c =
          new AdminClient(n.host(), n.port(), user, () -> password, NODE_TIMEOUT)) {
        long seen;
        while ((seen = lines(c).stream().filter(l -> !l.node().primary()).count()) != replicas) {
          if (System.nanoTime() > deadline) {
            throw DatastoreException.unavailable(
                "cluster node "
                    + n
                    + " sees "
                    + seen
                    + " replicas, not "
                    + replicas
                    + ", after "
                    + CONVERGE.toSeconds()
                    + " s",
                null);
          }
          pause();
        }
      }
    }
  }

  private void cli(String action, List<String> args, String user, Secret password) {
    List<String> command = new ArrayList<>(List.of(settings.cli().toString(), "--user", user));
    command.addAll(args);
    CommandRunner.Result result;
    try {
      result =
          CommandRunner.run(
              command,
              settings.runDir(),
              TOOL_TIMEOUT,
              Tools.ENV.with("REDISCLI_AUTH", password.reveal()));
    } catch (IOException e) {
      throw DatastoreException.internal(
          "cannot run " + settings.cli() + " to " + action + ": " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new DatastoreException(
          DatastoreException.Code.CANCELLED, "interrupted while trying to " + action);
    }
    // redis-cli --cluster exits 0 after some errors it prints ([ERR], *** ...): check both
    String out = result.outputTail().replaceAll("\u001B\\[[0-9;]*m", "");
    if (result.exitCode() != 0 || out.contains("[ERR]") || out.contains("*** ")) {
      throw DatastoreException.internal(
          "redis-cli could not "
              + action
              + " (exit "
              + result.exitCode()
              + "): "
              + lastLines(out, 6),
          null);
    }
  }

  private static String lastLines(String text, int n) {
    String[] lines = text.strip().split("\n");
    return String.join(
        " | ", Arrays.copyOfRange(lines, Math.max(0, lines.length - n), lines.length));
  }

  private static void pause() {
    sleep(Duration.ofMillis(100));
  }

  private static void sleep(Duration d) {
    try {
      Thread.sleep(d.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new DatastoreException(
          DatastoreException.Code.CANCELLED, "interrupted while waiting for the cluster");
    }
  }
}
