package io.coffer.control.cli;

import io.coffer.control.config.HostPort;
import io.grpc.ConnectivityState;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.UnknownHostException;
import java.nio.channels.UnresolvedAddressException;
import javax.net.ssl.SSLException;

/** One-line descriptions of gRPC failures, with a hint where the cause is the connection. */
final class Errors {

  private Errors() {}

  /** {@code CODE: description}. */
  static String describe(Status status) {
    String description = status.getDescription();
    if (description == null || description.isBlank()) {
      description = status.getCause() != null ? String.valueOf(status.getCause().getMessage()) : "no details";
    }
    return status.getCode() + ": " + description;
  }

  /**
   * The failure of a call to the control at {@code target}.
   *
   * @param state the channel's state after the failure, telling whether it ever connected
   * @param commandId the idempotency key of a mutating call, or null
   */
  static CliException of(StatusRuntimeException e, HostPort target, ConnectivityState state, String commandId) {
    Status status = e.getStatus();
    int exitCode = ExitCodes.of(status.getCode());
    Throwable cause = rootCause(status.getCause());
    String message;
    boolean neverSent = false;
    if (status.getCode() == Status.Code.UNAVAILABLE && cause instanceof SSLException) {
      neverSent = true;
      message = "UNAVAILABLE: TLS with " + target + " failed: " + text(cause)
          + " (is the control's certificate issued by the CA in --ca-file, and does it name " + target.host() + "?)";
    } else if (status.getCode() == Status.Code.UNAVAILABLE && isConnectFailure(cause)) {
      neverSent = true;
      message = "UNAVAILABLE: cannot connect to " + target + " (" + text(cause)
          + "); is the control running at " + target + "?";
    } else if (status.getCode() == Status.Code.DEADLINE_EXCEEDED
        && (state == ConnectivityState.CONNECTING || state == ConnectivityState.TRANSIENT_FAILURE)) {
      message = "DEADLINE_EXCEEDED: no connection to " + target + " in time; is the control running at " + target + "?";
    } else {
      message = describe(status);
    }
    if (commandId != null && !neverSent) { // when never sent, there is nothing to retry idempotently
      if (retryable(status.getCode())) {
        message += " (command-id " + commandId + "; retry with --command-id " + commandId + " to avoid applying it twice)";
      } else if (status.getCode() != Status.Code.INVALID_ARGUMENT) {
        message += " (command-id " + commandId + ")";
      }
    }
    return new CliException(exitCode, message, e);
  }

  private static String text(Throwable t) {
    return t.getMessage() != null ? t.getMessage() : t.getClass().getSimpleName();
  }

  private static boolean retryable(Status.Code code) {
    return switch (code) {
      case UNAVAILABLE, DEADLINE_EXCEEDED, CANCELLED, UNKNOWN, INTERNAL, ABORTED -> true;
      default -> false;
    };
  }

  private static boolean isConnectFailure(Throwable cause) {
    return cause instanceof ConnectException
        || cause instanceof UnknownHostException
        || cause instanceof NoRouteToHostException
        || cause instanceof UnresolvedAddressException;
  }

  private static Throwable rootCause(Throwable t) {
    if (t == null) {
      return null;
    }
    Throwable current = t;
    while (current.getCause() != null && current.getCause() != current
        && !(current instanceof SSLException) && !isConnectFailure(current)) {
      current = current.getCause();
    }
    return current;
  }
}
