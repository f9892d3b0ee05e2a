package io.coffer.agent.supervision;

import io.coffer.spi.backup.ServerControl;
import java.time.Duration;

/** {@link ServerControl} for plugins: pauses and resumes the {@link ProcessSupervisor}. */
public final class SupervisedServer implements ServerControl {
  private final ProcessSupervisor supervisor;

  public SupervisedServer(ProcessSupervisor supervisor) {
    this.supervisor = supervisor;
  }

  @Override
  public void stop() {
    supervisor.pause();
  }

  @Override
  public void stopNow() {
    supervisor.pauseNow();
  }

  @Override
  public void start(Duration timeout) {
    supervisor.resume(timeout);
  }
}
