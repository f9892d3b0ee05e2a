package io.coffer.plugin.kit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Real child processes: what a tool sees of the environment, its exit, its output and a kill. */
class ToolProcessTest {
  private static final ToolEnvironment PG = new ToolEnvironment("postgresql", List.of("PG"));
  private static final ProcessBuilder.Redirect NO_INPUT =
      ProcessBuilder.Redirect.from(new File("/dev/null"));

  @TempDir Path dir;

  @Test
  void theEnginesClientVariablesNeverReachTheTool() {
    ProcessBuilder b = new ProcessBuilder("env");
    b.environment().put("PGPASSWORD", "leaked");
    b.environment().put("PGHOST", "elsewhere");
    b.environment().put("LANG", "C.UTF-8");
    PG.scrub(b);
    assertThat(b.environment())
        .doesNotContainKeys("PGPASSWORD", "PGHOST")
        .containsEntry("LANG", "C.UTF-8");
  }

  @Test
  void aFailingToolIsReportedWithItsExitAndItsLastWords() {
    assertThatThrownBy(
            () ->
                new ToolRunner(dir, PG)
                    .run(
                        "probe-tool",
                        List.of("sh", "-c", "echo starting; echo 'no such table' >&2; exit 3"),
                        NO_INPUT,
                        Duration.ofSeconds(30)))
        .isInstanceOf(IOException.class)
        .hasMessageStartingWith("probe-tool failed (exit 3):")
        .hasMessageContaining("no such table");
  }

  @Test
  void dataOnStdoutStaysApartFromTheDiagnostics() throws Exception {
    ToolProcess tool =
        ToolProcess.start(
            "dump", List.of("sh", "-c", "printf data; echo warning >&2"), dir, NO_INPUT, true, PG);
    assertThat(new String(tool.stdout().readAllBytes(), StandardCharsets.US_ASCII))
        .isEqualTo("data");
    tool.check(Duration.ofSeconds(30));
    assertThat(tool.tail()).contains("warning");
  }

  @Test
  void closingTheRunnerKillsWhatStillRunsAndStartsNothingMore() throws Exception {
    ToolRunner runner = new ToolRunner(dir, PG);
    ToolProcess sleeper = runner.start("sleeper", List.of("sleep", "600"), NO_INPUT, false);
    long pid = sleeper.pid();
    runner.close();
    assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)).isFalse();
    assertThat(sleeper.failure(sleeper.await(Duration.ofSeconds(5))))
        .contains("was killed (cancelled)");
    assertThatThrownBy(() -> runner.start("late", List.of("true"), NO_INPUT, false))
        .hasMessageContaining("cancelled: late was not started");
  }
}
