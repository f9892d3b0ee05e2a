package io.coffer.agent.storage;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * DirectWriter and DirectReader. The file holds exactly what was written, whatever the sizes of the
 * writes and of the file: on a file system with direct I/O (the temporary directory, ext4 here) and
 * on one without (tmpfs).
 */
class DirectWriterTest {
  @TempDir Path tmp;

  @Test
  void writesExactlyWhatItWasGivenWithAndWithoutDirectIo() throws Exception {
    Path shm = Path.of("/dev/shm");
    for (Path dir : Files.isDirectory(shm) ? new Path[] {tmp, shm} : new Path[] {tmp}) {
      for (int size : new int[] {0, 1, 4095, 4096, 100_000, 1 << 20, (3 << 20) + 17, 9 << 20}) {
        Path file = Files.createTempFile(dir, ".direct-writer-test", ".part");
        try {
          byte[] data = new byte[size];
          Random random = new Random(size);
          random.nextBytes(data);
          long length;
          try (DirectWriter writer = new DirectWriter(file, "test-writer")) {
            for (int off = 0; off < size; ) {
              int n = Math.min(size - off, 1 + random.nextInt(300_000)); // odd write sizes
              writer.write(data, off, n);
              off += n;
            }
            length = writer.finish();
          }
          assertThat(length).as("%s, %d bytes", dir, size).isEqualTo(size);
          assertThat(Files.readAllBytes(file)).as("%s, %d bytes", dir, size).isEqualTo(data);
          try (var in = DirectReader.open(file)) { // and read back the same way
            assertThat(in.readAllBytes()).as("read back %s, %d bytes", dir, size).isEqualTo(data);
          }
        } finally {
          Files.deleteIfExists(file);
        }
      }
    }
  }

  @Test
  void closingWithoutFinishingStopsTheWriterAndLeavesTheFileToTheCaller() throws Exception {
    Path file = Files.createTempFile(tmp, ".direct-writer-test", ".part");
    DirectWriter writer = new DirectWriter(file, "test-writer");
    writer.write(new byte[5 << 20], 0, 5 << 20);
    writer.close();
    writer.close(); // idempotent
    assertThat(Thread.getAllStackTraces().keySet())
        .noneMatch(t -> t.getName().equals("test-writer") && t.isAlive());
    assertThat(file).exists();
  }
}
