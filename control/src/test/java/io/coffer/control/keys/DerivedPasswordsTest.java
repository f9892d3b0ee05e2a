package io.coffer.control.replication;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReplicationPasswordsTest {
  @TempDir Path state;

  @Test
  void aSourceGetsTheSamePasswordEveryTimeAndAcrossRestartsOthersADifferentOne() throws IOException {
    ReplicationPasswords first = ReplicationPasswords.open(state);
    String a = first.forSource("db-1");
    assertThat(a).hasSize(32).matches("[A-Za-z0-9_-]+");
    assertThat(first.forSource("db-1")).isEqualTo(a);
    assertThat(first.forSource("db-2")).isNotEqualTo(a);
    assertThat(ReplicationPasswords.open(state).forSource("db-1")).as("after a control restart").isEqualTo(a);
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(state.resolve(ReplicationPasswords.FILE))))
        .isEqualTo("rw-------");
  }

  @Test
  void anotherKeyDerivesOtherPasswords(@TempDir Path other) throws IOException {
    assertThat(ReplicationPasswords.open(other).forSource("db-1"))
        .isNotEqualTo(ReplicationPasswords.open(state).forSource("db-1"));
  }

  @Test
  void aDamagedKeyFileIsAClearError() throws IOException {
    Files.writeString(state.resolve(ReplicationPasswords.FILE), "not a keyset");
    assertThatThrownBy(() -> ReplicationPasswords.open(state)).isInstanceOf(IOException.class)
        .hasMessageContaining("replication-key.tink is not a Tink PRF keyset");
  }
}
