package io.coffer.bench;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.commons.io.file.PathUtils;

/**
 * The peer Coffer's MariaDB backup and restore are measured against: the shell pipeline an operator
 * would write with the same tools, doing the same work (compression at level 1 on both cores,
 * encryption, a SHA-256 of what is stored, the same mariadb-backup command as the plugin's):
 *
 * <pre>
 * backup:  mariadb-backup --backup --stream=xbstream ... | zstd -1 -T2 | openssl enc -aes-256-ctr
 *            | tee file | openssl dgst -sha256
 * restore: openssl enc -d -aes-256-ctr < file | zstd -d | mbstream -x -C data
 *          mariadb-backup --prepare --use-memory=(the server's buffer pool) --target-dir=data
 *          mariadbd on data, until a write commits
 * </pre>
 *
 * The key is a random 256-bit passphrase in a file of the work directory ({@code -pbkdf2}).
 */
final class ShellPipelinePeer {
  private final RawBackup raw;
  private final Path home;
  private final Path mariadbd;
  private final Path client;
  private final String bufferPool;
  private final Path key;
  private int runs;

  ShellPipelinePeer(RawBackup raw, Path home, Path mariadbd, String bufferPool) throws IOException {
    for (String tool : List.of("zstd", "openssl", "mbstream", "mariadb")) {
      if (!onPath(tool)) {
        throw new IOException(
            tool
                + " is not installed (Debian: zstd, openssl, mariadb-backup; bin/prerequisites"
                + " bench)");
      }
    }
    this.raw = raw;
    this.home = Files.createDirectories(home);
    this.mariadbd = mariadbd;
    this.client = which("mariadb");
    this.bufferPool = bufferPool;
    this.key = home.resolve("key");
    byte[] pass = new byte[32];
    new SecureRandom().nextBytes(pass);
    Files.writeString(key, HexFormat.of().formatHex(pass) + "\n");
  }

  /** One backup to {@code home/backup.zst.enc}; returns its wall time in nanoseconds. */
  long backup() throws IOException, InterruptedException {
    int n = ++runs;
    Path scratch = Files.createDirectories(home.resolve("scratch-" + n));
    Path out = home.resolve("backup.zst.enc");
    String script =
        "set -euo pipefail\n"
            + quote(raw.command(scratch.resolve("tmp"), scratch.resolve("lsn")))
            + " | zstd -1 -T2 -q | openssl enc -aes-256-ctr -pbkdf2 -pass file:"
            + quote(key.toString())
            + " | tee "
            + quote(out.toString())
            + " | openssl dgst -sha256 > "
            + quote(home.resolve("backup.sha256").toString())
            + "\n";
    Files.createDirectories(scratch.resolve("tmp"));
    Files.createDirectories(scratch.resolve("lsn"));
    long start = System.nanoTime();
    bash(script, home.resolve("backup-" + n + ".log"));
    long nanos = System.nanoTime() - start;
    PathUtils.deleteDirectory(scratch);
    return nanos;
  }

  /**
   * Restores the last backup into a new data directory and starts a server on it; returns the
   * nanoseconds from the start of the decryption until a write committed. The server is stopped and
   * its files deleted afterwards.
   */
  long restore() throws IOException, InterruptedException {
    int n = runs;
    Path dir = home.resolve("restore-" + n);
    Path data = Files.createDirectories(dir.resolve("data"));
    Path socket = dir.resolve("mysqld.sock");
    PgBackupBenchmark.settleMemory();
    long start = System.nanoTime();
    bash(
        "set -euo pipefail\nopenssl enc -d -aes-256-ctr -pbkdf2 -pass file:"
            + quote(key.toString())
            + " < "
            + quote(home.resolve("backup.zst.enc").toString())
            + " | zstd -d -q | mbstream -x -C "
            + quote(data.toString())
            + "\n"
            + quote(
                List.of(
                    raw.tool().toString(),
                    "--no-defaults",
                    "--prepare",
                    "--use-memory=" + bufferPool,
                    "--target-dir=" + data))
            + "\nchown -R mysql:mysql "
            + quote(dir.toString())
            + "\n",
        home.resolve("restore-" + n + ".log"));
    Process server =
        new ProcessBuilder(
                mariadbd.toString(),
                "--no-defaults",
                "--user=mysql",
                "--datadir=" + data,
                "--socket=" + socket,
                "--pid-file=" + dir.resolve("mysqld.pid"),
                "--skip-networking",
                "--innodb-buffer-pool-size=" + bufferPool)
            .redirectErrorStream(true)
            .redirectOutput(dir.resolve("mariadbd.log").toFile())
            .start();
    try {
      awaitWrite(server, socket);
      return System.nanoTime() - start;
    } finally {
      server.destroy(); // SIGTERM: a clean shutdown
      server.waitFor(60, TimeUnit.SECONDS);
      server.destroyForcibly();
      PathUtils.deleteDirectory(dir);
    }
  }

  private void awaitWrite(Process server, Path socket) throws IOException, InterruptedException {
    long end = System.nanoTime() + TimeUnit.MINUTES.toNanos(10);
    while (System.nanoTime() < end) {
      if (!server.isAlive()) {
        throw new IOException("the restored mariadbd exited; see " + home);
      }
      Process p =
          new ProcessBuilder(
                  client.toString(),
                  "--no-defaults",
                  "--socket=" + socket,
                  "--user=root",
                  "--execute=CREATE DATABASE IF NOT EXISTS bench_write;"
                      + " CREATE TABLE IF NOT EXISTS bench_write.t (at TIMESTAMP(6));"
                      + " INSERT INTO bench_write.t VALUES (NOW(6))")
              .redirectErrorStream(true)
              .redirectOutput(ProcessBuilder.Redirect.DISCARD)
              .start();
      if (p.waitFor() == 0) {
        return;
      }
      Thread.sleep(20);
    }
    throw new IOException("the restored mariadbd accepted no write within 10 min");
  }

  private static void bash(String script, Path log) throws IOException, InterruptedException {
    Process p =
        new ProcessBuilder("bash", "-c", script)
            .redirectErrorStream(true)
            .redirectOutput(log.toFile())
            .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
            .start();
    if (!p.waitFor(60, TimeUnit.MINUTES) || p.exitValue() != 0) {
      p.destroyForcibly();
      throw new IOException("shell pipeline failed: " + Files.readString(log).strip());
    }
  }

  /** Single-quoted for bash: these are the benchmark's own paths and the plugin's arguments. */
  private static String quote(List<String> words) {
    List<String> quoted = new ArrayList<>();
    for (String w : words) {
      quoted.add(quote(w));
    }
    return String.join(" ", quoted);
  }

  private static String quote(String word) {
    return "'" + word.replace("'", "'\\''") + "'";
  }

  private static boolean onPath(String tool) {
    return which(tool) != null;
  }

  private static Path which(String tool) {
    for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin:/bin").split(":")) {
      if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, tool))) {
        return Path.of(dir, tool);
      }
    }
    return null;
  }
}
