package io.coffer.plugin.kit;

import io.coffer.spi.DatastoreException;
import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The OS account a server runs as when the agent is root: PostgreSQL refuses to run as root (<a
 * href="https://www.postgresql.org/docs/15/postgres-user.html">The PostgreSQL User Account</a>),
 * and no server should run as root when it need not.
 *
 * <p>Programs are started through <a
 * href="https://man7.org/linux/man-pages/man1/setpriv.1.html">setpriv</a>, which sets the real and
 * effective user and group ids and the supplementary groups, drops every capability and sets {@code
 * no_new_privs}, then <em>execs</em> the program: the process the agent supervises is the server
 * itself (e.g. the postmaster), so SIGTERM reaches it directly and its pid is the one in {@code
 * postmaster.pid}. ({@code runuser} and {@code su} fork and stay in between, and kill their child
 * two seconds after forwarding SIGTERM, which would cut a clean shutdown short.)
 *
 * @param setpriv path of the setpriv program (util-linux)
 */
public record ServerUser(String name, int uid, int gid, Path setpriv) {

  private static final Pattern ID_OUTPUT = Pattern.compile("uid=(\\d+)\\([^)]*\\) gid=(\\d+)");
  private static final List<Path> SETPRIV =
      List.of(Path.of("/usr/bin/setpriv"), Path.of("/bin/setpriv"));

  private static final Pattern OS_USER = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9_.-]{0,31}");

  /**
   * The account a server runs as, from {@code datastore.osUser}: {@code configured}, or {@code
   * defaultName} when empty, looked up when the agent is root; null when the agent is not root (the
   * server then runs as the agent's own account, and another account is refused).
   *
   * @param server the server's name for messages, e.g. {@code PostgreSQL}
   * @throws DatastoreException INVALID_ARGUMENT (field {@code datastore.osUser})
   */
  public static ServerUser forAgent(
      String configured,
      OsAccount agent,
      String defaultName,
      String server,
      ToolEnvironment tools) {
    if (!agent.root()) {
      if (!configured.isEmpty() && !configured.equals(agent.name())) {
        throw DatastoreException.invalidArgument(
            "datastore.osUser",
            "the agent runs as '"
                + agent.name()
                + "' and cannot start "
                + server
                + " as '"
                + configured
                + "'; leave it empty or run the agent as root");
      }
      return null;
    }
    String name = configured.isEmpty() ? defaultName : configured;
    if (!OS_USER.matcher(name).matches()) {
      throw DatastoreException.invalidArgument(
          "datastore.osUser", "'" + name + "' is not an OS account name");
    }
    return lookup(name, tools);
  }

  /**
   * Looks the account up with {@code id} (which sees NSS accounts too, not only /etc/passwd).
   *
   * @throws DatastoreException INVALID_ARGUMENT (field {@code datastore.osUser}) when there is no
   *     such account or it is root
   */
  public static ServerUser lookup(String name, ToolEnvironment tools) {
    String engine = tools.engine();
    String field = "datastore.osUser";
    Path setpriv =
        SETPRIV.stream()
            .filter(Files::isExecutable)
            .findFirst()
            .orElseThrow(
                () ->
                    DatastoreException.invalidArgument(
                        field,
                        "running "
                            + engine
                            + " as '"
                            + name
                            + "' needs setpriv, which is"
                            + " missing (looked in "
                            + SETPRIV
                            + "); install the util-linux package"));
    CommandRunner.Result result;
    try {
      result =
          CommandRunner.run(List.of("id", "--", name), Path.of("/"), Duration.ofSeconds(10), tools);
    } catch (IOException e) {
      throw DatastoreException.internal(
          "cannot look up OS account '" + name + "': " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw DatastoreException.internal(
          "interrupted while looking up OS account '" + name + "'", e);
    }
    Matcher m = ID_OUTPUT.matcher(result.outputTail());
    if (result.exitCode() != 0 || !m.find()) {
      throw DatastoreException.invalidArgument(field, "no OS account named '" + name + "'");
    }
    int uid = Integer.parseInt(m.group(1));
    if (uid == 0) {
      throw DatastoreException.invalidArgument(
          field, "'" + name + "' is root; " + engine + " must run as another account");
    }
    return new ServerUser(name, uid, Integer.parseInt(m.group(2)), setpriv);
  }

  /** {@code command} run as this account (see the class comment). */
  public List<String> wrap(List<String> command) {
    List<String> out =
        new ArrayList<>(
            List.of(
                setpriv.toString(),
                "--reuid=" + uid,
                "--regid=" + gid,
                "--init-groups",
                "--inh-caps=-all",
                "--no-new-privs",
                "--"));
    out.addAll(command);
    return out;
  }

  /** Makes the account and its login group own {@code path} (not following a symbolic link). */
  public void chown(Path path) throws IOException {
    if (((Integer) Files.getAttribute(path, "unix:uid", LinkOption.NOFOLLOW_LINKS)) != uid) {
      Files.setAttribute(path, "unix:uid", uid, LinkOption.NOFOLLOW_LINKS);
    }
    if (((Integer) Files.getAttribute(path, "unix:gid", LinkOption.NOFOLLOW_LINKS)) != gid) {
      Files.setAttribute(path, "unix:gid", gid, LinkOption.NOFOLLOW_LINKS);
    }
  }

  /** {@link #chown} of {@code root} and everything under it, without following symbolic links. */
  public void chownTree(Path root) throws IOException {
    Files.walkFileTree(
        root,
        new SimpleFileVisitor<>() {
          @Override
          public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs)
              throws IOException {
            chown(dir);
            return FileVisitResult.CONTINUE;
          }

          @Override
          public FileVisitResult visitFile(Path file, BasicFileAttributes attrs)
              throws IOException {
            chown(file);
            return FileVisitResult.CONTINUE;
          }
        });
  }
}
