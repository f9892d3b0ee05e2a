package io.coffer.e2e.guest;

import static org.assertj.core.api.Assertions.assertThat;

import io.coffer.e2e.guest.GuestLab.Guest;
import io.coffer.proto.v1.Backup;
import io.coffer.proto.v1.BackupSchedule;
import io.coffer.proto.v1.BackupState;
import io.coffer.proto.v1.CommandOptions;
import io.coffer.proto.v1.CreateUserRequest;
import io.coffer.proto.v1.GetBackupScheduleRequest;
import io.coffer.proto.v1.GetInstanceRequest;
import io.coffer.proto.v1.InstanceStatus;
import io.coffer.proto.v1.ListBackupsRequest;
import io.coffer.proto.v1.SetBackupScheduleRequest;
import io.coffer.spi.PluginApi;
import io.coffer.tck.BackupData;
import io.coffer.tck.DatastoreProvider;
import io.coffer.tck.RootLogin;
import io.coffer.tck.Testbed;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.Container.ExecResult;
import org.testcontainers.utility.MountableFile;

/**
 * An upgrade of the coffer-agent package on a running guest, as on a VM: the guest's agent (the
 * package its image was built with) serves commands and a backup schedule; then a newer package is
 * installed over it with dpkg, and the agent restarts on it. The state directory survives (the
 * agent reconnects with its certificate: its one-time token is spent), the job journal keeps the
 * commands served before, the data stay, the restarted agent reports the new version and its plugin
 * API, and the schedule goes on taking backups.
 *
 * <p>No earlier release of the package exists yet, so the newer package is this build relabelled
 * (Debian version {@code VERSION+next}, agent version {@code ...-next}); its maintainer scripts run
 * the upgrade path (prerm upgrade, postrm upgrade, postinst configure OLD-VERSION).
 */
class PackageUpgradeTest {
  private static final Path DEB =
      Path.of(System.getProperty("coffer.deb", "target/deb/coffer-image-builder.deb"));
  private static final String INSTANCE = "upgraded";

  @TempDir Path tmp;
  private GuestLab lab;

  @AfterEach
  void stop() throws Exception {
    if (lab != null) {
      lab.close();
    }
  }

  @Test
  void aNewerPackageKeepsTheStateTheJournalTheDataAndTheBackupSchedule() throws Exception {
    DatastoreProvider provider = GuestLab.provider("redis");
    lab = GuestLab.start(tmp, "redis", false, c -> c.withScheduleTick(Duration.ofSeconds(2)));
    Testbed bed = lab.bed();
    Guest guest = lab.startGuest("redis", INSTANCE);
    String before = status(bed).getAgentVersion();
    String installed = packageVersion(guest);

    bed.users()
        .createUser(
            CreateUserRequest.newBuilder()
                .setInstanceId(INSTANCE)
                .setName("app")
                .setPassword("Upgrade-pass-1")
                .setOptions(CommandOptions.newBuilder().setCommandId("user-before-upgrade"))
                .build());
    RootLogin root = bed.enableRoot(INSTANCE);
    Map<String, String> data;
    try (BackupData d = provider.backupData(guest.clientPort(), root.name(), root.password())) {
      d.load("0", 256 << 10);
      data = d.fingerprint();
    }
    bed.backups()
        .setBackupSchedule(
            SetBackupScheduleRequest.newBuilder()
                .setSchedule(
                    BackupSchedule.newBuilder().setInstanceId(INSTANCE).setFullCron("* * * * *"))
                .build());
    assertThat(journalState(guest, "user-before-upgrade")).isEqualTo("DONE");

    // the newer package, installed over the running agent's, then the agent restarted on it
    Path next = relabel(DEB, tmp.resolve("next"));
    guest.container().copyFileToContainer(MountableFile.forHostPath(next), "/tmp/next.deb");
    ExecResult upgrade =
        guest.container().execInContainerWithUser("root", "dpkg", "-i", "/tmp/next.deb");
    assertThat(upgrade.getExitCode()).as(upgrade.getStdout() + upgrade.getStderr()).isZero();
    assertThat(packageVersion(guest)).isEqualTo(installed + "+next");
    Instant restarted = Instant.now();
    DockerClientFactory.instance()
        .client()
        .restartContainerCmd(guest.container().getContainerId())
        .withTimeout(60)
        .exec();
    InstanceStatus after = awaitAgentVersion(bed, before + "-next");
    assertThat(after.getPluginApiVersion()).isEqualTo(PluginApi.VERSION);
    assertThat(after.getCertificateSerial())
        .as("no new enrollment: the state directory kept the key and certificate")
        .isNotEmpty();

    assertThat(journalState(guest, "user-before-upgrade")).isEqualTo("DONE");
    try (BackupData d = provider.backupData(guest.clientPort(), root.name(), root.password())) {
      assertThat(d.fingerprint()).isEqualTo(data);
    }
    assertThat(
            bed.backups()
                .getBackupSchedule(
                    GetBackupScheduleRequest.newBuilder().setInstanceId(INSTANCE).build())
                .getFullCron())
        .isEqualTo("* * * * *");
    Backup afterUpgrade = awaitScheduledBackup(bed, restarted);
    assertThat(afterUpgrade.getState()).isEqualTo(BackupState.BACKUP_STATE_COMPLETED);
  }

