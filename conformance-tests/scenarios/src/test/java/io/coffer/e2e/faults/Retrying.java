package io.coffer.e2e.faults;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.time.Duration;
import java.util.function.Supplier;

/**
 * What a well-behaved caller does: retry with the SAME command id while the outcome is unknown
 * (control or agent unreachable, deadline), stop at the first definite answer.
 */
final class Retrying {
  private Retrying() {}

  /**
   * The call's outcome: empty string on success, else the status code name of a definite failure.
   */
  static String call(Supplier<?> call, Duration patience) throws InterruptedException {
    long end = System.nanoTime() + patience.toNanos();
    while (true) {
      try {
        call.get();
        return "";
      } catch (StatusRuntimeException e) {
        Status.Code code = e.getStatus().getCode();
        boolean unknownOutcome =
            code == Status.Code.UNAVAILABLE
                || code == Status.Code.DEADLINE_EXCEEDED
                || code == Status.Code.CANCELLED
                || code == Status.Code.RESOURCE_EXHAUSTED
                || code == Status.Code.UNKNOWN;
        if (!unknownOutcome) {
          return code.name();
        }
        if (System.nanoTime() > end) {
          return "GAVE_UP:" + code.name();
        }
        Thread.sleep(200);
      }
    }
  }
}
