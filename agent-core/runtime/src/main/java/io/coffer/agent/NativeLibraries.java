package io.coffer.agent;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Properties;
import java.util.Set;

/**
 * Where the agent's JNI libraries are unpacked: {@code <stateDir>/native}, a directory the agent
 * owns, instead of /tmp. Netty's BoringSSL, SQLite (the job journal), zstd and JNA (the MariaDB
 * driver's Unix socket) ship inside their jars and copy themselves to a temporary directory to
 * load; on a guest hardened with a noexec /tmp that load fails, and SQLite's failure stops the
 * agent (Netty's would silently fall back to the JDK's slower TLS).
 *
 * <p>junixsocket (the PostgreSQL plugin's Unix socket) does the same.
 *
 * <p>Each library reads its own system property (below) when it loads, so {@link #install} runs
 * before the agent starts. A property the operator set with {@code -D} is left as it is.
 */
final class NativeLibraries {
  /**
   * Netty and netty-tcnative, sqlite-jdbc, zstd-jni, JNA, junixsocket: each library's
   * unpack-directory property.
   */
  static final List<String> PROPERTIES =
      List.of(
          "io.netty.native.workdir",
          "org.sqlite.tmpdir",
          "ZstdTempFolder",
          "jna.tmpdir",
          "org.newsclub.net.unix.library.tmpdir");

  private static final Set<PosixFilePermission> OWNER_ONLY =
      PosixFilePermissions.fromString("rwx------");

  private NativeLibraries() {}

  /**
   * Creates {@code <stateDir>/native} (owner only, also when it already exists), empties it of
   * files a killed agent left there, and points each unset property of {@link #PROPERTIES} at it.
   *
   * @return the directory
   * @throws IOException when the directory cannot be created or emptied
   */
  static Path install(Path stateDir, Properties properties) throws IOException {
    Path dir = stateDir.resolve("native");
    try {
      if (Files.isDirectory(dir)) {
        Files.setPosixFilePermissions(dir, OWNER_ONLY);
        // nothing of this process is loaded yet, and StateLock keeps other agents out
        try (DirectoryStream<Path> left = Files.newDirectoryStream(dir, Files::isRegularFile)) {
          for (Path f : left) {
            Files.deleteIfExists(f);
          }
        }
      } else {
        Files.createDirectories(
            stateDir); // as the agent creates it; only the library directory is private
        Files.createDirectory(dir, PosixFilePermissions.asFileAttribute(OWNER_ONLY));
      }
    } catch (IOException e) {
      // a file-system exception's message is often the bare path
      throw new IOException("cannot prepare " + dir + " for the native libraries: " + e, e);
    }
    String path = dir.toString();
    PROPERTIES.forEach(p -> properties.putIfAbsent(p, path));
    return dir;
  }
}
