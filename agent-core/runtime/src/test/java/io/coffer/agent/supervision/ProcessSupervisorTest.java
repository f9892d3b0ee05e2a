package io.coffer.agent.supervision;

import static org.assertj.core.api.Assertions.assertThat;

import io.coffer.spi.ProcessSpec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ProcessSupervisorTest {

  @TempDir Path dir;

  @Test
  void thePidIsOnThePidFilesFirstLine() throws Exception {
    Path single = Files.writeString(dir.resolve("mysqld.pid"), "4242\n");
    Path postmaster =
        Files.writeString(
            dir.resolve("postmaster.pid"),
            "5939\n/var/lib/postgresql/data\n1795334927\n5432\n/run/coffer\n127.0.0.1\n  1893823 6\nready   \n");
    assertThat(ProcessSupervisor.pidOf(single)).isEqualTo(4242);
    assertThat(ProcessSupervisor.pidOf(postmaster)).isEqualTo(5939);
  }

  @Test
  void aWrapperThatExecsTheServerIsRecognisedByTheProgramAfterTheSeparator() {
    assertThat(ProcessSupervisor.programs(List.of("/usr/sbin/mariadbd", "--no-defaults")))
        .containsExactly("mariadbd");
    assertThat(
            ProcessSupervisor.programs(
                List.of(
                    "/usr/bin/setpriv",
                    "--reuid=101",
                    "--",
                    "/usr/lib/postgresql/15/bin/postgres",
                    "-D",
                    "/data",
                    "-c",
                    "port=5432")))
        .containsExactly("setpriv", "postgres");
  }

  @Test
  void aSurvivorStartedThroughAWrapperIsAdoptedFromAMultiLinePidFile() throws Exception {
    // env execs sleep, as setpriv execs postgres: the pid file names the sleep, a survivor of a
    // killed agent
    Process survivor = new ProcessBuilder("sleep", "60").start();
    try {
      Path pidFile =
          Files.writeString(dir.resolve("server.pid"), survivor.pid() + "\nmore\nlines\n");
      ProcessSpec spec =
          new ProcessSpec(
              List.of("/usr/bin/env", "--", "sleep", "60"),
              Map.of(),
              dir,
              dir.resolve("server.log"),
              Duration.ofSeconds(5),
              pidFile);
      AtomicInteger prepared = new AtomicInteger();
      try (ProcessSupervisor supervisor =
          new ProcessSupervisor(
              "test", spec, prepared::incrementAndGet, timeout -> {}, Duration.ofSeconds(5))) {
        supervisor.start();
        supervisor.whenReady().block(Duration.ofSeconds(10));
        assertThat(supervisor.pid()).contains(survivor.pid());
        assertThat(prepared).as("adopted, not launched").hasValue(0);
      }
      assertThat(survivor.waitFor(10, TimeUnit.SECONDS)).as("stopped with the supervisor").isTrue();
    } finally {
      survivor.destroyForcibly();
    }
  }

  @Test
  void aServerStoppedWhileStartingStaysDownAtOnceAndStartsAgainOnResume() throws Exception {
    // a server that never gets ready (a Galera node waiting for a Primary component): pausing it
    // must stop it now, not after the readiness timeout, and keep it down until resumed
    ProcessSpec spec =
        new ProcessSpec(
            List.of("sleep", "600"),
            Map.of(),
            dir,
            dir.resolve("server.log"),
            Duration.ofSeconds(5),
            null);
    AtomicBoolean ready = new AtomicBoolean();
    AtomicInteger launched = new AtomicInteger();
    try (ProcessSupervisor supervisor =
        new ProcessSupervisor(
            "test",
            spec,
            launched::incrementAndGet,
            timeout -> {
              long deadline = System.nanoTime() + timeout.toNanos();
              while (!ready.get()) {
                if (System.nanoTime() > deadline) {
                  throw new IllegalStateException("not ready");
                }
                try {
                  Thread.sleep(50);
                } catch (InterruptedException e) {
                  throw new IllegalStateException("interrupted");
                }
              }
            },
            Duration.ofSeconds(120))) {
      supervisor.start();
      supervisor
          .states()
          .filter(st -> st == ProcessSupervisor.State.STARTING)
          .blockFirst(Duration.ofSeconds(5));
      Thread.sleep(300);
      long first = supervisor.pid().orElseThrow();
      long t0 = System.nanoTime();
      supervisor.pause();
      assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(20));
      assertThat(supervisor.state()).isEqualTo(ProcessSupervisor.State.STOPPED);
      assertThat(ProcessHandle.of(first).map(ProcessSupervisor::alive).orElse(false)).isFalse();
      Thread.sleep(1500);
      assertThat(launched).as("held down: not launched again").hasValue(1);
      ready.set(true);
      supervisor.resume(Duration.ofSeconds(10));
      assertThat(supervisor.state()).isEqualTo(ProcessSupervisor.State.READY);
      assertThat(launched).hasValue(2);
      assertThat(supervisor.pid().orElseThrow()).isNotEqualTo(first);
    }
  }
}
