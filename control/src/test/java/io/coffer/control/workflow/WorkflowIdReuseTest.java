package io.coffer.control.workflow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.coffer.control.workflow.WorkflowDefinition.Named;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import reactor.core.publisher.Mono;

/** A workflow id is the key of one request, kept across control restarts. */
class WorkflowIdReuseTest {
  @TempDir Path dir;
  final AtomicInteger prepared = new AtomicInteger();

  private WorkflowRunner runner(WorkflowStore store) {
    WorkflowRunner runner = new WorkflowRunner(store, Clock.systemUTC());
    runner.define(
        new WorkflowDefinition("promote", List.of(new Named("done", w -> Mono.just(Map.of())))));
    runner.define(
        new WorkflowDefinition("eject", List.of(new Named("done", w -> Mono.just(Map.of())))));
    return runner;
  }

  private Map<String, String> prepare(Map<String, String> derived) {
    prepared.incrementAndGet();
    return derived;
  }

  @Test
  void aRetryReturnsTheWorkflowWithoutCheckingAgainAndOtherRequestsAreRefused() throws Exception {
    try (WorkflowStore store = WorkflowStore.open(dir)) {
      WorkflowRunner runner = runner(store);
      Workflow first =
          runner
              .start(
                  "wf-1",
                  "promote",
                  Map.of("replica", "db2"),
                  () -> prepare(Map.of("source", "db1")))
              .block(Duration.ofSeconds(10));
      assertThat(first.params()).containsEntry("replica", "db2").containsEntry("source", "db1");

      // after the switchover db2 is no longer a replica: a retry must not be checked against that
      Workflow retry =
          runner
              .start(
                  "wf-1",
                  "promote",
                  Map.of("replica", "db2"),
                  () -> {
                    throw Status.FAILED_PRECONDITION
                        .withDescription("db2 is not a replica")
                        .asRuntimeException();
                  })
              .block(Duration.ofSeconds(10));
      assertThat(retry.id()).isEqualTo("wf-1");
      assertThat(prepared).hasValue(1);

      StatusRuntimeException other =
          catchThrowableOfType(
              StatusRuntimeException.class,
              () ->
                  runner
                      .start("wf-1", "promote", Map.of("replica", "db3"), () -> prepare(Map.of()))
                      .block(Duration.ofSeconds(10)));
      assertThat(other.getStatus().getCode()).isEqualTo(Status.Code.ALREADY_EXISTS);
      assertThat(other.getStatus().getDescription())
          .contains("'wf-1'", "different request", "replica=db2");
      assertThat(
              catchThrowableOfType(
                      StatusRuntimeException.class,
                      () ->
                          runner
                              .start(
                                  "wf-1",
                                  "eject",
                                  Map.of("replica", "db2"),
                                  () -> prepare(Map.of()))
                              .block(Duration.ofSeconds(10)))
                  .getStatus()
                  .getCode())
          .isEqualTo(Status.Code.ALREADY_EXISTS);
      assertThat(prepared).hasValue(1);
    }
    try (WorkflowStore store =
        WorkflowStore.open(dir)) { // a restarted control remembers the request
      assertThat(
              catchThrowableOfType(
                      StatusRuntimeException.class,
                      () ->
                          runner(store)
                              .start(
                                  "wf-1",
                                  "promote",
                                  Map.of("replica", "db3"),
                                  () -> prepare(Map.of()))
                              .block(Duration.ofSeconds(10)))
                  .getStatus()
                  .getCode())
          .isEqualTo(Status.Code.ALREADY_EXISTS);
    }
  }
}
