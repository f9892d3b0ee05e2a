package io.coffer.plugin.mysql.cluster;

import io.coffer.plugin.kit.sql.AdminSession;
import io.coffer.plugin.kit.sql.Sql;
import io.coffer.plugin.mysql.naming.ReservedNames;
import io.coffer.plugin.mysql.server.GaleraSettings;
import io.coffer.plugin.mysql.server.ServerSettings;
import io.coffer.plugin.mysql.sql.DatabaseAdmin;
import io.coffer.plugin.mysql.sql.NativePasswordHash;
import io.coffer.plugin.mysql.sql.ReplicationSnapshot;
import io.coffer.plugin.mysql.sql.ServerStatus;
import io.coffer.spi.Database;
import io.coffer.spi.DatastoreException;
import io.coffer.spi.Secret;
import io.coffer.spi.backup.ServerControl;
import io.coffer.spi.cluster.ClusterNode;
import io.coffer.spi.cluster.ClusterRecovery;
import io.coffer.spi.cluster.ClusterStatus;
import io.coffer.spi.cluster.ClusterStrategy;
import io.coffer.spi.cluster.NodeAddress;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * MariaDB Galera Cluster (synchronous multi-primary replication with the galera-4 provider): every
 * node holds all the data and takes writes; a write commits once the cluster certified it.
 *
 * <ul>
 *   <li>create: the first node bootstraps a new cluster ({@code wsrep-new-cluster}), keeping its
 *       data;
 *   <li>join: a node restarts as a member and receives the data by SST with mariabackup, which
 *       never blocks the donor's writes for long; it must hold no databases, because the SST
 *       replaces its data;
 *   <li>leave: a clean shutdown is Galera's graceful leave; the node then runs alone.
 * </ul>
 *
 * <p>The membership is an option file ({@link GaleraOptionFile}); after a crash the node finds its
 * position before starting ({@link GaleraRecovery}) and rejoins by IST. Sources: <a
 * href="https://mariadb.com/kb/en/getting-started-with-mariadb-galera-cluster/">getting
 * started</a>, <a href="https://mariadb.com/kb/en/mariabackup-sst-method/">mariabackup SST</a>, <a
 * href="https://mariadb.com/kb/en/galera-cluster-system-variables/">wsrep system variables</a>.
 */
public final class GaleraCluster implements ClusterStrategy {
  static final String CLUSTER_NAME = "coffer";

  /** A joiner's first start runs the full SST: as long as copying the whole data set takes. */
  private static final Duration JOIN_TIMEOUT = Duration.ofMinutes(60);

  private static final Duration START_TIMEOUT = Duration.ofMinutes(5);
  private static final Duration SYNC_TIMEOUT = Duration.ofMinutes(10);
  private static final int MIN_NODES = 3;

  /** What mariadbd logs before it aborts because its state transfer failed. */
  private static final String TRANSFER_FAILED = "Will never receive state";

  private static final int FAILED_TRANSFERS = 2;

  /**
   * {@code wsrep_sst_auth} is {@code user:password} on one option line: the control's passwords are
   * base64url.
   */
  private static final Pattern SST_PASSWORD = Pattern.compile("[A-Za-z0-9_-]{16,96}");

  private final ServerSettings settings;
  private final GaleraSettings galera;
  private final AdminSession admin;
  private final ServerStatus status;
  private final DatabaseAdmin databases;
  private final GaleraOptionFile options;

  public GaleraCluster(
      ServerSettings settings,
      AdminSession admin,
      ServerStatus status,
      DatabaseAdmin databases,
      GaleraOptionFile options) {
    this.settings = settings;
    this.galera = settings.galera();
    this.admin = admin;
    this.status = status;
    this.databases = databases;
    this.options = options;
  }

