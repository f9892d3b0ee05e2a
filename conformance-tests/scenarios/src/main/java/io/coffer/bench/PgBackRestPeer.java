package io.coffer.bench;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.commons.io.file.PathUtils;

/**
 * The peer Coffer is measured against: pgBackRest (Debian's {@code pgbackrest}) backing up and
 * restoring a second PostgreSQL 15 cluster that holds the same data as the agent's, cloned from it
 * with {@code pg_basebackup} once the data are settled. Configured as the issue asks: {@code
 * compress-type=zst}, level 1, {@code repo1-cipher-type=aes-256-cbc}, {@code process-max=2}, a
 * local repository, WAL archived by {@code archive-push} (<a
 * href="https://pgbackrest.org/configuration.html">pgBackRest configuration</a>).
 *
 * <p>The cluster runs as the {@code postgres} OS account with its own socket directory and port;
 * pgBackRest runs as that account too (it reads the data directory itself). A restore stops the
 * cluster, empties its data directory, runs {@code pgbackrest restore} (recovery to the end of the
 * archived WAL, then promotion) and starts the cluster again; it ends at the first committed write.
 */
final class PgBackRestPeer implements AutoCloseable {
  private static final String BIN = "/usr/lib/postgresql/15/bin/";
  private static final String STANZA = "bench";
  private static final String OS_USER = "postgres";

  private final Path home;
  private final Path data;
  private final Path run;
  private final Path repo;
  private final Path config;
  private final int port;
  private final String role;
  private Process server;

  private PgBackRestPeer(Path home, int port, String role) {
    this.home = home;
    this.data = home.resolve("data");
    this.run = home.resolve("run");
    this.repo = home.resolve("repo");
    this.config = home.resolve("pgbackrest.conf");
    this.port = port;
    this.role = role;
  }

  /**
   * Clones the agent's cluster (through its socket, as the agent's admin role, the way the plugin
   * connects) into {@code home/data}, starts it on {@code port} and creates the stanza.
   */
  static PgBackRestPeer cloneOf(Path home, Path sourceSocketDir, int sourcePort, int port)
      throws IOException, InterruptedException {
    if (!Files.isExecutable(Path.of("/usr/bin/pgbackrest"))) {
      throw new IOException(
          "pgbackrest is not installed (Debian: apt-get install pgbackrest, or bin/prerequisites"
              + " bench)");
    }
    PgBackRestPeer peer = new PgBackRestPeer(home, port, "coffer_admin");
    Files.createDirectories(home);
    Path log = home.resolve("log");
    Files.createDirectories(log);
    Files.createDirectories(peer.run);
    Files.createDirectories(peer.repo);
    exec(
        List.of(
            BIN + "pg_basebackup",
            "--host=" + sourceSocketDir,
            "--port=" + sourcePort,
            "--username=" + peer.role,
            "--no-password",
            "--pgdata=" + peer.data,
            "--wal-method=stream",
            "--checkpoint=fast"),
        log.resolve("clone.log"));
    // bench only: the socket is in a directory of this run that only postgres can enter
    Files.writeString(home.resolve("hba.conf"), "local all all trust\n");
    byte[] pass = new byte[32];
    new SecureRandom().nextBytes(pass);
    Files.writeString(
        peer.config,
        String.join(
            "\n",
            "[global]",
            "repo1-path=" + peer.repo,
            "repo1-cipher-type=aes-256-cbc",
            "repo1-cipher-pass=" + HexFormat.of().formatHex(pass),
            "repo1-retention-full=2",
            "compress-type=zst",
            "compress-level=1",
            "process-max=2",
            "start-fast=y",
            "log-level-console=warn",
            "log-level-file=info",
            "log-path=" + log,
            "lock-path=" + home.resolve("lock"),
            "",
            "[" + STANZA + "]",
            "pg1-path=" + peer.data,
            "pg1-port=" + port,
            "pg1-socket-path=" + peer.run,
            "pg1-user=" + peer.role,
            ""));
    exec(
        List.of("chown", "-R", OS_USER + ":" + OS_USER, home.toString()), log.resolve("chown.log"));
    exec(List.of("chmod", "0700", peer.data.toString(), home.toString()), log.resolve("chown.log"));
    peer.start();
    peer.awaitWritable();
    peer.pgbackrest("stanza-create");
    return peer;
  }

  /** A full backup; returns its wall time in nanoseconds. */
  long backup() throws IOException, InterruptedException {
    long start = System.nanoTime();
    pgbackrest("--type=full", "backup");
    return System.nanoTime() - start;
  }

