package io.coffer.plugin.redis.users;

import io.coffer.plugin.redis.client.AdminClient;
import io.coffer.spi.DatastoreException;
import io.coffer.spi.Secret;
import io.coffer.spi.UserAccount;
import io.coffer.spi.user.Users;
import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.output.StatusOutput;
import io.lettuce.core.protocol.CommandArgs;
import io.lettuce.core.protocol.CommandType;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * Redis ACL users (<a href="https://redis.io/docs/latest/commands/acl-setuser/">ACL SETUSER</a>):
 * every change is saved to the ACL file at once ({@code ACL SAVE}), so it survives restarts.
 * Creating is two steps so that Redis' error for a bad rule never concerns a command with a
 * password in it: the account is created off with its rules (atomic in Redis 7: on error nothing is
 * created), then given its password and turned on.
 */
public final class AclUsers implements Users {
  private final AdminClient admin;

  public AclUsers(AdminClient admin) {
    this.admin = admin;
  }

  @Override
  public List<UserAccount> list() {
    List<String> lines = admin.call("list users", c -> c.aclList());
    List<UserAccount> out = new ArrayList<>();
    for (String line : lines) {
      String[] tokens = line.split(" ");
      if (tokens.length < 2 || UserNames.isReserved(tokens[1])) {
        continue;
      }
      List<String> rules = new ArrayList<>();
      for (int i = 2; i < tokens.length; i++) {
        String t = tokens[i];
        if (!t.equals("on")
            && !t.equals("off")
            && !t.startsWith("#")
            && !t.equals("nopass")
            && !t.equals("sanitize-payload")) {
          rules.add(t);
        }
      }
      out.add(new UserAccount(tokens[1], "%", List.of(), String.join(" ", rules)));
    }
    return out;
  }

  @Override
  public void create(UserAccount user, Secret password) {
    String name = UserNames.check(user.name());
    requireNoDatabases(user.databases());
    requirePassword(password);
    List<String> rules = AclRules.parse(user.accessRules());
    if (exists(name)) {
      throw DatastoreException.alreadyExists("name", "user '" + name + "' already exists");
    }
    List<String> args = new ArrayList<>(List.of("SETUSER", name, "reset", "off"));
    args.addAll(rules);
    try {
      setuser("create user '" + name + "'", args, false);
    } catch (DatastoreException e) {
      if (e.code() == DatastoreException.Code.INTERNAL) {
        // the rules passed the syntax check, but Redis knows no such command or category
        throw DatastoreException.invalidArgument("access_rules", e.getMessage());
      }
      throw e;
    }
    try {
      setuser(
          "set the password of '" + name + "'",
          List.of("SETUSER", name, passwordHash(password), "on"),
          true);
    } catch (RuntimeException e) {
      admin.call("remove the half-created user '" + name + "'", c -> c.aclDeluser(name));
      throw e;
    }
    save();
  }

  /** Redis accounts have no host part: {@code host} is ignored. */
  @Override
  public void delete(String name, String host) {
    UserNames.check(name);
    requireExists(name);
    admin.call("delete user '" + name + "'", c -> c.aclDeluser(name));
    save();
  }

  /** Grants on databases do not exist in Redis: UNIMPLEMENTED. */
  @Override
  public void grantAccess(String name, String host, List<String> databases) {
    throw noGrants();
  }

  /** Grants on databases do not exist in Redis: UNIMPLEMENTED. */
  @Override
  public void revokeAccess(String name, String host, List<String> databases) {
    throw noGrants();
  }

  private static DatastoreException noGrants() {
    return new DatastoreException(
        DatastoreException.Code.UNIMPLEMENTED,
        "Redis users carry ACL rules rather than"
            + " grants on databases; create the user with the access rules it needs");
  }

  /** Redis accounts have no host part: {@code host} is ignored. */
  @Override
  public void changePassword(String name, String host, Secret password) {
    UserNames.check(name);
    requirePassword(password);
    requireExists(name);
    setuser(
        "change the password of '" + name + "'",
        List.of("SETUSER", name, "resetpass", passwordHash(password)),
        true);
    save();
  }

  /**
   * The {@code root} account: every key, channel and command, with the caller's password (its hash
   * only, as for every account).
   *
   * @return the account's name
   */
  public String enableRoot(Secret password) {
    requirePassword(password);
    setuser(
        "enable root",
        List.of(
            "SETUSER", UserNames.ROOT, "reset", "on", passwordHash(password), "~*", "&*", "+@all"),
        true);
    save();
    return UserNames.ROOT;
  }

  /** Makes the replication account: it may only run what a replica sends its source. */
  public void replicationAccount(String name, Secret password) {
    setuser(
        "prepare the replication account",
        List.of(
            "SETUSER", name, "reset", "on", passwordHash(password), "+psync", "+replconf", "+ping"),
        true);
    save();
  }

  /**
   * The account the cluster's nodes and redis-cli use between nodes: every command (slot moves need
   * admin ones).
   */
  public void clusterAccount(String name, Secret password) {
    setuser(
        "prepare the cluster account",
        List.of("SETUSER", name, "reset", "on", passwordHash(password), "~*", "&*", "+@all"),
        true);
    save();
  }

  public boolean exists(String name) {
    return admin.call("look up user '" + name + "'", c -> c.aclUsers()).contains(name);
  }

  private void requireExists(String name) {
    if (!exists(name)) {
      throw DatastoreException.notFound("name", "user '" + name + "' does not exist");
    }
  }

  private static void requireNoDatabases(List<String> databases) {
    if (!databases.isEmpty()) {
      throw DatastoreException.invalidArgument(
          "databases",
          "Redis ACLs do not scope users to numbered databases;"
              + " limit keys with access_rules instead (e.g. ~app:*)");
    }
  }

  private static void requirePassword(Secret password) {
    if (password.isEmpty()) {
      throw DatastoreException.invalidArgument("password", "is required");
    }
  }

  /**
   * {@code #} and the SHA-256 of the password in lower-case hex: ACL SETUSER's way to set a
   * password by its hash, which is also what Redis keeps in memory and in the ACL file. The
   * password itself never reaches the server (Redis 7.0 keeps ACL commands out of the AOF and the
   * replication stream anyway, but it would still cross the connection and MONITOR). Source: <a
   * href="https://redis.io/docs/latest/commands/acl-setuser/">ACL SETUSER</a>, rule {@code
   * #<hash>}.
   */
  static String passwordHash(Secret password) {
    try {
      byte[] sha =
          MessageDigest.getInstance("SHA-256")
              .digest(password.reveal().getBytes(StandardCharsets.UTF_8));
      return "#" + HexFormat.of().formatHex(sha);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every JDK", e);
    }
  }

  private void setuser(String action, List<String> args, boolean secret) {
    CommandArgs<String, String> command = new CommandArgs<>(StringCodec.UTF8);
    args.forEach(command::add);
    admin.call(
        action,
        secret,
        c -> c.dispatch(CommandType.ACL, new StatusOutput<>(StringCodec.UTF8), command));
  }

  private void save() {
    admin.call("save the ACL file", c -> c.aclSave());
  }
}
