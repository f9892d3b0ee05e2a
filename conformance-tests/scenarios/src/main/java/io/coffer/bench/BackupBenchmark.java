package io.coffer.bench;

import io.coffer.agent.backup.Compression;
import io.coffer.agent.config.AgentConfig;
import io.coffer.agent.config.AgentConfigLoader;
import io.coffer.agent.crypto.StreamKeys;
import io.coffer.tck.RootLogin;
import io.coffer.tck.Testbed;
import io.coffer.tck.process.AgentProcess;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.commons.io.file.PathUtils;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code bin/coffer-backup-bench}: one control and one agent, each in its own JVM (the agent with
 * its production heap cap), supervising a MariaDB. Loads a small database and takes Coffer backups
 * of it, then grows it to the large size and takes, alternately, raw {@code mariadb-backup
 * --stream=xbstream > /dev/null} runs and Coffer backups (zstd + AES-GCM to local storage); samples
 * the agent's heap and RSS during every Coffer backup; stops everything it started and prints one
 * table ({@link BackupReport}).
 */
@Command(
    name = "coffer-backup-bench",
    mixinStandardHelpOptions = true,
    description =
        "Benchmarks Coffer's physical MariaDB backup against raw mariadb-backup to /dev/null, and the agent's memory while it runs.")
public final class BackupBenchmark implements Callable<Integer> {
  private static final String INSTANCE = "bench-backup";

  @Spec CommandSpec spec;

  @Option(
      names = "--size",
      paramLabel = "MiB",
      description = "Data loaded for the large database (default: 1024, or 64 with --quick).")
  Integer size;

  @Option(
      names = "--small",
      paramLabel = "MiB",
      description = "Data loaded for the small database (default: 100, or 16 with --quick).")
  Integer small;

  @Option(
      names = "--quick",
      description = "Small databases, for a smoke run; the figures are not meaningful.")
  boolean quick;

  @Option(
      names = "--repeat",
      paramLabel = "N",
      description =
          "Runs of each side (alternating raw and Coffer); the table shows the best and the median (default: ${DEFAULT-VALUE}).")
  int repeat = 1;

  @Option(
      names = "--agent-launch",
      paramLabel = "MODE",
      description =
          "PRODUCTION: the agent jar and its own lib directory, as bin/coffer-agent runs it; HARNESS: the tests'"
              + " AgentProcess, on this JVM's classpath. Default: ${DEFAULT-VALUE}.")
  AgentLauncher.Mode agentLaunch = AgentLauncher.Mode.PRODUCTION;

  @Option(
      names = "--agent-jvm",
      paramLabel = "OPTIONS",
      description =
          "The agent's JVM options, space-separated (default: AgentProcess.JVM, \"${DEFAULT-VALUE}\").")
  String agentJvm = String.join(" ", AgentProcess.JVM);

  @Option(
      names = "--profile",
      description =
          "Also save one mariadb-backup stream and time the pipeline's stages (zstd, AES-GCM, SHA-256, no storage) over it"
              + " in a JVM with the agent's options, and again limited to C1 (-XX:TieredStopAtLevel=1).")
  boolean profile;

  @Option(
      names = "--no-peer",
      description =
          "Leave out the shell pipeline (mariadb-backup | zstd | openssl) and the restores.")
  boolean noPeer;

  @Option(
      names = "--keep",
      description =
          "Keep the work directory (logs, data, the backups taken) after a successful run too.")
  boolean keep;

  @Option(
      names = "--plugins-dir",
      paramLabel = "DIR",
      description = "Where the MySQL plugin zip is (default: ${DEFAULT-VALUE}).")
  Path pluginsDir =
      Path.of(System.getProperty("coffer.plugins.dir", "conformance-tests/target/plugins"));

  @Option(
      names = "--repo",
      paramLabel = "DIR",
      hidden = true,
      description = "The built source tree (for the agent's own classpath).")
  Path repo = Path.of(System.getProperty("coffer.bench.repo", "."));

  private Path mariadbd;
  private Path backupTool;

