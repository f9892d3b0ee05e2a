package io.coffer.control.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.Timestamp;
import io.coffer.proto.v1.CommandState;
import io.coffer.proto.v1.CommandStatus;
import io.coffer.proto.v1.InstanceState;
import io.coffer.proto.v1.InstanceStatus;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class JobWatchTest {

  private static final long MIB = 1024 * 1024;
  private final StringWriter err = new StringWriter();
  private final AtomicLong nanos = new AtomicLong(1_000_000_000L);

  private static CommandStatus pending(long bytes, int percent) {
    return CommandStatus.newBuilder()
        .setState(CommandState.COMMAND_STATE_PENDING)
        .setProgressBytes(bytes)
        .setProgressPercent(percent)
        .build();
  }

  private void advance(Duration d) {
    nanos.addAndGet(d.toNanos());
  }

  @Test
  void onATerminalOneLineIsRewrittenInPlaceAndErased() {
    JobWatch progress = new JobWatch(new PrintWriter(err), true, "backup bk-1 of db-1", nanos::get);
    advance(Duration.ofSeconds(2));
    progress.update(null);
    advance(Duration.ofSeconds(1));
    progress.update(pending(12 * MIB + MIB / 4, 7));
    advance(Duration.ofSeconds(62));
    progress.update(pending(13 * MIB, -1));
    progress.clear();
    String first = "backup bk-1 of db-1: no progress reported yet (2s)";
    String second = "backup bk-1 of db-1: 12.3 MiB, 7% (3s)";
    String third = "backup bk-1 of db-1: 13.0 MiB (1m05s)";
    assertThat(err.toString())
        .isEqualTo(
            "\r"
                + first
                + "\r"
                + second
                + " ".repeat(first.length() - second.length())
                + "\r"
                + third
                + " ".repeat(second.length() - third.length())
                + "\r"
                + " ".repeat(third.length())
                + "\r");
    assertThat(err.toString()).doesNotContain("\n");
  }

  @Test
  void otherwiseALineEveryFiveSecondsAtMost() {
    JobWatch progress =
        new JobWatch(new PrintWriter(err), false, "restore of bk-1 into db-2", nanos::get);
    for (int i = 1; i <= 24; i++) { // 12 s of polls every 500 ms
      advance(JobWatch.POLL_INTERVAL);
      progress.update(pending(i * MIB, 4 * i));
    }
    progress.clear();
    assertThat(err.toString().lines())
        .containsExactly(
            "restore of bk-1 into db-2: 10.0 MiB, 40% (5s)",
            "restore of bk-1 into db-2: 20.0 MiB, 80% (10s)");
  }

  @Test
  void progressIsKnownWhilePendingWithBytesOrPercent() {
    assertThat(JobWatch.known(pending(1, -1))).isTrue();
    assertThat(JobWatch.known(pending(0, 5))).isTrue();
    assertThat(JobWatch.known(pending(0, -1))).isFalse();
    assertThat(JobWatch.known(pending(0, 0))).isFalse();
    assertThat(
            JobWatch.known(
                pending(5, 50).toBuilder().setState(CommandState.COMMAND_STATE_SUCCEEDED).build()))
        .isFalse();
    assertThat(JobWatch.describe(0, 0)).isEqualTo("0.0 MiB, 0%");
    assertThat(JobWatch.describe(MIB, 100)).isEqualTo("1.0 MiB, 100%");
  }

  @Test
  void sizesAndDurationsForHumans() {
    assertThat(Output.bytes(0)).isEqualTo("0 B");
    assertThat(Output.bytes(1023)).isEqualTo("1023 B");
    assertThat(Output.bytes(1536)).isEqualTo("1.5 KiB");
    assertThat(Output.bytes(301 * MIB)).isEqualTo("301.0 MiB");
    assertThat(Output.bytes(5L * 1024 * 1024 * MIB)).isEqualTo("5.0 TiB");
    assertThat(Output.mib(0)).isEqualTo("0.0 MiB");
    assertThat(Output.duration(Duration.ofMillis(850))).isEqualTo("850ms");
    assertThat(Output.duration(Duration.ofSeconds(42))).isEqualTo("42s");
    assertThat(Output.duration(Duration.ofSeconds(185))).isEqualTo("3m05s");
    assertThat(Output.duration(Duration.ofMinutes(127))).isEqualTo("2h07m");
    assertThat(Output.duration(Duration.ofHours(76))).isEqualTo("3d04h");
  }

  @Test
  void whileTheAgentIsUnreachableItSaysSoAndSinceWhen() {
    JobWatch progress =
        new JobWatch(new PrintWriter(err), false, "backup bk-1 of db-1", nanos::get);
    InstanceStatus gone =
        InstanceStatus.newBuilder()
            .setInstanceId("db-1")
            .setState(InstanceState.INSTANCE_STATE_UNREACHABLE)
            .setLastHeartbeat(
                Timestamp.newBuilder()
                    .setSeconds(Instant.parse("2026-12-07T10:15:30Z").getEpochSecond()))
            .build();
    advance(Duration.ofSeconds(5));
    progress.update(pending(12 * MIB, 7), gone, Instant.parse("2026-12-07T10:18:30Z"));
    InstanceStatus back = gone.toBuilder().setState(InstanceState.INSTANCE_STATE_CONNECTED).build();
    advance(Duration.ofSeconds(5));
    progress.update(pending(13 * MIB, 8), back, Instant.parse("2026-12-07T10:18:35Z"));
    assertThat(err.toString().lines())
        .containsExactly(
            "backup bk-1 of db-1: the agent of db-1 is unreachable since 2026-12-07T10:15:30Z (3m ago); waiting for it to"
                + " come back (5s)",
            "backup bk-1 of db-1: 13.0 MiB, 8% (10s)");
  }
}
