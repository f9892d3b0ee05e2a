package io.coffer.control.cli;

import java.io.ByteArrayOutputStream;
import java.io.Console;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import picocli.CommandLine.Option;

/**
 * Where a new password comes from: a file, standard input, the command line, or a prompt when
 * running in a terminal. At most one of the options (an exclusive picocli argument group).
 */
final class PasswordOptions {

  /** Upper bound of what is read from a file or stdin; passwords are short. */
  private static final int MAX_BYTES = 64 * 1024;

  @Option(
      names = "--password-file",
      paramLabel = "FILE",
      description = "Read the password from the first line of FILE.")
  Path file;

  @Option(
      names = "--password-stdin",
      description = "Read the password from standard input (one trailing newline is removed).")
  boolean stdin;

  @Option(
      names = "--password",
      paramLabel = "PASSWORD",
      description =
          "The password itself. Risky: visible to other users in ps and kept in shell history; "
              + "prefer --password-file or --password-stdin.")
  String value;

  /**
   * The password from {@code options} (null when none was given): from the file, stdin or the
   * argument, else from a prompt on the console, else a usage error.
   */
  static String read(PasswordOptions options, InputStream in, String prompt) {
    String password;
    if (options != null && options.file != null) {
      password = firstLine(readFile(options.file));
    } else if (options != null && options.stdin) {
      password = stripNewline(readStdin(in));
    } else if (options != null && options.value != null) {
      password = options.value;
    } else {
      password = prompt(prompt);
    }
    if (password.isEmpty()) {
      throw new CliException(ExitCodes.USAGE, "the password is empty");
    }
    return password;
  }

  private static String prompt(String prompt) {
    Console console = System.console();
    if (console == null) {
      throw new CliException(
          ExitCodes.USAGE,
          "no password given: use --password-file FILE or --password-stdin (or run in a terminal to be prompted)");
    }
    char[] first = console.readPassword("%s: ", prompt);
    char[] second = first == null ? null : console.readPassword("Again: ");
    try {
      if (first == null || second == null) {
        throw new CliException(ExitCodes.USAGE, "no password given");
      }
      if (!Arrays.equals(first, second)) {
        throw new CliException(ExitCodes.USAGE, "the passwords do not match");
      }
      return new String(first);
    } finally {
      if (first != null) {
        Arrays.fill(first, '\0');
      }
      if (second != null) {
        Arrays.fill(second, '\0');
      }
    }
  }

  private static String readFile(Path file) {
    try {
      if (Files.size(file) > MAX_BYTES) {
        throw new CliException(
            ExitCodes.USAGE, "password file " + file + " is larger than " + MAX_BYTES + " bytes");
      }
      return Files.readString(file, StandardCharsets.UTF_8);
    } catch (NoSuchFileException e) {
      throw new CliException(ExitCodes.USAGE, "password file " + file + " does not exist");
    } catch (AccessDeniedException e) {
      throw new CliException(
          ExitCodes.USAGE, "password file " + file + " is not readable (permission denied)");
    } catch (IOException e) {
      throw new CliException(
          ExitCodes.FAILURE, "cannot read password file " + file + ": " + e.getMessage());
    }
  }

  private static String readStdin(InputStream in) {
    try {
      ByteArrayOutputStream bytes = new ByteArrayOutputStream();
      byte[] buffer = new byte[4096];
      int n;
      while ((n = in.read(buffer)) >= 0) {
        bytes.write(buffer, 0, n);
        if (bytes.size() > MAX_BYTES) {
          throw new CliException(
              ExitCodes.USAGE, "more than " + MAX_BYTES + " bytes on standard input");
        }
      }
      return bytes.toString(StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new CliException(
          ExitCodes.FAILURE, "cannot read the password from standard input: " + e.getMessage());
    }
  }

  private static String firstLine(String text) {
    int newline = text.indexOf('\n');
    return stripNewline(newline < 0 ? text : text.substring(0, newline + 1));
  }

  private static String stripNewline(String text) {
    if (text.endsWith("\r\n")) {
      return text.substring(0, text.length() - 2);
    }
    if (text.endsWith("\n")) {
      return text.substring(0, text.length() - 1);
    }
    return text;
  }
}
