package io.coffer.control.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ControlConfigTest {
  @TempDir Path dir;

  @Test
  void oneEventLoopThreadByDefault() throws Exception {
    assertThat(load("home: " + dir + "\n").eventLoopThreads()).isEqualTo(1);
  }

  @Test
  void eventLoopThreadsCanBeRaised() throws Exception {
    assertThat(load("home: " + dir + "\neventLoopThreads: 4\n").eventLoopThreads()).isEqualTo(4);
  }

  @Test
  void eventLoopThreadsOutOfRangeAreRefusedByName() {
    assertThatThrownBy(() -> load("home: " + dir + "\neventLoopThreads: 0\n"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("eventLoopThreads must be between 1 and 64");
  }

  private ControlConfig load(String yaml) throws Exception {
    Path file = dir.resolve("control.yaml");
    Files.writeString(file, yaml);
    return ControlConfig.load(file);
  }
}
