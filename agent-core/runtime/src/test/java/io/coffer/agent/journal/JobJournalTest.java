package io.coffer.agent.journal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.rpc.Code;
import com.google.rpc.Status;
import io.coffer.proto.v1.Result;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JobJournalTest {
  @TempDir Path dir;

  static Result ok(String id) {
    return Result.newBuilder().setCommandId(id).setStatus(Status.newBuilder().setCode(0)).build();
  }

  @Test
  void aCommandIdBeginsOnceAndItsResultSurvivesReopening() throws Exception {
    try (JobJournal j = JobJournal.open(dir)) {
      assertThat(j.begin("c1", "create_database")).isTrue();
      assertThat(j.begin("c1", "create_database")).isFalse();
      j.finish("c1", ok("c1"));
    }
    try (JobJournal j = JobJournal.open(dir)) { // a restarted (or upgraded) agent
      JobJournal.Job job = j.find("c1").orElseThrow();
      assertThat(job.state()).isEqualTo(JobJournal.State.DONE);
      assertThat(job.result()).contains(ok("c1"));
      assertThat(j.unacknowledged()).containsExactly(ok("c1"));
      j.acknowledge("c1");
      assertThat(j.unacknowledged()).isEmpty();
    }
  }

  @Test
  void jobsInterruptedByARestartAreAbortedWithAReason() throws Exception {
    try (JobJournal j = JobJournal.open(dir)) {
      j.begin("c2", "create_user");
    }
    try (JobJournal j = JobJournal.open(dir)) {
      assertThat(j.abortInterrupted()).isEqualTo(1);
      Result r = j.find("c2").orElseThrow().result().orElseThrow();
      assertThat(r.getStatus().getCode()).isEqualTo(Code.ABORTED_VALUE);
      assertThat(r.getStatus().getMessage()).contains("restarted");
      assertThat(j.unacknowledged()).extracting(Result::getCommandId).containsExactly("c2");
      assertThat(j.abortInterrupted()).isZero();
    }
  }

  @Test
  void onlyAcknowledgedOldJobsArePruned() throws Exception {
    try (JobJournal j = JobJournal.open(dir)) {
      j.begin("acked", "noop");
      j.finish("acked", ok("acked"));
      j.acknowledge("acked");
      j.begin("unacked", "noop");
      j.finish("unacked", ok("unacked"));
      assertThat(j.prune(Instant.now().plusSeconds(1))).isEqualTo(1);
      assertThat(j.find("acked")).isEmpty();
      assertThat(j.find("unacked")).isPresent();
    }
  }

  @Test
  void theJournalIsPrivateAndItsFormatVersioned() throws Exception {
    JobJournal.open(dir).close();
    assertThat(
            PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("journal.db"))))
        .isEqualTo("rw-------");
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("journal.db"));
        Statement s = c.createStatement()) {
      assertThat(s.executeQuery("PRAGMA user_version").getInt(1)).isEqualTo(JobJournal.FORMAT);
      s.execute("PRAGMA user_version = " + (JobJournal.FORMAT + 1)); // written by a newer agent
    }
    assertThatThrownBy(() -> JobJournal.open(dir))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("downgraded");
  }
}