  /**
   * The SST account, {@code user@localhost}: the donor's mariabackup logs in with it over the
   * socket. Created on every node; in a running cluster the statement replicates to all, and each
   * member (the workflow prepares every one) takes the new password as its {@code wsrep_sst_auth}.
   */
  @Override
  public void prepareNode(String user, Secret password) {
    String name = ReservedNames.internalUser("user", user);
    sstPassword(password);
    requireProvider();
    admin.execute(
        "prepare the cluster account '" + name + "'@'localhost'",
        true,
        c -> {
          String hash = NativePasswordHash.of(password);
          Sql.update(
              c, "CREATE USER IF NOT EXISTS ?@'localhost' IDENTIFIED BY PASSWORD ?", name, hash);
          Sql.update(c, "ALTER USER ?@'localhost' IDENTIFIED BY PASSWORD ?", name, hash);
          Sql.update(
              c,
              "GRANT RELOAD, PROCESS, LOCK TABLES, BINLOG MONITOR ON *.* TO ?@'localhost'",
              name);
          if (options.member()) {
            // the new password replicated to every member: this donor must log in with it from now
            // on
            Sql.update(c, "SET GLOBAL wsrep_sst_auth = ?", name + ":" + password.reveal());
          }
          return null;
        });
    if (options.member()) {
      options.set("wsrep_sst_auth", name + ":" + password.reveal());
    }
  }

  @Override
  public void create(
      List<NodeAddress> nodes,
      int replicasPerPrimary,
      String user,
      Secret password,
      ServerControl server) {
    if (replicasPerPrimary != 0) {
      throw DatastoreException.invalidArgument(
          "replicas_per_primary", "must be 0: every Galera node is a primary");
    }
    if (nodes.size() < MIN_NODES) {
      throw DatastoreException.invalidArgument(
          "nodes",
          "a Galera cluster needs at least "
              + MIN_NODES
              + " nodes to keep quorum when one fails; got "
              + nodes.size());
    }
    if (!nodes.get(0).sameServer(self())) {
      throw DatastoreException.invalidArgument(
          "nodes[0]", "must be this instance (" + self() + "), which bootstraps the cluster");
    }
    Map<String, String> member = memberOptions(nodes, user, password);
    if (options.member()) {
      awaitSynced(SYNC_TIMEOUT); // bootstrapped already: a repeated step
      return;
    }
    requireStandalone();
    member.put(GaleraOptionFile.NEW_CLUSTER, "");
    options.write(member, GaleraOptionFile.sstOptions());
    restart(server, START_TIMEOUT);
    awaitSynced(SYNC_TIMEOUT);
  }

  @Override
  public void join(List<NodeAddress> members, String user, Secret password, ServerControl server) {
    Map<String, String> member = memberOptions(members, user, password);
    if (options.member()) {
      awaitSynced(SYNC_TIMEOUT); // joined already: a repeated step
      return;
    }
    requireStandalone();
    List<String> own = databases.list().stream().map(Database::name).toList();
    if (!own.isEmpty()) {
      throw DatastoreException.failedPrecondition(
          "this instance holds databases "
              + own
              + "; a joining node receives"
              + " the cluster's data, which would replace them; join with an empty instance");
    }
    long logStart = logSize();
    server.stop();
    options.write(member, GaleraOptionFile.sstOptions());
    try {
      server.start(START_TIMEOUT);
    } catch (DatastoreException e) {
      if (e.code() != DatastoreException.Code.UNAVAILABLE) {
        throw e;
      }
      awaitTransfer(logStart, server); // a long SST: wait for as long as it makes progress
    }
    awaitSynced(SYNC_TIMEOUT);
  }

  /**
   * Until the joiner's server is up. The runtime restarts a server that aborted, so a failed SST
   * would be retried forever: after {@link #FAILED_TRANSFERS} failures the node gives up, runs
   * alone again (an emptied data directory is initialised afresh) and the step fails with the log's
   * errors.
   */
  private void awaitTransfer(long logStart, ServerControl server) {
    long deadline = System.nanoTime() + JOIN_TIMEOUT.toNanos();
    while (status.wsrep().isEmpty()) {
      String log = logSince(logStart);
      int failures = log.split(Pattern.quote(TRANSFER_FAILED), -1).length - 1;
      if (failures >= FAILED_TRANSFERS || System.nanoTime() > deadline) {
        server.stop();
        options.remove();
        server.start(START_TIMEOUT);
        String errors =
            log.lines()
                .filter(l -> l.contains("[ERROR]"))
                .limit(8)
                .reduce("", (a, b) -> a + "\n" + b);
        throw DatastoreException.unavailable(
            "the state transfer from the cluster failed"
                + (failures > 0
                    ? " " + failures + " times"
                    : " to finish within " + JOIN_TIMEOUT.toMinutes() + " min")
                + "; the instance runs alone again. From "
                + settings.errorLog()
                + ":"
                + errors,
            null);
      }
      sleep(Duration.ofSeconds(1));
    }
  }

