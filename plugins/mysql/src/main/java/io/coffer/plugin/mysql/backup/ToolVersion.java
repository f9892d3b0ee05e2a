package io.coffer.plugin.mysql.backup;

import io.coffer.plugin.kit.ToolProcess;
import io.coffer.plugin.mysql.Tools;
import java.io.File;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A tool's version for the manifest, from its {@code --version} output, e.g. "mariadb-backup based
 * on MariaDB server 10.11.19-MariaDB debian-linux-gnu (x86_64)" or "mariadb-dump Ver 10.19 Distrib
 * 10.11.19-MariaDB, for debian-linux-gnu (x86_64)" both give "10.11.19-MariaDB".
 */
final class ToolVersion {

  private static final Duration TIMEOUT = Duration.ofSeconds(30);
  private static final Pattern VERSION = Pattern.compile("\\d+\\.\\d+\\.\\d+-MariaDB");

  private ToolVersion() {}

  static String of(ToolCommands commands, Program program, Path workingDir) throws IOException {
    ToolProcess tool = ToolProcess.start(program.displayName(), commands.version(program), workingDir,
        ProcessBuilder.Redirect.from(new File("/dev/null")), false, Tools.ENV);
    tool.check(TIMEOUT);
    return parse(tool.tail());
  }

  /** The MariaDB version in {@code output}, else its first line. */
  static String parse(String output) {
    Matcher m = VERSION.matcher(output);
    if (m.find()) {
      return m.group();
    }
    String trimmed = output.strip();
    int eol = trimmed.indexOf('\n');
    return eol < 0 ? trimmed : trimmed.substring(0, eol);
  }
}