  private static InstanceStatus status(Testbed bed) {
    return bed.instances()
        .getInstance(GetInstanceRequest.newBuilder().setInstanceId(INSTANCE).build());
  }

  private static InstanceStatus awaitAgentVersion(Testbed bed, String version)
      throws InterruptedException {
    long end = System.nanoTime() + Duration.ofMinutes(3).toNanos();
    InstanceStatus s;
    do {
      s = status(bed);
      if (s.getAgentVersion().equals(version)
          && s.getState() == io.coffer.proto.v1.InstanceState.INSTANCE_STATE_CONNECTED
          && s.getHealth() == io.coffer.proto.v1.Health.HEALTH_HEALTHY) {
        return s;
      }
      Thread.sleep(500);
    } while (System.nanoTime() < end);
    throw new AssertionError("the restarted agent never reported version " + version + ": " + s);
  }

  /** A COMPLETED backup of the schedule's that started after {@code since}. */
  private static Backup awaitScheduledBackup(Testbed bed, Instant since)
      throws InterruptedException {
    long end = System.nanoTime() + Duration.ofMinutes(3).toNanos();
    List<Backup> seen;
    do {
      seen =
          bed.backups()
              .listBackups(ListBackupsRequest.newBuilder().setInstanceId(INSTANCE).build())
              .getBackupsList();
      for (Backup b : seen) {
        if (b.getState() == BackupState.BACKUP_STATE_COMPLETED
            && b.getCreated().getSeconds() >= since.getEpochSecond()) {
          return b;
        }
      }
      Thread.sleep(1000);
    } while (System.nanoTime() < end);
    throw new AssertionError("no scheduled backup completed after " + since + ": " + seen);
  }

  private static String packageVersion(Guest guest) throws Exception {
    ExecResult r =
        guest.container().execInContainer("dpkg-query", "-W", "-f", "${Version}", "coffer-agent");
    assertThat(r.getExitCode()).as(r.getStderr()).isZero();
    return r.getStdout().strip();
  }

  /** The job's state in the agent's journal, read from a copy of the journal's files. */
  private String journalState(Guest guest, String commandId) throws Exception {
    Path copy = Files.createTempDirectory(tmp, "journal");
    for (String f : List.of("journal.db", "journal.db-wal", "journal.db-shm")) {
      try {
        guest.container().copyFileFromContainer("/var/lib/coffer-agent/" + f, copy + "/" + f);
      } catch (RuntimeException e) {
        // no WAL or shared-memory file at this moment
      }
    }
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + copy.resolve("journal.db"));
        PreparedStatement ps = c.prepareStatement("SELECT state FROM jobs WHERE command_id = ?")) {
      ps.setString(1, commandId);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? rs.getString(1) : "ABSENT";
      }
    }
  }

  /**
   * This build's package relabelled as a newer one: Debian version {@code +next}, and the agent's
   * version {@code -next} in its runtime jar's manifest.
   */
  private static Path relabel(Path deb, Path work) throws Exception {
    Path tree = Files.createDirectories(work).resolve("tree");
    run("dpkg-deb", "-R", deb.toString(), tree.toString());
    Path control = tree.resolve("DEBIAN/control");
    Files.writeString(
        control, Files.readString(control).replaceFirst("(?m)^(Version: .+)$", "$1+next"));
    Path runtime;
    try (Stream<Path> jars = Files.list(tree.resolve("usr/lib/coffer-agent/lib"))) {
      runtime =
          jars.filter(p -> p.getFileName().toString().startsWith("coffer-agent-runtime-"))
              .findFirst()
              .orElseThrow();
    }
    String version;
    try (java.util.jar.JarFile jar = new java.util.jar.JarFile(runtime.toFile())) {
      version = jar.getManifest().getMainAttributes().getValue("Implementation-Version");
    }
    Path manifest = work.resolve("manifest.txt");
    Files.writeString(manifest, "Implementation-Version: " + version + "-next\n");
    run(
        Path.of(System.getProperty("java.home"), "bin", "jar").toString(),
        "ufm",
        runtime.toString(),
        manifest.toString());
    Path out = work.resolve("coffer-agent-next.deb");
    run("dpkg-deb", "--root-owner-group", "-b", tree.toString(), out.toString());
    return out;
  }

  private static void run(String... command) throws Exception {
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes());
    assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as(String.join(" ", command) + ": " + out).isZero();
  }
}