  private long logSize() {
    try {
      return Files.exists(settings.errorLog()) ? Files.size(settings.errorLog()) : 0;
    } catch (IOException e) {
      return 0;
    }
  }

  private String logSince(long offset) {
    try (RandomAccessFile f = new RandomAccessFile(settings.errorLog().toFile(), "r")) {
      long start = Math.min(offset, f.length());
      byte[] b = new byte[(int) Math.min(f.length() - start, 4 << 20)];
      f.seek(f.length() - b.length);
      f.readFully(b);
      return new String(b, StandardCharsets.UTF_8);
    } catch (IOException e) {
      return "";
    }
  }

  /** The member donates the new node's state: it must be Synced in a Primary component. */
  @Override
  public void add(NodeAddress node, String user, Secret password) {
    requireSyncedMember();
  }

  @Override
  public void remove(NodeAddress node, String user, Secret password) {
    requireSyncedMember();
    if (node.sameServer(self())) {
      throw DatastoreException.failedPrecondition(
          "a node cannot remove itself; run this on another member");
    }
    List<NodeAddress> members = incoming(status.wsrep());
    if (members.stream().noneMatch(node::sameServer)) {
      return; // left already
    }
    if (members.size() <= MIN_NODES - 1) {
      throw DatastoreException.failedPrecondition(
          "the cluster has "
              + members.size()
              + " nodes; without "
              + node
              + " it could not keep quorum when another fails");
    }
  }

  /**
   * A clean shutdown is a graceful leave: the others shrink the cluster at once, without a quorum
   * vote. A node of the Primary component first waits until it is Synced: a donor that left
   * mid-transfer would fail the joiner's SST, and a node still catching up would leave with fewer
   * rows than the cluster. A node cut off from the Primary component leaves at once.
   */
  @Override
  public void leave(ServerControl server) {
    if (!options.member()) {
      return; // left already
    }
    awaitSynced(SYNC_TIMEOUT, true);
    server.stop();
    options.remove();
    server.start(START_TIMEOUT);
  }

  @Override
  public int peerPort() {
    return galera.peerPort();
  }

  @Override
  public ClusterStatus status() {
    if (!options.member()) {
      return new ClusterStatus(false, "", 0, 0, List.of(), "", 0);
    }
    Map<String, String> w = status.wsrep();
    if (w.isEmpty()) {
      return new ClusterStatus(true, "unknown", 0, 0, List.of(), "unknown", 0);
    }
    List<ClusterNode> nodes = new ArrayList<>();
    for (NodeAddress a : incoming(w)) {
      nodes.add(new ClusterNode(a.toString(), a, true, "", 0, true));
    }
    int size = (int) number(w.get("wsrep_cluster_size"));
    return new ClusterStatus(
        true,
        w.getOrDefault("wsrep_cluster_status", ""),
        0,
        0,
        nodes,
        w.getOrDefault("wsrep_local_state_comment", ""),
        size);
  }

  /**
   * Whole-cluster recovery (<a href="https://mariadb.com/kb/en/galera-cluster-recovery/">Galera
   * cluster recovery</a>): a member of a Primary component answers at once; any other member is
   * stopped, and its position read from {@code grastate.dat}, or after a crash from InnoDB ({@code
   * --wsrep-recover}).
   */
  @Override
  public ClusterRecovery recovery(ServerControl server) {
    requireMember();
    Map<String, String> w = status.wsrep();
    if (primary(w)) {
      return new ClusterRecovery(
          w.getOrDefault("wsrep_cluster_state_uuid", ""),
          (long) number(w.get("wsrep_last_committed")),
          false,
          true,
          peers());
    }
    server.stop();
    GaleraRecovery.SavedState s = new GaleraRecovery(settings, options).position();
    return new ClusterRecovery(s.uuid(), s.seqno(), s.safeToBootstrap(), false, peers());
  }

