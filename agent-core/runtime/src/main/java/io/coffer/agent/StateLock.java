package io.coffer.agent;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One agent per state directory: the agent holds an exclusive lock on {@code <stateDir>/agent.lock}
 * for as long as it runs (the kernel drops it when the process ends, SIGKILL included). A second
 * agent on the same directory would share the job journal and empty the native library directory
 * under the first. An agent that finds the lock taken waits a while, for a predecessor that is
 * still stopping (a service manager's quick restart), then gives up.
 */
final class StateLock {
  static final String FILE = "agent.lock";
  private static final Logger log = LoggerFactory.getLogger(StateLock.class);

  private StateLock() {}

  /**
   * @return the lock, held until this process exits (keep a reference: the channel closing would
   *     release it)
   * @throws IOException when another process still holds it after {@code wait}, or the file cannot
   *     be opened
   */
  static FileLock acquire(Path stateDir, Duration wait) throws IOException, InterruptedException {
    Files.createDirectories(stateDir);
    Path file = stateDir.resolve(FILE);
    FileChannel channel =
        FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
    try {
      return await(channel, wait, file);
    } catch (IOException | InterruptedException | RuntimeException e) {
      channel.close(); // not locked: nothing to hold on to
      throw e;
    }
  }

  private static FileLock await(FileChannel channel, Duration wait, Path file)
      throws IOException, InterruptedException {
    long deadline = System.nanoTime() + wait.toNanos();
    boolean said = false;
    while (true) {
      FileLock lock;
      try {
        lock = channel.tryLock();
      } catch (OverlappingFileLockException e) {
        lock = null; // held in this very JVM
      }
      if (lock != null) {
        return lock;
      }
      if (System.nanoTime() - deadline >= 0) {
        throw new IOException(
            "another agent is running on the state directory "
                + file.getParent()
                + " (it holds "
                + file
                + ")");
      }
      if (!said) {
        log.info("waiting up to {} s for the agent that holds {} to exit", wait.toSeconds(), file);
        said = true;
      }
      Thread.sleep(100);
    }
  }
}
