package io.coffer.plugin.postgresql.server;

import io.coffer.plugin.kit.ServerUser;
import io.coffer.plugin.postgresql.naming.ReservedNames;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * Client authentication, rendered by the plugin into the run directory at every start and passed to
 * the server as {@code hba_file} and {@code ident_file}, so that the rules are always the plugin's
 * own: never the data directory's {@code pg_hba.conf}, which a restored backup or a {@code
 * pg_basebackup} copy would bring along (<a
 * href="https://www.postgresql.org/docs/15/auth-pg-hba-conf.html">The pg_hba.conf File</a>).
 *
 * <ul>
 *   <li>The agent's admin role ({@link ReservedNames#ADMIN_ROLE}, the bootstrap superuser initdb
 *       created) logs in only over the UNIX socket, by <a
 *       href="https://www.postgresql.org/docs/15/auth-peer.html">peer</a> authentication: the
 *       server asks the kernel which OS account the connecting process runs as, and <a
 *       href="https://www.postgresql.org/docs/15/auth-username-maps.html">pg_ident.conf</a> maps
 *       exactly the agent's account (root) to the admin role. No password for it exists anywhere;
 *       over TCP it is rejected outright. The socket itself is reachable only by root and the
 *       server's account (a 0750 run directory and {@code unix_socket_permissions=0700}).
 *   <li>Everyone else logs in over TCP with <a
 *       href="https://www.postgresql.org/docs/15/auth-password.html">scram-sha-256</a>.
 *   <li>Replication connections over TCP are accepted only for the replication role ({@link
 *       ReservedNames#REPLICATION_ROLE}, which exists once the instance was prepared as a source),
 *       with scram-sha-256.
 * </ul>
 *
 * The first matching line decides, so the order matters.
 */
public final class AccessFiles {

  /** The pg_ident.conf map that lets the agent's OS account log in as the admin role. */
  static final String MAP = "coffer";

  private AccessFiles() {}

  static String hba() {
    String admin = ReservedNames.ADMIN_ROLE;
    return """
        # Rendered by the Coffer agent at every start of the server; edits are overwritten.
        # TYPE  DATABASE     USER          ADDRESS  METHOD
        local   all          %1$s                   peer map=%2$s
        local   replication  %1$s                   peer map=%2$s
        host    all          %1$s          all      reject
        host    replication  %3$s   all      scram-sha-256
        host    replication  all           all      reject
        host    all          all           all      scram-sha-256
        """
        .formatted(admin, MAP, ReservedNames.REPLICATION_ROLE);
  }

  static String ident(String agentUser) {
    return """
        # Rendered by the Coffer agent at every start of the server; edits are overwritten.
        # MAPNAME  SYSTEM-USERNAME  PG-USERNAME
        %s  %s  %s
        """
        .formatted(MAP, agentUser, ReservedNames.ADMIN_ROLE);
  }

  /** Writes both files (mode 0600, owned by the server's account), each replaced atomically. */
  public static void render(ServerSettings settings) throws IOException {
    write(settings.hbaFile(), hba(), settings.serverUser());
    write(settings.identFile(), ident(settings.agentUser()), settings.serverUser());
  }

  private static void write(Path file, String content, ServerUser owner) throws IOException {
    Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
    Files.deleteIfExists(tmp);
    Files.createFile(
        tmp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    Files.writeString(tmp, content, StandardCharsets.UTF_8);
    if (owner != null) {
      owner.chown(tmp);
    }
    Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }
}
