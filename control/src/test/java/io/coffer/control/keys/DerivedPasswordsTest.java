package io.coffer.control.keys;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DerivedPasswordsTest {
  @TempDir Path state;

  @Test
  void aSourceGetsTheSamePasswordEveryTimeAndAcrossRestartsOthersADifferentOne()
      throws IOException {
    DerivedPasswords first = DerivedPasswords.open(state);
    String a = first.replication("db-1");
    assertThat(a).hasSize(32).matches("[A-Za-z0-9_-]+");
    assertThat(first.replication("db-1")).isEqualTo(a);
    assertThat(first.replication("db-2")).isNotEqualTo(a);
    assertThat(DerivedPasswords.open(state).replication("db-1"))
        .as("after a control restart")
        .isEqualTo(a);
    assertThat(
            PosixFilePermissions.toString(
                Files.getPosixFilePermissions(state.resolve(DerivedPasswords.FILE))))
        .isEqualTo("rw-------");
  }

  @Test
  void aClusterWorkflowGetsItsOwnPasswordAgainAfterARestartAndNoReplicationPassword()
      throws IOException {
    DerivedPasswords passwords = DerivedPasswords.open(state);
    String wf = passwords.cluster("wf-1");
    assertThat(wf)
        .hasSize(32)
        .isNotEqualTo(passwords.cluster("wf-2"))
        .isNotEqualTo(passwords.replication("wf-1"));
    assertThat(DerivedPasswords.open(state).cluster("wf-1"))
        .as("after a control restart")
        .isEqualTo(wf);
  }

  @Test
  void anotherKeyDerivesOtherPasswords(@TempDir Path other) throws IOException {
    assertThat(DerivedPasswords.open(other).replication("db-1"))
        .isNotEqualTo(DerivedPasswords.open(state).replication("db-1"));
  }

  @Test
  void aDamagedKeyFileIsAClearError() throws IOException {
    Files.writeString(state.resolve(DerivedPasswords.FILE), "not a keyset");
    assertThatThrownBy(() -> DerivedPasswords.open(state))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("replication-key.tink is not a Tink PRF keyset");
  }
}
