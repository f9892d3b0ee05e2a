package io.coffer.plugin.kit;

import java.io.File;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** A tool's version for a backup's manifest, from its {@code --version} output. */
public final class ToolVersion {
  private static final Duration TIMEOUT = Duration.ofSeconds(30);

  private ToolVersion() {}

  /**
   * Runs {@code command} (the tool's version command: no shell, stdin from /dev/null) and parses
   * its output.
   *
   * @throws IOException when the tool cannot run or fails within 30 s
   */
  public static String of(
      String name, List<String> command, Path workingDir, ToolEnvironment env, Pattern version)
      throws IOException {
    ToolProcess tool =
        ToolProcess.start(
            name,
            command,
            workingDir,
            ProcessBuilder.Redirect.from(new File("/dev/null")),
            false,
            env);
    tool.check(TIMEOUT);
    return parse(tool.tail(), version);
  }

  /**
   * The version in {@code output}: the first match of {@code version} (its group 1 when it has a
   * group), else the output's first line.
   */
  public static String parse(String output, Pattern version) {
    Matcher m = version.matcher(output);
    if (m.find()) {
      return m.groupCount() > 0 ? m.group(1) : m.group();
    }
    String trimmed = output.strip();
    int eol = trimmed.indexOf('\n');
    return eol < 0 ? trimmed : trimmed.substring(0, eol);
  }
}
