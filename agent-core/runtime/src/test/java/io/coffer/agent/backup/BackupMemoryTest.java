package io.coffer.agent.backup;

import static io.coffer.agent.backup.TestStreams.compressible;
import static io.coffer.agent.backup.TestStreams.job;
import static io.coffer.agent.backup.TestStreams.newMasterKey;
import static io.coffer.agent.backup.TestStreams.sha256;
import static org.assertj.core.api.Assertions.assertThat;

import io.coffer.agent.storage.LocalDirectoryStorage;
import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.nio.file.Path;
import java.time.Clock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Memory stays flat whatever the backup size: the live heap (measured after GC at every progress
 * event) grows by less than a generous 32 MiB while 256 MiB stream through backup and restore.
 */
class BackupMemoryTest {
  static final long SIZE = 256L << 20;
  static final long BOUND = 32L << 20;

  @TempDir Path dir;

  @Test
  void aQuarterGibibyteStreamsThroughInFlatHeap() throws Exception {
    LocalDirectoryStorage storage = new LocalDirectoryStorage(dir);
    MasterKey master = newMasterKey("m");
    long baseline = liveHeap();
    long[] peak = {baseline};
    ProgressListener sampler = (raw, stored) -> peak[0] = Math.max(peak[0], liveHeap());

    new BackupPipeline(storage, master, Clock.systemUTC())
        .write(job("big"), compressible(SIZE, 7), sampler);
    long afterBackup = peak[0];
    try (InputStream in = new RestoreJob(storage, master).open("big", sampler)) {
      assertThat(sha256(in)).isEqualTo(sha256(compressible(SIZE, 7)));
    }

    System.out.printf(
        "heap after GC: baseline %.1f MiB, peak during backup +%.1f MiB, peak during restore +%.1f MiB (bound %d MiB, %d MiB streamed)%n",
        baseline / 1048576.0,
        (afterBackup - baseline) / 1048576.0,
        (peak[0] - baseline) / 1048576.0,
        BOUND >> 20,
        SIZE >> 20);
    assertThat(peak[0] - baseline).isLessThan(BOUND);
  }

  static long liveHeap() {
    MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
    for (int i = 0; i < 3; i++) {
      System.gc();
    }
    return memory.getHeapMemoryUsage().getUsed();
  }
}
