package io.coffer.bench;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.commons.io.file.PathUtils;

/**
 * The baseline: {@code mariadb-backup --backup --stream=xbstream > /dev/null}, with exactly the
 * arguments the MySQL plugin gives it (ToolCommands.backup: {@code --no-defaults}, the instance's
 * socket, {@code --user=root} through unix_socket, its data directory, a fresh target and
 * extra-lsndir directory), its environment cleaned the same way, stdin from /dev/null and stdout
 * discarded.
 */
final class RawBackup {
  /**
   * @param cpuMillis the tool's user + system CPU; mariadbdCpuMillis that of the server meanwhile
   */
  record Run(long nanos, long cpuMillis, long mariadbdCpuMillis) {}

  private final Path tool;
  private final Path socket;
  private final Path dataDir;
  private final Path scratch;
  private final Path logs;
  private final long mariadbdPid;
  private int runs;

  RawBackup(Path tool, Path socket, Path dataDir, Path scratch, Path logs, long mariadbdPid) {
    this.tool = tool;
    this.socket = socket;
    this.dataDir = dataDir;
    this.scratch = scratch;
    this.logs = logs;
    this.mariadbdPid = mariadbdPid;
  }

  /**
   * mariadb-backup (or mariabackup) next to mariadbd, on PATH, or in the Debian directories: the
   * plugin's search order.
   */
  static Path find(Path mariadbd) throws IOException {
    List<Path> dirs = new ArrayList<>();
    if (mariadbd != null) {
      dirs.add(mariadbd.getParent());
    }
    for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
      if (!dir.isEmpty() && Path.of(dir).isAbsolute()) {
        dirs.add(Path.of(dir));
      }
    }
    dirs.addAll(List.of(Path.of("/usr/bin"), Path.of("/usr/sbin"), Path.of("/bin")));
    for (String name : List.of("mariadb-backup", "mariabackup")) {
      for (Path dir : dirs) {
        Path candidate = dir.resolve(name);
        if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
          return candidate;
        }
      }
    }
    throw new IOException("mariadb-backup is not installed (apt-get install mariadb-backup)");
  }

  /** The mariadb-backup program. */
  Path tool() {
    return tool;
  }

  /** The command line, as the plugin builds it. */
  List<String> command(Path target, Path lsnDir) {
    return List.of(
        tool.toString(),
        "--no-defaults",
        "--backup",
        "--stream=xbstream",
        "--socket=" + socket,
        "--user=root",
        "--datadir=" + dataDir,
        "--target-dir=" + target.toAbsolutePath(),
        "--extra-lsndir=" + lsnDir.toAbsolutePath());
  }

  Run run() throws IOException, InterruptedException {
    return run(ProcessBuilder.Redirect.DISCARD);
  }

  /** One more run, its stream saved to {@code file} (for {@link PipelineProfile}). */
  Run save(Path file) throws IOException, InterruptedException {
    return run(ProcessBuilder.Redirect.to(file.toFile()));
  }

  private Run run(ProcessBuilder.Redirect stdout) throws IOException, InterruptedException {
    int n = ++runs;
    Path dir = scratch.resolve("raw-" + n);
    Path target = privateDir(dir.resolve("tmp"));
    Path lsnDir = privateDir(dir.resolve("lsn"));
    Path log = logs.resolve("raw-backup-" + n + ".log");
    Files.createDirectories(logs);
    ProcessBuilder builder =
        new ProcessBuilder(command(target, lsnDir))
            .directory(dir.toFile())
            .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
            .redirectOutput(stdout)
            .redirectError(log.toFile());
    builder.environment().keySet().removeIf(k -> k.startsWith("MYSQL") || k.startsWith("MARIADB"));
    long self = ProcessHandle.current().pid();
    long childCpuBefore = ProcStat.childrenCpuMillis(self);
    long serverCpuBefore = ProcStat.cpuMillis(mariadbdPid);
    long start = System.nanoTime();
    Process p = builder.start();
    try {
      if (!p.waitFor(60, TimeUnit.MINUTES)) {
        throw new IOException("mariadb-backup did not finish within 60 min; see " + log);
      }
    } finally {
      if (p.isAlive()) {
        p.destroyForcibly();
      }
    }
    long nanos = System.nanoTime() - start;
    long serverCpu = ProcStat.cpuMillis(mariadbdPid) - serverCpuBefore;
    if (p.exitValue() != 0) {
      throw new IOException("mariadb-backup failed (exit " + p.exitValue() + "): " + tail(log));
    }
    long cpu = ProcStat.childrenCpuMillis(self) - childCpuBefore;
    PathUtils.deleteDirectory(dir);
    return new Run(nanos, cpu, serverCpu);
  }

  private static Path privateDir(Path dir) throws IOException {
    Files.createDirectories(dir);
    Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
    return dir;
  }

  private static String tail(Path log) {
    try {
      List<String> lines = Files.readAllLines(log);
      return String.join("\n", lines.subList(Math.max(0, lines.size() - 10), lines.size()));
    } catch (IOException e) {
      return "(no log: " + e + ")";
    }
  }
}
