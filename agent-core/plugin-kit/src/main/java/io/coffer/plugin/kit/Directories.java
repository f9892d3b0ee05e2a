package io.coffer.plugin.kit;

import java.io.IOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.UserPrincipal;
import java.util.Set;

/** Creates the server's directories and hands them to the server's OS account. */
public final class Directories {

  private Directories() {}

  /**
   * Creates {@code dir}, gives it {@code permissions} and, when {@code owner} is set, makes it the
   * owner: the server runs as that account and must write its data, socket and lock files there.
   * The permissions are enforced on an existing directory too: the postmaster refuses a data
   * directory that others can read (<a
   * href="https://www.postgresql.org/docs/15/creating-cluster.html">Creating a Database
   * Cluster</a>).
   */
  public static void ensure(Path dir, Set<PosixFilePermission> permissions, ServerUser owner)
      throws IOException {
    Files.createDirectories(dir);
    PosixFileAttributeView view =
        Files.getFileAttributeView(dir, PosixFileAttributeView.class, LinkOption.NOFOLLOW_LINKS);
    if (!view.readAttributes().permissions().equals(permissions)) {
      view.setPermissions(permissions);
    }
    if (owner != null) {
      owner.chown(dir);
    }
  }

  /**
   * The same with the owner named by its account ({@code null}: leave the owner as it is), for a
   * server that drops to that account itself (e.g. {@code mariadbd --user}).
   */
  public static void ensure(Path dir, Set<PosixFilePermission> permissions, String owner)
      throws IOException {
    ensure(dir, permissions, (ServerUser) null);
    if (owner != null) {
      PosixFileAttributeView view =
          Files.getFileAttributeView(dir, PosixFileAttributeView.class, LinkOption.NOFOLLOW_LINKS);
      UserPrincipal principal =
          FileSystems.getDefault().getUserPrincipalLookupService().lookupPrincipalByName(owner);
      if (!view.getOwner().equals(principal)) {
        view.setOwner(principal);
      }
    }
  }
}
