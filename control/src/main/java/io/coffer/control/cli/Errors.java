package io.coffer.control.cli;

import io.coffer.control.config.HostPort;
import io.grpc.ConnectivityState;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.UnknownHostException;
import java.nio.channels.UnresolvedAddressException;
import java.util.Locale;
import javax.net.ssl.SSLException;

/** One-line descriptions of gRPC failures, with a hint where the cause is the connection. */
final class Errors {

  private Errors() {}

  /** {@code CODE: description}. */
  static String describe(Status status) {
    String description = status.getDescription();
    if (description == null || description.isBlank()) {
      description =
          status.getCause() != null ? String.valueOf(status.getCause().getMessage()) : "no details";
    }
    return status.getCode() + ": " + description;
  }

  /**
   * The failure of a call to the control at {@code target}.
   *
   * @param state the channel's state after the failure, telling whether it ever connected
   * @param commandId the idempotency key of a mutating call, or null
   * @param tls the files the connection was set up with, or null when unknown
   */
  static CliException of(
      StatusRuntimeException e,
      HostPort target,
      ConnectivityState state,
      String commandId,
      TlsFiles tls) {
    Status status = e.getStatus();
    int exitCode = ExitCodes.of(status.getCode());
    Throwable cause = rootCause(status.getCause());
    String message;
    boolean neverSent = false;
    if (status.getCode() == Status.Code.UNAVAILABLE && cause instanceof SSLException) {
      neverSent = true;
      message =
          "UNAVAILABLE: TLS with "
              + target
              + " failed: "
              + text(cause)
              + " ("
              + tlsHint(tls, target, cause)
              + ")";
    } else if (status.getCode() == Status.Code.UNAUTHENTICATED
        && tls != null
        && !tls.clientCertIssuedByCa()) {
      // TLS offers a client certificate only when its issuer is among the CAs the control asks
      // for, so one from another CA is silently left out and the call arrives anonymous
      neverSent = true;
      message =
          "UNAUTHENTICATED: the control refused this client's certificate "
              + tls.clientCert()
              + ": it is not issued by the CA in "
              + tls.caFile()
              + ", so TLS did not present it; issue one with 'coffer certs issue --client NAME' on"
              + " the control's CA, or use --token";
    } else if (status.getCode() == Status.Code.UNAVAILABLE && isConnectFailure(cause)) {
      neverSent = true;
      message =
          "UNAVAILABLE: cannot connect to "
              + target
              + " ("
              + text(cause)
              + "); is the control running at "
              + target
              + "?";
    } else if (status.getCode() == Status.Code.DEADLINE_EXCEEDED
        && (state == ConnectivityState.CONNECTING
            || state == ConnectivityState.TRANSIENT_FAILURE)) {
      message =
          "DEADLINE_EXCEEDED: no connection to "
              + target
              + " in time; is the control running at "
              + target
              + "?";
    } else {
      message = describe(status);
    }
    if (commandId != null
        && !neverSent) { // when never sent, there is nothing to retry idempotently
      if (retryable(status.getCode())) {
        message +=
            " (command-id "
                + commandId
                + "; retry with --command-id "
                + commandId
                + " to avoid applying it twice)";
      } else if (status.getCode() != Status.Code.INVALID_ARGUMENT) {
        message += " (command-id " + commandId + ")";
      }
    }
    return new CliException(exitCode, message, e);
  }

  /**
   * Which side is at fault. A client certificate the CA did not issue is refused by the control
   * (BoringSSL then reports only the control's alert, e.g. TLSV1_ALERT_INTERNAL_ERROR), so it is
   * checked here first; another alert is the control refusing too; anything else is the CLI not
   * trusting the control's certificate.
   */
  private static String tlsHint(TlsFiles tls, HostPort target, Throwable cause) {
    if (tls != null && !tls.clientCertIssuedByCa()) {
      return "the control refused this client's certificate "
          + tls.clientCert()
          + ": it is not issued by the CA in "
          + tls.caFile()
          + "; issue one with 'coffer certs issue --client NAME' on the control's CA, or use --token";
    }
    if (text(cause).toUpperCase(Locale.ROOT).contains("ALERT")) {
      return "the control ended the handshake: "
          + (tls != null && tls.clientCert() != null
              ? "it refused this client's certificate "
                  + tls.clientCert()
                  + " (expired or not yet valid?)"
              : "is it a Coffer control?");
    }
    return "is the control's certificate issued by the CA in --ca-file, and does it name "
        + target.host()
        + "?";
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
    while (current.getCause() != null
        && current.getCause() != current
        && !(current instanceof SSLException)
        && !isConnectFailure(current)) {
      current = current.getCause();
    }
    return current;
  }
}
