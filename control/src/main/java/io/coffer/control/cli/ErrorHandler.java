package io.coffer.control.cli;

import io.coffer.control.ca.CertificateAuthorityException;
import io.coffer.control.config.ConfigException;
import io.grpc.StatusRuntimeException;
import java.io.PrintWriter;
import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.IExecutionExceptionHandler;
import picocli.CommandLine.IParameterExceptionHandler;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;
import picocli.CommandLine.UnmatchedArgumentException;

/**
 * Turns every failure into one line on stderr, {@code coffer: MESSAGE}, and an exit code. A stack
 * trace is printed only when the environment variable {@code COFFER_DEBUG} is set.
 */
final class ErrorHandler implements IParameterExceptionHandler, IExecutionExceptionHandler {

  @Override
  public int handleParseException(ParameterException ex, String[] args) {
    CommandLine commandLine = ex.getCommandLine();
    StringBuilder line = new StringBuilder("coffer: ").append(oneLine(ex.getMessage()));
    if (ex instanceof UnmatchedArgumentException unmatched) {
      List<String> suggestions = unmatched.getSuggestions();
      if (!suggestions.isEmpty()) {
        line.append(" (did you mean ")
            .append(String.join(" or ", suggestions.subList(0, Math.min(3, suggestions.size()))))
            .append("?)");
      }
    }
    line.append(" (see '").append(commandLine.getCommandSpec().qualifiedName()).append(" --help')");
    PrintWriter err = commandLine.getErr();
    err.println(line);
    debug(ex, err);
    err.flush();
    return ExitCodes.USAGE;
  }

  @Override
  public int handleExecutionException(
      Exception ex, CommandLine commandLine, ParseResult parseResult) {
    PrintWriter err = commandLine.getErr();
    int code;
    String message;
    if (ex instanceof CliException cli) {
      code = cli.exitCode();
      message = cli.getMessage();
    } else if (ex instanceof StatusRuntimeException status) {
      code = ExitCodes.of(status.getStatus().getCode());
      message = Errors.describe(status.getStatus());
    } else if (ex instanceof CertificateAuthorityException) {
      code = ExitCodes.FAILURE;
      message = ex.getMessage();
    } else if (ex instanceof ConfigException || ex instanceof IllegalArgumentException) {
      code = ExitCodes.USAGE;
      message = ex.getMessage();
    } else if (ex instanceof ParameterException parameter) {
      return handleParseException(
          parameter,
          parseResult == null ? new String[0] : parseResult.originalArgs().toArray(String[]::new));
    } else {
      code = ExitCodes.FAILURE;
      message = "internal error: " + ex + " (set COFFER_DEBUG=1 for details)";
    }
    err.println("coffer: " + oneLine(message));
    debug(ex, err);
    err.flush();
    return code;
  }

  static String oneLine(String message) {
    if (message == null || message.isBlank()) {
      return "failed";
    }
    return message.strip().replaceAll("\\s*\\R\\s*", "; ");
  }

  private static void debug(Exception ex, PrintWriter err) {
    String debug = System.getenv("COFFER_DEBUG");
    if (debug != null && !debug.isBlank() && !debug.equals("0")) {
      ex.printStackTrace(err);
    }
  }
}
