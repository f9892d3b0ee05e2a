package io.coffer.control.cli;

import io.grpc.Status;

/** Process exit codes of {@code coffer}. */
final class ExitCodes {
  static final int OK = 0;

  /** Anything not covered below. */
  static final int FAILURE = 1;

  /** A usage error (picocli's own code), or INVALID_ARGUMENT from the control. */
  static final int USAGE = 2;

  static final int NOT_FOUND = 3;
  static final int ALREADY_EXISTS = 4;

  /** UNAVAILABLE or DEADLINE_EXCEEDED: the control or the agent could not be reached in time. */
  static final int UNAVAILABLE = 5;

  private ExitCodes() {}

  static int of(Status.Code code) {
    return switch (code) {
      case OK -> OK;
      case INVALID_ARGUMENT -> USAGE;
      case NOT_FOUND -> NOT_FOUND;
      case ALREADY_EXISTS -> ALREADY_EXISTS;
      case UNAVAILABLE, DEADLINE_EXCEEDED -> UNAVAILABLE;
      default -> FAILURE;
    };
  }
}
