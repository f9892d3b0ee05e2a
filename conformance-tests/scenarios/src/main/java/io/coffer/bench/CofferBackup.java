package io.coffer.bench;

import com.google.protobuf.Timestamp;
import io.coffer.proto.v1.Backup;
import io.coffer.proto.v1.BackupState;
import io.coffer.proto.v1.BackupType;
import io.coffer.proto.v1.CreateBackupRequest;
import io.coffer.proto.v1.DeleteBackupRequest;
import io.coffer.proto.v1.GetBackupRequest;
import io.coffer.tck.Testbed;
import java.io.IOException;
import java.time.Duration;

/**
 * One full backup through the northbound API (CreateBackup, then GetBackup every 50 ms until it has
 * ended), to the testbed's local storage: zstd, then Tink AES-256-GCM streaming encryption,
 * SHA-256, fsync and rename. It starts right after a full collection in the agent (outside the
 * timed part). Meanwhile the agent's heap ({@link HeapSampler}) and RSS ({@link RssSampler}, and
 * the kernel's peak after a reset) are sampled, and the CPU of the agent, of the mariadb-backup it
 * runs and of mariadbd is counted.
 */
final class CofferBackup {
  /**
   * @param nanos from CreateBackup to the first GetBackup that saw it COMPLETED
   * @param pipelineNanos the manifest's started_at to finished_at: the agent streaming the tool's
   *     output to storage (without dispatch, the tool's version check and the polling)
   * @param peakRssKiB the kernel's peak RSS during the backup (VmHWM after a reset), or since the
   *     agent's start when {@code peakSinceStart}
   */
  record Run(
      String backupId,
      long nanos,
      long pipelineNanos,
      long rawBytes,
      long compressedBytes,
      long storedBytes,
      HeapSampler.Heap heap,
      long rssMaxKiB,
      long peakRssKiB,
      boolean peakSinceStart,
      long agentCpuMillis,
      long toolCpuMillis,
      long mariadbdCpuMillis) {}

  private static final Duration TIMEOUT = Duration.ofMinutes(60);

  private final Testbed bed;
  private final String instanceId;
  private final long agentPid;
  private final long mariadbdPid;

  CofferBackup(Testbed bed, String instanceId, long agentPid, long mariadbdPid) {
    this.bed = bed;
    this.instanceId = instanceId;
    this.agentPid = agentPid;
    this.mariadbdPid = mariadbdPid;
  }

  Run run() throws IOException, InterruptedException {
    HeapSampler.fullGc(agentPid); // the same start for every backup, whatever ran before
    Thread.sleep(1000); // and jcmd's CPU out of the way
    boolean peakReset = ProcStat.resetPeak(agentPid);
    try (HeapSampler heap = HeapSampler.start(agentPid)) {
      RssSampler rss = RssSampler.start(agentPid);
      long agentCpu = ProcStat.cpuMillis(agentPid);
      long toolCpu = ProcStat.childrenCpuMillis(agentPid);
      long serverCpu = ProcStat.cpuMillis(mariadbdPid);
      long start = System.nanoTime();
      Backup created =
          bed.backups()
              .createBackup(
                  CreateBackupRequest.newBuilder()
                      .setInstanceId(instanceId)
                      .setType(BackupType.BACKUP_TYPE_FULL)
                      .build());
      Backup done = await(created.getBackupId());
      long nanos = System.nanoTime() - start;
      agentCpu = ProcStat.cpuMillis(agentPid) - agentCpu;
      toolCpu = ProcStat.childrenCpuMillis(agentPid) - toolCpu;
      serverCpu = ProcStat.cpuMillis(mariadbdPid) - serverCpu;
      rss.close();
      long peak = ProcStat.peakRssKiB(agentPid);
      heap.close();
      if (done.getState() != BackupState.BACKUP_STATE_COMPLETED) {
        throw new IOException(
            "backup "
                + done.getBackupId()
                + " ended "
                + done.getState()
                + ": "
                + done.getErrorMessage());
      }
      var m = done.getManifest();
      return new Run(
          done.getBackupId(),
          nanos,
          between(m.getStartedAt(), m.getFinishedAt()),
          m.getRawBytes(),
          m.getCompressedBytes(),
          m.getStoredBytes(),
          heap.heap(),
          rss.maxKiB(),
          peak,
          !peakReset,
          agentCpu,
          toolCpu,
          serverCpu);
    }
  }

  /** Removes a measured backup from storage (through the API, as a user would). */
  void delete(String backupId) {
    bed.backups().deleteBackup(DeleteBackupRequest.newBuilder().setBackupId(backupId).build());
  }

  private Backup await(String backupId) throws InterruptedException, IOException {
    long end = System.nanoTime() + TIMEOUT.toNanos();
    while (System.nanoTime() < end) {
      Backup b =
          bed.backups().getBackup(GetBackupRequest.newBuilder().setBackupId(backupId).build());
      if (b.getState() == BackupState.BACKUP_STATE_COMPLETED
          || b.getState() == BackupState.BACKUP_STATE_FAILED) {
        return b;
      }
      Thread.sleep(50);
    }
    throw new IOException(
        "backup " + backupId + " did not end within " + TIMEOUT.toMinutes() + " min");
  }

  private static long between(Timestamp a, Timestamp b) {
    return (b.getSeconds() - a.getSeconds()) * 1_000_000_000L + (b.getNanos() - a.getNanos());
  }
}