  /**
   * Bootstraps a new Primary component from this node's data: safe_to_bootstrap, then one start
   * with wsrep-new-cluster.
   */
  @Override
  public void bootstrap(ServerControl server) {
    requireMember();
    if (primary(status.wsrep())) {
      awaitSynced(SYNC_TIMEOUT); // bootstrapped already: a repeated step
      return;
    }
    server.stop();
    new GaleraRecovery(settings, options).markSafeToBootstrap();
    options.set(GaleraOptionFile.NEW_CLUSTER, "");
    server.start(START_TIMEOUT);
    awaitSynced(SYNC_TIMEOUT);
  }

  /**
   * Starts this stopped member again: it joins the Primary component by IST, or SST when too far
   * behind.
   */
  @Override
  public void rejoin(ServerControl server) {
    requireMember();
    Map<String, String> w = status.wsrep();
    if (primary(w) && synced(w)) {
      return;
    }
    options.set(GaleraOptionFile.NEW_CLUSTER, null); // never a second Primary component
    server.start(JOIN_TIMEOUT);
    awaitSynced(SYNC_TIMEOUT);
  }

  private void requireMember() {
    if (!options.member()) {
      throw DatastoreException.failedPrecondition(
          "this instance is not a member of a Galera cluster");
    }
  }

  /**
   * The members' peer addresses, from this node's {@code wsrep_cluster_address} (client ports
   * unknown: 0).
   */
  private List<NodeAddress> peers() {
    String address = options.read().getOrDefault("wsrep_cluster_address", "");
    List<NodeAddress> out = new ArrayList<>();
    for (String peer : address.replaceFirst("^gcomm://", "").split(",")) {
      int colon = peer.lastIndexOf(':');
      if (colon > 0) {
        try {
          out.add(
              new NodeAddress(
                  peer.substring(0, colon), 0, Integer.parseInt(peer.substring(colon + 1))));
        } catch (NumberFormatException e) {
          // not written by this agent: skipped
        }
      }
    }
    return out;
  }

  /** Before every start: clears nothing, recovers the position after a crash. */
  public void beforeStart() {
    new GaleraRecovery(settings, options).beforeStart();
  }

  /** Once the server is up: the one-shot options must not apply to the next start. */
  public void afterStart() {
    if (options.member()) {
      options.set(GaleraOptionFile.NEW_CLUSTER, null);
      options.set(GaleraOptionFile.START_POSITION, null);
    }
  }

  /**
   * A joiner's server accepts connections only once its SST completed; the script marks it
   * meanwhile.
   */
  public boolean transferringState() {
    return Files.exists(settings.dataDir().resolve("sst_in_progress"));
  }

  // ---- helpers ----

  private Map<String, String> memberOptions(
      List<NodeAddress> members, String user, Secret password) {
    String name = ReservedNames.internalUser("user", user);
    sstPassword(password);
    requireProvider();
    List<String> peers = new ArrayList<>();
    for (int i = 0; i < members.size(); i++) {
      NodeAddress m = members.get(i);
      if (m.peerPort() < 1) {
        throw DatastoreException.invalidArgument(
            "members[" + i + "].peer_port", "is required for Galera (the node's galeraPort)");
      }
      if (!m.host().matches("[A-Za-z0-9.:_-]+")) {
        throw DatastoreException.invalidArgument(
            "members[" + i + "].host", "must be a host name or IP address");
      }
      peers.add(m.host() + ":" + m.peerPort());
    }
    String host = galera.advertiseHost();
    Map<String, String> o = new LinkedHashMap<>();
    o.put("wsrep_on", "ON");
    o.put("wsrep_provider", galera.provider().toString());
    o.put("wsrep_cluster_name", CLUSTER_NAME);
    o.put("wsrep_cluster_address", "gcomm://" + String.join(",", peers));
    o.put("wsrep_node_address", host + ":" + galera.peerPort());
    o.put("wsrep_node_incoming_address", host + ":" + settings.port());
    o.put(
        "wsrep_provider_options",
        "gmcast.listen_addr=tcp://"
            + settings.bindAddress()
            + ":"
            + galera.peerPort()
            + ";ist.recv_addr="
            + host
            + ":"
            + galera.istPort());
    o.put("wsrep_sst_receive_address", host + ":" + galera.sstPort());
    o.put("wsrep_sst_method", "mariabackup");
    o.put("wsrep_sst_auth", name + ":" + password.reveal());
    // Galera certifies rows: interleaved auto-increment locks are required
    // (https://mariadb.com/kb/en/mariadb-galera-cluster-known-limitations/)
    o.put("innodb_autoinc_lock_mode", "2");
    return o;
  }