  /** Bytes of the latest full backup in the repository (its label ends in F), WAL aside. */
  long latestBackupBytes() throws IOException {
    Path latest;
    try (Stream<Path> sets = Files.list(repo.resolve("backup").resolve(STANZA))) {
      latest =
          sets.filter(p -> p.getFileName().toString().endsWith("F"))
              .max(Comparator.comparing(p -> p.getFileName().toString()))
              .orElseThrow(() -> new IOException("no full backup in " + repo));
    }
    try (Stream<Path> files = Files.walk(latest)) {
      return files.filter(Files::isRegularFile).mapToLong(p -> p.toFile().length()).sum();
    }
  }

  /**
   * Restores the latest backup into the emptied data directory and starts the cluster; returns the
   * nanoseconds from {@code pgbackrest restore} until a write committed on the promoted server.
   */
  long restore() throws IOException, InterruptedException {
    stop();
    try (Stream<Path> children = Files.list(data)) {
      for (Path child : children.toList()) {
        PathUtils.delete(child); // (cleanDirectory would leave the subdirectories)
      }
    }
    PgBackupBenchmark.settleMemory();
    long start = System.nanoTime();
    pgbackrest("restore");
    start();
    awaitWritable();
    return System.nanoTime() - start;
  }

  private void start() throws IOException {
    List<String> command = new ArrayList<>(List.of("runuser", "-u", OS_USER, "--"));
    command.addAll(
        List.of(
            BIN + "postgres",
            "-D",
            data.toString(),
            "-c",
            "port=" + port,
            "-c",
            "listen_addresses=",
            "-c",
            "unix_socket_directories=" + run,
            "-c",
            "hba_file=" + home.resolve("hba.conf"),
            "-c",
            "shared_buffers=256MB",
            "-c",
            "wal_level=replica",
            "-c",
            "archive_mode=on",
            "-c",
            "archive_command=pgbackrest --config="
                + config
                + " --stanza="
                + STANZA
                + " archive-push %p",
            "-c",
            "logging_collector=off"));
    server =
        new ProcessBuilder(command)
            .redirectErrorStream(true)
            .redirectOutput(
                ProcessBuilder.Redirect.appendTo(home.resolve("log/postgres.log").toFile()))
            .start();
  }

  /** Polls (every 20 ms) until a write commits: the server is up, recovered and promoted. */
  private void awaitWritable() throws IOException, InterruptedException {
    long end = System.nanoTime() + TimeUnit.MINUTES.toNanos(10);
    while (System.nanoTime() < end) {
      if (!server.isAlive()) {
        throw new IOException(
            "the pgBackRest peer's PostgreSQL exited; see " + home.resolve("log/postgres.log"));
      }
      Process p =
          new ProcessBuilder(
                  "runuser",
                  "-u",
                  OS_USER,
                  "--",
                  BIN + "psql",
                  "--no-psqlrc",
                  "--quiet",
                  "--host=" + run,
                  "--port=" + port,
                  "--username=" + role,
                  "--dbname=postgres",
                  "--set=ON_ERROR_STOP=1",
                  "--command=CREATE TABLE IF NOT EXISTS bench_write (at timestamptz);"
                      + " INSERT INTO bench_write VALUES (now())")
              .redirectErrorStream(true)
              .redirectOutput(ProcessBuilder.Redirect.DISCARD)
              .start();
      if (p.waitFor() == 0) {
        return;
      }
      Thread.sleep(20);
    }
    throw new IOException("the pgBackRest peer's PostgreSQL accepted no write within 10 min");
  }

  private void stop() throws IOException, InterruptedException {
    if (server == null || !server.isAlive()) {
      return;
    }
    exec(
        List.of(
            "runuser",
            "-u",
            OS_USER,
            "--",
            BIN + "pg_ctl",
            "-D",
            data.toString(),
            "-m",
            "fast",
            "-w",
            "stop"),
        home.resolve("log/pg_ctl.log"));
    server.waitFor(60, TimeUnit.SECONDS);
  }

  private void pgbackrest(String... args) throws IOException, InterruptedException {
    List<String> command =
        new ArrayList<>(
            List.of(
                "runuser",
                "-u",
                OS_USER,
                "--",
                "pgbackrest",
                "--config=" + config,
                "--stanza=" + STANZA));
    command.addAll(List.of(args));
    exec(command, home.resolve("log/pgbackrest-" + args[args.length - 1] + ".out"));
  }

  private static void exec(List<String> command, Path log)
      throws IOException, InterruptedException {
    Process p =
        new ProcessBuilder(command)
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
            .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
            .start();
    if (!p.waitFor(60, TimeUnit.MINUTES) || p.exitValue() != 0) {
      p.destroyForcibly();
      throw new IOException(
          String.join(" ", command.subList(0, Math.min(6, command.size())))
              + " failed: "
              + Files.readString(log, StandardCharsets.UTF_8).strip());
    }
  }

  @Override
  public void close() throws IOException, InterruptedException {
    stop();
  }
}
