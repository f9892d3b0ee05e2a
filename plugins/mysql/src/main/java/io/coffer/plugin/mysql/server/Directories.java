package io.coffer.plugin.mysql.server;

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
final class Directories {

  private Directories() {}

  /**
   * Creates {@code dir} (with {@code permissions} when new) and, when {@code owner} is set, makes
   * it the owner: mariadbd drops to that account and must write its data, socket and pid file.
   */
  static void ensure(Path dir, Set<PosixFilePermission> permissions, String owner)
      throws IOException {
    boolean created = !Files.isDirectory(dir);
    Files.createDirectories(dir);
    PosixFileAttributeView view =
        Files.getFileAttributeView(dir, PosixFileAttributeView.class, LinkOption.NOFOLLOW_LINKS);
    if (created) {
      view.setPermissions(permissions);
    }
    if (owner != null) {
      UserPrincipal principal =
          FileSystems.getDefault().getUserPrincipalLookupService().lookupPrincipalByName(owner);
      if (!view.getOwner().equals(principal)) {
        view.setOwner(principal);
      }
    }
  }
}