  private static void sstPassword(Secret password) {
    if (!SST_PASSWORD.matcher(password.reveal()).matches()) {
      throw DatastoreException.invalidArgument(
          "password",
          "must be 16 to 96 characters of A-Z, a-z, 0-9, _ and -"
              + " (it is stored as wsrep_sst_auth)");
    }
  }

  private void requireProvider() {
    if (!Files.isRegularFile(galera.provider())) {
      throw DatastoreException.failedPrecondition(
          "no Galera provider at "
              + galera.provider()
              + "; install the galera-4 package or set datastore.settings.galeraProvider");
    }
  }

  /**
   * A node in asynchronous replication keeps to it: Galera and a replication link do not mix here.
   */
  private void requireStandalone() {
    boolean replicating =
        admin.execute("read the replication state", false, ReplicationSnapshot::replicating);
    if (replicating) {
      throw DatastoreException.failedPrecondition(
          "this instance is a replica; eject it from replication first");
    }
  }

  private void requireSyncedMember() {
    Map<String, String> w = status.wsrep();
    if (!options.member() || w.isEmpty()) {
      throw DatastoreException.failedPrecondition(
          "this instance is not a member of a Galera cluster");
    }
    if (!primary(w) || !synced(w)) {
      throw DatastoreException.failedPrecondition(
          "this member is "
              + w.get("wsrep_local_state_comment")
              + " in a "
              + w.get("wsrep_cluster_status")
              + " component; it must be Synced in a Primary one");
    }
  }

  private void restart(ServerControl server, Duration timeout) {
    server.stop();
    server.start(timeout);
  }

  private void awaitSynced(Duration timeout) {
    awaitSynced(timeout, false);
  }

  /**
   * Until this member is Synced in a Primary component. With {@code cutOffEnds}, a member cut off
   * from the Primary component also ends the wait: it cannot catch up, and it donates to nobody.
   */
  private void awaitSynced(Duration timeout, boolean cutOffEnds) {
    long deadline = System.nanoTime() + timeout.toNanos();
    String last = "";
    while (System.nanoTime() < deadline) {
      Map<String, String> w = status.wsrep();
      if ((primary(w) && synced(w)) || (cutOffEnds && !primary(w))) {
        return;
      }
      last =
          w.isEmpty()
              ? "not answering"
              : w.get("wsrep_local_state_comment")
                  + " in a "
                  + w.get("wsrep_cluster_status")
                  + " component";
      sleep(Duration.ofMillis(500));
    }
    throw DatastoreException.unavailable(
        "the node is not Synced in a Primary component after "
            + timeout.toSeconds()
            + " s ("
            + last
            + "); see "
            + settings.errorLog(),
        null);
  }

  private static boolean primary(Map<String, String> wsrep) {
    return "Primary".equals(wsrep.get("wsrep_cluster_status"));
  }

  private static boolean synced(Map<String, String> wsrep) {
    return "Synced".equals(wsrep.get("wsrep_local_state_comment"));
  }

  private static void sleep(Duration d) {
    try {
      Thread.sleep(d.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw DatastoreException.unavailable("interrupted while waiting for the Galera node", e);
    }
  }

  private NodeAddress self() {
    return new NodeAddress(galera.advertiseHost(), settings.port(), galera.peerPort());
  }

  /**
   * The members' client addresses ({@code wsrep_incoming_addresses}: host:port, comma-separated).
   */
  private static List<NodeAddress> incoming(Map<String, String> w) {
    List<NodeAddress> out = new ArrayList<>();
    for (String a : w.getOrDefault("wsrep_incoming_addresses", "").split(",")) {
      int colon = a.lastIndexOf(':');
      if (colon > 0) {
        try {
          out.add(
              new NodeAddress(
                  a.substring(0, colon).trim(), Integer.parseInt(a.substring(colon + 1).trim())));
        } catch (NumberFormatException e) {
          // "AUTO" or a node still joining: not an address yet
        }
      }
    }
    return out;
  }

  private static double number(String s) {
    try {
      return s == null ? 0 : Double.parseDouble(s);
    } catch (NumberFormatException e) {
      return 0;
    }
  }
}
