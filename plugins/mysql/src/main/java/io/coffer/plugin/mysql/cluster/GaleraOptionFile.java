package io.coffer.plugin.mysql.cluster;

import io.coffer.spi.DatastoreException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The node's Galera membership: the {@code wsrep_*} options of a member, an option file in the data
 * directory that the parameter file includes ({@code !include}), so that mariadbd and the SST
 * script (which reads the same files with my_print_defaults) see the same settings. An absent file
 * means the server runs alone. It belongs to the data, like {@code grastate.dat}; the SST keeps it
 * (the {@code [sst] cpat} written here spares the agent's files).
 *
 * <p>It holds the SST account's password ({@code wsrep_sst_auth}), so it is readable by the
 * server's OS account only. Two options are one-shot, for the next start only, and dropped once the
 * server is up: {@code wsrep-new-cluster} (bootstrap) and {@code wsrep_start_position} (the
 * position {@code --wsrep-recover} found after a crash, which lets the node rejoin by IST).
 */
public final class GaleraOptionFile {
  public static final String FILE = "coffer-galera.cnf";
  static final String NEW_CLUSTER = "wsrep-new-cluster";
  static final String START_POSITION = "wsrep_start_position";
  private static final String HEADER =
      "# Written by the Coffer agent: this node's Galera membership. Do not edit.\n";

  private final Path file;
  private final Optional<String> owner;

  /**
   * @param owner the OS account mariadbd runs as, when the agent (root) must hand the file to it
   */
  public GaleraOptionFile(Path dataDir, Optional<String> owner) {
    this.file = dataDir.resolve(FILE);
    this.owner = owner;
  }

  public Path path() {
    return file;
  }

  /** Whether this node is configured as a member of a cluster. */
  public boolean member() {
    return "ON".equals(read().get("wsrep_on"));
  }

  /** The {@code [mariadbd]} options, in file order; empty when the node runs alone. */
  public synchronized Map<String, String> read() {
    Map<String, String> out = new LinkedHashMap<>();
    try {
      if (!Files.exists(file)) {
        return out;
      }
      boolean server = false;
      for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
        if (line.startsWith("[")) {
          server = line.equals("[mariadbd]");
        } else if (server && !line.startsWith("#") && !line.isBlank()) {
          int eq = line.indexOf('=');
          out.put(
              eq < 0 ? line.trim() : line.substring(0, eq).trim(),
              eq < 0 ? "" : line.substring(eq + 1).trim());
        }
      }
      return out;
    } catch (IOException e) {
      throw DatastoreException.internal("cannot read " + file + ": " + e.getMessage(), e);
    }
  }

  /**
   * Replaces the file. Values are the agent's own (checked addresses, ports and an alphanumeric
   * password); none holds a line break.
   *
   * @param server options for {@code [mariadbd]}; an empty value writes the bare option name
   * @param sst options for {@code [sst]}
   */
  public synchronized void write(Map<String, String> server, Map<String, String> sst) {
    StringBuilder text = new StringBuilder(HEADER).append("[mariadbd]\n");
    server.forEach((k, v) -> text.append(v.isEmpty() ? k : k + "=" + v).append('\n'));
    text.append("[sst]\n");
    sst.forEach((k, v) -> text.append(k).append('=').append(v).append('\n'));
    if (text.chars().filter(ch -> ch == '\n').count() != server.size() + sst.size() + 3) {
      throw new IllegalArgumentException("an option holds a line break");
    }
    Path tmp = file.resolveSibling(FILE + ".tmp");
    try {
      Files.deleteIfExists(tmp);
      Files.createFile(
          tmp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
      if (owner.isPresent()) {
        UserPrincipal user =
            tmp.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName(owner.get());
        Files.setOwner(tmp, user);
      }
      try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
        ch.write(ByteBuffer.wrap(text.toString().getBytes(StandardCharsets.UTF_8)));
        ch.force(true);
      }
      Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (IOException e) {
      throw DatastoreException.internal("cannot write " + file + ": " + e.getMessage(), e);
    }
  }

  /**
   * Rewrites the file with {@code key} set ({@code ""} for a bare option) or, with a null value,
   * removed.
   */
  public synchronized void set(String key, String value) {
    Map<String, String> server = read();
    if (value == null ? server.remove(key) == null : value.equals(server.put(key, value))) {
      return;
    }
    write(server, sstOptions());
  }

  /** The node runs alone from its next start. */
  public synchronized void remove() {
    try {
      Files.deleteIfExists(file);
    } catch (IOException e) {
      throw DatastoreException.internal("cannot remove " + file + ": " + e.getMessage(), e);
    }
  }

  /**
   * The SST script's options: keep the agent's files in the data directory when a joiner's is
   * emptied (the default pattern plus {@code coffer-*}), and no log archive in /tmp (<a
   * href="https://mariadb.com/kb/en/mariabackup-sst-method/">mariabackup SST method</a>).
   */
  static Map<String, String> sstOptions() {
    Map<String, String> sst = new LinkedHashMap<>();
    sst.put(
        "cpat",
        ".*\\.pem$\\|.*galera\\.cache$\\|.*sst_in_progress$\\|.*\\.sst$\\|.*gvwstate\\.dat$"
            + "\\|.*grastate\\.dat$\\|.*\\.err$\\|.*\\.log$\\|.*/coffer-[^/]*$");
    sst.put("sst-log-archive", "0");
    return sst;
  }
}