  public static void main(String[] args) {
    System.exit(new CommandLine(new BackupBenchmark()).execute(args));
  }

  @Override
  public Integer call() throws Exception {
    preflight();
    long smallBytes = (long) (small != null ? small : quick ? 16 : 100) << 20;
    long largeBytes = (long) (size != null ? size : quick ? 64 : 1024) << 20;
    if (smallBytes >= largeBytes) {
      throw new ParameterException(spec.commandLine(), "--small must be less than --size");
    }
    List<String> jvm = Stream.of(agentJvm.trim().split("\\s+")).filter(o -> !o.isEmpty()).toList();
    BackupReport report = new BackupReport();
    // mariadbd runs as the mysql user: it must be able to traverse the work directory
    Path work =
        Files.createTempDirectory(
            "coffer-backup-bench",
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-xr-x")));
    describeSetup(report, jvm, work);
    PeerRuns peer = null;
    try (Cleanup cleanup = new Cleanup().onShutdown()) {
      cleanup.add(() -> Leftovers.reap(work));
      Progress.log("starting the control (work directory " + work + ")");
      Testbed bed = cleanup.add(Testbed.startWithControlProcess(work).keepRoot());
      AgentLauncher agents =
          new AgentLauncher(
              bed,
              pluginsDir,
              work,
              cleanup,
              agentLaunch,
              jvm,
              repo.resolve("agent-core/runtime/target"));
      Progress.log("starting the agent and its MariaDB");
      AgentHandle agent = agents.launch(INSTANCE);
      bed.awaitHealthy(INSTANCE, Duration.ofSeconds(120));
      AgentConfig.Datastore datastore =
          AgentConfigLoader.load(work.resolve("agents").resolve(INSTANCE + ".yaml"), Map.of())
              .datastore();
      long mariadbdPid = mariadbdPid(agent, datastore.dataDir());
      RootLogin root = bed.enableRoot(INSTANCE);
      BenchData data = cleanup.add(new BenchData(datastore.port(), root.name(), root.password()));
      CofferBackup coffer = new CofferBackup(bed, INSTANCE, agent.pid(), mariadbdPid);
      RawBackup raw =
          new RawBackup(
              backupTool,
              datastore.runDir().resolve("mysqld.sock").toAbsolutePath(),
              datastore.dataDir().toAbsolutePath(),
              Files.createDirectories(work.resolve("raw")),
              work.resolve("logs"),
              mariadbdPid);
      report.setup.add(
          "raw tool: "
              + String.join(" ", raw.command(work.resolve("raw/N/tmp"), work.resolve("raw/N/lsn")))
              + " > /dev/null");

      Progress.log("data: loading the small database, " + BackupReport.mib(smallBytes));
      data.load(smallBytes);
      report.smallLoadedBytes = data.loadedBytes();
      prepare(data, datastore.dataDir());
      for (int i = 1; i <= repeat; i++) {
        report.small.add(logged(coffer, "small", i));
        deleteUnlessKept(coffer, report.small.get(report.small.size() - 1));
      }

      Progress.log("data: growing it to the large database, " + BackupReport.mib(largeBytes));
      data.load(largeBytes - data.loadedBytes());
      report.largeLoadedBytes = data.loadedBytes();
      prepare(data, datastore.dataDir());
      for (int i = 1; i <= repeat; i++) {
        Progress.log("raw: mariadb-backup > /dev/null, run " + i + " of " + repeat);
        RawBackup.Run r = raw.run();
        report.raw.add(r);
        Progress.log(
            String.format(
                Locale.ROOT,
                "raw: %.2f s (tool CPU %.1f s)",
                r.nanos() / 1e9,
                r.cpuMillis() / 1000.0));
        CofferBackup.Run c = logged(coffer, "large", i);
        report.large.add(c);
        deleteUnlessKept(coffer, c);
      }
      if (!noPeer) {
        peer = new PeerRuns(agents, bed, root, datastore, raw, mariadbd, work, repeat).run(coffer);
      }
      if (profile) {
        Path stream = work.resolve("profile.xbstream");
        Progress.log("profile: saving one mariadb-backup stream to " + stream);
        RawBackup.Run saved = raw.save(stream);
        Progress.log(
            String.format(
                Locale.ROOT,
                "profile: %,d bytes in %.2f s (Coffer's manifest counted %,d)",
                Files.size(stream),
                saved.nanos() / 1e9,
                report.large.get(report.large.size() - 1).rawBytes()));
        for (var config :
            List.of(
                Map.entry("agent's JVM options", jvm),
                Map.entry("limited to C1", PipelineProfile.withC1Only(jvm)))) {
          Progress.log("profile: pipeline stages, " + config.getKey());
          PipelineProfile.Result r =
              PipelineProfile.run(
                  config.getKey(),
                  config.getValue(),
                  stream,
                  work.resolve("logs/profile-" + report.profiles.size() + ".log"));
          Progress.log("profile: " + r.describe());
          report.profiles.add(r);
        }
        Files.delete(stream);
      }
      Progress.log("stopping the agent, MariaDB and the control");
    } catch (Exception e) {
      System.err.println("coffer-backup-bench: failed: " + e);
      e.printStackTrace();
      System.err.println("coffer-backup-bench: logs and data kept in " + work);
      return 1;
    }
    report.print(System.out);
    if (peer != null) {
      peer.print(System.out);
    }
    if (keep) {
      System.out.println("Work directory kept: " + work);
    } else {
      PathUtils.deleteDirectory(work);
    }
    return 0;
  }

  private CofferBackup.Run logged(CofferBackup coffer, String label, int i)
      throws IOException, InterruptedException {
    Progress.log("coffer: backup of the " + label + " database, run " + i + " of " + repeat);
    CofferBackup.Run r = coffer.run();
    Progress.log(
        String.format(
            Locale.ROOT,
            "coffer: %s, %.2f s, %d raw -> %d stored bytes; heap used max %d KiB, RSS max %d KiB",
            r.backupId(),
            r.nanos() / 1e9,
            r.rawBytes(),
            r.storedBytes(),
            r.heap().usedMaxKiB(),
            r.rssMaxKiB()));
    return r;
  }

  private void deleteUnlessKept(CofferBackup coffer, CofferBackup.Run r) {
    if (!keep) {
      coffer.delete(r.backupId());
    }
  }

  /**
   * Before measuring: InnoDB's dirty pages written (no background flushing during the runs), then
   * every file of the data directory read once, so that the first run does not pay for reading from
   * disk what later runs find in the page cache (InnoDB writes with O_DIRECT).
   */
  private static void prepare(BenchData data, Path dataDir) throws Exception {
    data.settle(120);
    long bytes = 0;
    byte[] buffer = new byte[1 << 20];
    try (Stream<Path> files = Files.walk(dataDir)) {
      for (Path f : files.filter(Files::isRegularFile).toList()) {
        try (InputStream in = Files.newInputStream(f)) {
          for (int n; (n = in.read(buffer)) >= 0; ) {
            bytes += n;
          }
        } catch (IOException e) {
          // a file that went away (a temporary table): nothing to warm
        }
      }
    }
    Progress.log("page cache: read the data directory, " + BackupReport.mib(bytes));
  }

  /** The mariadbd the agent supervises: the process whose command line names its data directory. */
  private static long mariadbdPid(AgentHandle agent, Path dataDir) throws IOException {
    String marker = dataDir.toAbsolutePath().toString();
    return Stream.concat(agent.process().descendants(), ProcessHandle.allProcesses())
        .filter(
            p ->
                p.info()
                    .command()
                    .map(c -> c.endsWith("mariadbd") || c.endsWith("mysqld"))
                    .orElse(false))
        .filter(p -> p.info().commandLine().map(c -> c.contains(marker)).orElse(true))
        .mapToLong(ProcessHandle::pid)
        .findFirst()
        .orElseThrow(() -> new IOException("no mariadbd found for " + dataDir));
  }

  /** Refuses to start (usage error) rather than failing halfway. */
  private void preflight() {
    if (repeat < 1 || (size != null && size < 2) || (small != null && small < 1)) {
      throw new ParameterException(
          spec.commandLine(), "--repeat and --small must be at least 1, --size at least 2");
    }
    pluginsDir = pluginsDir.toAbsolutePath();
    repo = repo.toAbsolutePath();
    if (agentLaunch == AgentLauncher.Mode.PRODUCTION) {
      try {
        AgentLauncher.runtimeJar(repo.resolve("agent-core/runtime/target"));
      } catch (IOException e) {
        throw new ParameterException(
            spec.commandLine(), e.getMessage() + " (or use --agent-launch HARNESS)");
      }
    }
    if (!Files.isRegularFile(pluginsDir.resolve("coffer-plugin-mysql.zip"))
        && !Files.isDirectory(pluginsDir.resolve("coffer-plugin-mysql"))) {
      throw new ParameterException(
          spec.commandLine(),
          "no MySQL plugin in " + pluginsDir + "; run ./mvnw -q install -DskipTests");
    }
    mariadbd =
        Stream.concat(
                Stream.of(System.getenv().getOrDefault("PATH", "").split(":")),
                Stream.of("/usr/sbin"))
            .filter(d -> !d.isEmpty())
            .map(d -> Path.of(d, "mariadbd"))
            .filter(Files::isExecutable)
            .findFirst()
            .orElseThrow(
                () ->
                    new ParameterException(
                        spec.commandLine(),
                        "mariadbd is not installed (apt-get install mariadb-server)"));
    try {
      backupTool = RawBackup.find(mariadbd);
    } catch (IOException e) {
      throw new ParameterException(spec.commandLine(), e.getMessage());
    }
    if (!Files.isExecutable(HeapSampler.jstat()) && HeapSampler.jstat().getParent() != null) {
      throw new ParameterException(
          spec.commandLine(),
          "no jstat next to "
              + ProcessHandle.current().info().command().orElse("java")
              + "; run with a JDK (JAVA_HOME), not a JRE");
    }
  }

  private void describeSetup(BackupReport report, List<String> jvm, Path work) {
    report.setup.add(
        String.format(
            "machine: %d CPUs shared by every process below, %s %s; java %s (%s)",
            Runtime.getRuntime().availableProcessors(),
            System.getProperty("os.name"),
            System.getProperty("os.version"),
            System.getProperty("java.version"),
            System.getProperty("java.vm.name")));
    report.setup.add(
        "agent: "
            + (agentLaunch == AgentLauncher.Mode.PRODUCTION
                ? "own classpath (as bin/coffer-agent)"
                : "harness classpath (AgentProcess)")
            + ", JVM options: "
            + String.join(" ", jvm));
    report.setup.add("MariaDB: " + version(mariadbd) + "; tool: " + version(backupTool));
    report.setup.add(
        "data: "
            + BenchData.DESCRIPTION
            + "; each side "
            + repeat
            + " run(s), raw and Coffer alternating;"
            + " dirty pages flushed and the data directory read into the page cache first");
    String fs;
    try {
      FileStore store = Files.getFileStore(work);
      fs = store.type() + " (" + store.name() + ")";
    } catch (IOException e) {
      fs = "?";
    }
    report.setup.add(
        "Coffer: full physical backup, zstd level "
            + Compression.DEFAULT.level()
            + " on "
            + Compression.DEFAULT.workers()
            + " zstd worker thread(s) + Tink "
            + StreamKeys.SCHEME
            + " + SHA-256, to local storage"
            + " on "
            + fs
            + " (fsync, rename); "
            + (keep ? "the backups are kept" : "each backup is deleted after its run"));
  }

  private static String version(Path program) {
    try {
      Process p =
          new ProcessBuilder(program.toString(), "--version").redirectErrorStream(true).start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
      p.waitFor(10, TimeUnit.SECONDS);
      return out.lines().findFirst().orElse(program.toString());
    } catch (IOException | InterruptedException e) {
      return program + " (version unknown: " + e + ")";
    }
  }
}
