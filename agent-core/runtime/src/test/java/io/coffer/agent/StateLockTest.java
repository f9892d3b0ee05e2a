package io.coffer.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.channels.FileLock;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StateLockTest {
  @TempDir Path state;

  @Test
  void aSecondAgentOnTheSameDirectoryIsRefusedAfterItsWait() throws Exception {
    try (FileLock first = StateLock.acquire(state, Duration.ZERO)) {
      assertThat(first.isValid()).isTrue();
      assertThatThrownBy(() -> StateLock.acquire(state, Duration.ofMillis(300)))
          .isInstanceOf(IOException.class)
          .hasMessageContaining("another agent is running on the state directory " + state);
    }
  }

  @Test
  void anAgentWaitsForItsPredecessorToExit() throws Exception {
    FileLock first = StateLock.acquire(state, Duration.ZERO);
    CompletableFuture<FileLock> second =
        CompletableFuture.supplyAsync(
            () -> {
              try {
                return StateLock.acquire(state, Duration.ofSeconds(10));
              } catch (Exception e) {
                throw new IllegalStateException(e);
              }
            });
    Thread.sleep(300);
    assertThat(second).isNotDone();

    first.channel().close(); // the predecessor exits

    try (FileLock taken = second.get(5, TimeUnit.SECONDS)) {
      assertThat(taken.isValid()).isTrue();
    }
  }
}
