package io.coffer.bench;

import java.nio.file.Path;
import java.time.Instant;

/**
 * A running agent, however it was launched (see {@link AgentLauncher}): what the phases need of it.
 *
 * @param spawnedAtNanos System.nanoTime() right before the spawn
 * @param spawnedAt the same instant by the wall clock, to line it up with the agent's log
 */
record AgentHandle(
    String instanceId,
    ProcessHandle process,
    Path log,
    AutoCloseable stopper,
    long spawnedAtNanos,
    Instant spawnedAt)
    implements AutoCloseable {

  long pid() {
    return process.pid();
  }

  boolean alive() {
    return process.isAlive();
  }

  /** SIGTERM and wait (SIGKILL after 30 s): the agent stops its MariaDB on the way out. */
  @Override
  public void close() throws Exception {
    stopper.close();
  }
}
