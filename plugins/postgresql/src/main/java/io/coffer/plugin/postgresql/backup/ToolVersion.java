package io.coffer.plugin.postgresql.backup;

import io.coffer.plugin.kit.ToolProcess;
import io.coffer.plugin.postgresql.Tools;
import java.io.File;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A tool's version for the manifest, from its {@code --version} output: "pg_basebackup
 * (PostgreSQL) 15.18 (Debian 15.18-0+deb12u1)" gives "15.18".
 */
final class ToolVersion {

  private static final Duration TIMEOUT = Duration.ofSeconds(30);
  private static final Pattern VERSION = Pattern.compile("\\(PostgreSQL\\) (\\d+(?:\\.\\d+)*)");

  private ToolVersion() {}

  static String of(ToolCommands commands, Program program, Path workingDir) throws IOException {
    ToolProcess tool = ToolProcess.start(program.displayName(), commands.version(program), workingDir,
        ProcessBuilder.Redirect.from(new File("/dev/null")), false, Tools.ENV);
    tool.check(TIMEOUT);
    return parse(tool.tail());
  }

  /** The PostgreSQL version in {@code output}, else its first line. */
  static String parse(String output) {
    Matcher m = VERSION.matcher(output);
    if (m.find()) {
      return m.group(1);
    }
    String trimmed = output.strip();
    int eol = trimmed.indexOf('\n');
    return eol < 0 ? trimmed : trimmed.substring(0, eol);
  }
}
